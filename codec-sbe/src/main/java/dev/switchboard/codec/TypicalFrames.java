package dev.switchboard.codec;

import dev.switchboard.codec.sbe.CallAnswerEncoder;
import dev.switchboard.codec.sbe.CallEndReason;
import dev.switchboard.codec.sbe.CallHangupEncoder;
import dev.switchboard.codec.sbe.CallIceCandidateEncoder;
import dev.switchboard.codec.sbe.CallIncomingEncoder;
import dev.switchboard.codec.sbe.CallMedia;
import dev.switchboard.codec.sbe.CallOfferEncoder;
import dev.switchboard.codec.sbe.CallRingingEncoder;
import dev.switchboard.codec.sbe.MissedCallEncoder;
import dev.switchboard.codec.sbe.TurnCredentialsEncoder;
import dev.switchboard.codec.sbe.TurnCredentialsRequestEncoder;
import dev.switchboard.codec.sbe.BlockEncoder;
import dev.switchboard.codec.sbe.ContactLookupEncoder;
import dev.switchboard.codec.sbe.ContactLookupResultEncoder;
import dev.switchboard.codec.sbe.DeliverAckEncoder;
import dev.switchboard.codec.sbe.DeliverEncoder;
import dev.switchboard.codec.sbe.DeviceListEncoder;
import dev.switchboard.codec.sbe.DeviceListRequestEncoder;
import dev.switchboard.codec.sbe.ErrorCode;
import dev.switchboard.codec.sbe.ErrorEncoder;
import dev.switchboard.codec.sbe.GroupChange;
import dev.switchboard.codec.sbe.GroupCreateEncoder;
import dev.switchboard.codec.sbe.GroupEventEncoder;
import dev.switchboard.codec.sbe.GroupInfoEncoder;
import dev.switchboard.codec.sbe.GroupTypingEncoder;
import dev.switchboard.codec.sbe.GroupTypingUpdateEncoder;
import dev.switchboard.codec.sbe.GoodbyeEncoder;
import dev.switchboard.codec.sbe.GroupInfoRequestEncoder;
import dev.switchboard.codec.sbe.GroupLeaveEncoder;
import dev.switchboard.codec.sbe.GroupRole;
import dev.switchboard.codec.sbe.GroupTypingEncoder;
import dev.switchboard.codec.sbe.GroupTypingUpdateEncoder;
import dev.switchboard.codec.sbe.GroupUpdateEncoder;
import dev.switchboard.codec.sbe.IdentityChangedEncoder;
import dev.switchboard.codec.sbe.KeyBundleEncoder;
import dev.switchboard.codec.sbe.KeyBundleFetchEncoder;
import dev.switchboard.codec.sbe.KeyBundleUploadEncoder;
import dev.switchboard.codec.sbe.LinkApproveEncoder;
import dev.switchboard.codec.sbe.LinkCodeEncoder;
import dev.switchboard.codec.sbe.LinkDeviceEncoder;
import dev.switchboard.codec.sbe.LinkPendingEncoder;
import dev.switchboard.codec.sbe.LinkRequestEncoder;
import dev.switchboard.codec.sbe.LinkStartEncoder;
import dev.switchboard.codec.sbe.LoginAckEncoder;
import dev.switchboard.codec.sbe.LoginChallengeEncoder;
import dev.switchboard.codec.sbe.LoginProofEncoder;
import dev.switchboard.codec.sbe.LoginSignedEncoder;
import dev.switchboard.codec.sbe.LoginStartEncoder;
import dev.switchboard.codec.sbe.LogoutEncoder;
import dev.switchboard.codec.sbe.MessageHeaderEncoder;
import dev.switchboard.codec.sbe.PingEncoder;
import dev.switchboard.codec.sbe.PongEncoder;
import dev.switchboard.codec.sbe.PreKeyStockEncoder;
import dev.switchboard.codec.sbe.PresenceState;
import dev.switchboard.codec.sbe.PresenceSubscribeEncoder;
import dev.switchboard.codec.sbe.PresenceUnsubscribeEncoder;
import dev.switchboard.codec.sbe.PresenceUpdateEncoder;
import dev.switchboard.codec.sbe.MediaTicketEncoder;
import dev.switchboard.codec.sbe.MediaTicketRequestEncoder;
import dev.switchboard.codec.sbe.PrivacySettingsEncoder;
import dev.switchboard.codec.sbe.PushPlatform;
import dev.switchboard.codec.sbe.PushTokenUpdateEncoder;
import dev.switchboard.codec.sbe.ReadMarkEncoder;
import dev.switchboard.codec.sbe.ReceiptEncoder;
import dev.switchboard.codec.sbe.ReceiptType;
import dev.switchboard.codec.sbe.RegisterAckEncoder;
import dev.switchboard.codec.sbe.RegisterEncoder;
import dev.switchboard.codec.sbe.RequestAckEncoder;
import dev.switchboard.codec.sbe.SendEncoder;
import dev.switchboard.codec.sbe.SendGroupEncoder;
import dev.switchboard.codec.sbe.SentAckEncoder;
import dev.switchboard.codec.sbe.TypingEncoder;
import dev.switchboard.codec.sbe.TypingState;
import dev.switchboard.codec.sbe.TypingUpdateEncoder;
import dev.switchboard.codec.sbe.UnblockEncoder;
import dev.switchboard.codec.sbe.UnlinkEncoder;
import dev.switchboard.codec.sbe.VerifyAckEncoder;
import dev.switchboard.codec.sbe.VerifyEncoder;
import dev.switchboard.codec.sbe.Visibility;
import org.agrona.MutableDirectBuffer;
import org.agrona.sbe.MessageEncoderFlyweight;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * One frame of every message type with typical contents: what {@link FrameSizes} measures and what the codec tests
 * round-trip and mutate.
 */
