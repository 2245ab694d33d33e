package dev.switchboard.ring;

import dev.switchboard.codec.Sofh;
import dev.switchboard.codec.sbe.ContactLookupDecoder;
import dev.switchboard.codec.sbe.ContactLookupResultEncoder;
import dev.switchboard.codec.sbe.DeliverEncoder;
import dev.switchboard.codec.sbe.ErrorCode;
import dev.switchboard.codec.sbe.ErrorEncoder;
import dev.switchboard.codec.sbe.GroupChange;
import dev.switchboard.codec.sbe.GroupEventEncoder;
import dev.switchboard.codec.sbe.GroupInfoEncoder;
import dev.switchboard.codec.sbe.GroupRole;
import dev.switchboard.codec.sbe.GroupTypingUpdateEncoder;
import dev.switchboard.codec.sbe.LoginAckEncoder;
import dev.switchboard.codec.sbe.LoginChallengeEncoder;
import dev.switchboard.codec.sbe.MessageHeaderEncoder;
import dev.switchboard.codec.sbe.PongEncoder;
import dev.switchboard.codec.sbe.PresenceState;
import dev.switchboard.codec.sbe.PresenceUpdateEncoder;
import dev.switchboard.codec.sbe.ReceiptEncoder;
import dev.switchboard.codec.sbe.ReceiptType;
import dev.switchboard.codec.sbe.RegisterAckEncoder;
import dev.switchboard.codec.sbe.RequestAckEncoder;
import dev.switchboard.codec.sbe.SentAckEncoder;
import dev.switchboard.codec.sbe.TypingState;
import dev.switchboard.codec.sbe.TypingUpdateEncoder;
import dev.switchboard.codec.sbe.VerifyAckEncoder;
import dev.switchboard.state.GroupRecord;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * Encodes the frames the server sends, {@link Sofh} header included, at offset 0 of a caller's buffer.
 * Each method returns the frame length. One instance per thread: the flyweights are reused.
 */
final class FrameEncoders
{
    private static final int BODY_OFFSET = Sofh.HEADER_LENGTH;
    private static final byte[] NO_DETAIL = new byte[0];

    private final MessageHeaderEncoder header = new MessageHeaderEncoder();
    private final ErrorEncoder error = new ErrorEncoder();
    private final RegisterAckEncoder registerAck = new RegisterAckEncoder();
    private final VerifyAckEncoder verifyAck = new VerifyAckEncoder();
    private final LoginChallengeEncoder loginChallenge = new LoginChallengeEncoder();
    private final LoginAckEncoder loginAck = new LoginAckEncoder();
    private final SentAckEncoder sentAck = new SentAckEncoder();
    private final DeliverEncoder deliver = new DeliverEncoder();
    private final ReceiptEncoder receipt = new ReceiptEncoder();
    private final RequestAckEncoder requestAck = new RequestAckEncoder();
    private final PongEncoder pong = new PongEncoder();
    private final PresenceUpdateEncoder presenceUpdate = new PresenceUpdateEncoder();
    private final TypingUpdateEncoder typingUpdate = new TypingUpdateEncoder();
    private final ContactLookupResultEncoder contactLookupResult = new ContactLookupResultEncoder();
    private final GroupInfoEncoder groupInfo = new GroupInfoEncoder();
    private final GroupEventEncoder groupEvent = new GroupEventEncoder();
    private final GroupTypingUpdateEncoder groupTypingUpdate = new GroupTypingUpdateEncoder();
    private final byte[] phone = new byte[256];

    int error(
        final MutableDirectBuffer buffer, final long requestId, final int templateId, final ErrorCode code)
    {
        return error(buffer, requestId, templateId, code, NO_DETAIL);
    }

    int error(
        final MutableDirectBuffer buffer,
        final long requestId,
        final int templateId,
        final ErrorCode code,
        final byte[] detail)
    {
        error.wrapAndApplyHeader(buffer, BODY_OFFSET, header)
            .requestId(requestId)
            .templateId(templateId)
            .code(code)
            .putDetail(detail, 0, detail.length);
        return frame(buffer, error.encodedLength());
    }

