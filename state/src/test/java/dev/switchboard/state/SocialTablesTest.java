package dev.switchboard.state;

import org.agrona.collections.LongHashSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SocialTablesTest
{
    @TempDir
    File dataDir;

    private StateContext context()
    {
        return new StateContext().dataDir(dataDir).maxAccounts(1_000);
    }

    @Test
    void shouldKeepBlocksContactsAndPrivacyAcrossReopen()
    {
        try (SwitchboardState state = SwitchboardState.open(context()))
        {
            final UserPairs blocks = state.newBlocks();
            assertTrue(blocks.add(1, 2, 100));
            assertTrue(blocks.contains(1, 2));
            assertFalse(blocks.contains(2, 1), "a block is one way");

            final UserPairs contacts = state.newContacts();
            assertTrue(contacts.add(1, 3, 100));
            assertTrue(contacts.add(1, 3, 200));
            assertEquals(1, contacts.size());

            final Privacy privacy = state.newPrivacy();
            assertEquals(Privacy.EVERYONE, privacy.lastSeenVisibility(1));
            privacy.set(1, Privacy.CONTACTS, Privacy.NOBODY);
        }

        try (SwitchboardState state = SwitchboardState.open(context()))
        {
            final UserPairs blocks = state.newBlocks();
            assertTrue(blocks.contains(1, 2));
            blocks.remove(1, 2);
            assertFalse(blocks.contains(1, 2));
            assertTrue(state.newContacts().contains(1, 3));
            assertEquals(Privacy.CONTACTS, state.newPrivacy().lastSeenVisibility(1));
            assertEquals(Privacy.NOBODY, state.newPrivacy().onlineVisibility(1));
            assertEquals(Privacy.EVERYONE, state.newPrivacy().onlineVisibility(2));
        }
    }

    @Test
    void shouldFindEveryUserPairedWithOneEitherWayRoundButItself()
    {
        try (SwitchboardState state = SwitchboardState.open(context()))
        {
            final UserPairs contacts = state.newContacts();
            contacts.add(1, 2, 100); // 1 wrote to 2
            contacts.add(3, 1, 100); // 3 wrote to 1
            contacts.add(2, 1, 100); // both ways: 2 once
            contacts.add(1, 1, 100); // a note to self
            contacts.add(4, 5, 100); // not 1's
            final LongHashSet partners = new LongHashSet();
            contacts.partnersOf(1, partners);
            assertEquals(Set.of(2L, 3L), new HashSet<>(partners));
        }
    }
}
