package dev.switchboard.state;

/**
 * A reusable device value.
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                Ed25519 Login Public Key (32 bytes)           ...
 *  +---------------------------------------------------------------+
 *  |                       Registration Id                         |
 *  +---------------------------------------------------------------+
 *  |                     Reserved (flags, zero)                    |
 *  +---------------------------------------------------------------+
 * </pre>
 * The push token is variable length and lives in its own table.
 */
final class DeviceRecord
{
    static final int LOGIN_KEY_LENGTH = 32;
    static final int LENGTH = LOGIN_KEY_LENGTH + 4 + 4;

    final byte[] loginKey = new byte[LOGIN_KEY_LENGTH];
    int registrationId;
}