final class TypicalFrames
{
    static final String PHONE = "+14155550123";
    static final byte[] HELLO = "Hello".getBytes(StandardCharsets.UTF_8);
    static final long USER_ID = 1_000_042L;
    static final long PEER_ID = 1_000_043L;
    static final int DEVICE_ID = 1;
    static final long GROUP_ID = 7_000_001L;
    static final long TIME_MS = 1_795_000_000_000L;
    static final int CURVE_KEY_LENGTH = 33;
    static final int SIGNATURE_LENGTH = 64;
    /** A libsignal Kyber-1024 public key: type byte and 1,568 bytes. */
    static final int KYBER_KEY_LENGTH = 1569;
    static final int PRE_KEY_COUNT = 100;
    static final long CALL_ID = 0x5ca11_0001L;
    /** A WebRTC offer of about 500 bytes, sealed. */
    static final int SDP_LENGTH = 600;
    static final byte[] TURN_URIS = "turn:turn.example.org:3478?transport=udp turns:turn.example.org:5349?transport=tcp"
        .getBytes(StandardCharsets.UTF_8);

    /**
     * Writes one whole frame, framing header included, at an offset and returns its length.
     */
    @FunctionalInterface
    interface Writer
    {
        int write(MutableDirectBuffer buffer, int offset);
    }

    /**
     * A message type, a description of its typical contents and how to write such a frame.
     */
    record Sample(String message, String contents, Writer writer)
    {
    }

    private TypicalFrames()
    {
    }

