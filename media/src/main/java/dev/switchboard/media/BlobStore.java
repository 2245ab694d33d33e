package dev.switchboard.media;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;

/**
 * Blobs in the media folder, content-addressed by the SHA-256 of their bytes (the ciphertext):
 * {@code blobs/ab/abcdef...} (64 hex characters, fanned out by the first two); partial uploads are the ledger's
 * ({@link MediaLedger}).
 * A blob's modification time is when it was (last) stored: it expires {@code expiryMs} later. The same bytes
 * uploaded twice are stored once; the second upload only renews the time.
 */
final class BlobStore
{
    static final int ID_LENGTH = 64;
    static final int UPLOAD_ID_LENGTH = 32;
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private final Path blobsDir;
    private final Object commitLock = new Object();

    BlobStore(final Path mediaDir)
    {
        blobsDir = mediaDir.resolve("blobs");
        try
        {
            Files.createDirectories(blobsDir);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    /**
     * The blob's path if the id is well formed (64 lower-case hex characters), else null. It may not exist.
     */
    Path blob(final String mediaId)
    {
        return isMediaId(mediaId) ? blobsDir.resolve(mediaId.substring(0, 2)).resolve(mediaId) : null;
    }

    /** A media id: 64 lower-case hex characters. */
    static boolean isMediaId(final String mediaId)
    {
        return isHex(mediaId, ID_LENGTH);
    }

    /** An upload id: 32 lower-case hex characters. */
    static boolean isUploadId(final String uploadId)
    {
        return isHex(uploadId, UPLOAD_ID_LENGTH);
    }

    private static boolean isHex(final String value, final int length)
    {
        if (null == value || length != value.length())
        {
            return false;
        }
        for (int i = 0; i < length; i++)
        {
            final char c = value.charAt(i);
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
            {
                return false;
            }
        }
        return true;
    }

    /**
     * Move a complete partial file to its content address (the hex SHA-256 of its bytes), or drop it if that blob is
     * stored already; either way the blob is stamped with {@code nowMs}. Returns the media id and whether it was a
     * duplicate.
     */
    String commit(final Path partFile, final String mediaId, final long nowMs, final boolean[] duplicate)
        throws IOException
    {
        final Path blob = blob(mediaId);
        synchronized (commitLock)
        {
            Files.createDirectories(blob.getParent());
            boolean exists = Files.exists(blob);
            if (!exists)
            {
                try
                {
                    Files.move(partFile, blob, StandardCopyOption.ATOMIC_MOVE);
                }
                catch (final FileAlreadyExistsException ex)
                {
                    exists = true;
                }
            }
            if (exists)
            {
                Files.deleteIfExists(partFile);
            }
            duplicate[0] = exists;
            Files.setLastModifiedTime(blob, FileTime.fromMillis(nowMs));
        }
        return mediaId;
    }

    /**
     * Delete every blob stored more than {@code expiryMs} before {@code nowMs}; returns {count, bytes}.
     */
    long[] expire(final long nowMs, final long expiryMs) throws IOException
    {
        final long[] reclaimed = new long[2];
        try (DirectoryStream<Path> fans = Files.newDirectoryStream(blobsDir))
        {
            for (final Path fan : fans)
            {
                try (DirectoryStream<Path> blobs = Files.newDirectoryStream(fan))
                {
                    for (final Path blob : blobs)
                    {
                        synchronized (commitLock)
                        {
                            final BasicFileAttributes attributes;
                            try
                            {
                                attributes = Files.readAttributes(blob, BasicFileAttributes.class);
                            }
                            catch (final NoSuchFileException ex)
                            {
                                continue;
                            }
                            if (nowMs - attributes.lastModifiedTime().toMillis() >= expiryMs &&
                                Files.deleteIfExists(blob))
                            {
                                reclaimed[0]++;
                                reclaimed[1] += attributes.size();
                            }
                        }
                    }
                }
            }
        }
        return reclaimed;
    }

    /** Bytes of every stored blob (tests, stat). */
    long storedBytes() throws IOException
    {
        final long[] total = new long[1];
        try (var walk = Files.walk(blobsDir))
        {
            walk.filter(Files::isRegularFile).forEach((path) -> total[0] += path.toFile().length());
        }
        return total[0];
    }

    Path blobsDir()
    {
        return blobsDir;
    }

    static byte[] sha256(final Path file, final byte[] copyBuffer) throws IOException
    {
        return sha256(file, Files.size(file), ByteBuffer.wrap(copyBuffer)).digest();
    }

    /**
     * The SHA-256 state after the first {@code length} bytes of a file: also how an upload recovered at start gets
     * its hash back, from its partial file.
     */
    static MessageDigest sha256(final Path file, final long length, final ByteBuffer buffer) throws IOException
    {
        final MessageDigest digest = Upload.newSha256();
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ))
        {
            long position = 0;
            while (position < length)
            {
                buffer.clear().limit((int)Math.min(buffer.capacity(), length - position));
                final int read = channel.read(buffer, position);
                if (read < 0)
                {
                    throw new IOException("file shorter than " + length + ": " + file);
                }
                position += read;
                digest.update(buffer.flip());
            }
        }
        return digest;
    }

    static String hex(final byte[] bytes)
    {
        final char[] chars = new char[bytes.length * 2];
        for (int i = 0; i < bytes.length; i++)
        {
            chars[2 * i] = HEX[(bytes[i] >> 4) & 0xF];
            chars[2 * i + 1] = HEX[bytes[i] & 0xF];
        }
        return new String(chars);
    }
}
