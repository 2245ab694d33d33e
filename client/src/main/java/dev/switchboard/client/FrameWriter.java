package dev.switchboard.client;

import dev.switchboard.codec.Sofh;
import dev.switchboard.codec.sbe.BlockEncoder;
import dev.switchboard.codec.sbe.ContactLookupEncoder;
import dev.switchboard.codec.sbe.DeliverAckEncoder;
import dev.switchboard.codec.sbe.GroupChange;
import dev.switchboard.codec.sbe.GroupCreateEncoder;
import dev.switchboard.codec.sbe.GroupInfoRequestEncoder;
import dev.switchboard.codec.sbe.GroupLeaveEncoder;
import dev.switchboard.codec.sbe.GroupTypingEncoder;
import dev.switchboard.codec.sbe.GroupUpdateEncoder;
import dev.switchboard.codec.sbe.KeyBundleFetchEncoder;
import dev.switchboard.codec.sbe.KeyBundleUploadEncoder;
import dev.switchboard.codec.sbe.LoginProofEncoder;
import dev.switchboard.codec.sbe.LoginSignedEncoder;
import dev.switchboard.codec.sbe.LoginStartEncoder;
import dev.switchboard.codec.sbe.LogoutEncoder;
import dev.switchboard.codec.sbe.MediaTicketRequestEncoder;
import dev.switchboard.codec.sbe.MessageHeaderEncoder;
import dev.switchboard.codec.sbe.PingEncoder;
import dev.switchboard.codec.sbe.PongEncoder;
import dev.switchboard.codec.sbe.PresenceSubscribeEncoder;
import dev.switchboard.codec.sbe.PresenceUnsubscribeEncoder;
import dev.switchboard.codec.sbe.PrivacySettingsEncoder;
import dev.switchboard.codec.sbe.ReadMarkEncoder;
import dev.switchboard.codec.sbe.RegisterEncoder;
import dev.switchboard.codec.sbe.SendEncoder;
import dev.switchboard.codec.sbe.SendGroupEncoder;
import dev.switchboard.codec.sbe.TypingEncoder;
import dev.switchboard.codec.sbe.TypingState;
import dev.switchboard.codec.sbe.UnblockEncoder;
import dev.switchboard.codec.sbe.VerifyEncoder;
import dev.switchboard.codec.sbe.Visibility;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Encodes client requests as whole frames ({@link Sofh} header, SBE header, message) into a caller's buffer with
 * reused encoders; each method returns the frame length. Not thread safe: one per writing thread.
 */
public final class FrameWriter
{
    /**
     * Length of a Send frame carrying no payload; add the payload length for the whole frame.
     */
    public static final int SEND_FRAME_OVERHEAD = Sofh.HEADER_LENGTH + MessageHeaderEncoder.ENCODED_LENGTH +
        SendEncoder.BLOCK_LENGTH + SendEncoder.payloadHeaderLength();

    /**
     * Length of a SendGroup frame carrying no payload; add the payload length for the whole frame.
     */
    public static final int SEND_GROUP_FRAME_OVERHEAD = Sofh.HEADER_LENGTH + MessageHeaderEncoder.ENCODED_LENGTH +
        SendGroupEncoder.BLOCK_LENGTH + SendGroupEncoder.payloadHeaderLength();

    /**
     * Longest group name, in UTF-8 bytes (uint8 length).
     */
    public static final int MAX_GROUP_NAME_LENGTH = 254;

    /**
     * Most members one GroupCreate or GroupUpdate can name (the group count is 16 bits, 0xFFFF reserved).
     */
    public static final int MAX_GROUP_MEMBERS_PER_FRAME = 65534;

    /**
     * Largest payload a Send frame can carry (the var-data length is 16 bits).
     */
    public static final int MAX_PAYLOAD_LENGTH = 65534;

    /**
     * Most phone numbers one ContactLookup may carry; the server refuses more with INVALID_FIELD.
     */
    public static final int MAX_LOOKUP_PHONES = 64;

    /**
     * Longest phone number, in bytes, a ContactLookup element can carry (uint8 length).
     */
    public static final int MAX_PHONE_LENGTH = 254;

    private static final int MESSAGE_OFFSET = Sofh.HEADER_LENGTH;

