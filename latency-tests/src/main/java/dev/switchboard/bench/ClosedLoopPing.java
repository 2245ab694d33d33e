package dev.switchboard.bench;

import org.HdrHistogram.Histogram;
import org.agrona.DirectBuffer;

import java.util.List;
import java.util.concurrent.TimeUnit;

import static java.nio.ByteOrder.LITTLE_ENDIAN;

/**
 * Closed-loop ping over pairs: one message in flight per pair, bounced back as soon as it arrives; each hop's
 * sender-write to recipient-read time is recorded after the warm-up. With nothing queued this is the floor.
 */
final class ClosedLoopPing implements LoadListener
{
    private final List<LoadConnection> sides;
    private final int payloadLength;
    private final Histogram hop;
    private final CpuMeter cpu;
    private LoadPoller poller;
    private long delivered;
    private long measureStartNs;
    private long endNs;
    private boolean sending;
    private long inFlight;

    ClosedLoopPing(final List<LoadConnection> sides, final int payloadLength, final Histogram hop, final CpuMeter cpu)
    {
        this.cpu = cpu;
        this.sides = sides;
        this.payloadLength = payloadLength;
        this.hop = hop;
    }

    void run(final LoadPoller poller, final long warmupNs, final long durationNs)
    {
        this.poller = poller;
        final long startNs = System.nanoTime();
        measureStartNs = startNs + warmupNs;
        endNs = measureStartNs + durationNs;
        sending = true;
        for (int i = 0; i < sides.size(); i += 2)
        {
            final long nowNs = System.nanoTime();
            final LoadConnection from = sides.get(i);
            if (poller.send(from, sides.get(i + 1), from.nextClientMsgId(nowNs), nowNs, payloadLength))
            {
                inFlight++;
            }
        }
        LoadRig.pollUntil(poller, () -> System.nanoTime() - measureStartNs >= 0, warmupNs + 1_000_000_000L);
        cpu.start(System.nanoTime(), delivered);
        LoadRig.pollUntil(poller, () -> System.nanoTime() - endNs >= 0, durationNs + 1_000_000_000L);
        cpu.stop(System.nanoTime(), delivered);
        sending = false;
        LoadRig.pollUntil(poller, () -> inFlight == 0, TimeUnit.SECONDS.toNanos(5));
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
        inFlight--;
        delivered++;
        final long sentNs = buffer.getLong(payloadOffset, LITTLE_ENDIAN);
        if (sentNs - measureStartNs >= 0 && nowNs - endNs < 0)
        {
            BenchResult.record(hop, nowNs - sentNs);
        }
        if (sending && nowNs - endNs < 0)
        {
            final LoadConnection back = sides.get(to.index ^ 1);
            final long sendNs = System.nanoTime();
            if (poller.send(to, back, to.nextClientMsgId(sendNs), sendNs, this.payloadLength))
            {
                inFlight++;
            }
        }
    }
}
