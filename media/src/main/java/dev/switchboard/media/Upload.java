package dev.switchboard.media;

import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One tus upload in progress: its owner, declared length, bytes received so far (in its partial file) and the
 * deadline after which it lapses. A PATCH holds {@link #lock} while it appends, so one upload has one writer.
 */
final class Upload
{
    final String id;
    final long userId;
    final long length;
    final long createdAtMs;
    final long deadlineMs;
    final Path partFile;
    final ReentrantLock lock = new ReentrantLock();
    /**
     * SHA-256 of the bytes in the partial file, kept in step with {@link #offset} under the lock; null for an upload
     * recovered at start until its next PATCH hashes the partial file again.
     */
    MessageDigest digest;
    /** Bytes in the partial file; read by HEAD without the lock. */
    volatile long offset;
    /** Set once the blob is stored: the hex SHA-256 the blob is served by. */
    volatile String mediaId;
    /** Set when the sweeper took it away. */
    volatile boolean lapsed;

    Upload(
        final String id,
        final long userId,
        final long length,
        final long createdAtMs,
        final long deadlineMs,
        final Path partFile)
    {
        this.id = id;
        this.userId = userId;
        this.length = length;
        this.createdAtMs = createdAtMs;
        this.deadlineMs = deadlineMs;
        this.partFile = partFile;
        digest = newSha256();
    }

    static MessageDigest newSha256()
    {
        try
        {
            return MessageDigest.getInstance("SHA-256");
        }
        catch (final NoSuchAlgorithmException ex)
        {
            throw new IllegalStateException(ex);
        }
    }
}