    private final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
    private final RegisterEncoder registerEncoder = new RegisterEncoder();
    private final VerifyEncoder verifyEncoder = new VerifyEncoder();
    private final LoginStartEncoder loginStartEncoder = new LoginStartEncoder();
    private final LoginProofEncoder loginProofEncoder = new LoginProofEncoder();
    private final LoginSignedEncoder loginSignedEncoder = new LoginSignedEncoder();
    private final LogoutEncoder logoutEncoder = new LogoutEncoder();
    private final SendEncoder sendEncoder = new SendEncoder();
    private final DeliverAckEncoder deliverAckEncoder = new DeliverAckEncoder();
    private final ReadMarkEncoder readMarkEncoder = new ReadMarkEncoder();
    private final PingEncoder pingEncoder = new PingEncoder();
    private final PongEncoder pongEncoder = new PongEncoder();
    private final ContactLookupEncoder contactLookupEncoder = new ContactLookupEncoder();
    private final PresenceSubscribeEncoder presenceSubscribeEncoder = new PresenceSubscribeEncoder();
    private final PresenceUnsubscribeEncoder presenceUnsubscribeEncoder = new PresenceUnsubscribeEncoder();
    private final TypingEncoder typingEncoder = new TypingEncoder();
    private final BlockEncoder blockEncoder = new BlockEncoder();
    private final UnblockEncoder unblockEncoder = new UnblockEncoder();
    private final PrivacySettingsEncoder privacySettingsEncoder = new PrivacySettingsEncoder();
    private final SendGroupEncoder sendGroupEncoder = new SendGroupEncoder();
    private final MediaTicketRequestEncoder mediaTicketRequestEncoder = new MediaTicketRequestEncoder();
    private final GroupCreateEncoder groupCreateEncoder = new GroupCreateEncoder();
    private final GroupUpdateEncoder groupUpdateEncoder = new GroupUpdateEncoder();
    private final GroupLeaveEncoder groupLeaveEncoder = new GroupLeaveEncoder();
    private final GroupInfoRequestEncoder groupInfoRequestEncoder = new GroupInfoRequestEncoder();
    private final GroupTypingEncoder groupTypingEncoder = new GroupTypingEncoder();
    private final KeyBundleUploadEncoder keyBundleUploadEncoder = new KeyBundleUploadEncoder();
    private final KeyBundleFetchEncoder keyBundleFetchEncoder = new KeyBundleFetchEncoder();

    /**
     * Register: ask for a verification code for {@code phone}.
     */
    public int register(final MutableDirectBuffer buffer, final int offset, final long requestId, final String phone)
    {
        registerEncoder.wrapAndApplyHeader(buffer, offset + MESSAGE_OFFSET, headerEncoder)
            .requestId(requestId)
            .phone(phone);
        return frame(buffer, offset, registerEncoder.encodedLength());
    }

    /**
     * Verify: prove the code and register {@code loginKey}, the raw 32-byte Ed25519 public key.
     */
    public int verify(
        final MutableDirectBuffer buffer,
        final int offset,
        final long requestId,
        final int registrationId,
        final String phone,
        final String code,
        final byte[] loginKey)
    {
        verifyEncoder.wrapAndApplyHeader(buffer, offset + MESSAGE_OFFSET, headerEncoder)
            .requestId(requestId)
            .registrationId(registrationId)
            .phone(phone)
            .code(code)
            .putLoginKey(loginKey, 0, loginKey.length);
        return frame(buffer, offset, verifyEncoder.encodedLength());
    }

    /**
     * LoginStart: ask for a challenge for this device.
     */
    public int loginStart(
        final MutableDirectBuffer buffer, final int offset, final long requestId, final long userId, final int deviceId)
    {
        loginStartEncoder.wrapAndApplyHeader(buffer, offset + MESSAGE_OFFSET, headerEncoder)
            .requestId(requestId)
            .device().userId(userId).deviceId(deviceId);
        return frame(buffer, offset, loginStartEncoder.encodedLength());
    }

