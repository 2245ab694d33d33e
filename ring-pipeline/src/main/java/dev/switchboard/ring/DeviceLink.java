package dev.switchboard.ring;

import dev.switchboard.codec.sbe.ErrorCode;

/**
 * One link in progress: the one-time code the primary was given and, once a new device offered it, that device's
 * connection, login key and registration id. Written by the session stage; a step that hands it to the delivery stage
 * in a {@link RingEvent} no longer changes it (the ring's sequence makes the writes visible there).
 */
final class DeviceLink
{
    final long linkId;
    final long userId;
    final String code;
    long expiresNs;

    /** Set when a device offers the code. */
    boolean offered;
    int newPollerIndex;
    long newConnectionId;
    long linkDeviceRequestId;
    int registrationId;
    final byte[] loginKey = new byte[LoginVerifier.PUBLIC_KEY_LENGTH];
    final byte[] fingerprint = new byte[DeviceLinks.FINGERPRINT_LENGTH];

    /** The primary's connection the LinkRequest goes to. */
    int primaryPollerIndex;
    long primaryConnectionId;

    /** Set by the primary's answer: the device id given, or why the new device is refused. */
    int deviceId;
    ErrorCode refusal;

    DeviceLink(final long linkId, final long userId, final String code, final long expiresNs)
    {
        this.linkId = linkId;
        this.userId = userId;
        this.code = code;
        this.expiresNs = expiresNs;
    }
}
