package dev.switchboard.server;

import dev.switchboard.ring.CodeSender;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.File;
import java.io.FileWriter;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * For development: a registration code is printed to the server log and appended to a file in the data folder,
 * instead of going out by SMS. The writing happens on a thread of its own so the session stage never blocks.
 */
final class DevelopmentCodeSender implements CodeSender, AutoCloseable
{
    static final String CODES_FILE = "verification-codes.txt";
    private static final Logger LOG = LoggerFactory.getLogger(DevelopmentCodeSender.class);

    private final File codesFile;
    private final ExecutorService writer = Executors.newSingleThreadExecutor(runnable ->
    {
        final Thread thread = new Thread(runnable, "sb-code-sender");
        thread.setDaemon(true);
        return thread;
    });

    DevelopmentCodeSender(final File dataDir)
    {
        this.codesFile = new File(dataDir, CODES_FILE);
    }

    public void send(final CharSequence phone, final CharSequence code)
    {
        final String line = Instant.now() + " " + phone + " " + code;
        writer.execute(() -> write(line));
    }

    private void write(final String line)
    {
        LOG.info("verification code {}", line.substring(line.indexOf(' ') + 1));
        try (Writer out = new FileWriter(codesFile, StandardCharsets.UTF_8, true))
        {
            out.write(line);
            out.write('\n');
        }
        catch (final IOException ex)
        {
            LOG.warn("cannot write {}: {}", codesFile, ex.toString());
        }
    }

    File codesFile()
    {
        return codesFile;
    }

    public void close()
    {
        writer.shutdown();
        try
        {
            writer.awaitTermination(5, TimeUnit.SECONDS);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }
}
