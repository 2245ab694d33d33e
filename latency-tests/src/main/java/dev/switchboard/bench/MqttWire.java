package dev.switchboard.bench;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The few MQTT 3.1.1 packets the bench writes itself (it uses no client library): CONNECT and SUBSCRIBE for the load
 * engine ({@link MqttLoadWire}), idle connections and login storms ({@link Handshake}), and the drain's blocking
 * sender and recipient ({@link Session}).
 */
final class MqttWire
{
    static final int PUBLISH = 3;
    static final int PUBACK = 4;

    private MqttWire()
    {
    }

    /**
     * An MQTT 3.1.1 CONNECT packet.
     *
     * <pre>
     *   0x10 | remaining length | 0x00 0x04 "MQTT" | level 4 | flags | keep-alive (2) | client id (2 + n)
     * </pre>
     */
    static byte[] connectPacket(final String clientId, final boolean cleanSession, final int keepAliveSeconds)
    {
        final byte[] id = clientId.getBytes(StandardCharsets.UTF_8);
        final ByteBuffer body = ByteBuffer.allocate(10 + 2 + id.length);
        body.putShort((short)4).put("MQTT".getBytes(StandardCharsets.US_ASCII)).put((byte)4)
            .put((byte)(cleanSession ? 0x02 : 0x00)).putShort((short)keepAliveSeconds)
            .putShort((short)id.length).put(id);
        return packet(0x10, body.array());
    }

    /**
     * An MQTT SUBSCRIBE packet for one topic filter.
     *
     * <pre>
     *   0x82 | remaining length | packet id (2) | topic filter (2 + n) | requested QoS (1)
     * </pre>
     */
    static byte[] subscribePacket(final int packetId, final String topic, final int qos)
    {
        final byte[] filter = topic.getBytes(StandardCharsets.UTF_8);
        final ByteBuffer body = ByteBuffer.allocate(2 + 2 + filter.length + 1);
        body.putShort((short)packetId).putShort((short)filter.length).put(filter).put((byte)qos);
        return packet(0x82, body.array());
    }

    private static byte[] packet(final int firstByte, final byte[] body)
    {
        final ByteBuffer packet = ByteBuffer.allocate(1 + 4 + body.length);
        packet.put((byte)firstByte);
        int length = body.length;
        do
        {
            final int digit = length & 0x7F;
            length >>>= 7;
            packet.put((byte)(length > 0 ? digit | 0x80 : digit));
        }
        while (length > 0);
        packet.put(body);
        return Arrays.copyOf(packet.array(), packet.position());
    }

    /**
     * Raw sessions' handshake: CONNECT (and a SUBSCRIBE to {@code u/<index>}), complete on CONNACK accepted (and
     * SUBACK granting the QoS asked for).
     */
    static final class Handshake implements RawSessions.Handshake
    {
        private static final int CONNACK_LENGTH = 4;
        private static final int SUBACK_LENGTH = 5;

        private final String clientIdPrefix;
        private final int keepAliveSeconds;
        private final int subscribeQos;

        /**
         * @param subscribeQos the QoS to subscribe {@code u/<index>} with, or -1 for no subscription.
         */
        Handshake(final String clientIdPrefix, final int keepAliveSeconds, final int subscribeQos)
        {
            this.clientIdPrefix = clientIdPrefix;
            this.keepAliveSeconds = keepAliveSeconds;
            this.subscribeQos = subscribeQos;
        }

        public ByteBuffer hello(final int index)
        {
            final byte[] connect = connectPacket(clientIdPrefix + index, true, keepAliveSeconds);
            if (subscribeQos < 0)
            {
                return ByteBuffer.wrap(connect);
            }
            final byte[] subscribe = subscribePacket(1, MqttDriver.topic(index), subscribeQos);
            final ByteBuffer hello = ByteBuffer.allocate(connect.length + subscribe.length);
            hello.put(connect).put(subscribe).flip();
            return hello;
        }

        public boolean isComplete(final ByteBuffer reply) throws IOException
        {
            final int length = reply.position();
            if (length >= CONNACK_LENGTH)
            {
                checkConnack(reply.get(0), reply.get(1), reply.get(3));
            }
            if (subscribeQos < 0)
            {
                return length >= CONNACK_LENGTH;
            }
            if (length >= CONNACK_LENGTH + SUBACK_LENGTH)
            {
                checkSuback(reply.get(4), reply.get(5), reply.get(8), subscribeQos);
                return true;
            }
            return false;
        }
    }

    private static void checkConnack(final byte type, final byte length, final byte returnCode) throws IOException
    {
        if (type != 0x20 || length != 2)
        {
            throw new IOException("expected CONNACK, got packet type 0x" + Integer.toHexString(type & 0xFF));
        }
        if (returnCode != 0)
        {
            throw new IOException("CONNACK refused with return code " + returnCode);
        }
    }

    private static void checkSuback(final byte type, final byte length, final byte granted, final int qos)
        throws IOException
    {
        if ((type & 0xFF) != 0x90 || length != 3)
        {
            throw new IOException("expected SUBACK, got packet type 0x" + Integer.toHexString(type & 0xFF));
        }
        if (granted != qos)
        {
            throw new IOException("SUBACK granted 0x" + Integer.toHexString(granted & 0xFF) + ", asked QoS " + qos);
        }
    }

