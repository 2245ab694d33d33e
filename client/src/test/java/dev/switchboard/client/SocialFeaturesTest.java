package dev.switchboard.client;

import dev.switchboard.codec.sbe.ContactLookupDecoder;
import dev.switchboard.codec.sbe.ErrorCode;
import dev.switchboard.codec.sbe.PresenceState;
import dev.switchboard.codec.sbe.PresenceSubscribeDecoder;
import dev.switchboard.codec.sbe.TypingState;
import dev.switchboard.codec.sbe.Visibility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static dev.switchboard.client.ClientFixture.TIMEOUT_S;
import static dev.switchboard.client.ClientFixture.await;
import static dev.switchboard.client.ClientFixture.failure;
import static dev.switchboard.client.ClientFixture.get;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(30)
class SocialFeaturesTest extends FakeServerClientTest
{
    private static final long BOB = 2000;
    private static final long CAROL = 3000;

    @Test
    void shouldLookUpContactsInBatchesOf64() throws Exception
    {
        final SwitchboardClient client = loggedInClient();
        final List<String> phones = new ArrayList<>();
        for (int i = 0; i < 130; i++)
        {
            phones.add("+1555100" + String.format("%04d", i));
        }
        phones.add(phones.get(0));
        server.directory(phones.get(3), BOB);
        server.directory(phones.get(100), CAROL);
        server.directory(phones.get(129), 4000);

        final Map<String, Long> contacts = get(client.lookupContacts(phones));

        assertEquals(Map.of(phones.get(3), BOB, phones.get(100), CAROL, phones.get(129), 4000L), contacts);
        assertEquals(64, server.lookups.poll(TIMEOUT_S, TimeUnit.SECONDS).size());
        assertEquals(64, server.lookups.poll(TIMEOUT_S, TimeUnit.SECONDS).size());
        assertEquals(phones.subList(128, 130), server.lookups.poll(TIMEOUT_S, TimeUnit.SECONDS));
        assertTrue(server.lookups.isEmpty(), "the repeated number is looked up once");
    }

    @Test
    void shouldAnswerAnEmptyLookupWithoutAsking() throws Exception
    {
        final SwitchboardClient client = loggedInClient();

        assertEquals(Map.of(), get(client.lookupContacts(List.of())));
        assertTrue(server.lookups.isEmpty());
        assertThrows(IllegalArgumentException.class, () -> client.lookupContacts(List.of("")));
    }

    @Test
    void shouldFailLookupWhenTheServerRefusesIt() throws Exception
    {
        final SwitchboardClient client = loggedInClient();
        server.lookupError(ErrorCode.RATE_LIMITED);

        final SwitchboardException error = failure(client.lookupContacts(List.of("+15551230002")));

        assertEquals(ErrorCode.RATE_LIMITED, error.code());
        assertEquals(ContactLookupDecoder.TEMPLATE_ID, error.templateId());
    }

    @Test
    void shouldReportPresenceAtSubscribeAndOnEveryChange() throws Exception
    {
        final SwitchboardClient client = loggedInClient();
        server.presence(BOB, PresenceState.ONLINE, 0);

        get(client.subscribePresence(BOB));
        assertEquals(new RecordingListener.Presence(BOB, PresenceState.ONLINE, 0), nextPresence());

        server.presenceUpdate(BOB, PresenceState.OFFLINE, 1_700_000_000_000L);
        assertEquals(new RecordingListener.Presence(BOB, PresenceState.OFFLINE, 1_700_000_000_000L), nextPresence());
    }

    @Test
    void shouldSubscribeAgainAfterReconnecting() throws Exception
    {
        final SwitchboardClient client = loggedInClient();
        server.presence(BOB, PresenceState.ONLINE, 0);
        get(client.subscribePresence(BOB));
        assertEquals(BOB, server.presenceSubscribes.poll(TIMEOUT_S, TimeUnit.SECONDS));
        nextPresence();

        server.presence(BOB, PresenceState.OFFLINE, 42);
        server.dropConnection();

        assertEquals(BOB, server.presenceSubscribes.poll(TIMEOUT_S, TimeUnit.SECONDS));
        assertEquals(new RecordingListener.Presence(BOB, PresenceState.OFFLINE, 42), nextPresence());
        assertEquals(2, server.logins());
    }

    @Test
    void shouldSubscribeOnLoginWhenAskedBeforeIt() throws Exception
    {
        final SwitchboardClient client = registeredClient();
        server.presence(BOB, PresenceState.ONLINE, 0);

        final CompletableFuture<Void> subscribed = client.subscribePresence(BOB);
        get(client.login());

        get(subscribed);
        assertEquals(BOB, server.presenceSubscribes.poll(TIMEOUT_S, TimeUnit.SECONDS));
        assertEquals(new RecordingListener.Presence(BOB, PresenceState.ONLINE, 0), nextPresence());
        assertNull(server.presenceSubscribes.poll(200, TimeUnit.MILLISECONDS), "subscribed once, not twice");
    }

