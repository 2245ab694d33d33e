package dev.switchboard.server;

import dev.switchboard.codec.sbe.ContactLookupResultDecoder;
import dev.switchboard.codec.sbe.DeliverDecoder;
import dev.switchboard.codec.sbe.ErrorCode;
import dev.switchboard.codec.sbe.PresenceState;
import dev.switchboard.codec.sbe.PresenceUpdateDecoder;
import dev.switchboard.codec.sbe.RequestAckDecoder;
import dev.switchboard.codec.sbe.SentAckDecoder;
import dev.switchboard.codec.sbe.TypingState;
import dev.switchboard.codec.sbe.TypingUpdateDecoder;
import dev.switchboard.codec.sbe.Visibility;
import org.agrona.CloseHelper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Presence and last seen, privacy, typing, contact lookup and blocking, over real sockets.
 */
@Timeout(120)
class SocialSystemTest
{
    private static final String ALICE = "+15551280001";
    private static final String BOB = "+15551280002";

    @TempDir
    File dataDir;

    private TestServer server;
    private TestConnection alice;
    private TestConnection bob;

    /**
     * @param idleTimeoutMs the server pings a connection after this much silence and closes it three times later.
     */
    private void start(final long idleTimeoutMs) throws IOException
    {
        server = TestServer.launch(
            dataDir,
            TestServer.loopback()
                .idleTimeoutNs(TimeUnit.MILLISECONDS.toNanos(idleTimeoutMs))
                .deadTimeoutNs(TimeUnit.MILLISECONDS.toNanos(3 * idleTimeoutMs)));
        alice = device(ALICE);
        bob = device(BOB);
    }

    @AfterEach
    void stop()
    {
        CloseHelper.close(server);
    }

    private TestConnection device(final String phone) throws IOException
    {
        return server.device(phone);
    }

    private TestConnection again(final TestConnection device) throws IOException
    {
        return server.again(device);
    }

    private static PresenceUpdateDecoder presence(final TestConnection connection, final long userId)
        throws IOException
    {
        final PresenceUpdateDecoder update = connection.expect(PresenceUpdateDecoder.TEMPLATE_ID).presenceUpdate();
        assertEquals(userId, update.userId());
        return update;
    }

    @Test
    void shouldPushPresenceAndLastSeenAcrossLoginLogoutDisconnectAndIdleTimeout() throws IOException
    {
        start(300);
        alice.presenceSubscribe(bob.userId);
        assertEquals(PresenceState.ONLINE, presence(alice, bob.userId).state());

        bob.close();
        final PresenceUpdateDecoder offline = presence(alice, bob.userId);
        assertEquals(PresenceState.OFFLINE, offline.state());
        final long lastSeenAfterDisconnect = offline.lastSeenMs();
        assertTrue(lastSeenAfterDisconnect > 0);

        final TestConnection bobAgain = again(bob);
        assertEquals(PresenceState.ONLINE, presence(alice, bob.userId).state());

        bobAgain.logout();
        bobAgain.expect(RequestAckDecoder.TEMPLATE_ID);
        final PresenceUpdateDecoder loggedOut = presence(alice, bob.userId);
        assertEquals(PresenceState.OFFLINE, loggedOut.state());
        assertTrue(loggedOut.lastSeenMs() >= lastSeenAfterDisconnect);

        // Bob logs in and then goes silent: he does not answer the server's pings, so the idle timeout closes him.
        again(bob);
        assertEquals(PresenceState.ONLINE, presence(alice, bob.userId).state());
        assertEquals(PresenceState.OFFLINE, presence(alice, bob.userId).state());
    }

    @Test
    void shouldHonourEachPrivacySetting() throws IOException
    {
        start(60_000);
        bob.privacy(Visibility.NOBODY, Visibility.NOBODY);
        bob.expect(RequestAckDecoder.TEMPLATE_ID);
        alice.presenceSubscribe(bob.userId);
        PresenceUpdateDecoder update = presence(alice, bob.userId);
        assertEquals(PresenceState.HIDDEN, update.state());
        assertEquals(0, update.lastSeenMs());

        // Contacts only: alice is not bob's contact until bob looks her up or messages her.
        bob.privacy(Visibility.CONTACTS, Visibility.CONTACTS);
        bob.expect(RequestAckDecoder.TEMPLATE_ID);
        final TestConnection carol = device("+15551280003");
        carol.presenceSubscribe(bob.userId);
        assertEquals(PresenceState.HIDDEN, presence(carol, bob.userId).state());

        bob.contactLookup(ALICE);
        bob.expect(ContactLookupResultDecoder.TEMPLATE_ID);
        alice.presenceSubscribe(bob.userId);
        update = presence(alice, bob.userId);
        assertEquals(PresenceState.ONLINE, update.state());
        assertTrue(update.lastSeenMs() > 0);

        bob.privacy(Visibility.EVERYONE, Visibility.EVERYONE);
        bob.expect(RequestAckDecoder.TEMPLATE_ID);
        carol.presenceSubscribe(bob.userId);
        assertEquals(PresenceState.ONLINE, presence(carol, bob.userId).state());
    }

