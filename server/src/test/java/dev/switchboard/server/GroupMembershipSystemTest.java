package dev.switchboard.server;

import dev.switchboard.codec.sbe.DeliverDecoder;
import dev.switchboard.codec.sbe.ErrorCode;
import dev.switchboard.codec.sbe.GroupChange;
import dev.switchboard.codec.sbe.GroupEventDecoder;
import dev.switchboard.codec.sbe.GroupInfoDecoder;
import dev.switchboard.codec.sbe.GroupRole;
import dev.switchboard.codec.sbe.GroupTypingUpdateDecoder;
import dev.switchboard.codec.sbe.RequestAckDecoder;
import dev.switchboard.codec.sbe.SentAckDecoder;
import dev.switchboard.codec.sbe.TypingState;
import dev.switchboard.state.StateConfiguration;
import org.agrona.CloseHelper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import static dev.switchboard.server.GroupSystemTest.create;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Every membership rule and every refusal of groups, over real sockets, with groups of at most four members.
 */
@Timeout(60)
class GroupMembershipSystemTest
{
    private static final int MAX_MEMBERS = 4;
    private static final long UNREGISTERED = 999_999;
    private static final String ALICE = "+15551300001";

    @TempDir
    File dataDir;

    private TestServer server;
    private TestConnection alice;
    private TestConnection bob;
    private TestConnection carol;
    private TestConnection dave;
    private TestConnection erin;

    @BeforeEach
    void start() throws IOException
    {
        server = TestServer.launch(dataDir, StateConfiguration.GROUP_MAX_MEMBERS_PROP_NAME + "=" + MAX_MEMBERS);
        alice = server.device(ALICE);
        bob = server.device("+15551300002");
        carol = server.device("+15551300003");
        dave = server.device("+15551300004");
        erin = server.device("+15551300005");
    }

    @AfterEach
    void stop()
    {
        CloseHelper.close(server);
    }

    @Test
    void shouldRefuseBadCreates() throws IOException
    {
        alice.groupCreate(1, "g", bob.userId, UNREGISTERED);
        assertEquals(ErrorCode.UNKNOWN_USER, alice.expectError());
        alice.groupCreate(2, "g", bob.userId, bob.userId);
        assertEquals(ErrorCode.INVALID_FIELD, alice.expectError());
        alice.groupCreate(3, "", bob.userId);
        assertEquals(ErrorCode.INVALID_FIELD, alice.expectError());
        alice.groupCreate(4, "g", bob.userId, carol.userId, dave.userId, erin.userId);
        assertEquals(ErrorCode.GROUP_FULL, alice.expectError());
        bob.expectSilence(100);

        // the creator's own entry is skipped; the creator plus three is the most
        alice.groupCreate(5, "g", alice.userId, bob.userId, carol.userId, dave.userId);
        final GroupInfoDecoder info = alice.expect(GroupInfoDecoder.TEMPLATE_ID).groupInfo();
        assertEquals(5, info.requestId());
        assertEquals(List.of(alice.userId, bob.userId, carol.userId, dave.userId), members(info));
    }

