package dev.switchboard.client;

import dev.switchboard.codec.sbe.ErrorCode;
import dev.switchboard.codec.sbe.GroupChange;
import dev.switchboard.codec.sbe.GroupCreateDecoder;
import dev.switchboard.codec.sbe.GroupInfoRequestDecoder;
import dev.switchboard.codec.sbe.GroupRole;
import dev.switchboard.codec.sbe.GroupUpdateDecoder;
import dev.switchboard.codec.sbe.SendGroupDecoder;
import dev.switchboard.codec.sbe.TypingState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static dev.switchboard.client.ClientFixture.TIMEOUT_S;
import static dev.switchboard.client.ClientFixture.await;
import static dev.switchboard.client.ClientFixture.failure;
import static dev.switchboard.client.ClientFixture.get;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The SDK's group calls, callbacks and errors against the fake server.
 */
@Timeout(30)
class GroupClientTest extends FakeServerClientTest
{
    private static final long SELF = FakeServer.FIRST_USER_ID;
    private static final long BOB = 2000;
    private static final long CAROL = 3000;
    private static final long DAVE = 4000;

    @Test
    void shouldCreateAGroupHandItsEventOnceAndKnowItAfterARestart() throws Exception
    {
        final SwitchboardClient client = loggedInClient();

        final GroupInfo created = get(client.createGroup("Family", List.of(BOB, CAROL, BOB)));

        assertEquals("Family", created.name());
        assertEquals(1, created.version());
        assertEquals(List.of(SELF, BOB, CAROL), created.memberUserIds());
        assertTrue(created.isAdmin(SELF));
        assertFalse(created.isAdmin(BOB));
        assertTrue(created.isMember(CAROL));
        assertNull(listener.groupEvents.poll(50, TimeUnit.MILLISECONDS), "the caller's device gets the answer only");
        assertEquals(List.of(created), client.groups());

        client.close();
        final SwitchboardClient reopened = open(context());

        assertEquals(List.of(created), reopened.groups());
        assertEquals(created, reopened.group(created.groupId()));
        assertTrue(new File(new File(storeDir, ClientStore.GROUPS_DIR),
            String.format("%016x", created.groupId()) + ClientStore.GROUP_SUFFIX).isFile());
    }

    @Test
    void shouldAddRemovePromoteDemoteAndRenameAndKeepTheStoreInStepWithTheServer() throws Exception
    {
        final SwitchboardClient client = loggedInClient();
        final long groupId = get(client.createGroup("Family", List.of(BOB))).groupId();

        assertEquals(List.of(SELF, BOB, CAROL, DAVE), get(client.addMembers(groupId, List.of(CAROL, DAVE)))
            .memberUserIds());
        assertEquals(List.of(SELF, BOB, DAVE), get(client.removeMembers(groupId, List.of(CAROL))).memberUserIds());
        assertTrue(get(client.promoteAdmins(groupId, List.of(BOB))).isAdmin(BOB));
        assertFalse(get(client.demoteAdmins(groupId, List.of(BOB))).isAdmin(BOB));
        final GroupInfo renamed = get(client.renameGroup(groupId, "Family \u2764"));

        assertEquals("Family \u2764", renamed.name());
        assertEquals(6, renamed.version());
        assertTrue(listener.groupEvents.isEmpty());
        final FakeServer.Group onServer = server.groups.get(groupId);
        final GroupInfo stored = client.group(groupId);
        assertEquals(onServer.version, stored.version());
        assertEquals(onServer.name, stored.name());
        assertEquals(new ArrayList<>(onServer.members.keySet()), stored.memberUserIds());
        for (final GroupMember member : stored.members())
        {
            assertEquals(onServer.members.get(member.userId()), member.role());
        }
    }

