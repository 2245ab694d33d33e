package dev.switchboard.journal;

/**
 * Byte layout of the resend log file: a header, then {@code capacity} slots.
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                         Magic (64 bits)                       |
 *  +---------------------------------------------------------------+
 *  |            Version            |        Entry Length           |
 *  +---------------------------------------------------------------+
 *  |            Capacity           |        Reserved to 64 bytes  ...
 *  +---------------------------------------------------------------+
 *
 *  Slot (48 bytes):
 *  +---------------------------------------------------------------+
 *  |                  Sender Key (user << 4 | device)              |
 *  +---------------------------------------------------------------+
 *  |                      Client Message Id                        |
 *  +---------------------------------------------------------------+
 *  |                      Server Message Id                        |
 *  +---------------------------------------------------------------+
 *  |                        Timestamp (ms)                         |
 *  +---------------------------------------------------------------+
 *  |                 Sequence (entry number, from 1)               |
 *  +---------------------------------------------------------------+
 *  |             Check (a 64-bit mix of the five fields above)     |
 *  +---------------------------------------------------------------+
 * </pre>
 * The sequence is written last with an ordered store. A slot counts only when its sequence maps to that slot and its
 * check matches, so a slot torn by a crash mid-write, a stale slot or random bytes are recognised and ignored.
 */
final class ResendLogDescriptor
{
    static final long MAGIC = 0x5342_5245_5344_4450L; // "SBRESDDP"
    static final int VERSION = 1;
    static final int HEADER_LENGTH = 64;
    static final int MAGIC_OFFSET = 0;
    static final int VERSION_OFFSET = 8;
    static final int ENTRY_LENGTH_OFFSET = 12;
    static final int CAPACITY_OFFSET = 16;

    static final int ENTRY_LENGTH = 48;
    static final int SENDER_KEY_OFFSET = 0;
    static final int CLIENT_MSG_ID_OFFSET = 8;
    static final int MESSAGE_ID_OFFSET = 16;
    static final int TIMESTAMP_OFFSET = 24;
    static final int SEQUENCE_OFFSET = 32;
    static final int CHECK_OFFSET = 40;

    /** Largest capacity whose file fits in one mapping. */
    static final int MAX_CAPACITY = 1 << 25;

    private ResendLogDescriptor()
    {
    }

    static long fileLength(final int capacity)
    {
        return HEADER_LENGTH + (long)capacity * ENTRY_LENGTH;
    }

    static int slotOffset(final int slot)
    {
        // at most MAX_CAPACITY slots, so offsets fit an int
        return HEADER_LENGTH + slot * ENTRY_LENGTH;
    }

    static long check(
        final long senderKey,
        final long clientMsgId,
        final long messageId,
        final long timestampMs,
        final long sequence)
    {
        long h = 0x243F6A8885A308D3L;
        h = mix(h ^ senderKey);
        h = mix(h ^ clientMsgId);
        h = mix(h ^ messageId);
        h = mix(h ^ timestampMs);
        h = mix(h ^ sequence);
        return 0 == h ? 1 : h;
    }

    private static long mix(final long value)
    {
        long z = value * 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
