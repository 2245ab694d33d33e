package dev.switchboard.bench;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static dev.switchboard.bench.PeerTestSupport.QUIET;
import static dev.switchboard.bench.PeerTestSupport.settings;
import static java.nio.ByteOrder.LITTLE_ENDIAN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The load engine speaking raw NATS and MQTT: the wires' parsing on bytes fed by hand, and short round trips through
 * real servers on loopback (skipped where nats-server or mosquitto is not installed).
 */
@Timeout(60)
class LoadWireTest
{
    @TempDir
    File outDir;

    private final List<Long> delivered = new ArrayList<>();
    private final List<Long> sentAcks = new ArrayList<>();
    private final LoadListener recorder = new LoadListener()
    {
        public void onDeliver(
            final LoadConnection to,
            final long fromUserId,
            final DirectBuffer buffer,
            final int payloadOffset,
            final int payloadLength,
            final long nowNs)
        {
            delivered.add(payloadLength >= 8 ? buffer.getLong(payloadOffset, LITTLE_ENDIAN) : -payloadLength);
        }

        public void onSentAck(final LoadConnection from, final long clientMsgId, final long nowNs)
        {
            sentAcks.add(clientMsgId);
        }
    };
    private LoadPoller poller;

    @AfterEach
    void close()
    {
        if (null != poller)
        {
            poller.close();
        }
    }

    @Test
    void shouldParseNatsMessagesSplitAcrossReadsAndAnswerPings() throws Exception
    {
        final NatsLoadWire wire = new NatsLoadWire();
        final LoadConnection connection = connection(wire, 7);
        assertTrue(outText(connection).contains("SUB u.7 1\r\nPING\r\n"), outText(connection));
        connection.out.clear();

        final byte[] payload = stampPayload(0x1122334455667788L, 12);
        final byte[] bytes = concat(ascii("INFO {\"server_id\":\"x\"}\r\nPONG\r\nPING\r\nMSG u.7 1 12\r\n"), payload,
            ascii("\r\nMSG u.7 1 12\r\n"), payload, ascii("\r\n"));
        // All but the last 5 bytes: the second message stays for the next read.
        final int consumed = feed(wire, connection, bytes, bytes.length - 5);
        assertEquals(LoadConnection.State.READY, connection.state);
        assertEquals(List.of(0x1122334455667788L), delivered);
        assertEquals("PONG\r\n", outText(connection));
        final byte[] rest = new byte[bytes.length - consumed];
        System.arraycopy(bytes, consumed, rest, 0, rest.length);
        assertEquals(rest.length, feed(wire, connection, rest, rest.length));
        assertEquals(2, delivered.size());

        final byte[] error = ascii("-ERR 'Unknown Protocol Operation'\r\n");
        assertThrows(java.io.IOException.class, () -> feed(wire, connection, error, error.length));
    }

    @Test
    void shouldEncodeANatsPublishToTheRecipientsSubject()
    {
        final NatsLoadWire wire = new NatsLoadWire();
        final LoadConnection from = connection(wire, 0);
        final LoadConnection to = connection(wire, 1);
        from.state = LoadConnection.State.READY;
        from.out.clear();
        assertTrue(wire.encodePublish(from, to, 42L, 8));
        final String text = outText(from);
        assertTrue(text.startsWith("PUB u.1 8\r\n"), text);
        assertEquals(42L, from.outView.getLong("PUB u.1 8\r\n".length(), LITTLE_ENDIAN));
        assertTrue(text.endsWith("\r\n"));
        assertEquals("PUB u.1 8\r\n".length() + 8 + 2, from.out.position());
    }

    @Test
    void shouldAckMqttDeliveriesAndReportPubacksWithTheirStamps() throws Exception
    {
        final MqttLoadWire wire = new MqttLoadWire(1);
        final LoadConnection from = connection(wire, 2);
        final LoadConnection to = connection(wire, 3);
        from.out.clear();
        // CONNACK accepted, SUBACK granting QoS 1: ready.
        feed(wire, from, new byte[]{ 0x20, 2, 0, 0, (byte)0x90, 3, 0, 1, 1 }, 9);
        assertEquals(LoadConnection.State.READY, from.state);

        assertTrue(wire.encodePublish(from, to, 1234L, 8));
        assertEquals(0x32, from.outView.getByte(0) & 0xFF);
        assertEquals(2 + 3 + 2 + 8, from.outView.getByte(1));
        assertEquals("u/3", from.outView.getStringWithoutLengthAscii(4, 3));
        assertEquals(1, from.outView.getShort(7, java.nio.ByteOrder.BIG_ENDIAN));
        assertEquals(1234L, from.outView.getLong(9, LITTLE_ENDIAN));
        assertEquals(1, from.unackedPublishes);
        from.out.clear();

        // The broker's PUBACK for packet 1 reports the publish's stamp; a delivery at QoS 1 is acknowledged.
        final byte[] publish = concat(new byte[]{ 0x32, 2 + 3 + 2 + 8, 0, 3, 'u', '/', '2', 0, 9 },
            stampPayload(777L, 8));
        feed(wire, from, concat(new byte[]{ 0x40, 2, 0, 1 }, publish), 4 + publish.length);
        assertEquals(List.of(1234L), sentAcks);
        assertEquals(0, from.unackedPublishes);
        assertEquals(List.of(777L), delivered);
        assertEquals(4, from.out.position());
        assertEquals(0x40, from.outView.getByte(0) & 0xFF);
        assertEquals(9, from.outView.getShort(2, java.nio.ByteOrder.BIG_ENDIAN));
    }

