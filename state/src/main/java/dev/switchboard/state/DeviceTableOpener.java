package dev.switchboard.state;

import org.slf4j.LoggerFactory;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;

/**
 * Brings the data folder's {@link SwitchboardState#DEVICE_TABLE_FILE} to an open {@link DeviceTable}: made when
 * missing, filled from the old Chronicle files if the folder has them ({@link LegacyDeviceMigration}), then opened and
 * given the width the settings ask for ({@link DeviceTableResize}).
 */
final class DeviceTableOpener
{
    private DeviceTableOpener()
    {
    }

    /**
     * Open the device table, making, migrating or resizing its file first if needed.
     *
     * @param ctx       settings of this open.
     * @param migration counts what it copies from the old files, if it runs.
     * @param recover   whether the old files are opened through Chronicle's recovery.
     * @return the open table.
     * @throws UncheckedIOException if the file cannot be made or read.
     */
    static DeviceTable open(final StateContext ctx, final LegacyDeviceMigration migration, final boolean recover)
    {
        final File file = new File(ctx.dataDir(), SwitchboardState.DEVICE_TABLE_FILE);
        try
        {
            if (!file.exists())
            {
                create(ctx, file, migration, recover);
            }

            final DeviceTable table = DeviceTable.open(file, ctx.maxAccounts());
            if (table.stride() != ctx.maxDevicesPerAccount())
            {
                final int oldStride = table.stride();
                final DeviceTable resized = DeviceTableResize.resize(table, ctx.maxDevicesPerAccount());
                LoggerFactory.getLogger(SwitchboardState.class).info("state: " +
                    SwitchboardState.DEVICE_TABLE_FILE + " resized from " + oldStride + " to " + resized.stride() +
                    " devices an account; the old file is kept as " + SwitchboardState.DEVICE_TABLE_FILE +
                    DeviceTableResize.BACKUP_SUFFIX);
                return resized;
            }
            return table;
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot open " + file.getAbsolutePath(), ex);
        }
    }

    private static void create(
        final StateContext ctx, final File file, final LegacyDeviceMigration migration, final boolean recover)
        throws IOException
    {
        // filled under another name and renamed: a crash part way leaves no table, so the next open redoes it
        final File partFile = new File(ctx.dataDir(), SwitchboardState.DEVICE_TABLE_FILE + ".part");
        Files.deleteIfExists(partFile.toPath());
        final boolean hasOldFiles = new File(ctx.dataDir(), SwitchboardState.DEVICES_FILE).exists() ||
            new File(ctx.dataDir(), SwitchboardState.PRESENCE_FILE).exists();
        try (DeviceTable table = hasOldFiles ?
            migration.migrate(ctx, partFile, recover) :
            DeviceTable.create(partFile, ctx.maxAccounts(), ctx.maxDevicesPerAccount()))
        {
            table.force();
        }
        Files.move(partFile.toPath(), file.toPath(), StandardCopyOption.ATOMIC_MOVE);
        if (hasOldFiles)
        {
            LoggerFactory.getLogger(SwitchboardState.class).info("state: copied " + migration.devices() +
                " devices and " + migration.presenceRecords() + " presence records from " +
                SwitchboardState.DEVICES_FILE + " and " + SwitchboardState.PRESENCE_FILE + " into " +
                SwitchboardState.DEVICE_TABLE_FILE + " (" + migration.skipped() +
                " out of range, left behind); the old files are kept but no longer used");
        }
    }
}