    static List<Sample> all()
    {
        return List.of(
            new Sample("Register", "E.164 phone of 12 characters", TypicalFrames::register),
            new Sample("RegisterAck", "code lifetime", (b, o) -> finish(b, o,
                new RegisterAckEncoder().wrapAndApplyHeader(b, o + Sofh.HEADER_LENGTH, header())
                    .requestId(1).codeTtlSeconds(600))),
            new Sample("Verify", "phone, 6-digit code, Ed25519 login key", TypicalFrames::verify),
            new Sample("VerifyAck", "user id, device id", (b, o) -> finish(b, o,
                new VerifyAckEncoder().wrapAndApplyHeader(b, o + Sofh.HEADER_LENGTH, header())
                    .requestId(2).userId(USER_ID).deviceId(DEVICE_ID))),
            new Sample("LoginStart", "user and device", TypicalFrames::loginStart),
            new Sample("LoginChallenge", "32-byte nonce", (b, o) -> finish(b, o,
                new LoginChallengeEncoder().wrapAndApplyHeader(b, o + Sofh.HEADER_LENGTH, header())
                    .requestId(3).putNonce(bytes(32, 1), 0, 32))),
            new Sample("LoginProof", "Ed25519 signature", (b, o) -> finish(b, o,
                new LoginProofEncoder().wrapAndApplyHeader(b, o + Sofh.HEADER_LENGTH, header())
                    .requestId(4).putSignature(bytes(SIGNATURE_LENGTH, 2), 0, SIGNATURE_LENGTH))),
            new Sample("LoginAck", "device, server time, pending count", TypicalFrames::loginAck),
            new Sample("LoginSigned", "device, time, Ed25519 signature", TypicalFrames::loginSigned),
            new Sample("Logout", "request id", (b, o) -> finish(b, o,
                new LogoutEncoder().wrapAndApplyHeader(b, o + Sofh.HEADER_LENGTH, header()).requestId(5))),
            new Sample("Send", "\"Hello\" (5 bytes) to one recipient", TypicalFrames::sendHello),
            new Sample("Send", "sealed media reference (URL, key, digest, size): 200 bytes", TypicalFrames::sendMedia),
            new Sample("SendGroup", "\"Hello\" (5 bytes) to a group", (b, o) -> finish(b, o,
                new SendGroupEncoder().wrapAndApplyHeader(b, o + Sofh.HEADER_LENGTH, header())
                    .clientMsgId(11).groupId(GROUP_ID).putPayload(HELLO, 0, HELLO.length))),
            new Sample("SentAck", "client and server message ids, time", (b, o) -> finish(b, o,
                new SentAckEncoder().wrapAndApplyHeader(b, o + Sofh.HEADER_LENGTH, header())
                    .clientMsgId(10).messageId(90_001).timestampMs(TIME_MS))),
            new Sample("Deliver", "\"Hello\" (5 bytes) from one sender", TypicalFrames::deliver),
            new Sample("DeliverAck", "message id", (b, o) -> finish(b, o,
                new DeliverAckEncoder().wrapAndApplyHeader(b, o + Sofh.HEADER_LENGTH, header()).messageId(90_001))),
            new Sample("Receipt", "DELIVERED for one message", TypicalFrames::receipt),
            new Sample("ReadMark", "message id and its sender", TypicalFrames::readMark),
            new Sample("Typing", "COMPOSING to one user", TypicalFrames::typing),
            new Sample("TypingUpdate", "COMPOSING from one user", TypicalFrames::typingUpdate),
            new Sample("PresenceSubscribe", "one user", (b, o) -> finish(b, o,
                new PresenceSubscribeEncoder().wrapAndApplyHeader(b, o + Sofh.HEADER_LENGTH, header())
                    .requestId(20).userId(PEER_ID))),
            new Sample("PresenceUnsubscribe", "one user", (b, o) -> finish(b, o,
                new PresenceUnsubscribeEncoder().wrapAndApplyHeader(b, o + Sofh.HEADER_LENGTH, header())
                    .requestId(21).userId(PEER_ID))),
            new Sample("PresenceUpdate", "OFFLINE with last seen", (b, o) -> finish(b, o,
                new PresenceUpdateEncoder().wrapAndApplyHeader(b, o + Sofh.HEADER_LENGTH, header())
                    .userId(PEER_ID).state(PresenceState.OFFLINE).lastSeenMs(TIME_MS))),
            new Sample("ContactLookup", "3 phone numbers", TypicalFrames::contactLookup),
            new Sample("ContactLookupResult", "2 registered contacts", TypicalFrames::contactLookupResult),
            new Sample("LinkStart", "request id", (b, o) -> finish(b, o,
                new LinkStartEncoder().wrapAndApplyHeader(b, o + Sofh.HEADER_LENGTH, header()).requestId(25))),
            new Sample("LinkCode", "12-character code and its lifetime", (b, o) -> finish(b, o,
                new LinkCodeEncoder().wrapAndApplyHeader(b, o + Sofh.HEADER_LENGTH, header())
                    .requestId(25).codeTtlSeconds(300).code("K7QM2XWD9RTA"))),
            new Sample("LinkDevice", "12-character code, Ed25519 login key", (b, o) -> finish(b, o,
                new LinkDeviceEncoder().wrapAndApplyHeader(b, o + Sofh.HEADER_LENGTH, header())
                    .requestId(27).registrationId(4242).code("K7QM2XWD9RTA").putLoginKey(bytes(32, 7), 0, 32))),
            new Sample("LinkRequest", "link id, 10-byte key fingerprint", (b, o) -> finish(b, o,
                new LinkRequestEncoder().wrapAndApplyHeader(b, o + Sofh.HEADER_LENGTH, header())
                    .linkId(3).registrationId(4242).putFingerprint(bytes(10, 8), 0, 10))),
            new Sample("LinkApprove", "approve one link", (b, o) -> finish(b, o,
                new LinkApproveEncoder().wrapAndApplyHeader(b, o + Sofh.HEADER_LENGTH, header())
                    .requestId(29).linkId(3).approve((short)1))),
            new Sample("GroupCreate", "3 members, 6-character name", TypicalFrames::groupCreate),
            new Sample("GroupUpdate", "add 1 member", TypicalFrames::groupUpdate),
            new Sample("GroupLeave", "group id", (b, o) -> finish(b, o,
                new GroupLeaveEncoder().wrapAndApplyHeader(b, o + Sofh.HEADER_LENGTH, header())
                    .requestId(32).groupId(GROUP_ID))),
            new Sample("GroupInfoRequest", "group id", (b, o) -> finish(b, o,
                new GroupInfoRequestEncoder().wrapAndApplyHeader(b, o + Sofh.HEADER_LENGTH, header())
                    .requestId(33).groupId(GROUP_ID))),
            new Sample("GroupInfo", "4 members, 6-character name", TypicalFrames::groupInfo),
            new Sample("GroupEvent", "1 member added", TypicalFrames::groupEvent),
            new Sample("GroupTyping", "composing", (b, o) -> finish(b, o,
                new GroupTypingEncoder().wrapAndApplyHeader(b, o + Sofh.HEADER_LENGTH, header())
                    .groupId(GROUP_ID).state(TypingState.COMPOSING))),
            new Sample("GroupTypingUpdate", "composing", TypicalFrames::groupTypingUpdate),
            new Sample("KeyBundleUpload", "identity key, signed prekey, Kyber prekey, 100 one-time prekeys",
                TypicalFrames::keyBundleUpload),
            new Sample("KeyBundleFetch", "one device", (b, o) -> finish(b, o,
                keyBundleFetch(b, o))),
            new Sample("KeyBundle", "identity key, signed prekey, one one-time prekey, Kyber prekey",
                TypicalFrames::keyBundle),
            new Sample("PreKeyStock", "9 one-time prekeys left", (b, o) -> finish(b, o,
                new PreKeyStockEncoder().wrapAndApplyHeader(b, o + Sofh.HEADER_LENGTH, header()).preKeyCount(9))),
            new Sample("LinkPending", "wait time, 10-byte key fingerprint", (b, o) -> finish(b, o,
                new LinkPendingEncoder().wrapAndApplyHeader(b, o + Sofh.HEADER_LENGTH, header())
                    .requestId(27).waitSeconds(300).putFingerprint(bytes(10, 8), 0, 10))),
            new Sample("DeviceListRequest", "request id", (b, o) -> finish(b, o,
                new DeviceListRequestEncoder().wrapAndApplyHeader(b, o + Sofh.HEADER_LENGTH, header()).requestId(44))),
            new Sample("DeviceList", "a primary and 2 linked devices", TypicalFrames::deviceList),
            new Sample("Unlink", "one device", (b, o) -> finish(b, o,
                new UnlinkEncoder().wrapAndApplyHeader(b, o + Sofh.HEADER_LENGTH, header())
                    .requestId(46).deviceId(2))),
            new Sample("IdentityChanged", "one device of a contact", TypicalFrames::identityChanged),
            new Sample("PushTokenUpdate", "APNs token (64 hex characters)", (b, o) -> finish(b, o,
                new PushTokenUpdateEncoder().wrapAndApplyHeader(b, o + Sofh.HEADER_LENGTH, header())
                    .requestId(50).platform(PushPlatform.APNS).token("0123456789abcdef".repeat(4)))),
            new Sample("Block", "one user", (b, o) -> finish(b, o,
                new BlockEncoder().wrapAndApplyHeader(b, o + Sofh.HEADER_LENGTH, header())
                    .requestId(51).userId(PEER_ID))),
            new Sample("Unblock", "one user", (b, o) -> finish(b, o,
                new UnblockEncoder().wrapAndApplyHeader(b, o + Sofh.HEADER_LENGTH, header())
                    .requestId(52).userId(PEER_ID))),
            new Sample("PrivacySettings", "last seen and online visibility", (b, o) -> finish(b, o,
                new PrivacySettingsEncoder().wrapAndApplyHeader(b, o + Sofh.HEADER_LENGTH, header())
                    .requestId(53).lastSeen(Visibility.CONTACTS).online(Visibility.EVERYONE))),
            new Sample("MediaTicketRequest", "a 5 MiB blob", (b, o) -> finish(b, o,
                new MediaTicketRequestEncoder().wrapAndApplyHeader(b, o + Sofh.HEADER_LENGTH, header())
                    .requestId(54).sizeBytes(5L << 20))),
            new Sample("MediaTicket", "67-byte ticket", (b, o) -> finish(b, o,
                new MediaTicketEncoder().wrapAndApplyHeader(b, o + Sofh.HEADER_LENGTH, header())
                    .requestId(54).maxBytes(5L << 20).expiresAtMs(1_795_000_600_000L).mediaPort(7421)
                    .putTicket(new byte[67], 0, 67))),
            new Sample("CallOffer", "audio, sealed 600-byte session description", TypicalFrames::callOffer),
            new Sample("CallIncoming", "audio from one device, sealed 600-byte session description",
                TypicalFrames::callIncoming),
            new Sample("CallRinging", "2 devices ring", (b, o) -> finish(b, o,
                new CallRingingEncoder().wrapAndApplyHeader(b, o + Sofh.HEADER_LENGTH, header())
                    .callId(CALL_ID).devices((short)2))),
            new Sample("CallAnswer", "sealed 600-byte session description", (b, o) -> finish(b, o,
                new CallAnswerEncoder().wrapAndApplyHeader(b, o + Sofh.HEADER_LENGTH, header())
                    .callId(CALL_ID).putSdp(bytes(SDP_LENGTH, 3), 0, SDP_LENGTH))),
            new Sample("CallIceCandidate", "sealed 120-byte candidate", (b, o) -> finish(b, o,
                new CallIceCandidateEncoder().wrapAndApplyHeader(b, o + Sofh.HEADER_LENGTH, header())
                    .callId(CALL_ID).sequence(1).putCandidate(bytes(120, 4), 0, 120))),
            new Sample("CallHangup", "ended", (b, o) -> finish(b, o,
                new CallHangupEncoder().wrapAndApplyHeader(b, o + Sofh.HEADER_LENGTH, header())
                    .callId(CALL_ID).reason(CallEndReason.ENDED))),
            new Sample("MissedCall", "video, timed out", TypicalFrames::missedCall),
            new Sample("TurnCredentialsRequest", "request id", (b, o) -> finish(b, o,
                new TurnCredentialsRequestEncoder().wrapAndApplyHeader(b, o + Sofh.HEADER_LENGTH, header())
                    .requestId(77))),
            new Sample("TurnCredentials", "username, password, 2 URIs", (b, o) -> finish(b, o,
                new TurnCredentialsEncoder().wrapAndApplyHeader(b, o + Sofh.HEADER_LENGTH, header())
                    .requestId(77).ttlSeconds(86_400).username("1795086400:1000042")
                    .password("c2VjcmV0LWhtYWMtc2hhMS0yMGI=")
                    .putUris(TURN_URIS, 0, TURN_URIS.length))),
            new Sample("Ping", "timestamp", (b, o) -> finish(b, o,
                new PingEncoder().wrapAndApplyHeader(b, o + Sofh.HEADER_LENGTH, header()).timestampNs(123_456_789L))),
            new Sample("Pong", "echoed timestamp", (b, o) -> finish(b, o,
                new PongEncoder().wrapAndApplyHeader(b, o + Sofh.HEADER_LENGTH, header()).timestampNs(123_456_789L))),
            new Sample("RequestAck", "request id and template", (b, o) -> finish(b, o,
                new RequestAckEncoder().wrapAndApplyHeader(b, o + Sofh.HEADER_LENGTH, header())
                    .requestId(51).templateId(BlockEncoder.TEMPLATE_ID))),
            new Sample("Error", "code with a 13-character detail", (b, o) -> finish(b, o,
                new ErrorEncoder().wrapAndApplyHeader(b, o + Sofh.HEADER_LENGTH, header())
                    .requestId(33).templateId(GroupInfoRequestEncoder.TEMPLATE_ID).code(ErrorCode.UNKNOWN_GROUP)
                    .detail("unknown group"))),
            new Sample("Goodbye", "shutting down, back in 5 s", (b, o) -> finish(b, o,
                new GoodbyeEncoder().wrapAndApplyHeader(b, o + Sofh.HEADER_LENGTH, header()).retryAfterMs(5_000))));
    }