    /**
     * One blocking MQTT session on a plain socket: connect, subscribe, publish at QoS 1 and read the PUBACKs, read
     * publishes (acknowledging QoS 1 ones, the acks flushed once the bytes already received are read), disconnect.
     */
    static final class Session implements AutoCloseable
    {
        private final Socket socket = new Socket();
        private final DataInputStream in;
        private final OutputStream out;
        private final boolean sessionPresent;

        Session(final InetSocketAddress broker, final String clientId, final boolean cleanSession,
            final int keepAliveSeconds) throws IOException
        {
            try
            {
                socket.setTcpNoDelay(true);
                socket.connect(broker, 10_000);
                socket.setSoTimeout(10_000);
                in = new DataInputStream(new BufferedInputStream(socket.getInputStream(), 64 * 1024));
                out = new BufferedOutputStream(socket.getOutputStream(), 8 * 1024);
                out.write(connectPacket(clientId, cleanSession, keepAliveSeconds));
                out.flush();
                final byte type = in.readByte();
                final byte length = in.readByte();
                final byte flags = in.readByte();
                checkConnack(type, length, in.readByte());
                sessionPresent = (flags & 1) != 0;
            }
            catch (final IOException ex)
            {
                socket.close();
                throw ex;
            }
        }

        /**
         * Whether the broker still held a session for this client id (CONNACK's session-present flag).
         */
        boolean sessionPresent()
        {
            return sessionPresent;
        }

        void subscribe(final String topic, final int qos) throws IOException
        {
            out.write(subscribePacket(1, topic, qos));
            out.flush();
            checkSuback(in.readByte(), in.readByte(), skipAndRead(2), qos);
        }

        /**
         * Write (buffered) a QoS 1 publish of {@code payload} to {@code topic} with packet id {@code packetId}.
         */
        void publish(final String topic, final byte[] payload, final int packetId) throws IOException
        {
            final byte[] name = topic.getBytes(StandardCharsets.UTF_8);
            final ByteBuffer body = ByteBuffer.allocate(2 + name.length + 2 + payload.length);
            body.putShort((short)name.length).put(name).putShort((short)packetId).put(payload);
            out.write(packet(PUBLISH << 4 | 1 << 1, body.array()));
        }

        void flush() throws IOException
        {
            out.flush();
        }

        /**
         * Read packets until {@code count} PUBACKs arrived, the stream ends or nothing arrives for ten seconds.
         *
         * @return the PUBACKs read.
         */
        int readPubacks(final int count) throws IOException
        {
            int acks = 0;
            try
            {
                while (acks < count)
                {
                    final int first = in.readUnsignedByte();
                    in.skipNBytes(remainingLength(in));
                    if (first >>> 4 == PUBACK)
                    {
                        acks++;
                    }
                }
            }
            catch (final SocketTimeoutException | EOFException end)
            {
                // Fewer acks than publishes: the caller counts the rest as refused.
            }
            return acks;
        }

        /**
         * Read publishes until {@code listener} says stop, the stream ends or nothing arrives for ten seconds.
         */
        void readPublishes(final PublishListener listener) throws IOException
        {
            try
            {
                while (true)
                {
                    final int first = in.readUnsignedByte();
                    final int length = remainingLength(in);
                    final byte[] body = new byte[length];
                    in.readFully(body);
                    final long nowNs = System.nanoTime();
                    boolean more = true;
                    if (first >>> 4 == PUBLISH)
                    {
                        final int qos = (first >>> 1) & 3;
                        final int topicLength = ((body[0] & 0xFF) << 8) | (body[1] & 0xFF);
                        int offset = 2 + topicLength;
                        if (qos > 0)
                        {
                            out.write(PUBACK << 4);
                            out.write(2);
                            out.write(body[offset]);
                            out.write(body[offset + 1]);
                            offset += 2;
                        }
                        more = listener.onPublish(body, offset, length - offset, nowNs);
                    }
                    if (in.available() == 0 || !more)
                    {
                        out.flush();
                    }
                    if (!more)
                    {
                        return;
                    }
                }
            }
            catch (final SocketTimeoutException | EOFException end)
            {
                out.flush();
            }
        }

        private byte skipAndRead(final int skip) throws IOException
        {
            in.skipNBytes(skip);
            return in.readByte();
        }

        private static int remainingLength(final InputStream in) throws IOException
        {
            int value = 0;
            for (int shift = 0; shift < 28; shift += 7)
            {
                final int digit = in.read();
                if (digit < 0)
                {
                    throw new EOFException();
                }
                value |= (digit & 0x7F) << shift;
                if ((digit & 0x80) == 0)
                {
                    return value;
                }
            }
            throw new IOException("malformed remaining length");
        }

        /**
         * Send DISCONNECT (the broker keeps a persistent session) and close the socket.
         */
        public void close()
        {
            try
            {
                out.write(new byte[]{ (byte)0xE0, 0 });
                out.flush();
            }
            catch (final IOException ignore)
            {
                // Closing anyway.
            }
            try
            {
                socket.close();
            }
            catch (final IOException ignore)
            {
                // Best effort.
            }
        }
    }

    /**
     * A publish's payload arrived; return false to stop reading.
     */
    @FunctionalInterface
    interface PublishListener
    {
        boolean onPublish(byte[] body, int payloadOffset, int payloadLength, long nowNs);
    }
}
