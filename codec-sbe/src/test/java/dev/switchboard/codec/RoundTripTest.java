package dev.switchboard.codec;

import dev.switchboard.codec.sbe.KeyBundleDecoder;
import dev.switchboard.codec.sbe.KeyBundleUploadDecoder;
import dev.switchboard.codec.sbe.LoginChallengeDecoder;
import dev.switchboard.codec.sbe.SendDecoder;
import dev.switchboard.codec.sbe.VerifyDecoder;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.sbe.MessageDecoderFlyweight;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every message type encoded with the generated encoders, framed, cut, validated and decoded again.
 */
class RoundTripTest
{
    private static final Map<String, String> DECODED = new LinkedHashMap<>();

    static
    {
        DECODED.put("Register", "requestId=1|phone='+14155550123'");
        DECODED.put("RegisterAck", "requestId=1|codeTtlSeconds=600");
        DECODED.put("Verify",
            "requestId=2|registrationId=4242|phone='+14155550123'|code='123456'|loginKey=32 bytes of raw data");
        DECODED.put("VerifyAck", "requestId=2|userId=1000042|deviceId=1");
        DECODED.put("LoginStart", "requestId=3|device=(userId=1000042|deviceId=1)");
        DECODED.put("LoginChallenge", "requestId=3|nonce=32 bytes of raw data");
        DECODED.put("LoginProof", "requestId=4|signature=64 bytes of raw data");
        DECODED.put("LoginAck",
            "requestId=4|device=(userId=1000042|deviceId=1)|serverTimeMs=1795000000000|pendingCount=3");
        DECODED.put("LoginSigned", "requestId=3|device=(userId=1000042|deviceId=1)|timestampMs=1795000000000" +
            "|signature=64 bytes of raw data");
        DECODED.put("Logout", "requestId=5");
        DECODED.put("Send", "clientMsgId=10|to=(userId=1000043|deviceId=0)|payload=5 bytes of raw data");
        DECODED.put("SendGroup", "clientMsgId=11|groupId=7000001|payload=5 bytes of raw data");
        DECODED.put("SentAck", "clientMsgId=10|messageId=90001|timestampMs=1795000000000");
        DECODED.put("Deliver", "messageId=90001|timestampMs=1795000000000|from=(userId=1000042|deviceId=1)" +
            "|groupId=0|payload=5 bytes of raw data");
        DECODED.put("DeliverAck", "messageId=90001");
        DECODED.put("Receipt", "messageId=90002|originalMessageId=90001|from=(userId=1000043|deviceId=1)" +
            "|receiptType=DELIVERED|timestampMs=1795000000000");
        DECODED.put("ReadMark", "messageId=90001|sender=(userId=1000042|deviceId=1)");
        DECODED.put("Typing", "to=(userId=1000043|deviceId=0)|state=COMPOSING");
        DECODED.put("TypingUpdate", "from=(userId=1000042|deviceId=1)|state=COMPOSING");
        DECODED.put("PresenceSubscribe", "requestId=20|userId=1000043");
        DECODED.put("PresenceUnsubscribe", "requestId=21|userId=1000043");
        DECODED.put("PresenceUpdate", "userId=1000043|state=OFFLINE|lastSeenMs=1795000000000");
        DECODED.put("ContactLookup",
            "requestId=23|phones=[(phone='+14155550124'),(phone='+442071838750'),(phone='+4930901820')]");
        DECODED.put("ContactLookupResult", "requestId=23|contacts=[(userId=1000043|phone='+14155550124')," +
            "(userId=1000044|phone='+442071838750')]");
        DECODED.put("LinkStart", "requestId=25");
        DECODED.put("LinkCode", "requestId=25|codeTtlSeconds=300|code='K7QM2XWD9RTA'");
        DECODED.put("LinkDevice", "requestId=27|registrationId=4242|code='K7QM2XWD9RTA'|loginKey=32 bytes of raw data");
        DECODED.put("LinkRequest", "linkId=3|registrationId=4242|fingerprint=10 bytes of raw data");
        DECODED.put("LinkApprove", "requestId=29|linkId=3|approve=1");
        DECODED.put("GroupCreate",
            "requestId=30|members=[(userId=1000043),(userId=1000044),(userId=1000045)]|name='Family'");
        DECODED.put("GroupUpdate",
            "requestId=31|groupId=7000001|change=ADD_MEMBERS|members=[(userId=1000046)]|name=''");
        DECODED.put("GroupLeave", "requestId=32|groupId=7000001");
        DECODED.put("GroupInfoRequest", "requestId=33|groupId=7000001");
        DECODED.put("GroupInfo", "requestId=30|groupId=7000001|version=2|members=[(userId=1000042|role=ADMIN)," +
            "(userId=1000043|role=MEMBER),(userId=1000044|role=MEMBER),(userId=1000045|role=MEMBER)]|name='Family'");
        DECODED.put("GroupEvent", "messageId=35|timestampMs=1795000000000|groupId=7000001|version=3" +
            "|change=ADD_MEMBERS|actor=(userId=1000042|deviceId=1)|members=[(userId=1000046)]|name='Family'");
        DECODED.put("GroupTyping", "groupId=7000001|state=COMPOSING");
        DECODED.put("GroupTypingUpdate", "groupId=7000001|from=(userId=1000042|deviceId=1)|state=COMPOSING");
        DECODED.put("KeyBundleUpload", "requestId=40|registrationId=4242|signedPreKeyId=7|kyberPreKeyId=3|preKeys=[" +
            "(preKeyId=1|publicKey=33 bytes of raw data),(preKeyId=2|publicKey=33 bytes of raw data),");
        DECODED.put("KeyBundleFetch", "requestId=41|device=(userId=1000043|deviceId=1)");
        DECODED.put("KeyBundle", "requestId=41|device=(userId=1000043|deviceId=1)|registrationId=4243" +
            "|signedPreKeyId=8|preKeyId=17|kyberPreKeyId=3|identityKey=33 bytes of raw data|signedPreKeyPublic=33 bytes of raw data" +
            "|signedPreKeySignature=64 bytes of raw data|preKeyPublic=33 bytes of raw data" +
            "|kyberPreKeyPublic=1569 bytes of raw data|kyberPreKeySignature=64 bytes of raw data");
        DECODED.put("PreKeyStock", "preKeyCount=9");
        DECODED.put("LinkPending", "requestId=27|waitSeconds=300|fingerprint=10 bytes of raw data");
        DECODED.put("DeviceListRequest", "requestId=44");
        DECODED.put("DeviceList", "requestId=44|devices=[(deviceId=1|registrationId=4241|primary=1|online=1" +
            "|lastSeenMs=1794999999999),(deviceId=2|registrationId=4242|primary=0|online=0|lastSeenMs=1794999999998)");
        DECODED.put("Unlink", "requestId=46|deviceId=2");
        DECODED.put("IdentityChanged", "messageId=90047|timestampMs=1795000000000|device=(userId=1000043|deviceId=2)");
        DECODED.put("PushTokenUpdate",
            "requestId=50|platform=APNS|token='0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef'");
        DECODED.put("Block", "requestId=51|userId=1000043");
        DECODED.put("Unblock", "requestId=52|userId=1000043");
        DECODED.put("PrivacySettings", "requestId=53|lastSeen=CONTACTS|online=EVERYONE");
        DECODED.put("MediaTicketRequest", "requestId=54|sizeBytes=5242880");
        DECODED.put("MediaTicket",
            "requestId=54|maxBytes=5242880|expiresAtMs=1795000600000|mediaPort=7421|ticket=67 bytes of raw data");
        DECODED.put("CallOffer", "callId=24864948225|toUserId=1000043|media=AUDIO|sdp=600 bytes of raw data");
        DECODED.put("CallIncoming", "callId=24864948225|timestampMs=1795000000000|from=(userId=1000042|deviceId=1)" +
            "|media=AUDIO|sdp=600 bytes of raw data");
        DECODED.put("CallRinging", "callId=24864948225|devices=2");
        DECODED.put("CallAnswer", "callId=24864948225|sdp=600 bytes of raw data");
        DECODED.put("CallIceCandidate", "callId=24864948225|sequence=1|candidate=120 bytes of raw data");
        DECODED.put("CallHangup", "callId=24864948225|reason=ENDED");
        DECODED.put("MissedCall", "messageId=90003|timestampMs=1795000000000|callId=24864948225" +
            "|from=(userId=1000042|deviceId=1)|media=VIDEO|reason=TIMEOUT");
        DECODED.put("TurnCredentialsRequest", "requestId=77");
        DECODED.put("TurnCredentials", "requestId=77|ttlSeconds=86400|username='1795086400:1000042'" +
            "|password='c2VjcmV0LWhtYWMtc2hhMS0yMGI='" +
            "|uris=");
        DECODED.put("Ping", "timestampNs=123456789");
        DECODED.put("Pong", "timestampNs=123456789");
        DECODED.put("RequestAck", "requestId=51|templateId=51");
        DECODED.put("Error", "requestId=33|templateId=33|code=UNKNOWN_GROUP|detail='unknown group'");
        DECODED.put("Goodbye", "retryAfterMs=5000");
    }