    static int deviceList(final MutableDirectBuffer buffer, final int offset)
    {
        final DeviceListEncoder list = new DeviceListEncoder()
            .wrapAndApplyHeader(buffer, offset + Sofh.HEADER_LENGTH, header())
            .requestId(44);
        final DeviceListEncoder.DevicesEncoder devices = list.devicesCount(3);
        for (int i = 1; i <= 3; i++)
        {
            devices.next().deviceId(i).registrationId(4240 + i).primary((short)(1 == i ? 1 : 0))
                .online((short)(i & 1)).lastSeenMs(TIME_MS - i);
        }
        return finish(buffer, offset, list);
    }

    static int identityChanged(final MutableDirectBuffer buffer, final int offset)
    {
        final IdentityChangedEncoder changed = new IdentityChangedEncoder()
            .wrapAndApplyHeader(buffer, offset + Sofh.HEADER_LENGTH, header())
            .messageId(90_047).timestampMs(TIME_MS);
        changed.device().userId(PEER_ID).deviceId(2);
        return finish(buffer, offset, changed);
    }

    static int callOffer(final MutableDirectBuffer buffer, final int offset)
    {
        final CallOfferEncoder offer = new CallOfferEncoder()
            .wrapAndApplyHeader(buffer, offset + Sofh.HEADER_LENGTH, header())
            .callId(CALL_ID)
            .toUserId(PEER_ID)
            .media(CallMedia.AUDIO);
        offer.putSdp(bytes(SDP_LENGTH, 5), 0, SDP_LENGTH);

        return finish(buffer, offset, offer);
    }

