package dev.switchboard.server;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * The secret shared with the TURN server when {@code switchboard.turn.secret} is not set: generated at first start
 * (32 random bytes, hex) into {@value #FILE_NAME} of the data folder, readable by the owner only, and read from there
 * on every later start. Give coturn the same value as {@code static-auth-secret}.
 */
final class TurnSecret
{
    static final String FILE_NAME = "turn-secret";

    private TurnSecret()
    {
    }

    static String loadOrCreate(final File dataDir)
    {
        final File file = new File(dataDir, FILE_NAME);
        try
        {
            if (file.exists())
            {
                final String secret = Files.readString(file.toPath(), StandardCharsets.UTF_8).trim();
                if (!secret.isEmpty())
                {
                    return secret;
                }
            }
            final byte[] random = new byte[32];
            new SecureRandom().nextBytes(random);
            final String secret = HexFormat.of().formatHex(random);
            Files.writeString(
                file.toPath(),
                secret + "\n",
                StandardCharsets.UTF_8,
                StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE);
            try
            {
                Files.setPosixFilePermissions(file.toPath(), PosixFilePermissions.fromString("rw-------"));
            }
            catch (final UnsupportedOperationException ex)
            {
                // not a POSIX file system: the folder's own permissions guard it
            }
            return secret;
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot read or write " + file, ex);
        }
    }
}
