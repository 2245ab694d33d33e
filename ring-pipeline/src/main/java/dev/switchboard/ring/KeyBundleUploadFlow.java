package dev.switchboard.ring;

import dev.switchboard.codec.sbe.ErrorCode;
import dev.switchboard.codec.sbe.KeyBundleUploadDecoder;
import dev.switchboard.state.KeyBundleRecord;
import dev.switchboard.state.KeyDirectory;
import dev.switchboard.state.KeyUpload;

import java.nio.charset.StandardCharsets;

/**
 * KeyBundleUpload: the device's identity key, signed prekey with its signature (a first upload, a rotation or a new
 * identity), its last-resort Kyber prekey with its signature (likewise) and a batch of one-time prekeys, merged into the key directory by the session stage, its sole writer.
 * Acknowledged; a new identity key over another one is announced to the user's contacts ({@link
 * IdentityChangeNotices}). Anything invalid is refused INVALID_FIELD, with a strike and a detail saying what, and nothing kept.
 */
final class KeyBundleUploadFlow extends Flow
{
    private static final byte[][] DETAIL_BY_RESULT = {
        new byte[0],
        bytes("key or signature of the wrong size or type, or one-time prekey id 0"),
        bytes("signed prekey and signature required with a new identity key"),
        bytes("duplicate one-time prekey id"),
        bytes("too many one-time prekeys"),
        bytes("invalid device"),
        bytes("kyber prekey must be 1569 bytes of type 8 with a 64-byte signature and an id other than 0") };

    private final KeyBundleUploadDecoder decoder = new KeyBundleUploadDecoder();
    private final byte[] bytes = new byte[256];
    private final byte[] kyberBytes = new byte[KeyBundleRecord.KYBER_PUBLIC_KEY_LENGTH];
    private final RingContext ctx;
    private final IdentityChangeNotices identityChangeNotices;
    private KeyDirectory keys;
    private KeyUpload upload;

    KeyBundleUploadFlow(final RingContext ctx)
    {
        super(AFTER_LOGIN, true);
        this.ctx = ctx;
        identityChangeNotices = new IdentityChangeNotices(ctx);
    }

    void session(final RingEvent event, final Session session, final SessionStage stage)
    {
        if (null == keys)
        {
            // made on the session stage's thread, its only user
            keys = ctx.state().newKeyDirectory();
            upload = new KeyUpload(keys.maxPreKeysPerDevice());
        }
        final InboundFrame frame = event.frame;
        frame.decode(decoder);
        final KeyUpload upload = this.upload.reset((int)decoder.registrationId(), (int)decoder.signedPreKeyId());
        final KeyBundleUploadDecoder.PreKeysDecoder preKeys = decoder.preKeys();
        if (preKeys.count() > upload.maxPreKeys())
        {
            refuse(event, session, stage, frame, KeyDirectory.TOO_MANY_PRE_KEYS);
            return;
        }
        while (preKeys.hasNext())
        {
            preKeys.next();
            final int preKeyId = (int)preKeys.preKeyId();
            upload.addPreKey(preKeyId, bytes, preKeys.getPublicKey(bytes, 0, preKeys.publicKeyLength()));
        }
        upload.identityKey(bytes, decoder.getIdentityKey(bytes, 0, decoder.identityKeyLength()));
        upload.signedPreKey(bytes, decoder.getSignedPreKeyPublic(bytes, 0, decoder.signedPreKeyPublicLength()));
        upload.signature(bytes, decoder.getSignedPreKeySignature(bytes, 0, decoder.signedPreKeySignatureLength()));
        // a key longer than any accepted is read only as far as the buffer goes; its sent length refuses it
        final int kyberLength = decoder.kyberPreKeyPublicLength();
        decoder.getKyberPreKeyPublic(kyberBytes, 0, kyberBytes.length);
        final int kyberSignatureLength = decoder.kyberPreKeySignatureLength();
        decoder.getKyberPreKeySignature(bytes, 0, kyberSignatureLength);
        upload.kyberPreKey((int)decoder.kyberPreKeyId(), kyberBytes, kyberLength, bytes, kyberSignatureLength);

        final int result = keys.upload(session.userId, session.deviceId, upload);
        if (KeyDirectory.UPLOADED != result)
        {
            refuse(event, session, stage, frame, result);
            return;
        }
        stage.counters.increment(RingCounters.KEY_BUNDLES_UPLOADED);
        event.reply.requestAck(stage.encoders, frame);
        event.identityChanged = keys.identityChanged();
    }

    void route(final RingEvent event, final RouteStage stage)
    {
        if (event.identityChanged)
        {
            identityChangeNotices.route(event, stage);
        }
    }

    void deliver(final RingEvent event, final DeliveryStage stage)
    {
        if (event.identityChanged)
        {
            identityChangeNotices.deliver(event, stage);
        }
    }

    private static void refuse(
        final RingEvent event, final Session session, final SessionStage stage, final InboundFrame frame, final int why)
    {
        stage.reject(event, session, ErrorCode.INVALID_FIELD);
        event.reply.length = stage.encoders.error(
            event.reply.buffer, frame.requestId, frame.templateId, ErrorCode.INVALID_FIELD, DETAIL_BY_RESULT[why]);
    }

    private static byte[] bytes(final String text)
    {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