    static int callIncoming(final MutableDirectBuffer buffer, final int offset)
    {
        final CallIncomingEncoder incoming = new CallIncomingEncoder()
            .wrapAndApplyHeader(buffer, offset + Sofh.HEADER_LENGTH, header())
            .callId(CALL_ID)
            .timestampMs(TIME_MS);
        incoming.from().userId(USER_ID).deviceId(DEVICE_ID);
        incoming.media(CallMedia.AUDIO).putSdp(bytes(SDP_LENGTH, 5), 0, SDP_LENGTH);

        return finish(buffer, offset, incoming);
    }

    static int missedCall(final MutableDirectBuffer buffer, final int offset)
    {
        final MissedCallEncoder missed = new MissedCallEncoder()
            .wrapAndApplyHeader(buffer, offset + Sofh.HEADER_LENGTH, header())
            .messageId(90_003)
            .timestampMs(TIME_MS)
            .callId(CALL_ID);
        missed.from().userId(USER_ID).deviceId(DEVICE_ID);
        missed.media(CallMedia.VIDEO).reason(CallEndReason.TIMEOUT);

        return finish(buffer, offset, missed);
    }

    static int sendHello(final MutableDirectBuffer buffer, final int offset)
    {
        final SendEncoder send = new SendEncoder().wrapAndApplyHeader(buffer, offset + Sofh.HEADER_LENGTH, header())
            .clientMsgId(10);
        send.to().userId(PEER_ID).deviceId(0);
        send.putPayload(HELLO, 0, HELLO.length);

        return finish(buffer, offset, send);
    }

