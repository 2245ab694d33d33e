package dev.switchboard.state;

import org.agrona.concurrent.UnsafeBuffer;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;

/**
 * Gives a {@link DeviceTable} file a new width (slots per account) when {@code maxDevicesPerAccount} changed since it
 * was made: every slot in use is copied into a new file of the new width, made under another name and renamed over
 * the old one (atomic), and the old file is kept beside it as {@code devices.dat.bak}. Narrowing is refused, file
 * untouched, when a device linked now has an id past the new width: it would be dropped.
 * <p>
 * A crash part way leaves the old file in place (the new one is only ever renamed in whole), so the next start does
 * it again. Runs at start, before any ring stage.
 */
final class DeviceTableResize
{
    /** Suffix of the old file kept after a resize. */
    static final String BACKUP_SUFFIX = ".bak";
    private static final String PART_SUFFIX = ".resize";

    private DeviceTableResize()
    {
    }

    /**
     * Resize the open table's file to the new width, closing the old table.
     *
     * @param old      the open table, closed here whatever the outcome.
     * @param newStride slots per account wanted.
     * @return the table at its new width, open.
     * @throws IllegalStateException if narrowing would drop a linked device; the file is left as it was.
     */
    static DeviceTable resize(final DeviceTable old, final int newStride)
    {
        final File file = old.file();
        final int oldStride = old.stride();
        final long capacity = old.capacity();
        final File part = new File(file.getParentFile(), file.getName() + PART_SUFFIX);
        final File backup = new File(file.getParentFile(), file.getName() + BACKUP_SUFFIX);
        try
        {
            final long dropped = linkedPast(old, newStride);
            if (dropped > 0)
            {
                throw new IllegalStateException(file.getName() + " has " + dropped + " linked device(s) with ids " +
                    "above " + newStride + ", so it cannot narrow from " + oldStride + " to " + newStride +
                    " devices an account without dropping them: start with -D" +
                    StateConfiguration.MAX_DEVICES_PER_ACCOUNT_PROP_NAME + "=" + oldStride +
                    ", or unlink those devices first");
            }
            Files.deleteIfExists(part.toPath());
            try (DeviceTable wide = DeviceTable.create(part, capacity, newStride))
            {
                copySlots(old, wide, Math.min(oldStride, newStride));
                wide.force();
            }
            old.close();
            Files.deleteIfExists(backup.toPath());
            keepBackup(file, backup);
            Files.move(part.toPath(), file.toPath(), StandardCopyOption.ATOMIC_MOVE,
                StandardCopyOption.REPLACE_EXISTING);
            return DeviceTable.open(file, capacity);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot resize " + file.getAbsolutePath(), ex);
        }
        finally
        {
            old.close();
        }
    }

    private static long linkedPast(final DeviceTable table, final int newStride)
    {
        long linked = 0;
        final UnsafeBuffer buffer = table.buffer();
        for (long userId = 1; userId <= table.capacity(); userId++)
        {
            for (int deviceId = newStride + 1; deviceId <= table.stride(); deviceId++)
            {
                if (DeviceTable.isLinked(buffer.getInt(table.slotOffset(userId, deviceId) + DeviceTable.WORD_OFFSET)))
                {
                    linked++;
                }
            }
        }
        return linked;
    }

    private static void copySlots(final DeviceTable from, final DeviceTable to, final int devices)
    {
        final UnsafeBuffer source = from.buffer();
        final UnsafeBuffer target = to.buffer();
        for (long userId = 1; userId <= from.capacity(); userId++)
        {
            for (int deviceId = 1; deviceId <= devices; deviceId++)
            {
                final int offset = from.slotOffset(userId, deviceId);
                // untouched slots stay holes in the new file: it is as sparse as the old one
                if (!isZero(source, offset))
                {
                    target.putBytes(to.slotOffset(userId, deviceId), source, offset, DeviceTable.SLOT_LENGTH);
                }
            }
        }
    }

    private static boolean isZero(final UnsafeBuffer buffer, final int offset)
    {
        for (int i = 0; i < DeviceTable.SLOT_LENGTH; i += Long.BYTES)
        {
            if (0 != buffer.getLong(offset + i))
            {
                return false;
            }
        }
        return true;
    }

    private static void keepBackup(final File file, final File backup) throws IOException
    {
        try
        {
            // a second name for the same data: no copy, and the old data is never without a name
            Files.createLink(backup.toPath(), file.toPath());
        }
        catch (final UnsupportedOperationException | IOException ex)
        {
            Files.copy(file.toPath(), backup.toPath());
        }
    }
}
