package dev.switchboard.state;

import net.openhft.chronicle.map.ChronicleMap;
import net.openhft.chronicle.map.ChronicleMapBuilder;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The Chronicle Maps of one open of the data folder, in the order opened: each persisted to its file with the settings
 * every table shares, created or recovered, and all closed together in reverse order. A map that fails to open closes
 * those opened before it.
 */
final class PersistedMaps
{
    private static final double MAX_BLOAT_FACTOR = 4.0;

    private final File dataDir;
    private final List<ChronicleMap<?, ?>> maps = new ArrayList<>();
    private final List<File> files = new ArrayList<>();

    PersistedMaps(final File dataDir)
    {
        this.dataDir = dataDir;
    }

    /**
     * Create a table's file, or open the one there, through Chronicle's recovery if asked.
     *
     * @param builder  the table's layout and size.
     * @param fileName file in the data folder.
     * @param recover  whether an existing file goes through recovery.
     * @return the open map, closed by {@link #closeAll()}.
     * @throws UncheckedIOException if the file cannot be created or read; every map is closed then.
     */
    <K, V> ChronicleMap<K, V> open(
        final ChronicleMapBuilder<K, V> builder, final String fileName, final boolean recover)
    {
        final File file = new File(dataDir, fileName);
        files.add(file);
        builder
            .putReturnsNull(true)
            .removeReturnsNull(true)
            .maxBloatFactor(MAX_BLOAT_FACTOR)
            // the process decides when to close; a JVM hook racing the ring stages at shutdown would not help
            .skipCloseOnExitHook(true);
        final ChronicleMap<K, V> map;
        try
        {
            if (file.exists() && recover)
            {
                // recovery releases segment locks that a killed process still held and checks every entry
                map = builder.recoverPersistedTo(file, true);
            }
            else
            {
                map = builder.createPersistedTo(file);
            }
        }
        catch (final IOException ex)
        {
            closeAll();
            throw new UncheckedIOException("cannot open " + file.getAbsolutePath(), ex);
        }
        catch (final RuntimeException ex)
        {
            closeAll();
            throw ex;
        }
        maps.add(map);
        return map;
    }

    /**
     * The files of the maps opened, for {@link RandomAccessAdvice}.
     */
    List<File> files()
    {
        return files;
    }

    /**
     * Close every map but one, which the caller closes last with {@link #closeAll()}.
     *
     * @param kept the map left open.
     */
    void closeAllBut(final ChronicleMap<?, ?> kept)
    {
        // by identity: maps with the same entries are equal
        maps.removeIf((map) -> map == kept);
        try
        {
            closeAll();
        }
        finally
        {
            maps.add(kept);
        }
    }

    /**
     * Close every map still open, newest first, trying each; the first failure is thrown with the others suppressed.
     */
    void closeAll()
    {
        RuntimeException error = null;
        for (int i = maps.size() - 1; i >= 0; i--)
        {
            try
            {
                maps.get(i).close();
            }
            catch (final RuntimeException ex)
            {
                if (null == error)
                {
                    error = ex;
                }
                else
                {
                    error.addSuppressed(ex);
                }
            }
        }
        maps.clear();
        if (null != error)
        {
            throw error;
        }
    }
}
