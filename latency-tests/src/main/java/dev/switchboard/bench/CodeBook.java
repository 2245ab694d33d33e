package dev.switchboard.bench;

import java.io.File;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * Follows the server's development code file ({@code verification-codes.txt}, lines "iso-time phone code") so that
 * bench devices can verify the codes the server sent them.
 */
final class CodeBook
{
    private final File file;
    private final Map<String, String> codeByPhone = new HashMap<>();
    private long position;
    private final StringBuilder partial = new StringBuilder();
    private final byte[] chunk = new byte[64 * 1024];

    CodeBook(final File dataDir)
    {
        this.file = new File(dataDir, "verification-codes.txt");
        this.position = file.length();
    }

    /**
     * Read lines appended since the last poll; returns how many codes arrived.
     */
    int poll()
    {
        if (file.length() <= position)
        {
            return 0;
        }
        int codes = 0;
        try (RandomAccessFile raf = new RandomAccessFile(file, "r"))
        {
            raf.seek(position);
            int read;
            while ((read = raf.read(chunk)) > 0)
            {
                position += read;
                partial.append(new String(chunk, 0, read, StandardCharsets.UTF_8));
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        int lineStart = 0;
        for (int i = 0; i < partial.length(); i++)
        {
            if (partial.charAt(i) == '\n')
            {
                final String[] fields = partial.substring(lineStart, i).split(" ");
                if (fields.length == 3)
                {
                    codeByPhone.put(fields[1], fields[2]);
                    codes++;
                }
                lineStart = i + 1;
            }
        }
        partial.delete(0, lineStart);
        return codes;
    }

    String take(final String phone)
    {
        return codeByPhone.remove(phone);
    }
}
