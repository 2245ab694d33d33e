package dev.switchboard.edge;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

class ConnectionIdTest
{
    @Test
    void shouldRoundTripPollerSlotAndGeneration()
    {
        final long id = ConnectionId.connectionId(255, ConnectionId.MAX_SLOTS - 1, -7);

        assertEquals(255, ConnectionId.pollerIndex(id));
        assertEquals(ConnectionId.MAX_SLOTS - 1, ConnectionId.slot(id));
        assertEquals(-7, ConnectionId.generation(id));
    }

    @Test
    void shouldGiveAReusedSlotADifferentId()
    {
        assertNotEquals(ConnectionId.connectionId(1, 10, 0), ConnectionId.connectionId(1, 10, 1));
    }
}
