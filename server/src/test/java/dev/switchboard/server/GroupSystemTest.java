package dev.switchboard.server;

import dev.switchboard.codec.sbe.DeliverDecoder;
import dev.switchboard.codec.sbe.ErrorCode;
import dev.switchboard.codec.sbe.GroupChange;
import dev.switchboard.codec.sbe.GroupEventDecoder;
import dev.switchboard.codec.sbe.GroupInfoDecoder;
import dev.switchboard.codec.sbe.GroupRole;
import dev.switchboard.codec.sbe.ReceiptDecoder;
import dev.switchboard.codec.sbe.ReceiptType;
import dev.switchboard.codec.sbe.SentAckDecoder;
import org.agrona.CloseHelper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Groups over real sockets: create, info, send with its receipts, as a small group sees them.
 */
@Timeout(60)
class GroupSystemTest
{
    @TempDir
    File dataDir;

    private TestServer server;
    private TestConnection alice;
    private TestConnection bob;
    private TestConnection carol;

    @BeforeEach
    void start() throws IOException
    {
        server = TestServer.launch(dataDir);
        alice = server.device("+15551290001");
        bob = server.device("+15551290002");
        carol = server.device("+15551290003");
    }

    @AfterEach
    void stop()
    {
        CloseHelper.close(server);
    }

    @Test
    void shouldCreateAGroupAndTellEveryMember() throws IOException
    {
        alice.groupCreate(11, "friends", bob.userId, carol.userId);
        final GroupInfoDecoder info = alice.expect(GroupInfoDecoder.TEMPLATE_ID).groupInfo();
        assertEquals(11, info.requestId());
        final long groupId = info.groupId();
        assertTrue(groupId > 0);
        assertEquals(1, info.version());
        final List<Long> members = new ArrayList<>();
        final List<GroupRole> roles = new ArrayList<>();
        for (final GroupInfoDecoder.MembersDecoder member : info.members())
        {
            members.add(member.userId());
            roles.add(member.role());
        }
        assertEquals(List.of(alice.userId, bob.userId, carol.userId), members, "join order, creator first");
        assertEquals(List.of(GroupRole.ADMIN, GroupRole.MEMBER, GroupRole.MEMBER), roles);
        assertEquals("friends", info.name());

        for (final TestConnection member : List.of(bob, carol))
        {
            final GroupEventDecoder event = member.expect(GroupEventDecoder.TEMPLATE_ID).groupEvent();
            assertEquals(groupId, event.groupId());
            assertEquals(1, event.version());
            assertEquals(GroupChange.CREATE, event.change());
            assertEquals(alice.userId, event.actor().userId());
            final List<Long> named = new ArrayList<>();
            for (final GroupEventDecoder.MembersDecoder m : event.members())
            {
                named.add(m.userId());
            }
            assertEquals(List.of(alice.userId, bob.userId, carol.userId), named);
            assertEquals("friends", event.name());
            member.ack(event.messageId());
        }
        alice.expectSilence(200);

        bob.groupInfoRequest(12, groupId);
        final GroupInfoDecoder bobsInfo = bob.expect(GroupInfoDecoder.TEMPLATE_ID).groupInfo();
        assertEquals(12, bobsInfo.requestId());
        assertEquals(groupId, bobsInfo.groupId());
        assertEquals(1, bobsInfo.version());
    }

