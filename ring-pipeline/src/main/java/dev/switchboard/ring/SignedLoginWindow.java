package dev.switchboard.ring;

import org.agrona.collections.Long2LongHashMap;

/**
 * Which signed logins ({@link LoginSignedFlow}) may still be taken: a timestamp less than a window from the clock
 * either way, later than the server's start (a frame captured before a restart is refused after it), and later than
 * the device's last signed login (a frame is good once). The last ones are kept in two generations of two windows
 * each: an entry is dropped no sooner than two windows after it was taken, when its timestamp, at most a window ahead
 * then, is out of the window anyway. So it holds one entry for each device that logged in this way in the last two to
 * four windows. Session stage only.
 */
final class SignedLoginWindow
{
    private static final long NONE = Long.MIN_VALUE;

    private final long windowMs;
    private final long startMs;
    private Long2LongHashMap current = new Long2LongHashMap(NONE);
    private Long2LongHashMap previous = new Long2LongHashMap(NONE);
    private long rotateAtMs;

    SignedLoginWindow(final long windowMs, final long startMs)
    {
        this.windowMs = windowMs;
        this.startMs = startMs;
        rotateAtMs = startMs + 2 * windowMs;
    }

    /**
     * Whether a device may log in with a login signed at this time, were its signature good.
     */
    boolean mayTake(final long deviceKey, final long timestampMs, final long nowMs)
    {
        rotate(nowMs);
        return timestampMs > startMs &&
            timestampMs > nowMs - windowMs &&
            timestampMs < nowMs + windowMs &&
            timestampMs > last(deviceKey);
    }

    /**
     * A signed login was taken: the device's next one must be later.
     */
    void taken(final long deviceKey, final long timestampMs, final long nowMs)
    {
        rotate(nowMs);
        current.put(deviceKey, Math.max(timestampMs, last(deviceKey)));
    }

    int size()
    {
        return current.size() + previous.size();
    }

    private long last(final long deviceKey)
    {
        return Math.max(current.get(deviceKey), previous.get(deviceKey));
    }

    private void rotate(final long nowMs)
    {
        if (nowMs >= rotateAtMs)
        {
            final Long2LongHashMap dropped = previous;
            previous = current;
            dropped.clear();
            dropped.compact();
            current = dropped;
            rotateAtMs = nowMs + 2 * windowMs;
        }
    }
}