    @Test
    void shouldApplyEventsFromOthersAndAskForTheWholeGroupWhenEventsWereMissed() throws Exception
    {
        final SwitchboardClient client = loggedInClient();
        final long groupId = 77;
        final FakeServer.Group group = new FakeServer.Group(groupId, "Team");
        group.members.put(BOB, GroupRole.ADMIN);
        group.members.put(CAROL, GroupRole.MEMBER);
        group.members.put(SELF, GroupRole.MEMBER);
        group.version = 2;
        server.groups.put(groupId, group);

        // Added by Bob: the event names only this user, so the client asks for the rest.
        server.groupEvent(900, groupId, 2, GroupChange.ADD_MEMBERS, BOB, List.of(SELF), "Team");
        assertEquals(GroupChange.ADD_MEMBERS, listener.groupEvents.poll(TIMEOUT_S, TimeUnit.SECONDS).change());
        assertEquals(GroupInfoRequestDecoder.TEMPLATE_ID, server.groupRequests.poll(TIMEOUT_S, TimeUnit.SECONDS));
        await(() -> client.group(groupId).members().size() == 3);
        assertTrue(client.group(groupId).isAdmin(BOB));

        // The next version applies in place, with no request.
        group.name = "Team A";
        group.version = 3;
        server.groupEvent(901, groupId, 3, GroupChange.RENAME, BOB, List.of(), "Team A");
        server.groupEvent(901, groupId, 3, GroupChange.RENAME, BOB, List.of(), "Team A");
        server.groupEvent(902, groupId, 2, GroupChange.RENAME, BOB, List.of(), "stale");
        assertEquals(900L, server.deliverAcks.poll(TIMEOUT_S, TimeUnit.SECONDS));
        assertEquals(901L, server.deliverAcks.poll(TIMEOUT_S, TimeUnit.SECONDS));
        assertEquals(901L, server.deliverAcks.poll(TIMEOUT_S, TimeUnit.SECONDS));
        assertEquals(902L, server.deliverAcks.poll(TIMEOUT_S, TimeUnit.SECONDS));
        assertEquals("Team A", listener.groupEvents.poll(TIMEOUT_S, TimeUnit.SECONDS).name());
        assertEquals("stale", listener.groupEvents.poll(TIMEOUT_S, TimeUnit.SECONDS).name());
        assertNull(listener.groupEvents.poll(50, TimeUnit.MILLISECONDS), "the repeated event is handed once");
        assertEquals(1, client.duplicatesDropped());
        assertEquals("Team A", client.group(groupId).name());
        assertEquals(3, client.group(groupId).version());
        assertNull(server.groupRequests.poll(50, TimeUnit.MILLISECONDS));

        // The server hands admin on when the last admin leaves (actor 0), then this user is removed.
        server.groupEvent(903, groupId, 4, GroupChange.LEAVE, BOB, List.of(BOB), "Team A");
        server.groupEvent(904, groupId, 5, GroupChange.PROMOTE_ADMINS, 0, List.of(CAROL), "Team A");
        assertEquals(GroupChange.LEAVE, listener.groupEvents.poll(TIMEOUT_S, TimeUnit.SECONDS).change());
        final GroupEvent promoted = listener.groupEvents.poll(TIMEOUT_S, TimeUnit.SECONDS);
        assertEquals(0, promoted.actorUserId());
        assertEquals(List.of(CAROL, SELF), client.group(groupId).memberUserIds());
        assertTrue(client.group(groupId).isAdmin(CAROL));

        server.groupEvent(905, groupId, 6, GroupChange.REMOVE_MEMBERS, CAROL, List.of(SELF), "Team A");
        assertEquals(GroupChange.REMOVE_MEMBERS, listener.groupEvents.poll(TIMEOUT_S, TimeUnit.SECONDS).change());
        assertNull(client.group(groupId));
        assertEquals(List.of(), client.groups());
    }

    @Test
    void shouldLeaveAGroupAndForgetIt() throws Exception
    {
        final SwitchboardClient client = loggedInClient();
        final long groupId = get(client.createGroup("Family", List.of(BOB))).groupId();

        get(client.leaveGroup(groupId));

        assertNull(client.group(groupId));
        assertFalse(server.groups.get(groupId).members.containsKey(SELF));
        // Another device of this user hears of it as an event naming this user; this one ignores it.
        server.groupEvent(920, groupId, 3, GroupChange.LEAVE, SELF, List.of(SELF), "Family");
        assertEquals(GroupChange.LEAVE, listener.groupEvents.poll(TIMEOUT_S, TimeUnit.SECONDS).change());
        assertNull(client.group(groupId), "the leave event does not bring it back");
        assertEquals(ErrorCode.NOT_GROUP_MEMBER, failure(client.leaveGroup(groupId)).code());
    }

