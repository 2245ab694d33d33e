package dev.switchboard.edge;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReplyWaitTest
{
    private static final long MAX_NS = 50_000;

    private final ReplyWait wait = new ReplyWait(MAX_NS);

    @Test
    void shouldBlockAtOnceUntilAnAnswerHasComeSoonAfterABlock()
    {
        wait.arm(1_000_000);
        assertFalse(wait.keepPolling(1_000_000), "no window learned yet");

        assertTrue(wait.onWoken(1_012_000, true), "a wait the window missed");
        assertEquals(18_000, wait.windowNs(), "grown to half as much again as the 12 us the answer took");

        wait.arm(2_000_000);
        assertTrue(wait.keepPolling(2_017_999));
        assertTrue(wait.onPolledInput(), "the answer came while polling: a wake-up saved");
        assertFalse(wait.keepPolling(2_017_999), "the wait ended with it");
        assertEquals(18_000, wait.windowNs(), "a caught answer leaves the window as it is");
    }

    @Test
    void shouldGrowNoWiderThanTheBoundAndHalveWhenAnswersComeLater()
    {
        wait.arm(0);
        wait.onWoken(40_000, true);
        assertEquals(MAX_NS, wait.windowNs());

        wait.arm(100_000);
        assertFalse(wait.keepPolling(100_000 + MAX_NS), "the window passed");
        assertTrue(wait.onWoken(300_000, true), "the answer came after the bound");
        assertEquals(MAX_NS / 2, wait.windowNs());

        for (int i = 0; i < 5; i++)
        {
            wait.arm(1_000_000L * (i + 1));
            wait.onWoken(1_000_000L * (i + 1) + 900_000, false);
        }
        assertEquals(0, wait.windowNs(), "slow answers close the window: nothing is spent polling for them");
        wait.arm(10_000_000);
        assertFalse(wait.keepPolling(10_000_000));
    }

    @Test
    void shouldKeepWaitingWhenAnotherThreadWokeItEarly()
    {
        wait.arm(0);
        wait.onWoken(10_000, true);
        final long window = wait.windowNs();

        wait.arm(1_000_000);
        assertFalse(wait.onWoken(1_003_000, false), "a wake-up call, not an answer");
        assertTrue(wait.keepPolling(1_004_000), "still within the window");
        assertEquals(window, wait.windowNs());
    }

    @Test
    void shouldNotCountInputThatNoWaitWasFor()
    {
        assertFalse(wait.onPolledInput());
        assertFalse(wait.onWoken(5_000, true));
        assertEquals(0, wait.windowNs());
    }

    @Test
    void shouldNeverPollWhenTurnedOff()
    {
        final ReplyWait off = new ReplyWait(0);
        off.arm(0);
        assertFalse(off.onWoken(1_000, true), "never armed");
        off.arm(2_000);
        assertFalse(off.keepPolling(2_000));
        assertEquals(0, off.windowNs());
        assertThrows(IllegalArgumentException.class, () -> new ReplyWait(-1));
    }
}
