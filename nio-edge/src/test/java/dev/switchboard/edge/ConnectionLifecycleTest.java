package dev.switchboard.edge;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConnectionLifecycleTest
{
    private EdgeFixture fixture;

    @AfterEach
    void tearDown()
    {
        if (null != fixture)
        {
            fixture.close();
        }
    }

    @Test
    void shouldGiveEveryOpenedConnectionExactlyOneCloseNotice() throws IOException
    {
        fixture = new EdgeFixture(new EdgeContext().pollerCount(2).maxRejectsBeforeDisconnect(1));
        final RecordingSink sink = fixture.sink;
        final int count = 40;
        final TestClient[] clients = new TestClient[count];
        final TestClient[] holder = new TestClient[1];
        for (int i = 0; i < count; i++)
        {
            fixture.connectAndOpen(holder);
            clients[i] = holder[0];
        }
        sink.acceptCloses = false;

        // Four ways to go: the client hangs up, the server closes, garbage, and silence.
        for (int i = 0; i < count; i++)
        {
            final long connectionId = sink.opened.get(i);
            switch (i % 4)
            {
                case 0 -> clients[i].close();
                case 1 -> fixture.edge.outboundFor(connectionId).close(connectionId);
                case 2 -> clients[i].send(Frames.unknownTemplate(i));
                default ->
                {
                    final byte[] frame = Frames.pong(i);
                    fixture.edge.outboundFor(connectionId).send(connectionId, new UnsafeBuffer(frame), 0, frame.length);
                }
            }
        }
        fixture.awaitTrue(() -> 30 == connectionsClosed());
        fixture.clock.advance(EdgeFixture.DEAD_TIMEOUT_NS);
        fixture.awaitTrue(() -> count == connectionsClosed());
        fixture.workFor(20);
        assertEquals(0, sink.closed.size());

        sink.acceptCloses = true;
        fixture.awaitTrue(() -> count == sink.closed.size());
        fixture.workFor(20);

        assertEquals(count, sink.closed.size());
        assertEquals(new HashSet<>(sink.opened), new HashSet<>(sink.closed));
        assertEquals(0, fixture.edge.acceptor().openConnections());
    }

    @Test
    void shouldSendCloseNoticesForConnectionsOpenWhenTheEdgeCloses() throws IOException
    {
        fixture = new EdgeFixture(new EdgeContext().pollerCount(3));
        for (int i = 0; i < 7; i++)
        {
            fixture.connect();
        }
        fixture.awaitTrue(() -> 7 == fixture.sink.opened.size());
        final Set<Integer> pollersUsed = new HashSet<>();
        for (final long id : fixture.sink.opened)
        {
            pollersUsed.add(ConnectionId.pollerIndex(id));
        }
        assertEquals(3, pollersUsed.size(), "round-robin across pollers");

        fixture.edge.close();

        assertEquals(new HashSet<>(fixture.sink.opened), new HashSet<>(fixture.sink.closed));
        assertEquals(7, fixture.sink.closed.size());
    }

    @Test
    void shouldSurviveRandomBytesFromManyClients() throws IOException
    {
        fixture = new EdgeFixture(new EdgeContext().maxRejectsBeforeDisconnect(1_000));
        final Random random = new Random(42);
        final int count = 30;
        for (int i = 0; i < count; i++)
        {
            final TestClient client = fixture.connect();
            final byte[] garbage = new byte[1 + random.nextInt(2_000)];
            random.nextBytes(garbage);
            if (random.nextBoolean())
            {
                // A plausible header, so the validator rather than the framer sees the rest.
                final byte[] frame = Frames.logout(i);
                System.arraycopy(frame, 0, garbage, 0, Math.min(frame.length, garbage.length));
                if (garbage.length >= 4)
                {
                    new UnsafeBuffer(garbage).putInt(0, Math.min(garbage.length, 200), java.nio.ByteOrder.BIG_ENDIAN);
                }
            }
            client.send(garbage);
            if (random.nextBoolean())
            {
                client.close();
            }
        }
        fixture.awaitTrue(() -> count == fixture.sink.opened.size());
        fixture.workFor(200);

        assertEquals(0, fixture.poller().stats().errors());
        assertTrue(fixture.errors.isEmpty());
        final List<Long> closed = fixture.sink.closed;
        assertEquals(closed.size(), new HashSet<>(closed).size());
        assertEquals(count - closed.size(), fixture.poller().stats().connectionCount());
    }

    private long connectionsClosed()
    {
        long closed = 0;
        for (int i = 0; i < fixture.edge.pollerCount(); i++)
        {
            closed += fixture.edge.poller(i).stats().connectionsClosed();
        }
        return closed;
    }
}
