package dev.switchboard.edge;

import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

class EdgeContextTest
{
    @Test
    void shouldFillClocksAndKeepDefaults()
    {
        final EdgeContext ctx = new EdgeContext().conclude();

        assertNotNull(ctx.nanoClock());
        assertNotNull(ctx.epochClock());
        assertEquals(7420, ctx.port());
        assertEquals(19_000, ctx.maxConnections());
        assertEquals("0.0.0.0", ctx.bindAddress());
    }

    @Test
    void shouldReadDefaultsFromSystemProperties()
    {
        System.setProperty(EdgeConfiguration.POLLER_COUNT_PROP_NAME, "3");
        System.setProperty(EdgeConfiguration.IDLE_TIMEOUT_PROP_NAME, "5s");
        try
        {
            final EdgeContext ctx = new EdgeContext();
            assertEquals(3, ctx.pollerCount());
            assertEquals(TimeUnit.SECONDS.toNanos(5), ctx.idleTimeoutNs());
        }
        finally
        {
            System.clearProperty(EdgeConfiguration.POLLER_COUNT_PROP_NAME);
            System.clearProperty(EdgeConfiguration.IDLE_TIMEOUT_PROP_NAME);
        }
    }

    @Test
    void shouldRejectInconsistentSettings()
    {
        assertThrows(IllegalArgumentException.class, () -> new EdgeContext().outboundCapacity(1_000_000).conclude());
        assertThrows(IllegalArgumentException.class, () -> new EdgeContext().outboundCapacity(4096).conclude());
        assertThrows(IllegalArgumentException.class,
            () -> new EdgeContext().idleTimeoutNs(10).deadTimeoutNs(10).conclude());
        assertThrows(IllegalArgumentException.class, () -> new EdgeContext().pollerCount(0).conclude());
        assertThrows(IllegalArgumentException.class, () -> new EdgeContext().pollerCount(257).conclude());
    }
}