    private static int sendMedia(final MutableDirectBuffer buffer, final int offset)
    {
        final SendEncoder send = new SendEncoder().wrapAndApplyHeader(buffer, offset + Sofh.HEADER_LENGTH, header())
            .clientMsgId(12);
        send.to().userId(PEER_ID).deviceId(0);
        send.putPayload(bytes(200, 3), 0, 200);

        return finish(buffer, offset, send);
    }

    private static int register(final MutableDirectBuffer buffer, final int offset)
    {
        return finish(buffer, offset, new RegisterEncoder()
            .wrapAndApplyHeader(buffer, offset + Sofh.HEADER_LENGTH, header()).requestId(1).phone(PHONE));
    }

    private static int verify(final MutableDirectBuffer buffer, final int offset)
    {
        return finish(buffer, offset, new VerifyEncoder()
            .wrapAndApplyHeader(buffer, offset + Sofh.HEADER_LENGTH, header())
            .requestId(2).registrationId(4242).phone(PHONE).code("123456").putLoginKey(bytes(32, 4), 0, 32));
    }

    private static int loginStart(final MutableDirectBuffer buffer, final int offset)
    {
        final LoginStartEncoder login = new LoginStartEncoder()
            .wrapAndApplyHeader(buffer, offset + Sofh.HEADER_LENGTH, header()).requestId(3);
        login.device().userId(USER_ID).deviceId(DEVICE_ID);

        return finish(buffer, offset, login);
    }

    private static int loginSigned(final MutableDirectBuffer buffer, final int offset)
    {
        final LoginSignedEncoder login = new LoginSignedEncoder()
            .wrapAndApplyHeader(buffer, offset + Sofh.HEADER_LENGTH, header()).requestId(3);
        login.device().userId(USER_ID).deviceId(DEVICE_ID);
        login.timestampMs(TIME_MS).putSignature(bytes(SIGNATURE_LENGTH, 2), 0, SIGNATURE_LENGTH);

        return finish(buffer, offset, login);
    }

    private static int loginAck(final MutableDirectBuffer buffer, final int offset)
    {
        final LoginAckEncoder ack = new LoginAckEncoder()
            .wrapAndApplyHeader(buffer, offset + Sofh.HEADER_LENGTH, header()).requestId(4);
        ack.device().userId(USER_ID).deviceId(DEVICE_ID);
        ack.serverTimeMs(TIME_MS).pendingCount(3);

        return finish(buffer, offset, ack);
    }

    private static int deliver(final MutableDirectBuffer buffer, final int offset)
    {
        final DeliverEncoder deliver = new DeliverEncoder()
            .wrapAndApplyHeader(buffer, offset + Sofh.HEADER_LENGTH, header()).messageId(90_001).timestampMs(TIME_MS);
        deliver.from().userId(USER_ID).deviceId(DEVICE_ID);
        deliver.groupId(0).putPayload(HELLO, 0, HELLO.length);

        return finish(buffer, offset, deliver);
    }

