package dev.switchboard.edge;

import org.agrona.BufferUtil;
import org.agrona.CloseHelper;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.ConcurrentCountersManager;
import org.agrona.concurrent.status.CountersManager;
import org.agrona.concurrent.status.CountersReader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EdgeCountersTest
{
    private static final int CAPACITY = 128;

    private final CountersManager countersManager = new ConcurrentCountersManager(
        new UnsafeBuffer(BufferUtil.allocateDirectAligned(CAPACITY * CountersReader.METADATA_LENGTH, 64)),
        new UnsafeBuffer(BufferUtil.allocateDirectAligned(CAPACITY * CountersReader.COUNTER_LENGTH, 64)));
    private EdgeFixture fixture;

    @AfterEach
    void tearDown()
    {
        CloseHelper.quietClose(fixture);
    }

    @Test
    void shouldAllocateLabelledCountersPerPollerAndAcceptor()
    {
        fixture = new EdgeFixture(new EdgeContext().pollerCount(2).countersManager(countersManager));

        final Map<String, Integer> typeByLabel = new HashMap<>();
        final Map<String, Integer> keyByLabel = new HashMap<>();
        countersManager.forEach((counterId, typeId, keyBuffer, label) ->
        {
            typeByLabel.put(label, typeId);
            keyByLabel.put(label, keyBuffer.getInt(0));
        });
        assertEquals(2 * PollerCounters.LABELS.length + AcceptorCounters.LABELS.length, typeByLabel.size());
        for (int poller = 0; poller < 2; poller++)
        {
            for (final String label : PollerCounters.LABELS)
            {
                final String fullLabel = "edge-poller-" + poller + ": " + label;
                assertEquals(EdgeCounters.POLLER_TYPE_ID, typeByLabel.get(fullLabel), fullLabel);
                assertEquals(poller, keyByLabel.get(fullLabel), fullLabel);
            }
        }
        for (final String label : AcceptorCounters.LABELS)
        {
            assertEquals(EdgeCounters.ACCEPTOR_TYPE_ID, typeByLabel.get("edge-acceptor: " + label));
        }
    }

    @Test
    void shouldShowThePollersFiguresInTheManagerAndFreeThemOnClose() throws IOException
    {
        fixture = new EdgeFixture(new EdgeContext().countersManager(countersManager));
        final TestClient[] client = new TestClient[1];
        fixture.connectAndOpen(client);
        final byte[] frames = Frames.concat(Frames.logout(1), Frames.ping(2), Frames.logout(3));
        client[0].send(frames);
        fixture.awaitTrue(() -> 2 == fixture.sink.frames.size() && 1 == fixture.poller().stats().pingsIn());

        assertEquals(1, valueOf("edge-poller-0: connections-open"));
        assertEquals(1, valueOf("edge-poller-0: connections-opened"));
        assertEquals(2, valueOf("edge-poller-0: frames-in"));
        assertEquals(1, valueOf("edge-poller-0: pings-in"));
        assertEquals(frames.length, valueOf("edge-poller-0: bytes-in"));
        assertEquals(1, valueOf("edge-poller-0: awaiting-login"));
        assertEquals(1, valueOf("edge-acceptor: accepted"));
        assertEquals(fixture.poller().stats().framesIn(), valueOf("edge-poller-0: frames-in"));
        assertEquals(fixture.poller().stats().bytesOut(), valueOf("edge-poller-0: bytes-out"));
        assertTrue(fixture.poller().stats().bytesOut() > 0, "the Pong was written");

        fixture.close();
        fixture = null;
        assertEquals(0, allocated(countersManager), "every counter freed");
    }

    @Test
    void shouldFreeWhatWasAllocatedWhenTheManagerRunsOut()
    {
        final CountersManager small = new ConcurrentCountersManager(
            new UnsafeBuffer(BufferUtil.allocateDirectAligned(30 * CountersReader.METADATA_LENGTH, 64)),
            new UnsafeBuffer(BufferUtil.allocateDirectAligned(30 * CountersReader.COUNTER_LENGTH, 64)));
        final EdgeContext ctx = new EdgeContext().pollerCount(2).countersManager(small);
        assertThrows(IllegalStateException.class, () -> new EdgeFixture(ctx));
        assertEquals(0, allocated(small), "nothing left allocated");
    }

    @Test
    void shouldKeepCountersInProcessWhenNoManagerIsGiven()
    {
        final EdgeContext ctx = new EdgeContext().pollerCount(3);
        fixture = new EdgeFixture(ctx);
        final CountersManager own = ctx.countersManager();
        assertNotNull(own);
        assertEquals(3 * PollerCounters.LABELS.length + AcceptorCounters.LABELS.length, allocated(own));

        // a second edge from the same context while the first still runs finds room
        try (EdgeFixture second = new EdgeFixture(ctx))
        {
            assertEquals(2 * (3 * PollerCounters.LABELS.length + AcceptorCounters.LABELS.length), allocated(own));
            assertEquals(0, second.poller().stats().framesIn());
        }
        assertEquals(3 * PollerCounters.LABELS.length + AcceptorCounters.LABELS.length, allocated(own));
    }

    private static int allocated(final CountersReader reader)
    {
        final int[] allocated = new int[1];
        reader.forEach((counterId, label) -> allocated[0]++);
        return allocated[0];
    }

    private long valueOf(final String label)
    {
        final long[] value = { -1 };
        countersManager.forEach((counterId, typeId, keyBuffer, counterLabel) ->
        {
            if (label.equals(counterLabel))
            {
                value[0] = countersManager.getCounterValue(counterId);
            }
        });
        return value[0];
    }
}