    /**
     * LoginProof: the Ed25519 signature of the challenge nonce.
     */
    public int loginProof(
        final MutableDirectBuffer buffer, final int offset, final long requestId, final byte[] signature)
    {
        loginProofEncoder.wrapAndApplyHeader(buffer, offset + MESSAGE_OFFSET, headerEncoder)
            .requestId(requestId)
            .putSignature(signature, 0, signature.length);
        return frame(buffer, offset, loginProofEncoder.encodedLength());
    }

    /**
     * LoginSigned: log in in one round trip with the Ed25519 signature of the
     * {@link dev.switchboard.codec.SignedLogin} message for this device and {@code timestampMs}, the server's time as
     * the device reckons it.
     */
    public int loginSigned(
        final MutableDirectBuffer buffer,
        final int offset,
        final long requestId,
        final long userId,
        final int deviceId,
        final long timestampMs,
        final byte[] signature)
    {
        loginSignedEncoder.wrapAndApplyHeader(buffer, offset + MESSAGE_OFFSET, headerEncoder)
            .requestId(requestId)
            .device().userId(userId).deviceId(deviceId);
        loginSignedEncoder.timestampMs(timestampMs)
            .putSignature(signature, 0, signature.length);
        return frame(buffer, offset, loginSignedEncoder.encodedLength());
    }

    /**
     * Logout: end the session.
     */
    public int logout(final MutableDirectBuffer buffer, final int offset, final long requestId)
    {
        logoutEncoder.wrapAndApplyHeader(buffer, offset + MESSAGE_OFFSET, headerEncoder).requestId(requestId);
        return frame(buffer, offset, logoutEncoder.encodedLength());
    }

    /**
     * Send: a payload to a user's device (0: every device); {@link #SEND_FRAME_OVERHEAD} plus payload bytes long.
     */
    public int send(
        final MutableDirectBuffer buffer,
        final int offset,
        final long clientMsgId,
        final long toUserId,
        final int toDeviceId,
        final byte[] payload,
        final int payloadOffset,
        final int payloadLength)
    {
        sendEncoder.wrapAndApplyHeader(buffer, offset + MESSAGE_OFFSET, headerEncoder)
            .clientMsgId(clientMsgId)
            .to().userId(toUserId).deviceId(toDeviceId);
        sendEncoder.putPayload(payload, payloadOffset, payloadLength);
        return frame(buffer, offset, sendEncoder.encodedLength());
    }

    /**
     * Send, with the payload taken from a buffer so a load generator need not allocate.
     */
    public int send(
        final MutableDirectBuffer buffer,
        final int offset,
        final long clientMsgId,
        final long toUserId,
        final int toDeviceId,
        final DirectBuffer payload,
        final int payloadOffset,
        final int payloadLength)
    {
        sendEncoder.wrapAndApplyHeader(buffer, offset + MESSAGE_OFFSET, headerEncoder)
            .clientMsgId(clientMsgId)
            .to().userId(toUserId).deviceId(toDeviceId);
        sendEncoder.putPayload(payload, payloadOffset, payloadLength);
        return frame(buffer, offset, sendEncoder.encodedLength());
    }

    /**
     * DeliverAck: this device holds a delivered message or receipt.
     */
    public int deliverAck(final MutableDirectBuffer buffer, final int offset, final long messageId)
    {
        deliverAckEncoder.wrapAndApplyHeader(buffer, offset + MESSAGE_OFFSET, headerEncoder).messageId(messageId);
        return frame(buffer, offset, deliverAckEncoder.encodedLength());
    }

    /**
     * ReadMark: the user has seen a message from {@code senderUserId}.
     */
    public int readMark(
        final MutableDirectBuffer buffer,
        final int offset,
        final long messageId,
        final long senderUserId,
        final int senderDeviceId)
    {
        readMarkEncoder.wrapAndApplyHeader(buffer, offset + MESSAGE_OFFSET, headerEncoder)
            .messageId(messageId)
            .sender().userId(senderUserId).deviceId(senderDeviceId);
        return frame(buffer, offset, readMarkEncoder.encodedLength());
    }

    /**
     * Ping: the server answers with a Pong carrying the same timestamp.
     */
    public int ping(final MutableDirectBuffer buffer, final int offset, final long timestampNs)
    {
        pingEncoder.wrapAndApplyHeader(buffer, offset + MESSAGE_OFFSET, headerEncoder).timestampNs(timestampNs);
        return frame(buffer, offset, pingEncoder.encodedLength());
    }

