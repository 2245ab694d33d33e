package dev.switchboard.edge;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DeadlineQueueTest
{
    private static DeadlineQueue.Entry entry(final long id)
    {
        return new DeadlineQueue.Entry(new Connection(id, null, 0));
    }

    @Test
    void shouldExpireInDeadlineOrderOnlyOnceDue()
    {
        final DeadlineQueue queue = new DeadlineQueue(100);
        final DeadlineQueue.Entry a = entry(1);
        final DeadlineQueue.Entry b = entry(2);
        final DeadlineQueue.Entry c = entry(3);
        queue.schedule(a, 0);
        queue.schedule(b, 10);
        queue.schedule(c, 20);

        assertNull(queue.pollExpired(99));
        assertSame(a, queue.pollExpired(100));
        assertNull(queue.pollExpired(109));
        assertSame(b, queue.pollExpired(200));
        assertSame(c, queue.pollExpired(200));
        assertNull(queue.pollExpired(1_000));
        assertEquals(0, queue.size());
        assertFalse(a.isQueued());
    }

    @Test
    void shouldMoveARescheduledEntryToTheBackAndBetweenQueues()
    {
        final DeadlineQueue login = new DeadlineQueue(100);
        final DeadlineQueue registration = new DeadlineQueue(1_000);
        final DeadlineQueue.Entry a = entry(1);
        final DeadlineQueue.Entry b = entry(2);
        login.schedule(a, 0);
        login.schedule(b, 10);
        login.schedule(a, 50);

        assertSame(b, login.pollExpired(110));
        assertNull(login.pollExpired(149));
        registration.schedule(a, 60);
        assertEquals(0, login.size());
        assertEquals(1, registration.size());
        assertNull(login.pollExpired(10_000));
        assertSame(a, registration.pollExpired(1_060));
    }

    @Test
    void shouldRemoveFromAnyPlaceAndIgnoreAnEntryItDoesNotHold()
    {
        final DeadlineQueue queue = new DeadlineQueue(100);
        final DeadlineQueue other = new DeadlineQueue(100);
        final DeadlineQueue.Entry a = entry(1);
        final DeadlineQueue.Entry b = entry(2);
        final DeadlineQueue.Entry c = entry(3);
        queue.schedule(a, 0);
        queue.schedule(b, 1);
        queue.schedule(c, 2);

        other.remove(b);
        assertTrue(b.isQueued());
        queue.remove(b);
        queue.remove(b);
        assertEquals(2, queue.size());
        assertEquals(100, queue.earliest(Long.MAX_VALUE, 0));
        queue.remove(a);
        assertEquals(102, queue.earliest(Long.MAX_VALUE, 0));
        assertSame(c, queue.pollExpired(102));
        assertEquals(7, queue.earliest(7, 0));
    }
}
