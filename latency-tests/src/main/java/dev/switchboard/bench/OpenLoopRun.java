package dev.switchboard.bench;

import org.HdrHistogram.Histogram;
import org.agrona.DirectBuffer;

import java.util.List;
import java.util.concurrent.TimeUnit;

import static java.nio.ByteOrder.LITTLE_ENDIAN;

/**
 * Open-loop 1:1 traffic at a fixed rate over pairs of logged-in connections: message k is due at
 * {@code start + k / rate}, goes from one side of pair {@code k % pairs} to the other (directions alternate each
 * round) and carries its due time in the payload. Latency is taken from the due time, not the actual send, so a
 * stalled sender or server shows up in the figures (coordinated omission corrected). The warm-up runs the very code
 * the measured period runs, recording into histograms of its own that are thrown away: a branch first taken when
 * measuring starts would make the JIT recompile the load loop inside the window, on the load generator's CPU, and the
 * load generator's own stall would count as the server's latency. The server's and the load's CPU are sampled as the
 * measured period opens and closes, and so is the time the loop spent in turns that did something: the load
 * generator polls without blocking, so its CPU is a whole core at any rate and only that share tells how near it
 * ran to its limit.
 */
final class OpenLoopRun implements LoadListener, OpenLoopCounts
{
    private final List<LoadConnection> sides;
    private final int pairs;
    private final long rate;
    private final int payloadLength;
    private final Histogram sentAck;
    private final Histogram sendLag;
    // Indexed by isMeasured(dueNs): [0] the warm-up's, thrown away, [1] the measured period's.
    private final Histogram[] deliverBy;
    private final Histogram[] sentAckBy;
    private final Histogram[] sendLagBy;
    private final CpuMeter cpu;
    private ServerServiceTimes serverServiceTimes = ServerServiceTimes.NONE;
    private LateTimeline lateTimeline;
    private long lateBoundNs = TimeUnit.MILLISECONDS.toNanos(1);
    private LoadPoller poller;
    private long runStartNs;
    private long measureStartNs;
    private long measureEndNs;
    private long sent;
    private long measuredSent;
    private long delivered;
    private long measuredDelivered;
    private long lost;
    /** Time the loop spent in turns that sent or read something: its CPU says nothing, as it polls without blocking. */
    private long busyNs;

    /**
     * @param sides connections in pairs: {@code sides[2i]} and {@code sides[2i + 1]} talk to each other.
     */
    OpenLoopRun(
        final List<LoadConnection> sides,
        final long rate,
        final int payloadLength,
        final Histogram deliver,
        final Histogram sentAck,
        final CpuMeter cpu)
    {
        this(sides, rate, payloadLength, deliver, sentAck, BenchResult.newHistogram(), cpu);
    }

    /**
     * @param sendLag how late the load generator itself put each measured message on the wire after its due time:
     *                a stall of the load generator shows here, one of the server does not.
     */
    OpenLoopRun(
        final List<LoadConnection> sides,
        final long rate,
        final int payloadLength,
        final Histogram deliver,
        final Histogram sentAck,
        final Histogram sendLag,
        final CpuMeter cpu)
    {
        this.sendLag = sendLag;
        this.cpu = cpu;
        this.sides = sides;
        this.pairs = sides.size() / 2;
        this.rate = rate;
        this.payloadLength = payloadLength;
        this.sentAck = sentAck;
        this.deliverBy = new Histogram[] { BenchResult.newHistogram(), deliver };
        this.sentAckBy = new Histogram[] { BenchResult.newHistogram(), sentAck };
        this.sendLagBy = new Histogram[] { BenchResult.newHistogram(), sendLag };
    }

    /**
     * Run the warm-up and the measured period, then wait (up to 10 s) for messages still in flight.
     */
    void run(final LoadPoller poller, final long warmupNs, final long durationNs)
    {
        this.poller = poller;
        runStartNs = System.nanoTime();
        measureStartNs = runStartNs + warmupNs;
        measureEndNs = measureStartNs + durationNs;
        lateTimeline = new LateTimeline(lateBoundNs, measureStartNs, durationNs);
        // Reading the server's histograms takes the loop away for milliseconds: halfway through the warm-up, so that
        // no measured message waits for it (they then include the warm-up's second half).
        final long serverSnapshotNs = runStartNs + warmupNs / 2;
        long k = runUntil(serverSnapshotNs, 0);
        serverServiceTimes.start();
        k = runUntil(measureStartNs, k);
        cpu.start(System.nanoTime(), delivered);
        final long busyAtStartNs = busyNs;
        runUntil(measureEndNs, k);
        cpu.stop(System.nanoTime(), delivered);
        cpu.loadBusyNs(busyNs - busyAtStartNs);
        LoadRig.pollUntil(poller, () -> delivered >= sent, TimeUnit.SECONDS.toNanos(10));
        serverServiceTimes.stop();
    }