    @Test
    void shouldRefuseBadUpdates() throws IOException
    {
        final long groupId = create(alice, "g", bob, carol);
        update(erin, groupId, GroupChange.ADD_MEMBERS, "", dave.userId);
        assertEquals(ErrorCode.NOT_GROUP_MEMBER, erin.expectError());
        update(bob, groupId, GroupChange.ADD_MEMBERS, "", dave.userId);
        assertEquals(ErrorCode.NOT_GROUP_ADMIN, bob.expectError());
        update(alice, groupId + 100, GroupChange.ADD_MEMBERS, "", dave.userId);
        assertEquals(ErrorCode.UNKNOWN_GROUP, alice.expectError());

        update(alice, groupId, GroupChange.ADD_MEMBERS, "");
        assertEquals(ErrorCode.INVALID_FIELD, alice.expectError(), "empty list");
        update(alice, groupId, GroupChange.ADD_MEMBERS, "", bob.userId);
        assertEquals(ErrorCode.INVALID_FIELD, alice.expectError(), "already a member");
        update(alice, groupId, GroupChange.ADD_MEMBERS, "", dave.userId, dave.userId);
        assertEquals(ErrorCode.INVALID_FIELD, alice.expectError(), "named twice");
        update(alice, groupId, GroupChange.ADD_MEMBERS, "", UNREGISTERED);
        assertEquals(ErrorCode.UNKNOWN_USER, alice.expectError());
        update(alice, groupId, GroupChange.ADD_MEMBERS, "", dave.userId, erin.userId);
        assertEquals(ErrorCode.GROUP_FULL, alice.expectError());

        update(alice, groupId, GroupChange.REMOVE_MEMBERS, "", dave.userId);
        assertEquals(ErrorCode.INVALID_FIELD, alice.expectError(), "not a member");
        update(alice, groupId, GroupChange.REMOVE_MEMBERS, "", alice.userId);
        assertEquals(ErrorCode.INVALID_FIELD, alice.expectError(), "leave with GroupLeave");
        update(alice, groupId, GroupChange.PROMOTE_ADMINS, "", alice.userId);
        assertEquals(ErrorCode.INVALID_FIELD, alice.expectError(), "already an admin");
        update(alice, groupId, GroupChange.DEMOTE_ADMINS, "", bob.userId);
        assertEquals(ErrorCode.INVALID_FIELD, alice.expectError(), "not an admin");
        update(alice, groupId, GroupChange.DEMOTE_ADMINS, "", alice.userId);
        assertEquals(ErrorCode.INVALID_FIELD, alice.expectError(), "the last admin");
        update(alice, groupId, GroupChange.RENAME, "");
        assertEquals(ErrorCode.INVALID_FIELD, alice.expectError(), "empty name");
        update(alice, groupId, GroupChange.RENAME, "new", bob.userId);
        assertEquals(ErrorCode.INVALID_FIELD, alice.expectError(), "a rename names no members");
        update(alice, groupId, GroupChange.CREATE, "", dave.userId);
        assertEquals(ErrorCode.INVALID_FIELD, alice.expectError());
        update(alice, groupId, GroupChange.LEAVE, "", bob.userId);
        assertEquals(ErrorCode.INVALID_FIELD, alice.expectError());

        // nothing changed: still version 1, and nobody was told anything
        bob.expectSilence(100);
        carol.expectSilence(100);
        alice.groupInfoRequest(9, groupId);
        assertEquals(1, alice.expect(GroupInfoDecoder.TEMPLATE_ID).groupInfo().version());
        erin.groupLeave(10, groupId);
        assertEquals(ErrorCode.NOT_GROUP_MEMBER, erin.expectError());
        erin.groupLeave(11, groupId + 100);
        assertEquals(ErrorCode.UNKNOWN_GROUP, erin.expectError());
    }

    @Test
    void shouldTellEveryMemberOfEachChangeAndBumpTheVersion() throws IOException
    {
        final long groupId = create(alice, "g", bob, carol);

        update(alice, groupId, GroupChange.ADD_MEMBERS, "", dave.userId);
        GroupInfoDecoder info = alice.expect(GroupInfoDecoder.TEMPLATE_ID).groupInfo();
        assertEquals(2, info.version());
        assertEquals(List.of(alice.userId, bob.userId, carol.userId, dave.userId), members(info));
        expectEvent(List.of(bob, carol, dave), groupId, 2, GroupChange.ADD_MEMBERS, alice.userId, dave.userId);

        update(alice, groupId, GroupChange.PROMOTE_ADMINS, "", bob.userId);
        info = alice.expect(GroupInfoDecoder.TEMPLATE_ID).groupInfo();
        assertEquals(3, info.version());
        assertEquals(List.of(GroupRole.ADMIN, GroupRole.ADMIN, GroupRole.MEMBER, GroupRole.MEMBER), roles(info));
        expectEvent(List.of(bob, carol, dave), groupId, 3, GroupChange.PROMOTE_ADMINS, alice.userId, bob.userId);

        // bob is an admin now: he may rename and remove
        update(bob, groupId, GroupChange.RENAME, "renamed");
        info = bob.expect(GroupInfoDecoder.TEMPLATE_ID).groupInfo();
        assertEquals(4, info.version());
        assertEquals(List.of(alice.userId, bob.userId, carol.userId, dave.userId), members(info));
        assertEquals("renamed", info.name());
        final GroupEventDecoder rename = expectEvent(List.of(alice, carol, dave), groupId, 4, GroupChange.RENAME,
            bob.userId);
        assertEquals("renamed", rename.name());

        update(bob, groupId, GroupChange.REMOVE_MEMBERS, "", carol.userId);
        info = bob.expect(GroupInfoDecoder.TEMPLATE_ID).groupInfo();
        assertEquals(5, info.version());
        assertEquals(List.of(alice.userId, bob.userId, dave.userId), members(info));
        expectEvent(List.of(alice, carol, dave), groupId, 5, GroupChange.REMOVE_MEMBERS, bob.userId, carol.userId);

        update(alice, groupId, GroupChange.DEMOTE_ADMINS, "", bob.userId);
        info = alice.expect(GroupInfoDecoder.TEMPLATE_ID).groupInfo();
        assertEquals(6, info.version());
        assertEquals(List.of(GroupRole.ADMIN, GroupRole.MEMBER, GroupRole.MEMBER), roles(info));
        expectEvent(List.of(bob, dave), groupId, 6, GroupChange.DEMOTE_ADMINS, alice.userId, bob.userId);
        carol.expectSilence(100);
        carol.groupInfoRequest(1, groupId);
        assertEquals(ErrorCode.NOT_GROUP_MEMBER, carol.expectError());
    }