    /**
     * Pong: the answer to a server Ping.
     */
    public int pong(final MutableDirectBuffer buffer, final int offset, final long timestampNs)
    {
        pongEncoder.wrapAndApplyHeader(buffer, offset + MESSAGE_OFFSET, headerEncoder).timestampNs(timestampNs);
        return frame(buffer, offset, pongEncoder.encodedLength());
    }

    /**
     * Upper bound of a ContactLookup frame's length for {@code phones}, for reserving buffer space.
     */
    public static int contactLookupLength(final List<String> phones)
    {
        int length = Sofh.HEADER_LENGTH + MessageHeaderEncoder.ENCODED_LENGTH + ContactLookupEncoder.BLOCK_LENGTH +
            ContactLookupEncoder.PhonesEncoder.sbeHeaderSize();
        for (final String phone : phones)
        {
            // UTF-8 takes at most three bytes per UTF-16 char.
            length += ContactLookupEncoder.PhonesEncoder.phoneHeaderLength() + 3 * phone.length();
        }
        return length;
    }

    /**
     * ContactLookup: which of these phone numbers (at most {@link #MAX_LOOKUP_PHONES}) are registered.
     */
    public int contactLookup(
        final MutableDirectBuffer buffer, final int offset, final long requestId, final List<String> phones)
    {
        final ContactLookupEncoder.PhonesEncoder phonesEncoder = contactLookupEncoder
            .wrapAndApplyHeader(buffer, offset + MESSAGE_OFFSET, headerEncoder)
            .requestId(requestId)
            .phonesCount(phones.size());
        for (final String phone : phones)
        {
            phonesEncoder.next().phone(phone);
        }
        return frame(buffer, offset, contactLookupEncoder.encodedLength());
    }

    /**
     * PresenceSubscribe: the user's current presence now, and every change while this connection lives.
     */
    public int presenceSubscribe(
        final MutableDirectBuffer buffer, final int offset, final long requestId, final long userId)
    {
        presenceSubscribeEncoder.wrapAndApplyHeader(buffer, offset + MESSAGE_OFFSET, headerEncoder)
            .requestId(requestId)
            .userId(userId);
        return frame(buffer, offset, presenceSubscribeEncoder.encodedLength());
    }

    /**
     * PresenceUnsubscribe: stop presence updates for the user.
     */
    public int presenceUnsubscribe(
        final MutableDirectBuffer buffer, final int offset, final long requestId, final long userId)
    {
        presenceUnsubscribeEncoder.wrapAndApplyHeader(buffer, offset + MESSAGE_OFFSET, headerEncoder)
            .requestId(requestId)
            .userId(userId);
        return frame(buffer, offset, presenceUnsubscribeEncoder.encodedLength());
    }

    /**
     * Typing: composing or paused, to a user's device (0: every device); never answered.
     */
    public int typing(
        final MutableDirectBuffer buffer,
        final int offset,
        final long toUserId,
        final int toDeviceId,
        final TypingState state)
    {
        typingEncoder.wrapAndApplyHeader(buffer, offset + MESSAGE_OFFSET, headerEncoder)
            .to().userId(toUserId).deviceId(toDeviceId);
        typingEncoder.state(state);
        return frame(buffer, offset, typingEncoder.encodedLength());
    }

    /**
     * Block: drop the user's messages, typing and presence requests to this user.
     */
    public int block(final MutableDirectBuffer buffer, final int offset, final long requestId, final long userId)
    {
        blockEncoder.wrapAndApplyHeader(buffer, offset + MESSAGE_OFFSET, headerEncoder)
            .requestId(requestId)
            .userId(userId);
        return frame(buffer, offset, blockEncoder.encodedLength());
    }

    /**
     * Unblock: undo a {@link #block}.
     */
    public int unblock(final MutableDirectBuffer buffer, final int offset, final long requestId, final long userId)
    {
        unblockEncoder.wrapAndApplyHeader(buffer, offset + MESSAGE_OFFSET, headerEncoder)
            .requestId(requestId)
            .userId(userId);
        return frame(buffer, offset, unblockEncoder.encodedLength());
    }