    @Test
    void shouldHoldMqttPublishesPastTheUnackedLimit()
    {
        final MqttLoadWire wire = new MqttLoadWire(1);
        final LoadConnection from = connection(wire, 0);
        final LoadConnection to = connection(wire, 1);
        from.out.clear();
        for (int i = 0; i < MqttLoadWire.MAX_UNACKED; i++)
        {
            assertTrue(wire.encodePublish(from, to, i, 8));
            from.out.clear();
        }
        assertFalse(wire.encodePublish(from, to, -1, 8));
        assertTrue(new MqttLoadWire(0).encodePublish(from, to, -1, 8), "QoS 0 has nothing to wait for");
    }

    @Test
    void shouldPingPongOverRawNats()
    {
        assumeTrue(null != NatsServerProcess.executable(), "nats-server is not installed");
        final BenchResult pingpong = run("pingpong", "nats", "--pairs", "4", "--idle", "2", "--rate", "400");
        assertRoundTripped(pingpong);
        assertFalse(pingpong.series.containsKey("sent-ack"), "core NATS acknowledges nothing");
        assertTrue(((String)pingpong.figures.get("serverVersion")).startsWith("nats-server"));
    }

    @Test
    void shouldPingPongOverMqttQos1WithBrokerAcks()
    {
        assumeTrue(null != MosquittoProcess.executable(), "mosquitto is not installed");
        final BenchResult pingpong = run("pingpong", "mosquitto", "--pairs", "4", "--rate", "400");
        assertRoundTripped(pingpong);
        final long measuredSent = ((Number)pingpong.figures.get("measuredSent")).longValue();
        assertEquals(measuredSent, pingpong.series.get("sent-ack").getTotalCount());
        assertTrue(((String)pingpong.figures.get("serverSettings")).contains("set_tcp_nodelay true"));
        assertTrue(((String)pingpong.figures.get("serverSettings")).contains("QoS 1"));
    }

    @Test
    void shouldPingOverMqttQos0()
    {
        assumeTrue(null != MosquittoProcess.executable(), "mosquitto is not installed");
        final BenchResult ping = run("ping", "mosquitto-qos0", "--pairs", "1", "--idle", "3");
        assertEquals("mosquitto-qos0", ping.target);
        assertTrue(ping.series.get("hop").getTotalCount() > 10);
        assertTrue(((Number)ping.figures.get("cpuWindowDelivered")).longValue() > 10);
        assertTrue(ping.figures.containsKey("serverCpuUsPerMessage"));
    }

    private BenchResult run(final String scenario, final String target, final String... more)
    {
        final List<String> args = new ArrayList<>(List.of("--target", target, "--warmup", "1", "--duration", "1"));
        args.addAll(List.of(more));
        return BenchCli.runOne(scenario, settings(args.toArray(new String[0])), CpuAffinity.none(), outDir, outDir,
            QUIET);
    }

    private static void assertRoundTripped(final BenchResult pingpong)
    {
        final long measuredSent = ((Number)pingpong.figures.get("measuredSent")).longValue();
        assertTrue(measuredSent > 300, "sent " + measuredSent);
        assertEquals(measuredSent, pingpong.figures.get("measuredDelivered"));
        assertEquals(measuredSent, pingpong.series.get("deliver").getTotalCount());
        final long windowDelivered = ((Number)pingpong.figures.get("cpuWindowDelivered")).longValue();
        assertTrue(windowDelivered > 300, "delivered in the CPU window " + windowDelivered);
        assertTrue(((Number)pingpong.figures.get("serverCpuSeconds")).doubleValue() >= 0);
        final double loadUs = ((Number)pingpong.figures.get("loadCpuUsPerMessage")).doubleValue();
        final double loadSystemUs = ((Number)pingpong.figures.get("loadSystemCpuUsPerMessage")).doubleValue();
        assertTrue(loadUs > 0);
        assertTrue(loadSystemUs >= 0 && loadSystemUs <= loadUs, "system " + loadSystemUs + " of " + loadUs);
    }

    private LoadConnection connection(final LoadWire wire, final int index)
    {
        if (null == poller)
        {
            poller = new LoadPoller(new InetSocketAddress(InetAddress.getLoopbackAddress(), 1),
                List.of(InetAddress.getLoopbackAddress()), null, null, wire, recorder, 8);
        }
        final LoadConnection connection = new LoadConnection(index, null, 256);
        connection.state = LoadConnection.State.LOGGING_IN;
        wire.onConnected(connection);
        return connection;
    }

    private int feed(final LoadWire wire, final LoadConnection connection, final byte[] bytes, final int length)
        throws Exception
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[Math.max(length, 1)]);
        buffer.putBytes(0, bytes, 0, length);
        return wire.onRead(poller, connection, buffer, length, System.nanoTime());
    }

    private static String outText(final LoadConnection connection)
    {
        return connection.outView.getStringWithoutLengthAscii(0, connection.out.position());
    }

    private static byte[] stampPayload(final long stamp, final int length)
    {
        final UnsafeBuffer payload = new UnsafeBuffer(new byte[length]);
        payload.putLong(0, stamp, LITTLE_ENDIAN);
        return payload.byteArray();
    }

    private static byte[] ascii(final String text)
    {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] concat(final byte[]... parts)
    {
        int length = 0;
        for (final byte[] part : parts)
        {
            length += part.length;
        }
        final byte[] all = new byte[length];
        int at = 0;
        for (final byte[] part : parts)
        {
            System.arraycopy(part, 0, all, at, part.length);
            at += part.length;
        }
        return all;
    }
}