    int registerAck(final MutableDirectBuffer buffer, final long requestId, final long codeTtlSeconds)
    {
        registerAck.wrapAndApplyHeader(buffer, BODY_OFFSET, header)
            .requestId(requestId)
            .codeTtlSeconds(codeTtlSeconds);
        return frame(buffer, registerAck.encodedLength());
    }

    int verifyAck(final MutableDirectBuffer buffer, final long requestId, final long userId, final int deviceId)
    {
        verifyAck.wrapAndApplyHeader(buffer, BODY_OFFSET, header)
            .requestId(requestId)
            .userId(userId)
            .deviceId(deviceId);
        return frame(buffer, verifyAck.encodedLength());
    }

    int loginChallenge(final MutableDirectBuffer buffer, final long requestId, final byte[] nonce)
    {
        loginChallenge.wrapAndApplyHeader(buffer, BODY_OFFSET, header)
            .requestId(requestId)
            .putNonce(nonce, 0, nonce.length);
        return frame(buffer, loginChallenge.encodedLength());
    }

    int loginAck(
        final MutableDirectBuffer buffer,
        final long requestId,
        final long userId,
        final int deviceId,
        final long serverTimeMs,
        final long pendingCount)
    {
        loginAck.wrapAndApplyHeader(buffer, BODY_OFFSET, header).requestId(requestId);
        loginAck.device().userId(userId).deviceId(deviceId);
        loginAck.serverTimeMs(serverTimeMs).pendingCount(pendingCount);
        return frame(buffer, loginAck.encodedLength());
    }

    int sentAck(final MutableDirectBuffer buffer, final long clientMsgId, final long messageId, final long timestampMs)
    {
        sentAck.wrapAndApplyHeader(buffer, BODY_OFFSET, header)
            .clientMsgId(clientMsgId)
            .messageId(messageId)
            .timestampMs(timestampMs);
        return frame(buffer, sentAck.encodedLength());
    }

    int deliver(
        final MutableDirectBuffer buffer,
        final long messageId,
        final long timestampMs,
        final long fromUserId,
        final int fromDeviceId,
        final long groupId,
        final DirectBuffer payload,
        final int payloadOffset,
        final int payloadLength)
    {
        deliver.wrapAndApplyHeader(buffer, BODY_OFFSET, header)
            .messageId(messageId)
            .timestampMs(timestampMs);
        deliver.from().userId(fromUserId).deviceId(fromDeviceId);
        deliver.groupId(groupId).putPayload(payload, payloadOffset, payloadLength);
        return frame(buffer, deliver.encodedLength());
    }

    int receipt(
        final MutableDirectBuffer buffer,
        final long messageId,
        final long originalMessageId,
        final long fromUserId,
        final int fromDeviceId,
        final ReceiptType type,
        final long timestampMs)
    {
        receipt.wrapAndApplyHeader(buffer, BODY_OFFSET, header)
            .messageId(messageId)
            .originalMessageId(originalMessageId);
        receipt.from().userId(fromUserId).deviceId(fromDeviceId);
        receipt.receiptType(type).timestampMs(timestampMs);
        return frame(buffer, receipt.encodedLength());
    }

    int requestAck(final MutableDirectBuffer buffer, final long requestId, final int templateId)
    {
        requestAck.wrapAndApplyHeader(buffer, BODY_OFFSET, header)
            .requestId(requestId)
            .templateId(templateId);
        return frame(buffer, requestAck.encodedLength());
    }

    int pong(final MutableDirectBuffer buffer, final long timestampNs)
    {
        pong.wrapAndApplyHeader(buffer, BODY_OFFSET, header).timestampNs(timestampNs);
        return frame(buffer, pong.encodedLength());
    }

    int presenceUpdate(
        final MutableDirectBuffer buffer, final long userId, final PresenceState state, final long lastSeenMs)
    {
        presenceUpdate.wrapAndApplyHeader(buffer, BODY_OFFSET, header)
            .userId(userId)
            .state(state)
            .lastSeenMs(lastSeenMs);
        return frame(buffer, presenceUpdate.encodedLength());
    }

