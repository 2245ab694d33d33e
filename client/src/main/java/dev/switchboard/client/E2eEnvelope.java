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
 *   |  (= 1)  |      | SENDER_KEY: SenderKeyMessage                                 |
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
 * Types 4 and 5 (KYBER_REQUEST, KYBER_OFFER) were a Kyber prekey exchange between devices, retired since the key
 * directory serves the Kyber prekey: they are not reused and read as not an envelope.
 */
public final class E2eEnvelope
{
    public static final byte VERSION = 1;

    public static final byte TYPE_PREKEY = 1;
    public static final byte TYPE_WHISPER = 2;
    public static final byte TYPE_SENDER_KEY = 3;

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
            envelope[1] < TYPE_PREKEY || envelope[1] > TYPE_SENDER_KEY)
        {
            return -1;
        }
        return envelope[1];
    }

    static byte[] body(final byte[] envelope)
    {
        return Arrays.copyOfRange(envelope, HEADER_LENGTH, envelope.length);
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
