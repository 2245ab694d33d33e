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
 * stalled sender or server shows up in the figures (coordinated omission corrected). The warm-up is not recorded;
 * the server's and the load's CPU are sampled as the measured period opens and closes.
 */
final class OpenLoopRun implements LoadListener, OpenLoopCounts
{
    private final List<LoadConnection> sides;
    private final int pairs;
    private final long rate;
    private final int payloadLength;
    private final Histogram deliver;
    private final Histogram sentAck;
    private final Histogram sendLag;
    private final CpuMeter cpu;
    private ServerServiceTimes serverServiceTimes = ServerServiceTimes.NONE;
    private LoadPoller poller;
    private long runStartNs;
    private long measureStartNs;
    private long measureEndNs;
    private long sent;
    private long measuredSent;
    private long delivered;
    private long measuredDelivered;
    private long lost;

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
        this.deliver = deliver;
        this.sentAck = sentAck;
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
        final long serverSnapshotNs = runStartNs + warmupNs / 2;
        final double periodNs = 1e9 / rate;
        long k = 0;
        while (true)
        {
            final long nowNs = System.nanoTime();
            if (nowNs - measureEndNs >= 0)
            {
                cpu.stop(nowNs, delivered);
                break;
            }
            if (!serverServiceTimes.started() && nowNs - serverSnapshotNs >= 0)
            {
                // Reading the server's histograms takes the loop away for milliseconds: halfway through the
                // warm-up, so that no measured message waits for it (they then include the warm-up's second half).
                serverServiceTimes.start();
            }
            if (!cpu.started() && nowNs - measureStartNs >= 0)
            {
                cpu.start(nowNs, delivered);
            }
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
                if (dueNs - measureStartNs >= 0)
                {
                    measuredSent++;
                    BenchResult.record(sendLag, nowNs - dueNs);
                }
                k++;
            }
            if (poller.poll(nowNs) == 0)
            {
                Thread.yield();
            }
        }
        LoadRig.pollUntil(poller, () -> delivered >= sent, TimeUnit.SECONDS.toNanos(10));
        serverServiceTimes.stop();
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

    ServerServiceTimes serverServiceTimes()
    {
        return serverServiceTimes;
    }

    public CpuMeter cpu()
    {
        return cpu;
    }

    public long deliverAtPercentileNs(final double percentile)
    {
        return deliver.getValueAtPercentile(percentile);
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
        if (dueNs - measureStartNs >= 0 && dueNs - measureEndNs < 0)
        {
            measuredDelivered++;
            BenchResult.record(deliver, nowNs - dueNs);
        }
    }

    public void onSentAck(final LoadConnection from, final long clientMsgId, final long nowNs)
    {
        if (clientMsgId - measureStartNs >= 0 && clientMsgId - measureEndNs < 0)
        {
            BenchResult.record(sentAck, nowNs - clientMsgId);
        }
    }
}
