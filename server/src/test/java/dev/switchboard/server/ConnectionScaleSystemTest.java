package dev.switchboard.server;

import dev.switchboard.codec.sbe.DeliverDecoder;
import dev.switchboard.codec.sbe.SentAckDecoder;
import dev.switchboard.ring.RingConfiguration;
import org.agrona.CloseHelper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * 5,000 logged-in connections on one server, every one of them sending to and receiving from another.
 */
@Timeout(300)
class ConnectionScaleSystemTest
{
    private static final int CONNECTIONS = 5_000;

    @TempDir
    File dataDir;

    private final List<TestConnection> connections = new ArrayList<>();
    private TestServer server;

    @BeforeEach
    void start()
    {
        // Every test device registers from 127.0.0.1: lift the per-address registration limit for this server only.
        server = TestServer.launch(
            dataDir,
            TestServer.loopback()
                .idleTimeoutNs(TimeUnit.MINUTES.toNanos(10))
                .deadTimeoutNs(TimeUnit.MINUTES.toNanos(20)),
            RingConfiguration.CODES_PER_ADDRESS_PROP_NAME + "=" + CONNECTIONS);
    }

    @AfterEach
    void stop()
    {
        CloseHelper.close(server);
    }

    @Test
    void shouldExchangeMessagesOverFiveThousandLoggedInConnections() throws Exception
    {
        for (int i = 0; i < CONNECTIONS; i++)
        {
            connections.add(server.device(String.format("+1555%07d", i)));
        }

        // Everyone sends to the next connection round the ring, all before anyone reads.
        for (int i = 0; i < CONNECTIONS; i++)
        {
            final TestConnection to = connections.get((i + 1) % CONNECTIONS);
            connections.get(i).send(1, to.userId, to.deviceId, new byte[]{ (byte)i, (byte)(i >> 8) });
        }

        for (int i = 0; i < CONNECTIONS; i++)
        {
            final TestConnection connection = connections.get(i);
            final TestConnection from = connections.get((i + CONNECTIONS - 1) % CONNECTIONS);
            boolean sent = false;
            boolean delivered = false;
            while (!sent || !delivered)
            {
                final TestConnection.Frame frame = connection.read();
                if (SentAckDecoder.TEMPLATE_ID == frame.templateId())
                {
                    sent = true;
                }
                else
                {
                    assertEquals(DeliverDecoder.TEMPLATE_ID, frame.templateId(), frame.toString());
                    final DeliverDecoder deliver = frame.deliver();
                    assertEquals(from.userId, deliver.from().userId());
                    connection.ack(deliver.messageId());
                    delivered = true;
                }
            }
        }
    }
}