    private final Decoders decoders = new Decoders();
    private final FrameValidator validator = new FrameValidator(MaxFrame.DEFAULT_MAX_FRAME_LENGTH);

    @Test
    void shouldRoundTripEveryMessageTypeOfTheSchema()
    {
        final Set<String> seen = new HashSet<>();
        for (final TypicalFrames.Sample sample : TypicalFrames.all())
        {
            if (!seen.add(sample.message()))
            {
                continue;
            }
            final UnsafeBuffer frame = Frames.write(sample.writer());
            assertEquals(FrameRejection.NONE, validator.validate(frame, 0, frame.capacity()), sample.message());

            final MessageDecoderFlyweight decoder = decoders.wrap(frame, 0);
            final String decoded = decoder.appendTo(new StringBuilder()).toString();
            final String fields = decoded.substring(decoded.indexOf("):") + 2);
            final String expected = DECODED.get(sample.message());
            assertTrue(fields.startsWith(expected), sample.message() + ": " + fields);
            assertEquals(frame.capacity() - MaxFrame.MIN_FRAME_LENGTH, decoder.sbeDecodedLength(), sample.message());
        }

        final Set<String> all = new HashSet<>();
        FrameValidator.schema().messages().forEach(message -> all.add(message.name()));
        assertEquals(all, seen);
        assertEquals(all, DECODED.keySet());
    }