    @Test
    void shouldFailGroupRequestsWithTheServersCode() throws Exception
    {
        final SwitchboardClient client = loggedInClient();
        final FakeServer.Group others = new FakeServer.Group(55, "Others");
        others.members.put(BOB, GroupRole.ADMIN);
        others.version = 1;
        server.groups.put(55L, others);
        final FakeServer.Group memberOnly = new FakeServer.Group(56, "Club");
        memberOnly.members.put(BOB, GroupRole.ADMIN);
        memberOnly.members.put(SELF, GroupRole.MEMBER);
        memberOnly.version = 1;
        server.groups.put(56L, memberOnly);
        final FakeServer.Group mine = new FakeServer.Group(57, "Mine");
        mine.members.put(SELF, GroupRole.ADMIN);
        mine.members.put(BOB, GroupRole.MEMBER);
        mine.version = 1;
        server.groups.put(57L, mine);

        final SwitchboardException unknown = failure(client.groupInfo(12345));
        assertEquals(ErrorCode.UNKNOWN_GROUP, unknown.code());
        assertEquals(GroupInfoRequestDecoder.TEMPLATE_ID, unknown.templateId());
        assertEquals(ErrorCode.NOT_GROUP_MEMBER, failure(client.addMembers(55, List.of(CAROL))).code());
        assertEquals(ErrorCode.NOT_GROUP_ADMIN, failure(client.renameGroup(56, "Mine")).code());
        assertEquals(ErrorCode.NOT_GROUP_ADMIN, failure(client.removeMembers(56, List.of(BOB))).code());
        assertEquals(ErrorCode.NOT_GROUP_ADMIN, failure(client.promoteAdmins(56, List.of(SELF))).code());
        assertEquals(ErrorCode.NOT_GROUP_ADMIN, failure(client.demoteAdmins(56, List.of(BOB))).code());
        server.maxGroupMembers(2);
        final SwitchboardException full = failure(client.createGroup("Big", List.of(BOB, CAROL)));
        assertEquals(ErrorCode.GROUP_FULL, full.code());
        assertEquals(GroupCreateDecoder.TEMPLATE_ID, full.templateId());
        final SwitchboardException fullGroup = failure(client.addMembers(57, List.of(CAROL)));
        assertEquals(ErrorCode.GROUP_FULL, fullGroup.code());
        assertEquals(GroupUpdateDecoder.TEMPLATE_ID, fullGroup.templateId());

        // A group the store knows but the server says this user is not in is forgotten.
        server.groupEvent(910, 55, 1, GroupChange.CREATE, BOB, List.of(BOB, SELF), "Others");
        await(() -> null != client.group(55));
        assertEquals(ErrorCode.NOT_GROUP_MEMBER, failure(client.groupInfo(55)).code());
        assertNull(client.group(55));
        assertTrue(client.isLoggedIn(), "refusals are not strikes");
    }

    @Test
    void shouldRefuseBadGroupArgumentsWithoutSendingAnything() throws Exception
    {
        final SwitchboardClient client = loggedInClient();

        assertThrows(IllegalArgumentException.class, () -> client.createGroup("", List.of(BOB)));
        assertThrows(IllegalArgumentException.class, () -> client.createGroup("x".repeat(255), List.of(BOB)));
        assertThrows(IllegalArgumentException.class, () -> client.createGroup(null, List.of(BOB)));
        assertThrows(IllegalArgumentException.class, () -> client.renameGroup(1, " "));
        assertThrows(IllegalArgumentException.class, () -> client.addMembers(1, List.of()));
        assertThrows(IllegalArgumentException.class,
            () -> client.removeMembers(1, Collections.singletonList(null)));
        final List<Long> many = new ArrayList<>();
        for (long userId = 10_001; userId <= 30_000; userId++)
        {
            many.add(userId);
        }
        assertThrows(IllegalArgumentException.class, () -> client.addMembers(1, many), "past the frame length");
        assertThrows(IllegalArgumentException.class, () -> client.sendGroup(1, new byte[200_000]));
        assertEquals(0, client.pendingSendCount());
        assertNull(server.groupRequests.poll(50, TimeUnit.MILLISECONDS));

        // 1,024 members fit one frame at the default frame length.
        final GroupInfo big = get(client.createGroup("Big", many.subList(0, 1023)));
        assertEquals(1024, big.members().size());
    }

