package dev.switchboard.server;

import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.BusySpinIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.NoOpIdleStrategy;
import org.agrona.concurrent.SleepingMillisIdleStrategy;
import org.agrona.concurrent.YieldingIdleStrategy;

import java.util.function.Supplier;

/**
 * Idle strategies of the edge pollers by the names profiles use.
 */
final class IdleStrategies
{
    static final String PROP_NAME = "switchboard.edge.idle.strategy";
    static final String DEFAULT = "backoff";

    private IdleStrategies()
    {
    }

    static Supplier<IdleStrategy> fromSystemProperty()
    {
        return supplier(nameFromSystemProperty());
    }

    static String nameFromSystemProperty()
    {
        return System.getProperty(PROP_NAME, DEFAULT).trim();
    }

    /**
     * Whether the strategy keeps its thread on the core (rather than parking or sleeping when idle).
     */
    static boolean spins(final String name)
    {
        supplier(name);
        return "noop".equals(name) || "busy-spin".equals(name) || "yielding".equals(name);
    }

    static Supplier<IdleStrategy> supplier(final String name)
    {
        switch (name)
        {
            case "noop":
                return NoOpIdleStrategy::new;
            case "busy-spin":
                return BusySpinIdleStrategy::new;
            case "yielding":
                return YieldingIdleStrategy::new;
            case "backoff":
                return () -> new BackoffIdleStrategy(100, 10, 1_000, 100_000);
            case "sleeping":
                return () -> new SleepingMillisIdleStrategy(1);
            default:
                throw new IllegalArgumentException(
                    "unknown idle strategy (noop, busy-spin, yielding, backoff, sleeping): " + name);
        }
    }
}
