package dev.switchboard.bench;

import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;

/**
 * One load client connection: its socket, its input and output buffers and where it is in the handshake. Owned by
 * one {@link LoadPoller} thread.
 */
final class LoadConnection
{
    enum State
    {
        IDLE, CONNECTING, REGISTERING, AWAITING_CODE, VERIFYING, REGISTERED, LOGGING_IN, READY, FAILED, CLOSED
    }

    final int index;
    final Device device;
    State state = State.IDLE;
    boolean loginAfterConnect;
    SocketChannel channel;
    SelectionKey key;
    ByteBuffer in;
    final UnsafeBuffer inView = new UnsafeBuffer(0, 0);
    ByteBuffer out;
    final UnsafeBuffer outView = new UnsafeBuffer(0, 0);
    long startNs;
    long lastClientMsgId;
    int pendingCount;
    long sends;
    long delivers;
    // Receipt acknowledgements held back to ride with this connection's next frame: the bytes they fill at the start
    // of the output, and since when the first has waited.
    int heldAckBytes;
    long heldSinceNs;
    // Peer wires only (NATS, MQTT): this user's subject or topic, and MQTT's unacknowledged QoS 1 publishes.
    byte[] name;
    int nextPacketId;
    int unackedPublishes;
    long[] stampByPacketId;

    LoadConnection(final int index, final Device device, final int bufferLength)
    {
        this.index = index;
        this.device = device;
        allocate(bufferLength);
    }

    /**
     * The next client message id of this device: strictly increasing, so the server never takes a new message for
     * a resend, across runs on one data folder too (ids start from the monotonic clock).
     */
    long nextClientMsgId(final long candidate)
    {
        final long id = Math.max(candidate, lastClientMsgId + 1);
        lastClientMsgId = id;
        return id;
    }

    void ensureInCapacity(final int frameLength)
    {
        if (frameLength > in.capacity())
        {
            final ByteBuffer bigger = ByteBuffer.allocateDirect(Integer.highestOneBit(frameLength - 1) << 1);
            in.flip();
            bigger.put(in);
            BufferUtil.free(in);
            in = bigger;
            inView.wrap(in);
        }
    }

    boolean ensureOutRoom(final int length)
    {
        if (out.remaining() >= length)
        {
            return true;
        }
        if (out.position() + length <= out.capacity() * 4 && out.capacity() < 1024 * 1024)
        {
            final ByteBuffer bigger = ByteBuffer.allocateDirect(Integer.highestOneBit(out.position() + length - 1) << 1);
            out.flip();
            bigger.put(out);
            BufferUtil.free(out);
            out = bigger;
            outView.wrap(out);
            return true;
        }
        return false;
    }

    /**
     * Append bytes to the output (handshakes and other rare writes), growing it if needed; false if it cannot take
     * them.
     */
    boolean putOut(final byte[] bytes)
    {
        if (!ensureOutRoom(bytes.length))
        {
            return false;
        }
        final int at = out.position();
        outView.putBytes(at, bytes);
        out.position(at + bytes.length);
        return true;
    }

    boolean hasPendingOutput()
    {
        return out.position() > 0;
    }

    /** Output other than held receipt acknowledgements is waiting. */
    boolean hasOutputDue()
    {
        return out.position() > heldAckBytes;
    }

    void releaseBuffers()
    {
        BufferUtil.free(in);
        BufferUtil.free(out);
        in = null;
        out = null;
    }

    private void allocate(final int bufferLength)
    {
        in = ByteBuffer.allocateDirect(bufferLength);
        out = ByteBuffer.allocateDirect(bufferLength);
        inView.wrap(in);
        outView.wrap(out);
    }
}
