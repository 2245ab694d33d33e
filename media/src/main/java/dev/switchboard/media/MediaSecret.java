package dev.switchboard.media;

import dev.switchboard.codec.MediaTickets;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;

/**
 * The key upload tickets are signed with: 32 random bytes made at first start and kept in the media folder (owner
 * read/write only), so tickets outlive a restart.
 */
public final class MediaSecret
{
    /** File name of the secret in the media folder. */
    public static final String FILE_NAME = "ticket.secret";

    private MediaSecret()
    {
    }

    public static byte[] loadOrCreate(final File mediaDir)
    {
        final Path file = mediaDir.toPath().resolve(FILE_NAME);
        try
        {
            Files.createDirectories(mediaDir.toPath());
            if (!Files.exists(file))
            {
                final byte[] secret = new byte[MediaTickets.SECRET_LENGTH];
                new SecureRandom().nextBytes(secret);
                final Path temp = Files.createTempFile(mediaDir.toPath(), FILE_NAME, ".tmp");
                try
                {
                    restrict(temp);
                    Files.write(temp, secret, StandardOpenOption.WRITE, StandardOpenOption.SYNC);
                    moveIfAbsent(temp, file);
                }
                finally
                {
                    Files.deleteIfExists(temp);
                }
            }
            final byte[] secret = Files.readAllBytes(file);
            if (secret.length != MediaTickets.SECRET_LENGTH)
            {
                throw new IllegalStateException("media ticket secret has " + secret.length + " bytes: " + file);
            }
            return secret;
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    private static void moveIfAbsent(final Path temp, final Path file) throws IOException
    {
        try
        {
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE);
        }
        catch (final AtomicMoveNotSupportedException | FileAlreadyExistsException ex)
        {
            if (!Files.exists(file))
            {
                Files.move(temp, file);
            }
        }
    }

    private static void restrict(final Path path)
    {
        try
        {
            Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-------"));
        }
        catch (final UnsupportedOperationException | IOException ignore)
        {
            // not a POSIX file system: the folder's own permissions protect it
        }
    }
}
