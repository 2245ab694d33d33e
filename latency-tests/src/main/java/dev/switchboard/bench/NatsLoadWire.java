package dev.switchboard.bench;

import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import static java.nio.ByteOrder.LITTLE_ENDIAN;

/**
 * Core NATS's text protocol on a load connection: user {@code n} sends {@code CONNECT} (no echo, no verbose
 * {@code +OK}s), {@code SUB u.<n> 1} and {@code PING}, and is ready on the {@code PONG}, which the server sends only
 * after handling what came before it. A message is {@code PUB u.<to> <length>} and its payload; it arrives as
 * {@code MSG u.<to> 1 <length>}; the server's {@code PING}s are answered. Core NATS acknowledges nothing.
 */
final class NatsLoadWire implements LoadWire
{
    static final String TARGET = "nats";

    private static final byte[] CONNECT = ("CONNECT {\"verbose\":false,\"pedantic\":false,\"echo\":false," +
        "\"headers\":false,\"name\":\"bench\",\"lang\":\"java\",\"version\":\"0\",\"protocol\":1}\r\n")
        .getBytes(StandardCharsets.US_ASCII);
    private static final byte[] PUB = "PUB ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] PONG = "PONG\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final int MAX_DIGITS = 10;

    public String target()
    {
        return TARGET;
    }

    static String subject(final int user)
    {
        return "u." + user;
    }

    public void onConnected(final LoadConnection connection)
    {
        connection.name = subject(connection.index).getBytes(StandardCharsets.US_ASCII);
        final byte[] subscribe = ("SUB " + subject(connection.index) + " 1\r\nPING\r\n")
            .getBytes(StandardCharsets.US_ASCII);
        connection.putOut(CONNECT);
        connection.putOut(subscribe);
    }

    public boolean encodePublish(
        final LoadConnection from, final LoadConnection to, final long stampNs, final int payloadLength)
    {
        final byte[] subject = to.name;
        if (!from.ensureOutRoom(PUB.length + subject.length + 1 + MAX_DIGITS + 2 + payloadLength + 2))
        {
            return false;
        }
        final UnsafeBuffer out = from.outView;
        int at = from.out.position();
        out.putBytes(at, PUB);
        at += PUB.length;
        out.putBytes(at, subject);
        at += subject.length;
        out.putByte(at++, (byte)' ');
        at += out.putNaturalIntAscii(at, payloadLength);
        out.putByte(at++, (byte)'\r');
        out.putByte(at++, (byte)'\n');
        out.setMemory(at, payloadLength, (byte)0);
        out.putLong(at, stampNs, LITTLE_ENDIAN);
        at += payloadLength;
        out.putByte(at++, (byte)'\r');
        out.putByte(at++, (byte)'\n');
        from.out.position(at);
        return true;
    }

    public int onRead(
        final LoadPoller poller, final LoadConnection connection, final UnsafeBuffer buffer, final int end,
        final long readNs) throws IOException
    {
        int offset = 0;
        while (offset < end)
        {
            final int lineEnd = indexOfNewLine(buffer, offset, end);
            if (lineEnd < 0)
            {
                break;
            }
            final byte first = buffer.getByte(offset);
            if ('M' == first)
            {
                // MSG <subject> <sid> [reply-to] <length>\r\n<payload>\r\n
                final int lengthStart = lastSpace(buffer, offset, lineEnd) + 1;
                final int payloadLength = buffer.parseNaturalIntAscii(lengthStart, lineEnd - 1 - lengthStart);
                final int total = lineEnd + 1 + payloadLength + 2;
                if (total > end)
                {
                    if (0 == offset)
                    {
                        connection.ensureInCapacity(total);
                    }
                    break;
                }
                poller.onWireDeliver(connection, buffer, lineEnd + 1, payloadLength, readNs);
                offset = total;
                continue;
            }
            if ('P' == first && lineEnd - offset >= 4)
            {
                if ('I' == buffer.getByte(offset + 1))
                {
                    connection.putOut(PONG);
                }
                else
                {
                    poller.onWireReady(connection, readNs);
                }
            }
            else if ('-' == first)
            {
                throw new IOException("nats-server: " + buffer.getStringWithoutLengthAscii(offset, lineEnd - offset));
            }
            // INFO and +OK need nothing.
            offset = lineEnd + 1;
        }
        return offset;
    }

    private static int indexOfNewLine(final UnsafeBuffer buffer, final int from, final int end)
    {
        for (int i = from; i < end; i++)
        {
            if ('\n' == buffer.getByte(i))
            {
                return i;
            }
        }
        return -1;
    }

    private static int lastSpace(final UnsafeBuffer buffer, final int from, final int lineEnd) throws IOException
    {
        for (int i = lineEnd - 1; i > from; i--)
        {
            if (' ' == buffer.getByte(i))
            {
                return i;
            }
        }
        throw new IOException("malformed MSG line");
    }
}
