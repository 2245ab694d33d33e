package dev.switchboard.client;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;

/**
 * Writes a file so that a reader sees either the old or the new content, never a torn one: write a temp file,
 * optionally force it, rename it over the target, optionally force the directory so the rename survives power loss.
 */
final class AtomicFiles
{
    static final String TEMP_SUFFIX = ".tmp";

    private static final boolean POSIX = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    private static final FileAttribute<?>[] NO_ATTRIBUTES = new FileAttribute<?>[0];
    private static final FileAttribute<?>[] OWNER_ONLY =
        { PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")) };

    private AtomicFiles()
    {
    }

    static void write(final Path target, final ByteBuffer content, final boolean sync) throws IOException
    {
        write(target, content, sync, false);
    }

    /**
     * As {@link #write(Path, ByteBuffer, boolean)}, readable by the owner only from the moment it exists when
     * {@code ownerOnly} and the file system has POSIX permissions.
     */
    static void write(final Path target, final ByteBuffer content, final boolean sync, final boolean ownerOnly)
        throws IOException
    {
        final Path temp = target.resolveSibling(target.getFileName() + TEMP_SUFFIX);
        Files.deleteIfExists(temp);
        final Set<StandardOpenOption> options = EnumSet.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        final FileAttribute<?>[] attributes = ownerOnly && POSIX ? OWNER_ONLY : NO_ATTRIBUTES;
        try (FileChannel channel = FileChannel.open(temp, options, attributes))
        {
            while (content.hasRemaining())
            {
                channel.write(content);
            }
            if (sync)
            {
                channel.force(true);
            }
        }
        try
        {
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        }
        catch (final AtomicMoveNotSupportedException ex)
        {
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
        }
        if (sync)
        {
            syncDirectory(target.toAbsolutePath().getParent());
        }
    }

    static void delete(final Path target, final boolean sync) throws IOException
    {
        if (Files.deleteIfExists(target) && sync)
        {
            syncDirectory(target.toAbsolutePath().getParent());
        }
    }

    private static void syncDirectory(final Path directory)
    {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ))
        {
            channel.force(true);
        }
        catch (final IOException ignore)
        {
            // Not every platform can open a directory for force; the rename itself is still atomic.
        }
    }
}
