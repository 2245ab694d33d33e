package dev.switchboard.server;

import dev.switchboard.codec.Sofh;
import dev.switchboard.codec.sbe.MessageHeaderDecoder;
import dev.switchboard.codec.sbe.SendDecoder;
import org.agrona.CloseHelper;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/**
 * A TCP proxy on loopback between clients and a server that records every byte in each direction, frame by frame
 * from the clients, and can corrupt one chosen client frame on its way: the test's view of what the server received.
 */
final class TcpTap implements AutoCloseable
{
    private final ServerSocket listener;
    private final int serverPort;
    private final ByteArrayOutputStream toServer = new ByteArrayOutputStream();
    private final ByteArrayOutputStream toClients = new ByteArrayOutputStream();
    private final List<byte[]> sendPayloads = new CopyOnWriteArrayList<>();
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final Thread acceptor;
    private volatile Predicate<byte[]> tamperNextSend;
    private volatile int tamperNextTemplateId = -1;
    private volatile boolean closed;
    private final boolean framed;

    TcpTap(final int serverPort) throws IOException
    {
        this(serverPort, true);
    }

    /**
     * @param framed whether the clients' bytes are frames to cut (and tamper with), or are passed on as they come
     *               (TLS records).
     */
    TcpTap(final int serverPort, final boolean framed) throws IOException
    {
        this.serverPort = serverPort;
        this.framed = framed;
        listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        acceptor = new Thread(this::accept, "tcp-tap");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port()
    {
        return listener.getLocalPort();
    }

    /**
     * Flip the last byte of the payload of the next Send whose payload matches.
     */
    void tamperNextSend(final Predicate<byte[]> payloadMatches)
    {
        tamperNextSend = payloadMatches;
    }

    /**
     * Flip the last byte of the next client frame of this template (for a frame ending in a blob, the blob's last).
     */
    void tamperNextFrame(final int templateId)
    {
        tamperNextTemplateId = templateId;
    }

    boolean tamperPending()
    {
        return null != tamperNextSend || -1 != tamperNextTemplateId;
    }

    byte[] bytesToServer()
    {
        synchronized (toServer)
        {
            return toServer.toByteArray();
        }
    }

    byte[] bytesToClients()
    {
        synchronized (toClients)
        {
            return toClients.toByteArray();
        }
    }

    /**
     * The payload of every Send the clients wrote, as the server received it, in order.
     */
    List<byte[]> sendPayloads()
    {
        return new ArrayList<>(sendPayloads);
    }

    private void accept()
    {
        while (!closed)
        {
            try
            {
                final Socket client = listener.accept();
                final Socket server = new Socket(InetAddress.getLoopbackAddress(), serverPort);
                client.setTcpNoDelay(true);
                server.setTcpNoDelay(true);
                sockets.add(client);
                sockets.add(server);
                if (framed)
                {
                    start(() -> framesToServer(client, server));
                }
                else
                {
                    start(() -> copy(client, server, toServer));
                }
                start(() -> copy(server, client, toClients));
            }
            catch (final IOException ex)
            {
                return;
            }
        }
    }

    private static void start(final Runnable runnable)
    {
        final Thread thread = new Thread(runnable, "tcp-tap-pipe");
        thread.setDaemon(true);
        thread.start();
    }

    private void framesToServer(final Socket from, final Socket to)
    {
        final byte[] pending = new byte[1 << 20];
        int length = 0;
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream())
        {
            int read;
            while ((read = in.read(pending, length, pending.length - length)) > 0)
            {
                length += read;
                int offset = 0;
                while (length - offset >= Sofh.HEADER_LENGTH)
                {
                    final UnsafeBuffer view = new UnsafeBuffer(pending, offset, length - offset);
                    final int frameLength = Sofh.frameLength(view, 0);
                    if (frameLength < Sofh.HEADER_LENGTH || frameLength > pending.length)
                    {
                        throw new IOException("corrupt stream");
                    }
                    if (length - offset < frameLength)
                    {
                        break;
                    }
                    onFrame(new UnsafeBuffer(pending, offset, frameLength), frameLength);
                    out.write(pending, offset, frameLength);
                    offset += frameLength;
                }
                out.flush();
                System.arraycopy(pending, offset, pending, 0, length - offset);
                length -= offset;
            }
        }
        catch (final IOException ignore)
        {
            // Either side closed.
        }
        finally
        {
            CloseHelper.quietCloseAll(from, to);
        }
    }

    private void onFrame(final UnsafeBuffer frame, final int frameLength)
    {
        final MessageHeaderDecoder header = new MessageHeaderDecoder().wrap(frame, Sofh.HEADER_LENGTH);
        if (SendDecoder.TEMPLATE_ID == header.templateId())
        {
            final SendDecoder send = new SendDecoder().wrap(
                frame, Sofh.HEADER_LENGTH + MessageHeaderDecoder.ENCODED_LENGTH, header.blockLength(),
                header.version());
            final int payloadLength = send.payloadLength();
            final int payloadOffset = send.limit() + SendDecoder.payloadHeaderLength();
            final byte[] payload = new byte[payloadLength];
            frame.getBytes(payloadOffset, payload);
            final Predicate<byte[]> tamper = tamperNextSend;
            if (null != tamper && payloadLength > 0 && tamper.test(payload))
            {
                tamperNextSend = null;
                frame.putByte(payloadOffset + payloadLength - 1,
                    (byte)(frame.getByte(payloadOffset + payloadLength - 1) ^ 0x01));
            }
            sendPayloads.add(payload);
        }
        if (header.templateId() == tamperNextTemplateId)
        {
            tamperNextTemplateId = -1;
            frame.putByte(frameLength - 1, (byte)(frame.getByte(frameLength - 1) ^ 0x01));
        }
        synchronized (toServer)
        {
            final byte[] bytes = new byte[frameLength];
            frame.getBytes(0, bytes);
            toServer.write(bytes, 0, bytes.length);
        }
    }

    private static void copy(final Socket from, final Socket to, final ByteArrayOutputStream capture)
    {
        final byte[] buffer = new byte[64 * 1024];
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream())
        {
            int read;
            while ((read = in.read(buffer)) > 0)
            {
                synchronized (capture)
                {
                    capture.write(buffer, 0, read);
                }
                out.write(buffer, 0, read);
                out.flush();
            }
        }
        catch (final IOException ignore)
        {
            // Either side closed.
        }
        finally
        {
            CloseHelper.quietCloseAll(from, to);
        }
    }

    /**
     * Drop every connection through the tap, as a network would; the tap keeps listening for the reconnects.
     */
    void cutConnections()
    {
        final List<Socket> cut = new ArrayList<>(sockets);
        sockets.removeAll(cut);
        CloseHelper.quietCloseAll(cut);
    }

    public void close()
    {
        closed = true;
        CloseHelper.quietClose(listener);
        CloseHelper.quietCloseAll(sockets);
    }
}