    /**
     * MediaTicketRequest: a ticket to upload one blob of this many bytes to the media service.
     */
    public int mediaTicketRequest(
        final MutableDirectBuffer buffer, final int offset, final long requestId, final long sizeBytes)
    {
        mediaTicketRequestEncoder.wrapAndApplyHeader(buffer, offset + MESSAGE_OFFSET, headerEncoder)
            .requestId(requestId)
            .sizeBytes(sizeBytes);
        return frame(buffer, offset, mediaTicketRequestEncoder.encodedLength());
    }

    /**
     * PrivacySettings: who may see this user's last seen and online state.
     */
    public int privacySettings(
        final MutableDirectBuffer buffer,
        final int offset,
        final long requestId,
        final Visibility lastSeen,
        final Visibility online)
    {
        privacySettingsEncoder.wrapAndApplyHeader(buffer, offset + MESSAGE_OFFSET, headerEncoder)
            .requestId(requestId)
            .lastSeen(lastSeen)
            .online(online);
        return frame(buffer, offset, privacySettingsEncoder.encodedLength());
    }

    /**
     * SendGroup: a payload to every member of a group; {@link #SEND_GROUP_FRAME_OVERHEAD} plus payload bytes long.
     */
    public int sendGroup(
        final MutableDirectBuffer buffer,
        final int offset,
        final long clientMsgId,
        final long groupId,
        final byte[] payload,
        final int payloadOffset,
        final int payloadLength)
    {
        sendGroupEncoder.wrapAndApplyHeader(buffer, offset + MESSAGE_OFFSET, headerEncoder)
            .clientMsgId(clientMsgId)
            .groupId(groupId);
        sendGroupEncoder.putPayload(payload, payloadOffset, payloadLength);
        return frame(buffer, offset, sendGroupEncoder.encodedLength());
    }

    /**
     * Length of a GroupCreate or GroupUpdate frame naming {@code memberCount} users and {@code name}.
     */
    public static int groupChangeLength(final int memberCount, final String name)
    {
        return Sofh.HEADER_LENGTH + MessageHeaderEncoder.ENCODED_LENGTH +
            Math.max(GroupCreateEncoder.BLOCK_LENGTH, GroupUpdateEncoder.BLOCK_LENGTH) +
            GroupUpdateEncoder.MembersEncoder.sbeHeaderSize() +
            memberCount * GroupUpdateEncoder.MembersEncoder.sbeBlockLength() +
            GroupUpdateEncoder.nameHeaderLength() + (null == name ? 0 : name.getBytes(StandardCharsets.UTF_8).length);
    }

    /**
     * GroupCreate: a new group with these members besides the creator, who becomes its admin.
     */
    public int groupCreate(
        final MutableDirectBuffer buffer,
        final int offset,
        final long requestId,
        final long[] memberUserIds,
        final String name)
    {
        final GroupCreateEncoder.MembersEncoder members = groupCreateEncoder
            .wrapAndApplyHeader(buffer, offset + MESSAGE_OFFSET, headerEncoder)
            .requestId(requestId)
            .membersCount(memberUserIds.length);
        for (final long userId : memberUserIds)
        {
            members.next().userId(userId);
        }
        groupCreateEncoder.name(name);
        return frame(buffer, offset, groupCreateEncoder.encodedLength());
    }

    /**
     * GroupUpdate: add, remove, promote or demote members, or rename (members empty, the new name given).
     */
    public int groupUpdate(
        final MutableDirectBuffer buffer,
        final int offset,
        final long requestId,
        final long groupId,
        final GroupChange change,
        final long[] memberUserIds,
        final String name)
    {
        final GroupUpdateEncoder.MembersEncoder members = groupUpdateEncoder
            .wrapAndApplyHeader(buffer, offset + MESSAGE_OFFSET, headerEncoder)
            .requestId(requestId)
            .groupId(groupId)
            .change(change)
            .membersCount(memberUserIds.length);
        for (final long userId : memberUserIds)
        {
            members.next().userId(userId);
        }
        groupUpdateEncoder.name(null == name ? "" : name);
        return frame(buffer, offset, groupUpdateEncoder.encodedLength());
    }

