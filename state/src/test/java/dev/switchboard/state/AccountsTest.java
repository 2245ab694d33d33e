package dev.switchboard.state;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AccountsTest
{
    @TempDir
    Path dir;

    private SwitchboardState state;

    @AfterEach
    void after()
    {
        if (null != state)
        {
            state.close();
        }
    }

    @Test
    void shouldAcceptOnlyE164Numbers()
    {
        assertTrue(Accounts.isValidPhone("+14155550123"));
        assertTrue(Accounts.isValidPhone("+12345678"));
        assertTrue(Accounts.isValidPhone("+123456789012345"));
        assertFalse(Accounts.isValidPhone(null));
        assertFalse(Accounts.isValidPhone(""));
        assertFalse(Accounts.isValidPhone("+1234567"));
        assertFalse(Accounts.isValidPhone("+1234567890123456"));
        assertFalse(Accounts.isValidPhone("14155550123"));
        assertFalse(Accounts.isValidPhone("+1415555012a"));
        assertFalse(Accounts.isValidPhone("+1 415555012"));
        assertFalse(Accounts.isValidPhone("+04155550123"));
        assertFalse(Accounts.isValidPhone("++4155550123"));
    }

    @Test
    void shouldCreateAndLookUpBothWays()
    {
        state = TestStates.open(dir);
        final Accounts accounts = state.newAccounts();

        assertEquals(Accounts.NO_USER, accounts.userIdOf("+14155550123"));
        final long alice = accounts.create("+14155550123");
        final long bob = accounts.create("+447700900123");

        assertEquals(1, alice);
        assertEquals(2, bob);
        assertEquals(alice, accounts.userIdOf("+14155550123"));
        assertEquals(bob, accounts.userIdOf(new StringBuilder("+447700900123")));
        assertTrue(accounts.exists(alice));
        assertFalse(accounts.exists(3));
        assertFalse(accounts.exists(0));
        assertFalse(accounts.exists(-1));

        final StringBuilder phone = new StringBuilder();
        assertTrue(accounts.phoneOf(bob, phone));
        assertEquals("+447700900123", phone.toString());
        assertFalse(accounts.phoneOf(99, phone));
    }

    @Test
    void shouldReturnExistingIdWhenCreatingTwice()
    {
        state = TestStates.open(dir);
        final Accounts accounts = state.newAccounts();

        final long first = accounts.create("+14155550123");
        assertEquals(first, accounts.create("+14155550123"));
        assertEquals(first + 1, accounts.nextUserId());
    }

    @Test
    void shouldRefuseInvalidPhones()
    {
        state = TestStates.open(dir);
        final Accounts accounts = state.newAccounts();

        assertEquals(Accounts.NO_USER, accounts.create("not a phone"));
        assertEquals(Accounts.NO_USER, accounts.create("+123"));
        assertEquals(Accounts.NO_USER, accounts.userIdOf(null));
        assertEquals(1, accounts.nextUserId());
    }

    @Test
    void shouldKeepDigitsThatLookLikeLeadingZeros()
    {
        state = TestStates.open(dir);
        final Accounts accounts = state.newAccounts();

        final long a = accounts.create("+10000000");
        final long b = accounts.create("+100000000");
        final long c = accounts.create("+999999999999999");

        final StringBuilder phone = new StringBuilder();
        accounts.phoneOf(a, phone);
        assertEquals("+10000000", phone.toString());
        phone.setLength(0);
        accounts.phoneOf(b, phone);
        assertEquals("+100000000", phone.toString());
        phone.setLength(0);
        accounts.phoneOf(c, phone);
        assertEquals("+999999999999999", phone.toString());
        assertEquals(b, accounts.userIdOf("+100000000"));
    }

    @Test
    void shouldPersistAcrossReopenAndNeverReuseIds()
    {
        state = TestStates.open(dir);
        final long alice = state.newAccounts().create("+14155550123");
        final long bob = state.newAccounts().create("+14155550124");
        state.close();

        state = TestStates.open(dir);
        final Accounts accounts = state.newAccounts();
        assertEquals(alice, accounts.userIdOf("+14155550123"));
        assertEquals(bob, accounts.userIdOf("+14155550124"));
        final StringBuilder phone = new StringBuilder();
        assertTrue(accounts.phoneOf(alice, phone));
        assertEquals("+14155550123", phone.toString());

        final long carol = accounts.create("+14155550125");
        assertEquals(bob + 1, carol);
    }

    @Test
    void shouldReopenWithoutRecovery()
    {
        state = TestStates.open(dir);
        final long alice = state.newAccounts().create("+14155550123");
        state.close();

        state = SwitchboardState.open(TestStates.context(dir).recoverOnOpen(false));
        assertEquals(alice, state.newAccounts().userIdOf("+14155550123"));
    }
}
