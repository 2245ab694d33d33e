package dev.switchboard.client;

import org.agrona.MutableDirectBuffer;

import java.util.concurrent.CompletableFuture;

/**
 * A request waiting on the I/O thread for its answer: how to encode it, when it gives up, and who is waiting.
 */
final class Request
{
    /**
     * Encodes the request into the write buffer, returning the frame length.
     */
    @FunctionalInterface
    interface Encoding
    {
        int encode(FrameWriter writer, MutableDirectBuffer buffer, int offset, long requestId);
    }

    private final long requestId;
    private final int templateId;
    private final boolean needsLogin;
    private final Encoding encoding;
    private final CompletableFuture<?> future;
    private final ResultHandler resultHandler;
    private final int maxFrameLength;
    private long deadlineNs;
    private long groupId;
    private boolean written;

    /**
     * Turns an answer into the future's result; runs on the I/O thread.
     */
    @FunctionalInterface
    interface ResultHandler
    {
        void onResult(long value1, long value2);
    }

    Request(
        final long requestId,
        final int templateId,
        final boolean needsLogin,
        final Encoding encoding,
        final CompletableFuture<?> future,
        final ResultHandler resultHandler)
    {
        this(requestId, templateId, needsLogin, encoding, future, resultHandler, 0);
    }

    Request(
        final long requestId,
        final int templateId,
        final boolean needsLogin,
        final Encoding encoding,
        final CompletableFuture<?> future,
        final ResultHandler resultHandler,
        final int maxFrameLength)
    {
        this.maxFrameLength = maxFrameLength;
        this.requestId = requestId;
        this.templateId = templateId;
        this.needsLogin = needsLogin;
        this.encoding = encoding;
        this.future = future;
        this.resultHandler = resultHandler;
    }

    long requestId()
    {
        return requestId;
    }

    int templateId()
    {
        return templateId;
    }

    boolean needsLogin()
    {
        return needsLogin;
    }

    /**
     * Upper bound of the encoded frame's length, or 0 for a small control frame.
     */
    int maxFrameLength()
    {
        return maxFrameLength;
    }

    Encoding encoding()
    {
        return encoding;
    }

    CompletableFuture<?> future()
    {
        return future;
    }

    void onResult(final long value1, final long value2)
    {
        resultHandler.onResult(value1, value2);
    }

    long deadlineNs()
    {
        return deadlineNs;
    }

    void deadlineNs(final long deadlineNs)
    {
        this.deadlineNs = deadlineNs;
    }

    /**
     * The group a group request names, 0 for other requests; the client forgets the group if the server answers
     * that the user is not in it.
     */
    long groupId()
    {
        return groupId;
    }

    Request groupId(final long groupId)
    {
        this.groupId = groupId;
        return this;
    }

    boolean written()
    {
        return written;
    }

    void written(final boolean written)
    {
        this.written = written;
    }
}