    @Test
    void shouldRoundTripOpaqueBytesExactly()
    {
        final UnsafeBuffer send = Frames.typical("Send");
        final SendDecoder sendDecoder = (SendDecoder)decoders.wrap(send, 0);
        final byte[] payload = new byte[sendDecoder.payloadLength()];
        sendDecoder.getPayload(payload, 0, payload.length);
        assertArrayEquals(TypicalFrames.HELLO, payload);

        final VerifyDecoder verify = (VerifyDecoder)decoders.wrap(Frames.typical("Verify"), 0);
        verify.skipPhone();
        verify.skipCode();
        assertEquals(32, verify.loginKeyLength());

        final LoginChallengeDecoder challenge =
            (LoginChallengeDecoder)decoders.wrap(Frames.typical("LoginChallenge"), 0);
        assertEquals(32, challenge.nonceLength());

        final KeyBundleDecoder bundle = (KeyBundleDecoder)decoders.wrap(Frames.typical("KeyBundle"), 0);
        final byte[] identityKey = new byte[bundle.identityKeyLength()];
        bundle.getIdentityKey(identityKey, 0, identityKey.length);
        final byte[] signedPreKey = new byte[bundle.signedPreKeyPublicLength()];
        bundle.getSignedPreKeyPublic(signedPreKey, 0, signedPreKey.length);
        assertEquals(TypicalFrames.CURVE_KEY_LENGTH, identityKey.length);
        assertArrayEquals(identityKey, signedPreKey);
        assertEquals(TypicalFrames.SIGNATURE_LENGTH, bundle.signedPreKeySignatureLength());
    }

    @Test
    void shouldRoundTripEveryPreKeyOfAnUpload()
    {
        final KeyBundleUploadDecoder upload = (KeyBundleUploadDecoder)decoders.wrap(
            Frames.typical("KeyBundleUpload"), 0);
        int expectedId = 1;
        for (final KeyBundleUploadDecoder.PreKeysDecoder preKey : upload.preKeys())
        {
            assertEquals(expectedId++, preKey.preKeyId());
            assertEquals(TypicalFrames.CURVE_KEY_LENGTH, preKey.publicKeyLength());
            preKey.skipPublicKey();
        }
        assertEquals(TypicalFrames.PRE_KEY_COUNT + 1, expectedId);
        assertEquals(TypicalFrames.CURVE_KEY_LENGTH, upload.identityKeyLength());
        upload.skipIdentityKey();
        upload.skipSignedPreKeyPublic();
        upload.skipSignedPreKeySignature();
        assertEquals(3, upload.kyberPreKeyId());
        final byte[] kyberKey = new byte[upload.kyberPreKeyPublicLength()];
        upload.getKyberPreKeyPublic(kyberKey, 0, kyberKey.length);
        assertEquals(TypicalFrames.KYBER_KEY_LENGTH, kyberKey.length);
        assertEquals(TypicalFrames.SIGNATURE_LENGTH, upload.kyberPreKeySignatureLength());
    }
}
