package dev.switchboard.edge;

import org.agrona.DirectBuffer;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Sink that records every event and can be told to refuse, like a full ring.
 */
final class RecordingSink implements InboundFrameSink
{
    record Frame(long connectionId, byte[] bytes)
    {
    }

    final List<Long> opened = new ArrayList<>();
    final List<Long> closed = new ArrayList<>();
    final List<Frame> frames = new ArrayList<>();
    final List<Boolean> congestion = new ArrayList<>();
    final Map<Long, Long> remoteAddresses = new HashMap<>();
    boolean acceptOpens = true;
    boolean acceptFrames = true;
    boolean acceptCloses = true;
    boolean keepFrames = true;
    long frameCount;
    int refusals;

    public boolean onConnectionOpened(final int pollerIndex, final long connectionId, final long remoteAddress)
    {
        if (!acceptOpens)
        {
            refusals++;
            return false;
        }
        opened.add(connectionId);
        remoteAddresses.put(connectionId, remoteAddress);
        return true;
    }

    public boolean onFrame(
        final int pollerIndex, final long connectionId, final DirectBuffer buffer, final int offset, final int length)
    {
        if (!acceptFrames)
        {
            refusals++;
            return false;
        }
        frameCount++;
        if (keepFrames)
        {
            final byte[] bytes = new byte[length];
            buffer.getBytes(offset, bytes);
            frames.add(new Frame(connectionId, bytes));
        }
        return true;
    }

    public boolean onConnectionClosed(final int pollerIndex, final long connectionId)
    {
        if (!acceptCloses)
        {
            refusals++;
            return false;
        }
        closed.add(connectionId);
        return true;
    }

    public boolean onOutputCongestion(final int pollerIndex, final long connectionId, final boolean congested)
    {
        if (!acceptCloses)
        {
            refusals++;
            return false;
        }
        congestion.add(congested);
        return true;
    }

    void acceptAll(final boolean accept)
    {
        acceptOpens = accept;
        acceptFrames = accept;
        acceptCloses = accept;
    }
}
