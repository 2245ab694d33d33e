package dev.switchboard.bench;

import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import static java.nio.ByteOrder.BIG_ENDIAN;
import static java.nio.ByteOrder.LITTLE_ENDIAN;

/**
 * MQTT 3.1.1 on a load connection: user {@code n} connects (clean session) and subscribes to {@code u/<n>} at the
 * wire's QoS, and is ready on the SUBACK granting it. At QoS 1 every publish is acknowledged by the broker (its
 * PUBACK is the analogue of Switchboard's SentAck, reported with the publish's stamp) and every delivery by the
 * recipient, at once, in the same read; at QoS 0 nothing is.
 *
 * <pre>
 *   PUBLISH: 0x30 | qos << 1 | remaining length | topic (2 + n) | packet id (2, QoS 1 only) | payload
 * </pre>
 */
final class MqttLoadWire implements LoadWire
{
    /**
     * QoS 1 publishes a connection may have unacknowledged; past it a send waits (back-pressure), so a stamp is
     * never overwritten before its PUBACK.
     */
    static final int MAX_UNACKED = 256;

    private static final int KEEP_ALIVE_SECONDS = 600;
    private static final int CONNACK = 2;
    private static final int PUBLISH = 3;
    private static final int PUBACK = 4;
    private static final int SUBACK = 9;

    private final int qos;
    private final String target;

    MqttLoadWire(final int qos)
    {
        if (qos != 0 && qos != 1)
        {
            throw new IllegalArgumentException("QoS " + qos + ": the bench speaks QoS 0 and 1");
        }
        this.qos = qos;
        this.target = 1 == qos ? MqttDriver.TARGET : MqttDriver.TARGET + "-qos0";
    }

    public String target()
    {
        return target;
    }

    int qos()
    {
        return qos;
    }

    public void onConnected(final LoadConnection connection)
    {
        final String topic = MqttDriver.topic(connection.index);
        connection.name = topic.getBytes(StandardCharsets.UTF_8);
        connection.nextPacketId = 1;
        connection.unackedPublishes = 0;
        if (qos > 0 && null == connection.stampByPacketId)
        {
            connection.stampByPacketId = new long[MAX_UNACKED];
        }
        connection.putOut(MqttWire.connectPacket("bench-" + connection.index, true, KEEP_ALIVE_SECONDS));
        connection.putOut(MqttWire.subscribePacket(1, topic, qos));
    }

    public boolean encodePublish(
        final LoadConnection from, final LoadConnection to, final long stampNs, final int payloadLength)
    {
        if (qos > 0 && from.unackedPublishes >= MAX_UNACKED)
        {
            return false;
        }
        final byte[] topic = to.name;
        final int remaining = 2 + topic.length + (qos > 0 ? 2 : 0) + payloadLength;
        if (!from.ensureOutRoom(1 + 4 + remaining))
        {
            return false;
        }
        final UnsafeBuffer out = from.outView;
        int at = from.out.position();
        out.putByte(at++, (byte)(PUBLISH << 4 | qos << 1));
        at = putRemainingLength(out, at, remaining);
        out.putByte(at++, (byte)(topic.length >>> 8));
        out.putByte(at++, (byte)topic.length);
        out.putBytes(at, topic);
        at += topic.length;
        if (qos > 0)
        {
            final int packetId = from.nextPacketId;
            from.nextPacketId = packetId == 0xFFFF ? 1 : packetId + 1;
            from.stampByPacketId[packetId & (MAX_UNACKED - 1)] = stampNs;
            from.unackedPublishes++;
            out.putByte(at++, (byte)(packetId >>> 8));
            out.putByte(at++, (byte)packetId);
        }
        out.setMemory(at, payloadLength, (byte)0);
        out.putLong(at, stampNs, LITTLE_ENDIAN);
        from.out.position(at + payloadLength);
        return true;
    }

    public int onRead(
        final LoadPoller poller, final LoadConnection connection, final UnsafeBuffer buffer, final int end,
        final long readNs) throws IOException
    {
        int offset = 0;
        while (end - offset >= 2)
        {
            int remaining = 0;
            int at = offset + 1;
            int shift = 0;
            boolean complete = false;
            while (at < end && shift < 28)
            {
                final int digit = buffer.getByte(at++) & 0xFF;
                remaining |= (digit & 0x7F) << shift;
                shift += 7;
                if ((digit & 0x80) == 0)
                {
                    complete = true;
                    break;
                }
            }
            if (!complete)
            {
                if (shift >= 28)
                {
                    throw new IOException("malformed remaining length");
                }
                break;
            }
            final int total = at - offset + remaining;
            if (end - offset < total)
            {
                if (0 == offset)
                {
                    connection.ensureInCapacity(total);
                }
                break;
            }
            onPacket(poller, connection, buffer, buffer.getByte(offset) & 0xFF, at, offset + total, readNs);
            offset += total;
        }
        return offset;
    }

    private void onPacket(
        final LoadPoller poller,
        final LoadConnection connection,
        final UnsafeBuffer buffer,
        final int first,
        final int body,
        final int bodyEnd,
        final long readNs) throws IOException
    {
        switch (first >>> 4)
        {
            case PUBLISH:
            {
                final int packetQos = (first >>> 1) & 3;
                int at = body + 2 + (buffer.getShort(body, BIG_ENDIAN) & 0xFFFF);
                if (packetQos > 0)
                {
                    if (connection.ensureOutRoom(4))
                    {
                        final int out = connection.out.position();
                        connection.outView.putByte(out, (byte)(PUBACK << 4));
                        connection.outView.putByte(out + 1, (byte)2);
                        connection.outView.putShort(out + 2, buffer.getShort(at, BIG_ENDIAN), BIG_ENDIAN);
                        connection.out.position(out + 4);
                    }
                    at += 2;
                }
                poller.onWireDeliver(connection, buffer, at, bodyEnd - at, readNs);
                break;
            }
            case PUBACK:
            {
                final int packetId = buffer.getShort(body, BIG_ENDIAN) & 0xFFFF;
                if (null != connection.stampByPacketId && connection.unackedPublishes > 0)
                {
                    connection.unackedPublishes--;
                    poller.onWireSentAck(connection, connection.stampByPacketId[packetId & (MAX_UNACKED - 1)], readNs);
                }
                break;
            }
            case CONNACK:
                if (0 != buffer.getByte(body + 1))
                {
                    throw new IOException("CONNACK refused with return code " + buffer.getByte(body + 1));
                }
                break;
            case SUBACK:
                if (qos != buffer.getByte(body + 2))
                {
                    throw new IOException("SUBACK granted 0x" + Integer.toHexString(buffer.getByte(body + 2) & 0xFF) +
                        ", asked QoS " + qos);
                }
                poller.onWireReady(connection, readNs);
                break;
            default:
                // PINGRESP and the like need nothing.
                break;
        }
    }

    private static int putRemainingLength(final UnsafeBuffer out, final int offset, final int remainingLength)
    {
        int at = offset;
        int length = remainingLength;
        do
        {
            final int digit = length & 0x7F;
            length >>>= 7;
            out.putByte(at++, (byte)(length > 0 ? digit | 0x80 : digit));
        }
        while (length > 0);
        return at;
    }
}