    /**
     * GroupLeave: this user leaves the group.
     */
    public int groupLeave(final MutableDirectBuffer buffer, final int offset, final long requestId, final long groupId)
    {
        groupLeaveEncoder.wrapAndApplyHeader(buffer, offset + MESSAGE_OFFSET, headerEncoder)
            .requestId(requestId)
            .groupId(groupId);
        return frame(buffer, offset, groupLeaveEncoder.encodedLength());
    }

    /**
     * GroupInfoRequest: the group's members, roles, name and version.
     */
    public int groupInfoRequest(
        final MutableDirectBuffer buffer, final int offset, final long requestId, final long groupId)
    {
        groupInfoRequestEncoder.wrapAndApplyHeader(buffer, offset + MESSAGE_OFFSET, headerEncoder)
            .requestId(requestId)
            .groupId(groupId);
        return frame(buffer, offset, groupInfoRequestEncoder.encodedLength());
    }

    /**
     * GroupTyping: composing or paused, to the group's online members; never answered.
     */
    public int groupTyping(
        final MutableDirectBuffer buffer, final int offset, final long groupId, final TypingState state)
    {
        groupTypingEncoder.wrapAndApplyHeader(buffer, offset + MESSAGE_OFFSET, headerEncoder)
            .groupId(groupId)
            .state(state);
        return frame(buffer, offset, groupTypingEncoder.encodedLength());
    }

    /**
     * KeyBundleUpload: this device's identity key, signed prekey and Kyber prekey (or none, for a top-up) and
     * one-time prekeys.
     */
    public int keyBundleUpload(
        final MutableDirectBuffer buffer, final int offset, final long requestId, final KeyBundleUpload upload)
    {
        final KeyBundleUploadEncoder.PreKeysEncoder preKeysEncoder = keyBundleUploadEncoder
            .wrapAndApplyHeader(buffer, offset + MESSAGE_OFFSET, headerEncoder)
            .requestId(requestId)
            .registrationId(upload.registrationId())
            .signedPreKeyId(upload.signedPreKeyId())
            .kyberPreKeyId(upload.kyberPreKeyId() & 0xFFFF_FFFFL)
            .preKeysCount(upload.preKeys().size());
        for (final KeyBundleUpload.PreKey preKey : upload.preKeys())
        {
            final byte[] publicKey = preKey.publicKey();
            preKeysEncoder.next().preKeyId(preKey.preKeyId()).putPublicKey(publicKey, 0, publicKey.length);
        }
        keyBundleUploadEncoder.putIdentityKey(upload.identityKey(), 0, upload.identityKey().length);
        keyBundleUploadEncoder.putSignedPreKeyPublic(upload.signedPreKey(), 0, upload.signedPreKey().length);
        keyBundleUploadEncoder.putSignedPreKeySignature(
            upload.signedPreKeySignature(), 0, upload.signedPreKeySignature().length);
        keyBundleUploadEncoder.putKyberPreKeyPublic(upload.kyberPreKey(), 0, upload.kyberPreKey().length);
        keyBundleUploadEncoder.putKyberPreKeySignature(
            upload.kyberPreKeySignature(), 0, upload.kyberPreKeySignature().length);
        return frame(buffer, offset, keyBundleUploadEncoder.encodedLength());
    }

    /**
     * KeyBundleFetch: one KeyBundle per device of the user (deviceId 0) or for the one device.
     */
    public int keyBundleFetch(
        final MutableDirectBuffer buffer, final int offset, final long requestId, final long userId, final int deviceId)
    {
        keyBundleFetchEncoder.wrapAndApplyHeader(buffer, offset + MESSAGE_OFFSET, headerEncoder)
            .requestId(requestId)
            .device().userId(userId).deviceId(deviceId);
        return frame(buffer, offset, keyBundleFetchEncoder.encodedLength());
    }

    private static int frame(final MutableDirectBuffer buffer, final int offset, final int bodyLength)
    {
        final int messageLength = MessageHeaderEncoder.ENCODED_LENGTH + bodyLength;
        Sofh.write(buffer, offset, messageLength);
        return Sofh.HEADER_LENGTH + messageLength;
    }
}
