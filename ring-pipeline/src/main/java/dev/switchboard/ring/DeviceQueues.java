package dev.switchboard.ring;

import dev.switchboard.journal.Journal;
import dev.switchboard.journal.RecordHandler;
import dev.switchboard.state.DeviceKeys;
import org.agrona.DirectBuffer;

/**
 * Helpers for a device that leaves or joins an account: on the session stage, log it out of its connection; on the
 * delivery stage, stop its deliveries and empty its journal queue. Each method runs on the thread its doc names.
 */
final class DeviceQueues
{
    private static final int BATCH = 256;

    private final long[] messageIds = new long[BATCH];
    private final RecordHandler collect = this::onRecord;
    private int count;

    /**
     * Session stage: the device's connection, if logged in, is logged out (offline, its session back to new) and set
     * to be closed after the reply: the caller's own by closing after the answer, another by a kick.
     *
     * @return the connection logged out, or {@link SessionStage#NO_CONNECTION}.
     */
    static long logOut(final SessionStage stage, final RingEvent event, final long userId, final int deviceId)
    {
        final long deviceKey = DeviceKeys.pack(userId, deviceId);
        final long connectionId = stage.connectionByDevice.get(deviceKey);
        if (SessionStage.NO_CONNECTION == connectionId)
        {
            return SessionStage.NO_CONNECTION;
        }
        final Session session = stage.sessionByConnection.get(connectionId);
        if (null == session)
        {
            stage.connectionByDevice.remove(deviceKey);
            return SessionStage.NO_CONNECTION;
        }
        stage.deviceOffline(session, event.timestampMs);
        session.state = Session.STATE_NEW;
        if (connectionId == event.connectionId)
        {
            event.reply.closeAfterSend = true;
        }
        else
        {
            event.reply.kick(session.pollerIndex, connectionId);
        }
        return connectionId;
    }

    /**
     * Delivery stage: the connection {@link #logOut} chose for this event, or {@link SessionStage#NO_CONNECTION}.
     */
    static long loggedOutConnection(final RingEvent event)
    {
        if (event.reply.kick)
        {
            return event.reply.kickConnectionId;
        }
        return event.reply.closeAfterSend ? event.connectionId : SessionStage.NO_CONNECTION;
    }

    /**
     * Delivery stage: drop everything the journal holds for the device.
     *
     * @return records deleted.
     */
    int clear(final Journal journal, final long userId, final int deviceId)
    {
        int deleted = 0;
        long afterMessageId = 0;
        do
        {
            count = 0;
            journal.read(userId, deviceId, afterMessageId, BATCH, collect);
            for (int i = 0; i < count; i++)
            {
                if (journal.delete(userId, deviceId, messageIds[i]))
                {
                    deleted++;
                }
            }
            if (count > 0)
            {
                afterMessageId = messageIds[count - 1];
            }
        }
        while (BATCH == count);
        return deleted;
    }

    private boolean onRecord(
        final long recipientUserId,
        final int recipientDeviceId,
        final long messageId,
        final long senderUserId,
        final int senderDeviceId,
        final long correlationId,
        final long timestampMs,
        final int kind,
        final DirectBuffer buffer,
        final int offset,
        final int length)
    {
        messageIds[count++] = messageId;
        return count < BATCH;
    }
}