    /**
     * Send what falls due and poll until {@code untilNs}, from message {@code k} on; returns the next message's k.
     * Every phase runs this same loop, with no branch that changes with the phase.
     */
    private long runUntil(final long untilNs, final long fromK)
    {
        final double periodNs = 1e9 / rate;
        long k = fromK;
        while (true)
        {
            final long nowNs = System.nanoTime();
            if (nowNs - untilNs >= 0)
            {
                return k;
            }
            final long sentBefore = sent;
            while (true)
            {
                final long dueNs = runStartNs + (long)(k * periodNs);
                if (dueNs - nowNs > 0 || dueNs - measureEndNs >= 0)
                {
                    break;
                }
                final int pair = (int)(k % pairs);
                final boolean forward = ((k / pairs) & 1) == 0;
                final LoadConnection from = sides.get(2 * pair + (forward ? 0 : 1));
                final LoadConnection to = sides.get(2 * pair + (forward ? 1 : 0));
                if (!poller.send(from, to, from.nextClientMsgId(dueNs), dueNs, payloadLength))
                {
                    if (LoadConnection.State.READY != from.state)
                    {
                        // The sender's connection is gone: the message cannot go out, and holding the whole open
                        // loop behind it would stall every other pair. It counts as lost.
                        lost++;
                        k++;
                        continue;
                    }
                    // Back-pressure: this message stays due and its latency keeps growing until it goes out.
                    break;
                }
                sent++;
                final int measured = isMeasured(dueNs);
                measuredSent += measured;
                BenchResult.record(sendLagBy[measured], nowNs - dueNs);
                k++;
            }
            final int polled = poller.poll(nowNs);
            if (polled > 0 || sent != sentBefore)
            {
                busyNs += System.nanoTime() - nowNs;
            }
            if (0 == polled)
            {
                Thread.yield();
            }
        }
    }

    /**
     * 1 for a message due inside the measured period, 0 for one of the warm-up, without a branch; messages due past
     * the period are never sent.
     */
    private int isMeasured(final long dueNs)
    {
        return (int)(~(dueNs - measureStartNs) >>> 63);
    }

    public long sent()
    {
        return sent;
    }

    public long delivered()
    {
        return delivered;
    }

    public long measuredSent()
    {
        return measuredSent;
    }

    public long measuredDelivered()
    {
        return measuredDelivered;
    }

    public long lost()
    {
        return lost;
    }

    /**
     * Read the server's own service-time histograms as the measured window opens and closes.
     */
    OpenLoopRun serverServiceTimes(final ServerServiceTimes serverServiceTimes)
    {
        this.serverServiceTimes = serverServiceTimes;
        return this;
    }

    /**
     * Deliveries later than {@code boundNs} after their due time are counted per window ({@link LateTimeline}); 1 ms
     * unless set before the run.
     */
    OpenLoopRun lateBound(final long boundNs)
    {
        this.lateBoundNs = boundNs;
        return this;
    }

    /**
     * When the run's late deliveries were due; null before {@link #run}.
     */
    LateTimeline lateTimeline()
    {
        return lateTimeline;
    }

    ServerServiceTimes serverServiceTimes()
    {
        return serverServiceTimes;
    }

    public CpuMeter cpu()
    {
        return cpu;
    }

    public void onDeliver(
        final LoadConnection to,
        final long fromUserId,
        final DirectBuffer buffer,
        final int payloadOffset,
        final int payloadLength,
        final long nowNs)
    {
        if (payloadLength < 8)
        {
            return;
        }
        final long dueNs = buffer.getLong(payloadOffset, LITTLE_ENDIAN);
        if (dueNs - runStartNs < 0)
        {
            return;
        }
        delivered++;
        final int measured = isMeasured(dueNs);
        measuredDelivered += measured;
        BenchResult.record(deliverBy[measured], nowNs - dueNs);
        lateTimeline.record(measured, dueNs, nowNs - dueNs);
    }

    public void onSentAck(final LoadConnection from, final long clientMsgId, final long nowNs)
    {
        // The load's clientMsgIds are the due times (LoadConnection.nextClientMsgId), so the same test applies.
        if (clientMsgId - runStartNs >= 0)
        {
            BenchResult.record(sentAckBy[isMeasured(clientMsgId)], nowNs - clientMsgId);
        }
    }
}