    @Test
    void shouldHandAdminToTheOldestMemberWhenTheLastAdminLeaves() throws IOException
    {
        final TestConnection alicePhone = server.linked(alice); // alice's second device, linked by her primary
        final long groupId = create(alice, "g", bob, carol);
        alicePhone.expect(GroupEventDecoder.TEMPLATE_ID); // not the caller's connection: it gets the event

        alice.groupLeave(21, groupId);
        final RequestAckDecoder ack = alice.expect(RequestAckDecoder.TEMPLATE_ID).requestAck();
        assertEquals(21, ack.requestId());
        for (final TestConnection member : List.of(bob, carol))
        {
            final GroupEventDecoder leave = member.expect(GroupEventDecoder.TEMPLATE_ID).groupEvent();
            assertEquals(GroupChange.LEAVE, leave.change());
            assertEquals(2, leave.version());
            assertEquals(List.of(alice.userId), named(leave));
            member.ack(leave.messageId());
            final GroupEventDecoder handOn = member.expect(GroupEventDecoder.TEMPLATE_ID).groupEvent();
            assertEquals(GroupChange.PROMOTE_ADMINS, handOn.change());
            assertEquals(3, handOn.version());
            assertEquals(0, handOn.actor().userId(), "the server handed admin on");
            assertEquals(List.of(bob.userId), named(handOn), "the oldest remaining member");
            member.ack(handOn.messageId());
        }
        assertEquals(GroupChange.LEAVE, alicePhone.expect(GroupEventDecoder.TEMPLATE_ID).groupEvent().change());

        bob.groupInfoRequest(22, groupId);
        final GroupInfoDecoder info = bob.expect(GroupInfoDecoder.TEMPLATE_ID).groupInfo();
        assertEquals(3, info.version());
        assertEquals(List.of(bob.userId, carol.userId), members(info));
        assertEquals(List.of(GroupRole.ADMIN, GroupRole.MEMBER), roles(info));

        // carol leaves: bob stays admin, no hand-on; then bob, the last: the group is gone
        carol.groupLeave(23, groupId);
        carol.expect(RequestAckDecoder.TEMPLATE_ID);
        assertEquals(GroupChange.LEAVE, bob.expect(GroupEventDecoder.TEMPLATE_ID).groupEvent().change());
        bob.expectSilence(100);
        bob.groupLeave(24, groupId);
        bob.expect(RequestAckDecoder.TEMPLATE_ID);
        bob.groupInfoRequest(25, groupId);
        assertEquals(ErrorCode.UNKNOWN_GROUP, bob.expectError());
    }