    @Test
    void shouldRelayTypingToOnlineDevicesOnlyAndNeverStoreIt() throws IOException
    {
        start(60_000);
        alice.typing(bob.userId, TypingState.COMPOSING);
        final TypingUpdateDecoder typing = bob.expect(TypingUpdateDecoder.TEMPLATE_ID).typingUpdate();
        assertEquals(alice.userId, typing.from().userId());
        assertEquals(TypingState.COMPOSING, typing.state());

        bob.close();
        alice.typing(bob.userId, TypingState.COMPOSING);
        alice.typing(bob.userId, TypingState.PAUSED);
        final TestConnection bobAgain = again(bob);
        bobAgain.expectSilence(300);

        // A burst is cut to the per-second budget (at most two windows' worth if it straddles one).
        for (int i = 0; i < 40; i++)
        {
            alice.typing(bob.userId, 0 == (i & 1) ? TypingState.COMPOSING : TypingState.PAUSED);
        }
        int relayed = 0;
        try
        {
            while (true)
            {
                bobAgain.channel.socket().setSoTimeout(300);
                bobAgain.expect(TypingUpdateDecoder.TEMPLATE_ID);
                relayed++;
            }
        }
        catch (final java.net.SocketTimeoutException expected)
        {
            // no more
        }
        assertTrue(relayed >= 1 && relayed <= 10, "relayed " + relayed);
    }

    @Test
    void shouldDropABlockedUsersMessagesTypingAndPresenceUntilUnblocked() throws IOException
    {
        start(60_000);
        bob.block(alice.userId);
        bob.expect(RequestAckDecoder.TEMPLATE_ID);

        alice.send(1, bob.userId, 0, new byte[]{ 1 });
        alice.expect(SentAckDecoder.TEMPLATE_ID); // one tick, as for anyone
        alice.typing(bob.userId, TypingState.COMPOSING);
        alice.presenceSubscribe(bob.userId);
        assertEquals(PresenceState.HIDDEN, presence(alice, bob.userId).state());
        bob.expectSilence(300);

        bob.unblock(alice.userId);
        bob.expect(RequestAckDecoder.TEMPLATE_ID);
        alice.send(2, bob.userId, 0, new byte[]{ 2 });
        final long messageId = alice.expect(SentAckDecoder.TEMPLATE_ID).sentAck().messageId();
        final DeliverDecoder deliver = bob.expect(DeliverDecoder.TEMPLATE_ID).deliver();
        assertEquals(messageId, deliver.messageId());
        alice.typing(bob.userId, TypingState.COMPOSING);
        bob.expect(TypingUpdateDecoder.TEMPLATE_ID);

        // Blocked again after messages flowed: what the server remembered of the pair must not let the next through.
        bob.block(alice.userId);
        bob.expect(RequestAckDecoder.TEMPLATE_ID);
        alice.send(3, bob.userId, 0, new byte[]{ 3 });
        alice.expect(SentAckDecoder.TEMPLATE_ID);
        alice.typing(bob.userId, TypingState.COMPOSING);
        bob.expectSilence(300);
    }

    @Test
    void shouldLookUpRegisteredNumbersWithinLimits() throws IOException
    {
        start(60_000);
        alice.contactLookup(BOB, "+15559999999", "not-a-number");
        final ContactLookupResultDecoder result =
            alice.expect(ContactLookupResultDecoder.TEMPLATE_ID).contactLookupResult();
        final ContactLookupResultDecoder.ContactsDecoder contacts = result.contacts();
        assertEquals(1, contacts.count());
        contacts.next();
        assertEquals(bob.userId, contacts.userId());
        assertEquals(BOB, contacts.phone());

        final String[] tooMany = new String[65];
        for (int i = 0; i < tooMany.length; i++)
        {
            tooMany[i] = String.format("+1666%07d", i);
        }
        alice.contactLookup(tooMany);
        assertEquals(ErrorCode.INVALID_FIELD, alice.expectError());

        // 2,000 numbers a day: 31 full lookups of 64 leave room for 16 more, not 64.
        final String[] batch = java.util.Arrays.copyOf(tooMany, 64);
        for (int i = 0; i < 31; i++)
        {
            alice.contactLookup(batch);
            assertEquals(0, alice.expect(ContactLookupResultDecoder.TEMPLATE_ID).contactLookupResult()
                .contacts().count());
        }
        alice.contactLookup(batch);
        assertEquals(ErrorCode.RATE_LIMITED, alice.expectError());
    }
}
