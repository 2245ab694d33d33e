package dev.switchboard.media;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The media service's bookkeeping that must outlive a restart: each user's quota count for the day and each upload
 * begun and not lapsed, kept in small files of the media folder by one thread, the ledger's, which owns them (and
 * runs the sweeps too). Request threads hand it their changes and wait for the answer: a change is on disk before
 * the request is answered. Every file is replaced whole by writing a temporary file and renaming it over the old
 * one, so a crash leaves the old or the new content, never a mix.
 * <pre>
 *   ledger/quota/&lt;userId&gt;          "&lt;UTC day&gt; &lt;bytes reserved that day&gt;"
 *   ledger/uploads/&lt;id&gt;.upload    "&lt;userId&gt; &lt;Upload-Length&gt; &lt;createdAtMs&gt; &lt;deadlineMs&gt; &lt;media id or -&gt;"
 *   uploads/&lt;id&gt;.part              the bytes received so far: their count is the upload's offset
 * </pre>
 * The hash of a partial upload is not stored: the first PATCH after a restart hashes the partial file again.
 * Files are not forced to the device: like the journal's default sync policy, this survives the process being
 * killed, not the host losing power.
 */
final class MediaLedger implements AutoCloseable
{
    static final String RECORD_SUFFIX = ".upload";
    static final String PART_SUFFIX = ".part";
    private static final String TEMP_SUFFIX = ".tmp";
    private static final String NO_MEDIA_ID = "-";

    private final Path quotaDir;
    private final Path recordsDir;
    private final Path uploadsDir;
    private final UploadQuota quota;
    private final ScheduledExecutorService thread;

    MediaLedger(final Path mediaDir, final long quotaBytesPerDay)
    {
        quotaDir = mediaDir.resolve("ledger").resolve("quota");
        recordsDir = mediaDir.resolve("ledger").resolve("uploads");
        uploadsDir = mediaDir.resolve("uploads");
        quota = new UploadQuota(quotaBytesPerDay);
        thread = Executors.newSingleThreadScheduledExecutor((runnable) ->
        {
            final Thread ledger = new Thread(runnable, "sb-media-ledger");
            ledger.setDaemon(true);
            return ledger;
        });
    }

    /**
     * Read back the quota counts of the day of {@code nowMs} and the uploads not lapsed into {@code uploads} (their
     * offset from their partial file, no hash yet); drop temporary files, counts of other days, partial files without
     * a record and records that cannot be read. Called once, before any request.
     */
    void recover(final long nowMs, final Map<String, Upload> uploads, final MediaCounters counters)
    {
        call(() ->
        {
            Files.createDirectories(quotaDir);
            Files.createDirectories(recordsDir);
            Files.createDirectories(uploadsDir);
            final long today = nowMs / UploadQuota.DAY_MS;
            try (DirectoryStream<Path> files = Files.newDirectoryStream(quotaDir))
            {
                for (final Path file : files)
                {
                    final String[] line = readLine(file).split(" ");
                    final long[] fields = 2 == line.length ? numbers(line, 2) : null;
                    final long userId = MediaHandler.parseLength(file.getFileName().toString());
                    if (null != fields && userId >= 0 && fields[0] == today)
                    {
                        quota.load(userId, fields[0], fields[1]);
                    }
                    else
                    {
                        Files.deleteIfExists(file);
                    }
                }
            }
            try (DirectoryStream<Path> files = Files.newDirectoryStream(recordsDir))
            {
                for (final Path file : files)
                {
                    final Upload upload = file.toString().endsWith(RECORD_SUFFIX) ? readRecord(file) : null;
                    if (null == upload && file.toString().endsWith(TEMP_SUFFIX))
                    {
                        Files.deleteIfExists(file);
                    }
                    else if (null == upload)
                    {
                        counters.increment(MediaCounters.ERRORS);
                        Files.deleteIfExists(file);
                    }
                    else
                    {
                        uploads.put(upload.id, upload);
                    }
                }
            }
            try (DirectoryStream<Path> files = Files.newDirectoryStream(uploadsDir))
            {
                for (final Path file : files)
                {
                    final String name = file.getFileName().toString();
                    if (!name.endsWith(PART_SUFFIX) ||
                        !uploads.containsKey(name.substring(0, name.length() - PART_SUFFIX.length())))
                    {
                        Files.deleteIfExists(file);
                    }
                }
            }
            return null;
        });
    }

    /**
     * Reserve the upload's length against its user's quota and record the upload with an empty partial file; false
     * (nothing changed) if the quota is spent.
     */
    boolean create(final Upload upload)
    {
        return call(() ->
        {
            if (!quota.tryReserve(upload.userId, upload.length, upload.createdAtMs))
            {
                return false;
            }
            try
            {
                writeQuota(upload.userId);
                writeRecord(upload);
                Files.createFile(upload.partFile);
            }
            catch (final IOException | RuntimeException ex)
            {
                quota.release(upload.userId, upload.length, upload.createdAtMs);
                Files.deleteIfExists(recordFile(upload.id));
                writeQuota(upload.userId);
                throw ex;
            }
            return true;
        });
    }

