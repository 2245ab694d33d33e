package dev.switchboard.edge;

import com.sun.management.UnixOperatingSystemMXBean;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EdgeContextTest
{
    @Test
    void shouldFillClocksAndKeepDefaults()
    {
        final EdgeContext ctx = new EdgeContext().conclude();

        assertNotNull(ctx.nanoClock());
        assertNotNull(ctx.epochClock());
        assertEquals(7420, ctx.port());
        assertEquals(19_000, ctx.requestedMaxConnections());
        assertEquals("0.0.0.0", ctx.bindAddress());
    }

    @Test
    void shouldCapMaxConnectionsBelowTheOpenFileLimitLessTheReserve()
    {
        final UnixOperatingSystemMXBean os = (UnixOperatingSystemMXBean)ManagementFactory.getOperatingSystemMXBean();
        final long limit = os.getMaxFileDescriptorCount();
        final EdgeContext ctx = new EdgeContext().maxConnections((int)Math.min(limit + 1000, 1 << 23)).fdReserve(256)
            .conclude();

        assertTrue(ctx.isMaxConnectionsCapped());
        assertEquals(limit, ctx.maxFileDescriptors());
        assertTrue(ctx.maxConnections() <= limit - 256 - 3, "below the limit less the reserve and what is open");
        assertTrue(ctx.maxConnections() > limit - 256 - os.getOpenFileDescriptorCount() - 64);
    }

    @Test
    void shouldKeepMaxConnectionsBelowTheCapOrWhenTheCapIsOff()
    {
        final EdgeContext small = new EdgeContext().maxConnections(10).conclude();
        assertEquals(10, small.maxConnections());
        assertFalse(small.isMaxConnectionsCapped());

        final EdgeContext uncapped = new EdgeContext().maxConnections(1 << 23).fdCap(false).conclude();
        assertEquals(1 << 23, uncapped.maxConnections());
        assertFalse(uncapped.isMaxConnectionsCapped());
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
