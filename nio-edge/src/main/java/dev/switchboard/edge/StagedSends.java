package dev.switchboard.edge;

import org.agrona.DirectBuffer;

/**
 * A cycle's staged writes through {@link BatchedSends}: each connection's gathered bytes are queued as a send and the
 * cycle's sends go to the kernel in one submission; what each socket did not take is handled as after a write. If the
 * kernel refuses a submission, batching stops and every send goes as a plain write. Owned by one poller; not thread
 * safe.
 */
final class StagedSends
{
    private final OutboundStaging staging;
    private final ConnectionLifecycle lifecycle;
    private final PollerCounters counters;
    private final OutputBacklog backlog;
    private BatchedSends sends;
    private final int[] sentEntries;
    private final DirectBuffer[] sentBuffers;
    private final int[] sentOffsets;
    private final int[] sentLengths;

    /**
     * @param sends batched sends, or null when every write goes on its own.
     */
    StagedSends(
        final OutboundStaging staging,
        final ConnectionLifecycle lifecycle,
        final PollerCounters counters,
        final OutputBacklog backlog,
        final BatchedSends sends)
    {
        this.staging = staging;
        this.lifecycle = lifecycle;
        this.counters = counters;
        this.backlog = backlog;
        this.sends = sends;
        final int batch = null == sends ? 0 : sends.capacity();
        this.sentEntries = new int[batch];
        this.sentBuffers = new DirectBuffer[batch];
        this.sentOffsets = new int[batch];
        this.sentLengths = new int[batch];
    }

    /** Whether the connection's staged bytes may go as a batched send rather than a write of their own. */
    boolean accepts(final Connection connection)
    {
        // As OutputBacklog.writeCiphertext: a connection with output waiting behind OP_WRITE keeps its order there.
        return null != sends && null == connection.tls && SocketDescriptors.UNKNOWN != connection.fd &&
            null == connection.outboundHead;
    }

    /** Queue a staged entry's send; its bytes stay put in the staging buffers until they are cleared. */
    void queue(final int entry, final Connection connection, final int length)
    {
        final int index = sends.add(connection.fd, staging.gatheredAddress(), length);
        sentEntries[index] = entry;
        sentBuffers[index] = staging.gathered();
        sentOffsets[index] = staging.gatheredOffset();
        sentLengths[index] = length;
        if (sends.isFull())
        {
            complete();
        }
    }

    /** Send what is queued in one submission, then treat each result as that connection's write. */
    void complete()
    {
        final int count = null == sends ? 0 : sends.queued();
        if (0 == count)
        {
            return;
        }
        if (!sends.sendAll())
        {
            writeEach(count);
            return;
        }
        counters.sendSubmissions.incrementRelease();
        for (int i = 0; i < count; i++)
        {
            final Connection connection = staging.connection(sentEntries[i]);
            final DirectBuffer buffer = sentBuffers[i];
            final int written = sends.result(i);
            if (written < 0)
            {
                lifecycle.close(connection);
                continue;
            }
            counters.socketWrites.incrementRelease();
            counters.bytesOut.getAndAddRelease(written);
            final int remaining = sentLengths[i] - written;
            if (remaining > 0)
            {
                backlog.append(connection, buffer, sentOffsets[i] + written, remaining);
            }
            backlog.closeIfFlushed(connection);
        }
    }

    /** The kernel refused the batch, so none of it was sent: write each the usual way, and stop batching. */
    private void writeEach(final int count)
    {
        counters.errors.incrementRelease();
        sends = null;
        for (int i = 0; i < count; i++)
        {
            final Connection connection = staging.connection(sentEntries[i]);
            final DirectBuffer buffer = sentBuffers[i];
            backlog.writeCiphertext(connection, buffer, buffer.byteBuffer(), sentOffsets[i], sentLengths[i]);
            backlog.closeIfFlushed(connection);
        }
    }
}
