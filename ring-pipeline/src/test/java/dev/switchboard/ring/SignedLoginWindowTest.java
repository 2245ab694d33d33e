package dev.switchboard.ring;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SignedLoginWindowTest
{
    private static final long WINDOW_MS = 30_000;
    private static final long START_MS = 1_795_000_000_000L;
    private static final long DEVICE = 42;
    private static final long OTHER_DEVICE = 43;

    private final SignedLoginWindow window = new SignedLoginWindow(WINDOW_MS, START_MS);

    @Test
    void shouldTakeTimesLessThanAWindowFromTheClockEitherWay()
    {
        final long now = START_MS + 100_000;
        assertTrue(window.mayTake(DEVICE, now, now));
        assertTrue(window.mayTake(DEVICE, now - WINDOW_MS + 1, now));
        assertTrue(window.mayTake(DEVICE, now + WINDOW_MS - 1, now));
        assertFalse(window.mayTake(DEVICE, now - WINDOW_MS, now));
        assertFalse(window.mayTake(DEVICE, now + WINDOW_MS, now));
        assertFalse(window.mayTake(DEVICE, 0, now));
    }

    @Test
    void shouldRefuseTimesNotAfterTheServersStart()
    {
        final long now = START_MS + 1_000;
        assertFalse(window.mayTake(DEVICE, START_MS, now), "signed before a restart");
        assertFalse(window.mayTake(DEVICE, START_MS - 1, now));
        assertTrue(window.mayTake(DEVICE, START_MS + 1, now));
    }

    @Test
    void shouldTakeEachDevicesLoginsOnlyInTheOrderSigned()
    {
        final long now = START_MS + 100_000;
        window.taken(DEVICE, now, now);

        assertFalse(window.mayTake(DEVICE, now, now), "the same login again");
        assertFalse(window.mayTake(DEVICE, now - 1, now), "an older one");
        assertTrue(window.mayTake(DEVICE, now + 1, now));
        assertTrue(window.mayTake(OTHER_DEVICE, now, now), "another device's logins are its own");
    }

    @Test
    void shouldNeverForgetALoginWhileItsTimeIsInTheWindow()
    {
        // Taken a whole window ahead of the clock, then offered again every 100 ms until long after.
        final long takenAt = START_MS + 10_000;
        final long signedAt = takenAt + WINDOW_MS - 1;
        assertTrue(window.mayTake(DEVICE, signedAt, takenAt));
        window.taken(DEVICE, signedAt, takenAt);

        for (long now = takenAt; now < takenAt + 10 * WINDOW_MS; now += 100)
        {
            assertFalse(window.mayTake(DEVICE, signedAt, now), "replayed at " + (now - takenAt) + " ms");
        }
    }

    @Test
    void shouldForgetLoginsSomeWindowsAfterTheyWereTaken()
    {
        final long now = START_MS + 1_000;
        for (int device = 1; device <= 1_000; device++)
        {
            window.taken(device, now, now);
        }
        assertEquals(1_000, window.size());

        window.mayTake(DEVICE, now + 2 * WINDOW_MS, now + 2 * WINDOW_MS);
        assertEquals(1_000, window.size(), "kept one more generation");
        window.mayTake(DEVICE, now + 4 * WINDOW_MS, now + 4 * WINDOW_MS);
        assertEquals(0, window.size());
    }
}
