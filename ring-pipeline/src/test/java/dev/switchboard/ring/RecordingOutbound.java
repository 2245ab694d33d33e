package dev.switchboard.ring;

import dev.switchboard.codec.Sofh;
import dev.switchboard.codec.sbe.MessageHeaderDecoder;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The edge as ring tests see it: records every frame the ring sends, per connection, and counts those sent from a
 * thread other than the one that made the recorder (the test's, which drives the duty cycle).
 */
final class RecordingOutbound implements OutboundFrames
{
    private final Thread owner = Thread.currentThread();
    private final Map<Long, List<byte[]>> sentByConnection = new HashMap<>();
    private int framesFromOtherThreads;

    public boolean send(
        final int pollerIndex, final long connectionId, final DirectBuffer buffer, final int offset, final int length)
    {
        if (Thread.currentThread() != owner)
        {
            framesFromOtherThreads++;
        }
        final byte[] frame = new byte[length];
        buffer.getBytes(offset, frame);
        sentByConnection.computeIfAbsent(connectionId, (ignore) -> new ArrayList<>()).add(frame);
        return true;
    }

    public boolean close(final int pollerIndex, final long connectionId)
    {
        return true;
    }

    /**
     * The first frame of a template sent to a connection, or null.
     */
    UnsafeBuffer first(final long connectionId, final int templateId)
    {
        for (final byte[] frame : sentByConnection.getOrDefault(connectionId, List.of()))
        {
            final UnsafeBuffer buffer = new UnsafeBuffer(frame);
            if (new MessageHeaderDecoder().wrap(buffer, Sofh.HEADER_LENGTH).templateId() == templateId)
            {
                return buffer;
            }
        }
        return null;
    }

    /**
     * Forget what was sent to a connection, so that {@link #first} finds only what comes next.
     */
    void forget(final long connectionId)
    {
        sentByConnection.remove(connectionId);
    }

    int framesFromOtherThreads()
    {
        return framesFromOtherThreads;
    }
}
