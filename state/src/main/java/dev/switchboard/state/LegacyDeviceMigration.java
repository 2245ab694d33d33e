package dev.switchboard.state;

import net.openhft.chronicle.map.ChronicleMap;
import net.openhft.chronicle.map.ChronicleMapBuilder;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * Copies the devices and presence of a data folder written before the dense {@link DeviceTable}, the Chronicle Maps
 * in {@link SwitchboardState#DEVICES_FILE} and {@link SwitchboardState#PRESENCE_FILE}, into a new table file. Run once,
 * at open, when the folder has either old file and no table file; the old files are read, never changed or deleted.
 */
final class LegacyDeviceMigration
{
    private long devices;
    private long presenceRecords;
    private long skipped;

    /**
     * Fill a new table file from the old files that exist.
     *
     * @param ctx     settings of this open.
     * @param target  the new table file, made here.
     * @param recover whether to open the old files through Chronicle's recovery.
     * @return the filled table, open.
     */
    DeviceTable migrate(final StateContext ctx, final File target, final boolean recover)
    {
        final File devicesFile = new File(ctx.dataDir(), SwitchboardState.DEVICES_FILE);
        final File presenceFile = new File(ctx.dataDir(), SwitchboardState.PRESENCE_FILE);
        final ChronicleMap<LongRef, DeviceRecord> oldDevices = devicesFile.exists() ? open(
            ChronicleMapBuilder.of(LongRef.class, DeviceRecord.class)
                .name("devices")
                .keyMarshaller(LongRefMarshaller.INSTANCE)
                .constantKeySizeBySample(new LongRef())
                .valueMarshaller(DeviceRecordMarshaller.INSTANCE)
                .constantValueSizeBySample(new DeviceRecord())
                .entries(ctx.deviceEntries()),
            devicesFile,
            recover) : null;
        try (ChronicleMap<LongRef, PresenceRecord> oldPresence = presenceFile.exists() ? open(
            ChronicleMapBuilder.of(LongRef.class, PresenceRecord.class)
                .name("presence")
                .keyMarshaller(LongRefMarshaller.INSTANCE)
                .constantKeySizeBySample(new LongRef())
                .valueMarshaller(PresenceRecordMarshaller.INSTANCE)
                .constantValueSizeBySample(new PresenceRecord())
                .entries(ctx.deviceEntries()),
            presenceFile,
            recover) : null)
        {
            final int stride = ctx.maxDevicesPerAccount();
            final long mostUserIds = (Integer.MAX_VALUE - DeviceTable.HEADER_LENGTH) /
                ((long)stride * DeviceTable.SLOT_LENGTH);
            // accounts past max accounts (Chronicle let a table grow) keep their slots
            final long capacity = Math.min(
                mostUserIds, Math.max(ctx.maxAccounts(), Math.max(maxUserId(oldDevices), maxUserId(oldPresence))));
            final DeviceTable table = DeviceTable.create(target, capacity, stride);
            final UnsafeBuffer buffer = table.buffer();
            if (null != oldDevices)
            {
                for (final Map.Entry<LongRef, DeviceRecord> entry : oldDevices.entrySet())
                {
                    final int offset = slotOffset(table, entry.getKey().value);
                    if (offset >= 0)
                    {
                        final DeviceRecord record = entry.getValue();
                        buffer.putBytes(offset + DeviceTable.LOGIN_KEY_OFFSET, record.loginKey);
                        buffer.putInt(offset + DeviceTable.REGISTRATION_ID_OFFSET, record.registrationId);
                        buffer.putInt(offset + DeviceTable.WORD_OFFSET, DeviceTable.LINKED);
                        devices++;
                    }
                }
            }
            if (null != oldPresence)
            {
                for (final Map.Entry<LongRef, PresenceRecord> entry : oldPresence.entrySet())
                {
                    final int offset = slotOffset(table, entry.getKey().value);
                    if (offset >= 0)
                    {
                        final PresenceRecord record = entry.getValue();
                        buffer.putLong(offset + DeviceTable.CONNECTION_ID_OFFSET, record.connectionId);
                        buffer.putLong(offset + DeviceTable.LAST_SEEN_OFFSET, record.lastSeenMs);
                        buffer.putInt(offset + DeviceTable.OPEN_EPOCH_OFFSET, record.openEpoch);
                        buffer.putInt(offset + DeviceTable.POLLER_INDEX_OFFSET, record.pollerIndex);
                        presenceRecords++;
                    }
                }
            }
            return table;
        }
        finally
        {
            if (null != oldDevices)
            {
                oldDevices.close();
            }
        }
    }

    /**
     * Devices copied by {@link #migrate(StateContext, File, boolean)}.
     */
    long devices()
    {
        return devices;
    }

    /**
     * Presence records copied by {@link #migrate(StateContext, File, boolean)}.
     */
    long presenceRecords()
    {
        return presenceRecords;
    }

    /**
     * Records left behind: a device id past max devices per account or a user id past what a table can hold.
     */
    long skipped()
    {
        return skipped;
    }

    private int slotOffset(final DeviceTable table, final long packedKey)
    {
        final long userId = packedKey >>> DeviceKeys.DEVICE_ID_BITS;
        final int deviceId = (int)(packedKey & DeviceKeys.MAX_DEVICE_ID);
        if (!table.hasSlot(userId, deviceId))
        {
            skipped++;
            return -1;
        }
        return table.slotOffset(userId, deviceId);
    }

    private static long maxUserId(final ChronicleMap<LongRef, ?> map)
    {
        long maxUserId = 0;
        if (null != map)
        {
            for (final LongRef key : map.keySet())
            {
                maxUserId = Math.max(maxUserId, key.value >>> DeviceKeys.DEVICE_ID_BITS);
            }
        }
        return maxUserId;
    }

    private static <K, V> ChronicleMap<K, V> open(
        final ChronicleMapBuilder<K, V> builder, final File file, final boolean recover)
    {
        builder.skipCloseOnExitHook(true);
        try
        {
            return recover ? builder.recoverPersistedTo(file, true) : builder.createPersistedTo(file);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot open " + file.getAbsolutePath(), ex);
        }
    }
}
