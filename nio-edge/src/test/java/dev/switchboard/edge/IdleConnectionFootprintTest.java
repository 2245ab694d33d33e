package dev.switchboard.edge;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IdleConnectionFootprintTest
{
    @Test
    void shouldHoldIdleConnectionsInUnderTwoKibOfHeapEach() throws Exception
    {
        final IdleConnectionFootprint.Result result = IdleConnectionFootprint.measure(3_000);
        System.out.printf(
            "idle connection footprint: connections=%d heap/conn=%.0f B direct/conn=%.0f B rss/conn=%.0f B%n",
            result.connections(),
            result.heapBytesPerConnection(),
            result.directBytesPerConnection(),
            result.residentBytesPerConnection());

        assertEquals(3_000, result.connections());
        assertTrue(result.heapBytesPerConnection() < 2048, "heap per idle connection");
        assertTrue(result.directBytesPerConnection() < 64, "no direct buffer per idle connection");
    }
}
