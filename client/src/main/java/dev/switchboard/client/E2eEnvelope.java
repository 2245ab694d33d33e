package dev.switchboard.client;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * The versioned envelope an encrypted payload travels in, and the content inside its ciphertext.
 * <pre>
 *   Envelope (the opaque payload of Send, SendGroup and Deliver):
 *   +---------+------+--------------------------------------------------------------+
 *   | version | type | body                                                         |
 *   | 1 byte  | 1    | PREKEY: PreKeySignalMessage, WHISPER: SignalMessage,         |
 *   |  (= 1)  |      | SENDER_KEY: SenderKeyMessage, KYBER_REQUEST: empty,          |
 *   |         |      | KYBER_OFFER: kyberId (int32 LE), key length (uint16 LE), key,|
 *   |         |      |              signature (the rest)                            |
 *   +---------+------+--------------------------------------------------------------+
 *
 *   Content (the plaintext inside a PREKEY, WHISPER or SENDER_KEY ciphertext):
 *   +---------+------+--------------------------------------------------------------+
 *   | version | kind | MESSAGE: the application payload                             |
 *   | 1 (= 1) | 1    | SENDER_KEY_DISTRIBUTION: groupId (int64 LE), the message     |
 *   |         |      | SENT_COPY: toUserId (int64 LE), the application payload      |
 *   |         |      | CALL_KEY: callId (int64 LE), the call's 32-byte sealing key  |
 *   +---------+------+--------------------------------------------------------------+
 * </pre>
 * KYBER_REQUEST and KYBER_OFFER carry public keys only: libsignal 0.86.5 needs a Kyber prekey to start a session
 * (PQXDH) and the server's key directory holds none, so the initiator asks the device for its signed last-resort
 * Kyber prekey; libsignal checks its signature against the identity key from the server's bundle.
 */
public final class E2eEnvelope
{
    public static final byte VERSION = 1;

    public static final byte TYPE_PREKEY = 1;
    public static final byte TYPE_WHISPER = 2;
    public static final byte TYPE_SENDER_KEY = 3;
    public static final byte TYPE_KYBER_REQUEST = 4;
    public static final byte TYPE_KYBER_OFFER = 5;

    public static final byte KIND_MESSAGE = 1;
    public static final byte KIND_SENDER_KEY_DISTRIBUTION = 2;
    public static final byte KIND_SENT_COPY = 3;
    /** Internal: the key a caller seals one call's signaling with ({@link CallSealing}). */
    public static final byte KIND_CALL_KEY = 4;

    public static final int HEADER_LENGTH = 2;

    private E2eEnvelope()
    {
    }

    static byte[] envelope(final byte type, final byte[] body)
    {
        final byte[] bytes = new byte[HEADER_LENGTH + body.length];
        bytes[0] = VERSION;
        bytes[1] = type;
        System.arraycopy(body, 0, bytes, HEADER_LENGTH, body.length);
        return bytes;
    }

    /**
     * The envelope type, or -1 if the bytes are not an envelope of a known version and type.
     */
    static int type(final byte[] envelope)
    {
        if (envelope.length < HEADER_LENGTH || VERSION != envelope[0] ||
            envelope[1] < TYPE_PREKEY || envelope[1] > TYPE_KYBER_OFFER)
        {
            return -1;
        }
        return envelope[1];
    }

    static byte[] body(final byte[] envelope)
    {
        return Arrays.copyOfRange(envelope, HEADER_LENGTH, envelope.length);
    }

    static byte[] kyberOffer(final E2eStore.KyberOffer offer)
    {
        final ByteBuffer buffer = ByteBuffer.allocate(4 + 2 + offer.publicKey().length + offer.signature().length)
            .order(ByteOrder.LITTLE_ENDIAN);
        buffer.putInt(offer.kyberId()).putShort((short)offer.publicKey().length)
            .put(offer.publicKey()).put(offer.signature());
        return envelope(TYPE_KYBER_OFFER, buffer.array());
    }

    /**
     * The offer in a KYBER_OFFER body, or null when malformed.
     */
    static E2eStore.KyberOffer parseKyberOffer(final byte[] body)
    {
        if (body.length < 6)
        {
            return null;
        }
        final ByteBuffer buffer = ByteBuffer.wrap(body).order(ByteOrder.LITTLE_ENDIAN);
        final int kyberId = buffer.getInt();
        final int keyLength = buffer.getShort() & 0xFFFF;
        if (keyLength > buffer.remaining() || buffer.remaining() - keyLength < 1)
        {
            return null;
        }
        final byte[] key = new byte[keyLength];
        buffer.get(key);
        final byte[] signature = new byte[buffer.remaining()];
        buffer.get(signature);
        return new E2eStore.KyberOffer(kyberId, key, signature);
    }

    static byte[] content(final byte kind, final long prefix, final boolean hasPrefix, final byte[] payload)
    {
        final int prefixLength = hasPrefix ? 8 : 0;
        final ByteBuffer buffer = ByteBuffer.allocate(HEADER_LENGTH + prefixLength + payload.length)
            .order(ByteOrder.LITTLE_ENDIAN);
        buffer.put(VERSION).put(kind);
        if (hasPrefix)
        {
            buffer.putLong(prefix);
        }
        buffer.put(payload);
        return buffer.array();
    }

    static byte[] message(final byte[] payload)
    {
        return content(KIND_MESSAGE, 0, false, payload);
    }

    static byte[] sentCopy(final long toUserId, final byte[] payload)
    {
        return content(KIND_SENT_COPY, toUserId, true, payload);
    }

    static byte[] senderKeyDistribution(final long groupId, final byte[] distribution)
    {
        return content(KIND_SENDER_KEY_DISTRIBUTION, groupId, true, distribution);
    }

    static byte[] callKey(final long callId, final byte[] key)
    {
        return content(KIND_CALL_KEY, callId, true, key);
    }

    /**
     * The kind of decrypted content, or -1 if it is not content of a known version and kind.
     */
    static int kind(final byte[] content)
    {
        if (content.length < HEADER_LENGTH || VERSION != content[0])
        {
            return -1;
        }
        final byte kind = content[1];
        if (KIND_MESSAGE == kind)
        {
            return kind;
        }
        if ((KIND_SENDER_KEY_DISTRIBUTION == kind || KIND_SENT_COPY == kind || KIND_CALL_KEY == kind) &&
            content.length >= HEADER_LENGTH + 8)
        {
            return kind;
        }
        return -1;
    }

    static long prefix(final byte[] content)
    {
        return ByteBuffer.wrap(content, HEADER_LENGTH, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    }

    static byte[] payload(final byte[] content)
    {
        final int offset = KIND_MESSAGE == content[1] ? HEADER_LENGTH : HEADER_LENGTH + 8;
        return Arrays.copyOfRange(content, offset, content.length);
    }
}
