package dev.switchboard.ring;

import dev.switchboard.codec.SignedLogin;
import dev.switchboard.codec.Sofh;
import dev.switchboard.codec.sbe.LoginChallengeDecoder;
import dev.switchboard.codec.sbe.LoginProofEncoder;
import dev.switchboard.codec.sbe.LoginSignedEncoder;
import dev.switchboard.codec.sbe.LoginStartEncoder;
import dev.switchboard.codec.sbe.MessageHeaderEncoder;
import dev.switchboard.codec.sbe.RegisterEncoder;
import dev.switchboard.codec.sbe.VerifyEncoder;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.util.Arrays;

/**
 * The frames a device sends to register and log in, as ring tests publish them: each encoder writes its message
 * after the framing header and returns the body length; the test frames and publishes it.
 */
final class LoginFrames
{
    private final MessageHeaderEncoder header = new MessageHeaderEncoder();
    private final KeyPair keys;
    private final byte[] rawPublicKey;

    LoginFrames() throws GeneralSecurityException
    {
        keys = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        final byte[] encoded = keys.getPublic().getEncoded();
        rawPublicKey = Arrays.copyOfRange(encoded, encoded.length - 32, encoded.length);
    }

    int register(final MutableDirectBuffer out, final String phone)
    {
        return new RegisterEncoder().wrapAndApplyHeader(out, Sofh.HEADER_LENGTH, header)
            .requestId(1).phone(phone).encodedLength();
    }

    int verify(final MutableDirectBuffer out, final String phone, final String code)
    {
        return new VerifyEncoder().wrapAndApplyHeader(out, Sofh.HEADER_LENGTH, header)
            .requestId(2).registrationId(1).phone(phone).code(code)
            .putLoginKey(rawPublicKey, 0, rawPublicKey.length).encodedLength();
    }

    int loginStart(final MutableDirectBuffer out, final long userId, final int deviceId)
    {
        final LoginStartEncoder loginStart = new LoginStartEncoder();
        loginStart.wrapAndApplyHeader(out, Sofh.HEADER_LENGTH, header).requestId(3);
        loginStart.device().userId(userId).deviceId(deviceId);
        return loginStart.encodedLength();
    }

    /**
     * The proof for the challenge in a LoginChallenge frame: the nonce signed with the device's key.
     */
    int loginProof(final MutableDirectBuffer out, final DirectBuffer challengeFrame) throws GeneralSecurityException
    {
        final LoginChallengeDecoder challenge = new LoginChallengeDecoder();
        challenge.wrap(challengeFrame, InboundFrame.BODY_OFFSET, LoginChallengeDecoder.BLOCK_LENGTH, 1);
        final byte[] nonce = new byte[challenge.nonceLength()];
        challenge.getNonce(nonce, 0, nonce.length);
        final byte[] signature = sign(nonce);
        return new LoginProofEncoder().wrapAndApplyHeader(out, Sofh.HEADER_LENGTH, header)
            .requestId(4).putSignature(signature, 0, signature.length).encodedLength();
    }

    /**
     * A login in one round trip: the device's address and a time, signed with the device's key.
     */
    int loginSigned(final MutableDirectBuffer out, final long userId, final int deviceId, final long timestampMs)
        throws GeneralSecurityException
    {
        return loginSigned(out, userId, deviceId, timestampMs,
            sign(new SignedLogin().message(userId, deviceId, timestampMs)));
    }

    /**
     * The signature of a 32-byte nonce, sent as a signed login: what a server that is not Switchboard could get a
     * device to sign by sending it a challenge.
     */
    int loginSignedWithNonceSignature(
        final MutableDirectBuffer out, final long userId, final int deviceId, final long timestampMs,
        final byte[] nonce)
        throws GeneralSecurityException
    {
        return loginSigned(out, userId, deviceId, timestampMs, sign(nonce));
    }

    private int loginSigned(final MutableDirectBuffer out, final long userId, final int deviceId,
        final long timestampMs, final byte[] signature)
    {
        final LoginSignedEncoder loginSigned = new LoginSignedEncoder();
        loginSigned.wrapAndApplyHeader(out, Sofh.HEADER_LENGTH, header).requestId(6);
        loginSigned.device().userId(userId).deviceId(deviceId);
        return loginSigned.timestampMs(timestampMs).putSignature(signature, 0, signature.length).encodedLength();
    }

    private byte[] sign(final byte[] message) throws GeneralSecurityException
    {
        final Signature signer = Signature.getInstance("Ed25519");
        signer.initSign(keys.getPrivate());
        signer.update(message);
        return signer.sign();
    }
}