    private static int receipt(final MutableDirectBuffer buffer, final int offset)
    {
        final ReceiptEncoder receipt = new ReceiptEncoder()
            .wrapAndApplyHeader(buffer, offset + Sofh.HEADER_LENGTH, header())
            .messageId(90_002).originalMessageId(90_001);
        receipt.from().userId(PEER_ID).deviceId(DEVICE_ID);
        receipt.receiptType(ReceiptType.DELIVERED).timestampMs(TIME_MS);

        return finish(buffer, offset, receipt);
    }

    private static int readMark(final MutableDirectBuffer buffer, final int offset)
    {
        final ReadMarkEncoder mark = new ReadMarkEncoder()
            .wrapAndApplyHeader(buffer, offset + Sofh.HEADER_LENGTH, header()).messageId(90_001);
        mark.sender().userId(USER_ID).deviceId(DEVICE_ID);

        return finish(buffer, offset, mark);
    }

    private static int typing(final MutableDirectBuffer buffer, final int offset)
    {
        final TypingEncoder typing = new TypingEncoder()
            .wrapAndApplyHeader(buffer, offset + Sofh.HEADER_LENGTH, header());
        typing.to().userId(PEER_ID).deviceId(0);
        typing.state(TypingState.COMPOSING);

        return finish(buffer, offset, typing);
    }

    private static int typingUpdate(final MutableDirectBuffer buffer, final int offset)
    {
        final TypingUpdateEncoder typing = new TypingUpdateEncoder()
            .wrapAndApplyHeader(buffer, offset + Sofh.HEADER_LENGTH, header());
        typing.from().userId(USER_ID).deviceId(DEVICE_ID);
        typing.state(TypingState.COMPOSING);

        return finish(buffer, offset, typing);
    }

    private static int contactLookup(final MutableDirectBuffer buffer, final int offset)
    {
        final ContactLookupEncoder lookup = new ContactLookupEncoder()
            .wrapAndApplyHeader(buffer, offset + Sofh.HEADER_LENGTH, header()).requestId(23);
        final ContactLookupEncoder.PhonesEncoder phones = lookup.phonesCount(3);
        phones.next().phone("+14155550124");
        phones.next().phone("+442071838750");
        phones.next().phone("+4930901820");

        return finish(buffer, offset, lookup);
    }

    private static int contactLookupResult(final MutableDirectBuffer buffer, final int offset)
    {
        final ContactLookupResultEncoder result = new ContactLookupResultEncoder()
            .wrapAndApplyHeader(buffer, offset + Sofh.HEADER_LENGTH, header()).requestId(23);
        final ContactLookupResultEncoder.ContactsEncoder contacts = result.contactsCount(2);
        contacts.next().userId(PEER_ID).phone("+14155550124");
        contacts.next().userId(PEER_ID + 1).phone("+442071838750");

        return finish(buffer, offset, result);
    }

    private static int groupCreate(final MutableDirectBuffer buffer, final int offset)
    {
        final GroupCreateEncoder create = new GroupCreateEncoder()
            .wrapAndApplyHeader(buffer, offset + Sofh.HEADER_LENGTH, header()).requestId(30);
        final GroupCreateEncoder.MembersEncoder members = create.membersCount(3);
        for (int i = 0; i < 3; i++)
        {
            members.next().userId(PEER_ID + i);
        }
        create.name("Family");

        return finish(buffer, offset, create);
    }

    private static int groupUpdate(final MutableDirectBuffer buffer, final int offset)
    {
        final GroupUpdateEncoder update = new GroupUpdateEncoder()
            .wrapAndApplyHeader(buffer, offset + Sofh.HEADER_LENGTH, header())
            .requestId(31).groupId(GROUP_ID).change(GroupChange.ADD_MEMBERS);
        update.membersCount(1).next().userId(PEER_ID + 3);
        update.name("");

        return finish(buffer, offset, update);
    }

    private static int groupInfo(final MutableDirectBuffer buffer, final int offset)
    {
        final GroupInfoEncoder info = new GroupInfoEncoder()
            .wrapAndApplyHeader(buffer, offset + Sofh.HEADER_LENGTH, header())
            .requestId(30).groupId(GROUP_ID).version(2);
        final GroupInfoEncoder.MembersEncoder members = info.membersCount(4);
        members.next().userId(USER_ID).role(GroupRole.ADMIN);
        for (int i = 0; i < 3; i++)
        {
            members.next().userId(PEER_ID + i).role(GroupRole.MEMBER);
        }
        info.name("Family");

        return finish(buffer, offset, info);
    }

