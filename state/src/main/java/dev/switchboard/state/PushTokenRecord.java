package dev.switchboard.state;

/**
 * A reusable push registration value: one platform byte then the token bytes, so its stored size is
 * 1 + token length.
 */
final class PushTokenRecord
{
    byte platform;
    int tokenLength;
    final byte[] token = new byte[StateConfiguration.MAX_PUSH_TOKEN_LENGTH];
}
