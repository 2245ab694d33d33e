package dev.switchboard.ring;

/**
 * Told by the delivery stage each time a message or receipt was journaled for a device that is offline: the push
 * trigger. Called on the delivery stage's thread, once per such copy, so it must neither block nor allocate (hand the
 * device over through a bounded queue and count what does not fit).
 */
@FunctionalInterface
public interface OfflineDeliveryListener
{
    /** Listens to nothing. */
    OfflineDeliveryListener NONE = (userId, deviceId) ->
    {
    };

    void onOfflineDelivery(long userId, int deviceId);
}