    private static int groupEvent(final MutableDirectBuffer buffer, final int offset)
    {
        final GroupEventEncoder event = new GroupEventEncoder()
            .wrapAndApplyHeader(buffer, offset + Sofh.HEADER_LENGTH, header())
            .messageId(35).timestampMs(TIME_MS).groupId(GROUP_ID).version(3).change(GroupChange.ADD_MEMBERS);
        event.actor().userId(USER_ID).deviceId(1);
        event.membersCount(1).next().userId(PEER_ID + 3);
        event.name("Family");

        return finish(buffer, offset, event);
    }

    private static int groupTypingUpdate(final MutableDirectBuffer buffer, final int offset)
    {
        final GroupTypingUpdateEncoder update = new GroupTypingUpdateEncoder()
            .wrapAndApplyHeader(buffer, offset + Sofh.HEADER_LENGTH, header())
            .groupId(GROUP_ID).state(TypingState.COMPOSING);
        update.from().userId(USER_ID).deviceId(1);

        return finish(buffer, offset, update);
    }

    private static int keyBundleUpload(final MutableDirectBuffer buffer, final int offset)
    {
        final KeyBundleUploadEncoder upload = new KeyBundleUploadEncoder()
            .wrapAndApplyHeader(buffer, offset + Sofh.HEADER_LENGTH, header())
            .requestId(40).registrationId(4242).signedPreKeyId(7).kyberPreKeyId(3);
        final KeyBundleUploadEncoder.PreKeysEncoder preKeys = upload.preKeysCount(PRE_KEY_COUNT);
        final byte[] key = bytes(CURVE_KEY_LENGTH, 5);
        for (int i = 0; i < PRE_KEY_COUNT; i++)
        {
            preKeys.next().preKeyId(i + 1).putPublicKey(key, 0, key.length);
        }
        upload.putIdentityKey(key, 0, key.length)
            .putSignedPreKeyPublic(key, 0, key.length)
            .putSignedPreKeySignature(bytes(SIGNATURE_LENGTH, 6), 0, SIGNATURE_LENGTH)
            .putKyberPreKeyPublic(bytes(KYBER_KEY_LENGTH, 9), 0, KYBER_KEY_LENGTH)
            .putKyberPreKeySignature(bytes(SIGNATURE_LENGTH, 10), 0, SIGNATURE_LENGTH);

        return finish(buffer, offset, upload);
    }

    private static KeyBundleFetchEncoder keyBundleFetch(final MutableDirectBuffer buffer, final int offset)
    {
        final KeyBundleFetchEncoder fetch = new KeyBundleFetchEncoder()
            .wrapAndApplyHeader(buffer, offset + Sofh.HEADER_LENGTH, header()).requestId(41);
        fetch.device().userId(PEER_ID).deviceId(DEVICE_ID);

        return fetch;
    }

    private static int keyBundle(final MutableDirectBuffer buffer, final int offset)
    {
        final KeyBundleEncoder bundle = new KeyBundleEncoder()
            .wrapAndApplyHeader(buffer, offset + Sofh.HEADER_LENGTH, header()).requestId(41);
        bundle.device().userId(PEER_ID).deviceId(DEVICE_ID);
        final byte[] key = bytes(CURVE_KEY_LENGTH, 7);
        bundle.registrationId(4243).signedPreKeyId(8).preKeyId(17).kyberPreKeyId(3)
            .putIdentityKey(key, 0, key.length)
            .putSignedPreKeyPublic(key, 0, key.length)
            .putSignedPreKeySignature(bytes(SIGNATURE_LENGTH, 8), 0, SIGNATURE_LENGTH)
            .putPreKeyPublic(key, 0, key.length)
            .putKyberPreKeyPublic(bytes(KYBER_KEY_LENGTH, 9), 0, KYBER_KEY_LENGTH)
            .putKyberPreKeySignature(bytes(SIGNATURE_LENGTH, 10), 0, SIGNATURE_LENGTH);

        return finish(buffer, offset, bundle);
    }

    private static MessageHeaderEncoder header()
    {
        return new MessageHeaderEncoder();
    }

    private static int finish(final MutableDirectBuffer buffer, final int offset, final MessageEncoderFlyweight encoder)
    {
        final int messageLength = MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength();
        Sofh.write(buffer, offset, messageLength);

        return Sofh.HEADER_LENGTH + messageLength;
    }

    private static byte[] bytes(final int length, final int seed)
    {
        final byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++)
        {
            bytes[i] = (byte)(seed * 31 + i * 7);
        }

        return bytes;
    }
}