    @Test
    void shouldWithdrawASubscribeUnsubscribedBeforeLogin() throws Exception
    {
        final SwitchboardClient client = registeredClient();
        server.presence(BOB, PresenceState.ONLINE, 0);
        server.presence(CAROL, PresenceState.ONLINE, 0);

        final CompletableFuture<Void> subscribed = client.subscribePresence(BOB);
        get(client.unsubscribePresence(BOB));
        get(client.login());
        get(client.subscribePresence(CAROL));

        assertThrows(CancellationException.class, () -> subscribed.get(TIMEOUT_S, TimeUnit.SECONDS));
        assertEquals(CAROL, server.presenceSubscribes.poll(TIMEOUT_S, TimeUnit.SECONDS));
        assertTrue(server.presenceSubscribes.isEmpty());
        assertTrue(server.presenceUnsubscribes.isEmpty());
    }

    @Test
    void shouldNotSubscribeAgainAfterUnsubscribeOrUnknownUser() throws Exception
    {
        final SwitchboardClient client = loggedInClient();
        server.presence(BOB, PresenceState.ONLINE, 0);
        server.presence(CAROL, PresenceState.ONLINE, 0);
        get(client.subscribePresence(BOB));
        get(client.unsubscribePresence(BOB));
        assertEquals(BOB, server.presenceUnsubscribes.poll(TIMEOUT_S, TimeUnit.SECONDS));
        final SwitchboardException error = failure(client.subscribePresence(77));
        assertEquals(ErrorCode.UNKNOWN_USER, error.code());
        assertEquals(PresenceSubscribeDecoder.TEMPLATE_ID, error.templateId());
        get(client.subscribePresence(CAROL));
        server.presenceSubscribes.clear();

        server.dropConnection();
        await(() -> server.logins() == 2);

        assertEquals(CAROL, server.presenceSubscribes.poll(TIMEOUT_S, TimeUnit.SECONDS));
        assertNull(server.presenceSubscribes.poll(200, TimeUnit.MILLISECONDS));
    }

    @Test
    void shouldSendTypingAndReportTypingUpdates() throws Exception
    {
        final SwitchboardClient client = loggedInClient();

        client.sendTyping(BOB, true);
        client.sendTyping(BOB, false);
        assertArrayEquals(
            new long[]{ BOB, 0, TypingState.COMPOSING.value() }, server.typings.poll(TIMEOUT_S, TimeUnit.SECONDS));
        assertArrayEquals(
            new long[]{ BOB, 0, TypingState.PAUSED.value() }, server.typings.poll(TIMEOUT_S, TimeUnit.SECONDS));

        server.typingUpdate(BOB, 2, TypingState.COMPOSING);
        assertEquals(
            new RecordingListener.Typing(BOB, 2, TypingState.COMPOSING),
            listener.typing.poll(TIMEOUT_S, TimeUnit.SECONDS));
    }

    @Test
    void shouldDropTypingWhileNotLoggedIn() throws Exception
    {
        final SwitchboardClient client = registeredClient();

        client.sendTyping(BOB, true);
        await(() -> client.typingDropped() == 1);
        get(client.login());
        client.sendTyping(BOB, false);

        assertArrayEquals(
            new long[]{ BOB, 0, TypingState.PAUSED.value() }, server.typings.poll(TIMEOUT_S, TimeUnit.SECONDS));
        assertTrue(server.typings.isEmpty());
    }

    @Test
    void shouldBlockUnblockAndSetPrivacy() throws Exception
    {
        final SwitchboardClient client = loggedInClient();

        get(client.block(BOB));
        get(client.unblock(BOB));
        get(client.setPrivacy(Visibility.CONTACTS, Visibility.NOBODY));

        assertEquals(BOB, server.blocks.poll(TIMEOUT_S, TimeUnit.SECONDS));
        assertEquals(BOB, server.unblocks.poll(TIMEOUT_S, TimeUnit.SECONDS));
        assertEquals("CONTACTS/NOBODY", server.privacySettings.poll(TIMEOUT_S, TimeUnit.SECONDS));
        assertThrows(IllegalArgumentException.class, () -> client.setPrivacy(Visibility.NULL_VAL, Visibility.NOBODY));
    }

    private RecordingListener.Presence nextPresence() throws InterruptedException
    {
        return listener.presence.poll(TIMEOUT_S, TimeUnit.SECONDS);
    }

    private SwitchboardClient registeredClient() throws Exception
    {
        final SwitchboardClient client = open(context());
        get(client.requestCode(ClientFixture.PHONE));
        get(client.verify(ClientFixture.PHONE, FakeServer.CODE));
        return client;
    }
}