    @Test
    void shouldSendToAGroupWithSentAckAndResendPendingOnesAfterARestart() throws Exception
    {
        final SwitchboardClient first = loggedInClient();
        final long groupId = get(first.createGroup("Family", List.of(BOB))).groupId();
        final byte[] payload = "hello all".getBytes(StandardCharsets.UTF_8);

        final long clientMsgId = first.sendGroup(groupId, payload);

        final FakeServer.ReceivedGroupSend received = server.groupSends.poll(TIMEOUT_S, TimeUnit.SECONDS);
        assertEquals(clientMsgId, received.clientMsgId());
        assertEquals(groupId, received.groupId());
        assertArrayEquals(payload, received.payload());
        assertEquals(clientMsgId, listener.sent.poll(TIMEOUT_S, TimeUnit.SECONDS).clientMsgId());
        assertEquals(0, first.pendingSendCount());

        server.ackSends(false);
        final long[] ids = { first.sendGroup(groupId, "one".getBytes()), first.send(BOB, 0, "two".getBytes()) };
        assertEquals(ids[0], server.groupSends.poll(TIMEOUT_S, TimeUnit.SECONDS).clientMsgId());
        assertEquals(ids[1], server.sends.poll(TIMEOUT_S, TimeUnit.SECONDS).clientMsgId());
        first.close();

        server.ackSends(true);
        final RecordingListener secondListener = new RecordingListener();
        final SwitchboardClient second = open(context().listener(secondListener));
        assertEquals(2, second.pendingSendCount());
        get(second.login());

        final FakeServer.ReceivedGroupSend resent = server.groupSends.poll(TIMEOUT_S, TimeUnit.SECONDS);
        assertEquals(ids[0], resent.clientMsgId());
        assertEquals(groupId, resent.groupId());
        assertArrayEquals("one".getBytes(), resent.payload());
        assertEquals(ids[1], server.sends.poll(TIMEOUT_S, TimeUnit.SECONDS).clientMsgId());
        assertEquals(ids[0], secondListener.sent.poll(TIMEOUT_S, TimeUnit.SECONDS).clientMsgId());
        assertEquals(ids[1], secondListener.sent.poll(TIMEOUT_S, TimeUnit.SECONDS).clientMsgId());
        await(() -> 0 == second.pendingSendCount());
    }

    @Test
    void shouldReportARefusedGroupSendAndDropIt() throws Exception
    {
        final SwitchboardClient client = loggedInClient();

        final long clientMsgId = client.sendGroup(4242, "anyone?".getBytes());

        final RecordingListener.Error error = listener.errors.poll(TIMEOUT_S, TimeUnit.SECONDS);
        assertEquals(ErrorCode.UNKNOWN_GROUP, error.code());
        assertEquals(clientMsgId, error.requestId());
        assertEquals(SendGroupDecoder.TEMPLATE_ID, error.templateId());
        await(() -> 0 == client.pendingSendCount());
        assertTrue(listener.sent.isEmpty());
    }

    @Test
    void shouldHandGroupMessagesAndTypingToTheListener() throws Exception
    {
        final SwitchboardClient client = loggedInClient();

        server.deliverGroup(600, BOB, 2, 77, "hi group".getBytes(StandardCharsets.UTF_8));
        server.groupTypingUpdate(77, CAROL, 1, TypingState.COMPOSING);
        client.sendGroupTyping(77, true);
        client.sendGroupTyping(77, false);

        final IncomingMessage message = listener.messages.poll(TIMEOUT_S, TimeUnit.SECONDS);
        assertEquals(77, message.groupId());
        assertEquals(BOB, message.fromUserId());
        assertEquals(2, message.fromDeviceId());
        assertEquals("hi group", new String(message.payload(), StandardCharsets.UTF_8));
        assertEquals(600L, server.deliverAcks.poll(TIMEOUT_S, TimeUnit.SECONDS));
        assertEquals(new RecordingListener.GroupTyping(77, CAROL, 1, TypingState.COMPOSING),
            listener.groupTyping.poll(TIMEOUT_S, TimeUnit.SECONDS));
        assertArrayEquals(new long[]{ 77, TypingState.COMPOSING.value() },
            server.groupTypings.poll(TIMEOUT_S, TimeUnit.SECONDS));
        assertArrayEquals(new long[]{ 77, TypingState.PAUSED.value() },
            server.groupTypings.poll(TIMEOUT_S, TimeUnit.SECONDS));
    }

    @Test
    void shouldDropGroupTypingWhileLoggedOut() throws Exception
    {
        final SwitchboardClient client = open(context());

        client.sendGroupTyping(77, true);

        await(() -> 1 == client.typingDropped());
    }

    @Test
    void shouldQueueGroupRequestsUntilLoginAndTimeThemOutIfUnanswered() throws Exception
    {
        final SwitchboardClient client = loggedInClient(context().requestTimeout(300, TimeUnit.MILLISECONDS));
        server.answerGroupRequests(false);

        final CompletableFuture<GroupInfo> info = client.groupInfo(1);

        final ExecutionException ex = assertThrows(
            ExecutionException.class, () -> info.get(TIMEOUT_S, TimeUnit.SECONDS));
        assertInstanceOf(java.util.concurrent.TimeoutException.class, ex.getCause());
        assertEquals(GroupInfoRequestDecoder.TEMPLATE_ID, server.groupRequests.poll(TIMEOUT_S, TimeUnit.SECONDS));
    }
}
