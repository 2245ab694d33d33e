package dev.switchboard.ring;

/**
 * The delivery window of one logged-in device: what has been sent on its connection and not yet acknowledged.
 */
final class DeviceDelivery
{
    final long userId;
    final int deviceId;
    final int pollerIndex;
    final long connectionId;

    /** Highest message id written to this connection; the journal is read after it. */
    long cursor;
    int inFlight;
    /** The journal holds records after the cursor that were not sent: drain when the window opens. */
    boolean behind = true;
    /** The connection's output is backed up at the edge: send nothing until it drains. */
    boolean paused;
    long lastProgressNs;
    /** The stuck-reader timer while deliveries are unacknowledged, else {@link DeliveryTimers#NO_TIMER}. */
    long stuckTimerId = DeliveryTimers.NO_TIMER;
    /** Listed for a drain retry on the next tick: the edge's outbound queue refused a frame. */
    boolean outboundBlocked;

    DeviceDelivery(final long userId, final int deviceId, final int pollerIndex, final long connectionId)
    {
        this.userId = userId;
        this.deviceId = deviceId;
        this.pollerIndex = pollerIndex;
        this.connectionId = connectionId;
    }
}
