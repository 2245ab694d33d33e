package dev.switchboard.ring;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PairSetTest
{
    @Test
    void shouldRememberPairsExactlyAndInOrder()
    {
        final PairSet pairs = new PairSet(64);
        pairs.add(3, 7);
        assertTrue(pairs.contains(3, 7));
        assertFalse(pairs.contains(7, 3), "a pair has an order: (owner, other)");
        assertFalse(pairs.contains(3, 8));

        pairs.remove(3, 8);
        assertTrue(pairs.contains(3, 7), "removing another pair leaves it");
        pairs.remove(3, 7);
        assertFalse(pairs.contains(3, 7));
        assertFalse(pairs.contains(0, 0), "an empty slot is no pair of real users");
    }

    @Test
    void shouldForgetWhatAnotherPairDisplacesButNeverAnswerForIt()
    {
        final PairSet pairs = new PairSet(4);
        for (long user = 1; user <= 1_000; user++)
        {
            pairs.add(user, user + 1);
        }
        int remembered = 0;
        for (long user = 1; user <= 1_000; user++)
        {
            remembered += pairs.contains(user, user + 1) ? 1 : 0;
            assertFalse(pairs.contains(user, user + 2));
        }
        assertTrue(remembered >= 1 && remembered <= 4, "at most one pair per slot: " + remembered);
    }

    @Test
    void shouldKeepTwoPairsThatShareABucketAndDisplaceTheOlderForAThird()
    {
        final PairSet pairs = new PairSet(2); // one bucket: every pair maps to it
        pairs.add(1, 2);
        pairs.add(3, 4);
        pairs.add(3, 4);
        assertTrue(pairs.contains(1, 2), "the second way keeps the first pair");
        assertTrue(pairs.contains(3, 4));

        pairs.add(5, 6);
        assertFalse(pairs.contains(1, 2), "a third pair displaces the older");
        assertTrue(pairs.contains(3, 4));
        assertTrue(pairs.contains(5, 6));

        pairs.remove(3, 4);
        assertFalse(pairs.contains(3, 4));
        assertTrue(pairs.contains(5, 6), "removing one way leaves the other");
        assertFalse(pairs.contains(0, 0), "a cleared slot is no pair of real users");
    }

    @Test
    void shouldRefuseACapacityThatIsNotAPowerOfTwo()
    {
        assertThrows(IllegalArgumentException.class, () -> new PairSet(100));
        assertThrows(IllegalArgumentException.class, () -> new PairSet(1));
    }
}
