package dev.switchboard.ring;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FixedWindowQuotaTest
{
    private static final long WINDOW_NS = 1_000;

    private final FixedWindowQuota quota = new FixedWindowQuota(WINDOW_NS, 10);

    @Test
    void shouldAllowUpToTheLimitPerKeyAndWindow()
    {
        assertTrue(quota.tryTake(1, 6, 100));
        assertFalse(quota.tryTake(1, 5, 200), "6 + 5 is over 10");
        assertTrue(quota.tryTake(1, 4, 300), "a refused take counts nothing");
        assertFalse(quota.tryTake(1, 1, 1_099));
        assertTrue(quota.tryTake(2, 10, 1_099), "each key has its own allowance");
    }

    @Test
    void shouldStartAFreshWindowAfterTheLastOneEnded()
    {
        assertTrue(quota.tryTake(1, 10, 100));
        assertFalse(quota.tryTake(1, 1, 1_099));
        assertTrue(quota.tryTake(1, 10, 1_100));
        assertFalse(quota.tryTake(1, 1, 2_099));
    }

    @Test
    void shouldKeepRunningWindowsWhenSweepingEndedOnes()
    {
        assertTrue(quota.tryTake(1, 10, 100));
        assertTrue(quota.tryTake(2, 10, 600));
        quota.sweep(1_100);
        assertTrue(quota.tryTake(1, 10, 1_100), "key 1's window ended");
        assertFalse(quota.tryTake(2, 1, 1_100), "key 2's window is still running and still used up");
    }
}
