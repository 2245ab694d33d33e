package dev.switchboard.server;

/**
 * Sends one push to one device through a platform's service. Called on the push agent's thread only; may block.
 * The push carries no content: it only wakes the app, which then connects and drains its queue.
 */
interface PushGateway extends AutoCloseable
{
    /**
     * @param platform the device's push platform (1 APNS, 2 FCM, as the schema's PushPlatform).
     * @param token    the device's push token.
     * @return true once the service accepted it; false when it refused it or every retry failed.
     */
    boolean push(long userId, int deviceId, int platform, String token);

    /**
     * A call rings a device that is offline: as {@link #push}, marked as a call so the app can ring at once. Still
     * no content: not the caller, not the media.
     */
    default boolean pushCall(final long userId, final int deviceId, final int platform, final String token)
    {
        return push(userId, deviceId, platform, token);
    }

    default void close()
    {
    }
}