    /** Record that the upload is complete (its media id), so a late HEAD still tells it after a restart. */
    void completed(final Upload upload)
    {
        call(() ->
        {
            writeRecord(upload);
            return null;
        });
    }

    /**
     * On the ledger thread: the upload lapsed; delete its record and, if it never completed, give its reservation
     * back. Its partial file is gone already, so a crash in between leaves at worst a count too high, never too low.
     */
    void onLapsed(final Upload upload) throws IOException
    {
        Files.deleteIfExists(recordFile(upload.id));
        if (null == upload.mediaId && quota.release(upload.userId, upload.length, upload.createdAtMs))
        {
            writeQuota(upload.userId);
        }
    }

    /** On the ledger thread: forget the counts of earlier days, files too. */
    void onSweep(final long nowMs)
    {
        quota.sweep(nowMs, (userId) ->
        {
            try
            {
                Files.deleteIfExists(quotaFile(userId));
            }
            catch (final IOException ex)
            {
                throw new UncheckedIOException(ex);
            }
        });
    }

    long used(final long userId, final long nowMs)
    {
        return call(() -> quota.used(userId, nowMs));
    }

    /** Run a task on the ledger thread every {@code intervalMs}. */
    void schedule(final Runnable task, final long intervalMs)
    {
        thread.scheduleWithFixedDelay(task, intervalMs, intervalMs, TimeUnit.MILLISECONDS);
    }

    /**
     * Run a task on the ledger thread and wait for it; its IOException comes back as an UncheckedIOException.
     */
    <T> T call(final Callable<T> task)
    {
        try
        {
            return thread.submit(task).get();
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted waiting for the media ledger", ex);
        }
        catch (final ExecutionException ex)
        {
            final Throwable cause = ex.getCause();
            if (cause instanceof IOException)
            {
                throw new UncheckedIOException((IOException)cause);
            }
            if (cause instanceof RuntimeException)
            {
                throw (RuntimeException)cause;
            }
            throw new IllegalStateException(cause);
        }
    }

    public void close()
    {
        thread.shutdownNow();
    }

    Path partFile(final String uploadId)
    {
        return uploadsDir.resolve(uploadId + PART_SUFFIX);
    }

    private Path recordFile(final String uploadId)
    {
        return recordsDir.resolve(uploadId + RECORD_SUFFIX);
    }

    private Path quotaFile(final long userId)
    {
        return quotaDir.resolve(Long.toString(userId));
    }

    private void writeQuota(final long userId) throws IOException
    {
        final long[] entry = quota.entry(userId);
        if (null == entry)
        {
            Files.deleteIfExists(quotaFile(userId));
        }
        else
        {
            replace(quotaFile(userId), entry[0] + " " + entry[1]);
        }
    }

    private void writeRecord(final Upload upload) throws IOException
    {
        replace(recordFile(upload.id), upload.userId + " " + upload.length + " " + upload.createdAtMs + " " +
            upload.deadlineMs + " " + (null == upload.mediaId ? NO_MEDIA_ID : upload.mediaId));
    }

    private static void replace(final Path file, final String content) throws IOException
    {
        final Path temp = file.resolveSibling(file.getFileName() + TEMP_SUFFIX);
        Files.write(temp, content.getBytes(StandardCharsets.US_ASCII));
        Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /**
     * The upload a record describes, its offset the size of its partial file (cut back to the length, and an empty
     * one made if it is missing); null if the record cannot be read.
     */
    private Upload readRecord(final Path file) throws IOException
    {
        final String name = file.getFileName().toString();
        final String id = name.substring(0, name.length() - RECORD_SUFFIX.length());
        final String[] fields = readLine(file).split(" ");
        final long[] numbers = 5 == fields.length ? numbers(fields, 4) : null;
        final String mediaId = 5 == fields.length ? fields[4] : null;
        if (null == numbers || !BlobStore.isUploadId(id) ||
            !(NO_MEDIA_ID.equals(mediaId) || BlobStore.isMediaId(mediaId)))
        {
            return null;
        }
        final Upload upload = new Upload(id, numbers[0], numbers[1], numbers[2], numbers[3], partFile(id));
        upload.digest = null;
        if (!NO_MEDIA_ID.equals(mediaId))
        {
            upload.mediaId = mediaId;
            upload.offset = upload.length;
            return upload;
        }
        if (!Files.exists(upload.partFile))
        {
            Files.createFile(upload.partFile);
        }
        try (FileChannel part = FileChannel.open(upload.partFile, StandardOpenOption.WRITE))
        {
            if (part.size() > upload.length)
            {
                part.truncate(upload.length);
            }
            upload.offset = part.size();
        }
        return upload;
    }

    /** The first {@code count} fields as non-negative decimals, or null if one is not. */
    private static long[] numbers(final String[] fields, final int count)
    {
        final long[] numbers = new long[count];
        for (int i = 0; i < count; i++)
        {
            numbers[i] = MediaHandler.parseLength(fields[i]);
            if (numbers[i] < 0)
            {
                return null;
            }
        }
        return numbers;
    }

    private static String readLine(final Path file) throws IOException
    {
        return Files.size(file) > 256 ? "" : Files.readString(file, StandardCharsets.US_ASCII).trim();
    }

}
