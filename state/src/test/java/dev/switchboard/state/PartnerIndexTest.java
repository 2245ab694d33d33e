package dev.switchboard.state;

import org.agrona.collections.LongHashSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PartnerIndexTest
{
    private static final int USERS = 40;

    @TempDir
    File dataDir;

    private StateContext context()
    {
        return new StateContext().dataDir(dataDir).maxAccounts(1_000);
    }

    private static Set<Long> indexed(final UserPairs pairs, final long userId)
    {
        final LongHashSet into = new LongHashSet();
        pairs.partnersOf(userId, into);
        return new HashSet<>(into);
    }

    private static Set<Long> scanned(final UserPairs pairs, final long userId)
    {
        final LongHashSet into = new LongHashSet();
        pairs.scanPartnersOf(userId, into);
        return new HashSet<>(into);
    }

    private static void assertIndexEqualsScan(final UserPairs pairs, final String when)
    {
        for (long userId = 1; userId <= USERS; userId++)
        {
            assertEquals(scanned(pairs, userId), indexed(pairs, userId), when + ", user " + userId);
        }
    }

    @Test
    void shouldKeepTheIndexEqualToTheScanThroughAddsAndRemoves()
    {
        try (SwitchboardState state = SwitchboardState.open(context()))
        {
            final UserPairs contacts = state.newContacts();
            final Random random = new Random(7);
            int adds = 0;
            int removes = 0;
            for (int step = 0; step < 3_000; step++)
            {
                final long owner = 1 + random.nextInt(USERS);
                // a user paired with itself now and then: a note to self is no partner
                final long other = random.nextInt(10) == 0 ? owner : 1 + random.nextInt(USERS);
                if (random.nextInt(3) == 0)
                {
                    contacts.remove(owner, other);
                    removes++;
                }
                else
                {
                    assertTrue(contacts.add(owner, other, step));
                    adds++;
                }
                if (0 == step % 50)
                {
                    assertIndexEqualsScan(contacts, "step " + step);
                }
            }
            assertIndexEqualsScan(contacts, "after " + adds + " adds and " + removes + " removes");
            assertTrue(contacts.size() > 100, "a table worth testing: " + contacts.size());

            // everything removed: nothing indexed, for anyone
            for (long owner = 1; owner <= USERS; owner++)
            {
                for (long other = 1; other <= USERS; other++)
                {
                    contacts.remove(owner, other);
                }
            }
            assertEquals(0, contacts.size());
            for (long userId = 1; userId <= USERS; userId++)
            {
                assertTrue(indexed(contacts, userId).isEmpty());
            }
        }
    }

    @Test
    void shouldKeepAPartnerWhilePairedOneWayRoundAndDropItWhenNeitherIs()
    {
        try (SwitchboardState state = SwitchboardState.open(context()))
        {
            final UserPairs contacts = state.newContacts();
            contacts.add(1, 2, 1);
            contacts.add(2, 1, 1);
            contacts.remove(1, 2);
            assertEquals(Set.of(2L), indexed(contacts, 1), "2 still wrote to 1");
            assertEquals(Set.of(1L), indexed(contacts, 2));
            contacts.remove(2, 1);
            assertTrue(indexed(contacts, 1).isEmpty());
            assertTrue(indexed(contacts, 2).isEmpty());
            contacts.remove(2, 1); // removing what is not there changes nothing
            contacts.add(3, 3, 1);
            assertTrue(indexed(contacts, 3).isEmpty());
        }
    }

    @Test
    void shouldRebuildTheIndexWhenItsFileIsMissingOrTheStateWasNotClosedCleanly()
    {
        try (SwitchboardState state = SwitchboardState.open(context()))
        {
            final UserPairs contacts = state.newContacts();
            contacts.add(1, 2, 1);
            contacts.add(3, 1, 1);
            contacts.add(4, 5, 1);
        }
        // a data folder from before the index existed
        assertTrue(new File(dataDir, SwitchboardState.CONTACT_PARTNERS_FILE).delete());
        try (SwitchboardState state = SwitchboardState.open(context()))
        {
            final UserPairs contacts = state.newContacts();
            assertEquals(Set.of(2L, 3L), indexed(contacts, 1));
            assertEquals(Set.of(4L), indexed(contacts, 5));
            assertIndexEqualsScan(contacts, "rebuilt");
        }

        // recovery (as after a crash between a pair and its index entry) rebuilds too
        try (SwitchboardState state = SwitchboardState.open(context()))
        {
            final UserPairs contacts = state.newContacts();
            contacts.add(6, 1, 1);
            contacts.index().unlink(6, 1); // the pair stored, its index entries not
            assertTrue(indexed(contacts, 6).isEmpty());
        }
        try (SwitchboardState state = SwitchboardState.open(context().recoverOnOpen(true)))
        {
            assertTrue(state.wasRecovered());
            final UserPairs contacts = state.newContacts();
            assertEquals(Set.of(2L, 3L, 6L), indexed(contacts, 1));
            assertFalse(indexed(contacts, 6).isEmpty());
            assertIndexEqualsScan(contacts, "recovered");
        }
    }
}