    @Test
    void shouldFanOutAGroupMessageWithReceiptsPerMember() throws IOException
    {
        final long groupId = create(alice, "trio", bob, carol);
        final byte[] payload = "hello group".getBytes(StandardCharsets.UTF_8);
        alice.sendGroup(501, groupId, payload);
        final SentAckDecoder sentAck = alice.expect(SentAckDecoder.TEMPLATE_ID).sentAck();
        assertEquals(501, sentAck.clientMsgId());
        final long messageId = sentAck.messageId();

        for (final TestConnection member : List.of(bob, carol))
        {
            final DeliverDecoder deliver = member.expect(DeliverDecoder.TEMPLATE_ID).deliver();
            assertEquals(messageId, deliver.messageId());
            assertEquals(groupId, deliver.groupId());
            assertEquals(alice.userId, deliver.from().userId());
            assertEquals(alice.deviceId, deliver.from().deviceId());
            final byte[] got = new byte[deliver.payloadLength()];
            deliver.getPayload(got, 0, got.length);
            assertArrayEquals(payload, got);
            member.ack(messageId);
            member.readMark(messageId, alice.userId, alice.deviceId);
        }

        final List<String> receipts = new ArrayList<>();
        for (int i = 0; i < 4; i++)
        {
            final ReceiptDecoder receipt = alice.expect(ReceiptDecoder.TEMPLATE_ID).receipt();
            assertEquals(messageId, receipt.originalMessageId());
            receipts.add(receipt.from().userId() + ":" + receipt.receiptType());
            alice.ack(receipt.messageId());
        }
        receipts.sort(String::compareTo);
        final List<String> expected = new ArrayList<>(List.of(
            bob.userId + ":" + ReceiptType.DELIVERED, bob.userId + ":" + ReceiptType.READ,
            carol.userId + ":" + ReceiptType.DELIVERED, carol.userId + ":" + ReceiptType.READ));
        expected.sort(String::compareTo);
        assertEquals(expected, receipts);
    }

    @Test
    void shouldCopyToTheSendersOtherDevicesAndAnswerAResendWithTheOriginalId() throws IOException
    {
        final TestConnection aliceLaptop = server.linked(alice); // alice's second device, linked by her primary
        final long groupId = create(alice, "pair", bob);
        aliceLaptop.expect(GroupEventDecoder.TEMPLATE_ID);

        alice.sendGroup(77, groupId, new byte[]{ 9 });
        final long messageId = alice.expect(SentAckDecoder.TEMPLATE_ID).sentAck().messageId();
        for (final TestConnection device : List.of(bob, aliceLaptop))
        {
            final DeliverDecoder deliver = device.expect(DeliverDecoder.TEMPLATE_ID).deliver();
            assertEquals(messageId, deliver.messageId());
            assertEquals(groupId, deliver.groupId());
            assertEquals(alice.deviceId, deliver.from().deviceId());
            device.ack(messageId);
        }

        alice.sendGroup(77, groupId, new byte[]{ 9 });
        int receipts = 0;
        TestConnection.Frame frame = alice.read();
        while (SentAckDecoder.TEMPLATE_ID != frame.templateId())
        {
            assertEquals(messageId, frame.receipt().originalMessageId(), "a DELIVERED receipt per device");
            receipts++;
            frame = alice.read();
        }
        assertEquals(messageId, frame.sentAck().messageId(), "a resend gets the original id");
        bob.expectSilence(200);
        aliceLaptop.expectSilence(10);
        while (receipts < 2)
        {
            assertEquals(messageId, alice.expect(ReceiptDecoder.TEMPLATE_ID).receipt().originalMessageId());
            receipts++;
        }
    }

    @Test
    void shouldRefuseSendsAndInfoToOutsidersAndUnknownGroups() throws IOException
    {
        final long groupId = create(alice, "pair", bob);
        carol.sendGroup(1, groupId, new byte[]{ 1 });
        assertEquals(ErrorCode.NOT_GROUP_MEMBER, carol.expectError());
        carol.groupInfoRequest(2, groupId);
        assertEquals(ErrorCode.NOT_GROUP_MEMBER, carol.expectError());
        alice.sendGroup(3, groupId + 1000, new byte[]{ 1 });
        assertEquals(ErrorCode.UNKNOWN_GROUP, alice.expectError());
        alice.groupInfoRequest(4, 0);
        assertEquals(ErrorCode.UNKNOWN_GROUP, alice.expectError());
        bob.expectSilence(200);
    }

    /**
     * Create a group of the creator and the members; every member acks its CREATE event.
     */
    static long create(final TestConnection creator, final String name, final TestConnection... members)
        throws IOException
    {
        final long[] userIds = new long[members.length];
        for (int i = 0; i < members.length; i++)
        {
            userIds[i] = members[i].userId;
        }
        creator.groupCreate(creator.nextRequestId(), name, userIds);
        final long groupId = creator.expect(GroupInfoDecoder.TEMPLATE_ID).groupInfo().groupId();
        for (final TestConnection member : members)
        {
            final GroupEventDecoder event = member.expect(GroupEventDecoder.TEMPLATE_ID).groupEvent();
            assertEquals(groupId, event.groupId());
            member.ack(event.messageId());
        }
        return groupId;
    }
}