    int typingUpdate(
        final MutableDirectBuffer buffer, final long fromUserId, final int fromDeviceId, final TypingState state)
    {
        typingUpdate.wrapAndApplyHeader(buffer, BODY_OFFSET, header);
        typingUpdate.from().userId(fromUserId).deviceId(fromDeviceId);
        typingUpdate.state(state);
        return frame(buffer, typingUpdate.encodedLength());
    }

    /**
     * A group as the record holds it: members in join order with roles, and the name.
     */
    int groupInfo(
        final MutableDirectBuffer buffer,
        final int offset,
        final long requestId,
        final long groupId,
        final GroupRecord group)
    {
        groupInfo.wrapAndApplyHeader(buffer, offset + BODY_OFFSET, header)
            .requestId(requestId)
            .groupId(groupId)
            .version(group.version());
        final int count = group.memberCount();
        final GroupInfoEncoder.MembersEncoder members = groupInfo.membersCount(count);
        for (int i = 0; i < count; i++)
        {
            members.next()
                .userId(group.memberUserId(i))
                .role(GroupRecord.ADMIN == group.role(i) ? GroupRole.ADMIN : GroupRole.MEMBER);
        }
        groupInfo.putName(group.name(), 0, group.nameLength());
        return frame(buffer, offset, groupInfo.encodedLength());
    }

    /**
     * A change to a group: the members it names, the group's version and name after it.
     */
    int groupEvent(
        final MutableDirectBuffer buffer,
        final int offset,
        final long messageId,
        final long timestampMs,
        final long groupId,
        final GroupRecord group,
        final GroupChange change,
        final long actorUserId,
        final int actorDeviceId,
        final long[] namedUserIds,
        final int namedCount)
    {
        groupEvent.wrapAndApplyHeader(buffer, offset + BODY_OFFSET, header)
            .messageId(messageId)
            .timestampMs(timestampMs)
            .groupId(groupId)
            .version(group.version())
            .change(change);
        groupEvent.actor().userId(actorUserId).deviceId(actorDeviceId);
        final GroupEventEncoder.MembersEncoder members = groupEvent.membersCount(namedCount);
        for (int i = 0; i < namedCount; i++)
        {
            members.next().userId(namedUserIds[i]);
        }
        groupEvent.putName(group.name(), 0, group.nameLength());
        return frame(buffer, offset, groupEvent.encodedLength());
    }

    int groupTypingUpdate(
        final MutableDirectBuffer buffer,
        final long groupId,
        final long fromUserId,
        final int fromDeviceId,
        final TypingState state)
    {
        groupTypingUpdate.wrapAndApplyHeader(buffer, BODY_OFFSET, header).groupId(groupId);
        groupTypingUpdate.from().userId(fromUserId).deviceId(fromDeviceId);
        groupTypingUpdate.state(state);
        return frame(buffer, groupTypingUpdate.encodedLength());
    }

    /**
     * The registered numbers of a lookup: {@code userIds[i]} is the user of the i-th number asked, or negative.
     */
    int contactLookupResult(
        final MutableDirectBuffer buffer,
        final long requestId,
        final ContactLookupDecoder request,
        final long[] userIds,
        final int foundCount)
    {
        contactLookupResult.wrapAndApplyHeader(buffer, BODY_OFFSET, header).requestId(requestId);
        final ContactLookupResultEncoder.ContactsEncoder contacts = contactLookupResult.contactsCount(foundCount);
        final ContactLookupDecoder.PhonesDecoder phones = request.phones();
        int i = 0;
        while (phones.hasNext())
        {
            phones.next();
            final int length = phones.getPhone(phone, 0, phones.phoneLength());
            if (userIds[i++] >= 0)
            {
                contacts.next().userId(userIds[i - 1]).putPhone(phone, 0, length);
            }
        }
        return frame(buffer, contactLookupResult.encodedLength());
    }

    private static int frame(final MutableDirectBuffer buffer, final int bodyLength)
    {
        return frame(buffer, 0, bodyLength);
    }

    private static int frame(final MutableDirectBuffer buffer, final int offset, final int bodyLength)
    {
        final int messageLength = MessageHeaderEncoder.ENCODED_LENGTH + bodyLength;
        Sofh.write(buffer, offset, messageLength);
        return Sofh.HEADER_LENGTH + messageLength;
    }
}