    @Test
    void shouldSendNothingToAMemberBeforeItJoinsOrAfterItIsRemoved() throws IOException
    {
        final long groupId = create(alice, "g", bob);
        dave.close(); // offline: whatever the journal holds for dave shows on its next login
        alice.sendGroup(1, groupId, new byte[]{ 1 });
        alice.expect(SentAckDecoder.TEMPLATE_ID);
        update(alice, groupId, GroupChange.ADD_MEMBERS, "", dave.userId);
        alice.expect(GroupInfoDecoder.TEMPLATE_ID);
        alice.sendGroup(2, groupId, new byte[]{ 2 });
        alice.expect(SentAckDecoder.TEMPLATE_ID);
        update(alice, groupId, GroupChange.REMOVE_MEMBERS, "", dave.userId);
        alice.expect(GroupInfoDecoder.TEMPLATE_ID);
        alice.sendGroup(3, groupId, new byte[]{ 3 });
        alice.expect(SentAckDecoder.TEMPLATE_ID);

        final TestConnection daveAgain = server.again(dave);
        assertEquals(GroupChange.ADD_MEMBERS, daveAgain.expect(GroupEventDecoder.TEMPLATE_ID).groupEvent().change());
        final DeliverDecoder deliver = daveAgain.expect(DeliverDecoder.TEMPLATE_ID).deliver();
        final byte[] payload = new byte[deliver.payloadLength()];
        deliver.getPayload(payload, 0, payload.length);
        assertEquals(2, payload[0], "only the message sent while a member");
        final GroupEventDecoder removed = daveAgain.expect(GroupEventDecoder.TEMPLATE_ID).groupEvent();
        assertEquals(GroupChange.REMOVE_MEMBERS, removed.change());
        daveAgain.expectSilence(300);
    }

    @Test
    void shouldLeaveOutMembersWhoBlockedTheSenderFromMessagesAndTyping() throws IOException
    {
        final long groupId = create(alice, "g", bob, carol);
        carol.block(alice.userId);
        carol.expect(RequestAckDecoder.TEMPLATE_ID);

        alice.groupTyping(groupId, TypingState.COMPOSING);
        final GroupTypingUpdateDecoder typing = bob.expect(GroupTypingUpdateDecoder.TEMPLATE_ID).groupTypingUpdate();
        assertEquals(groupId, typing.groupId());
        assertEquals(alice.userId, typing.from().userId());
        assertEquals(TypingState.COMPOSING, typing.state());

        alice.sendGroup(7, groupId, new byte[]{ 7 });
        alice.expect(SentAckDecoder.TEMPLATE_ID);
        assertEquals(groupId, bob.expect(DeliverDecoder.TEMPLATE_ID).deliver().groupId());
        carol.expectSilence(300);

        // typing from an outsider, or to an unknown group, is dropped without an answer
        dave.groupTyping(groupId, TypingState.COMPOSING);
        dave.groupTyping(groupId + 100, TypingState.COMPOSING);
        dave.expectSilence(100);
        bob.expectSilence(100);
    }

    private static void update(
        final TestConnection admin, final long groupId, final GroupChange change, final String name,
        final long... userIds) throws IOException
    {
        admin.groupUpdate(admin.nextRequestId(), groupId, change, name, userIds);
    }

    private static GroupEventDecoder expectEvent(
        final List<TestConnection> to,
        final long groupId,
        final int version,
        final GroupChange change,
        final long actorUserId,
        final long... named) throws IOException
    {
        GroupEventDecoder event = null;
        for (final TestConnection member : to)
        {
            event = member.expect(GroupEventDecoder.TEMPLATE_ID).groupEvent();
            assertEquals(groupId, event.groupId());
            assertEquals(version, event.version());
            assertEquals(change, event.change());
            assertEquals(actorUserId, event.actor().userId());
            final List<Long> expected = new ArrayList<>();
            for (final long userId : named)
            {
                expected.add(userId);
            }
            assertEquals(expected, named(event));
            member.ack(event.messageId());
        }
        return event;
    }

    private static List<Long> members(final GroupInfoDecoder info)
    {
        info.sbeRewind(); // leaves the decoder after its members, where the name is read
        final List<Long> members = new ArrayList<>();
        for (final GroupInfoDecoder.MembersDecoder member : info.members())
        {
            members.add(member.userId());
        }
        return members;
    }

    private static List<GroupRole> roles(final GroupInfoDecoder info)
    {
        info.sbeRewind();
        final List<GroupRole> roles = new ArrayList<>();
        for (final GroupInfoDecoder.MembersDecoder member : info.members())
        {
            roles.add(member.role());
        }
        return roles;
    }

    private static List<Long> named(final GroupEventDecoder event)
    {
        event.sbeRewind();
        final List<Long> named = new ArrayList<>();
        for (final GroupEventDecoder.MembersDecoder member : event.members())
        {
            named.add(member.userId());
        }
        return named;
    }
}
