package dev.switchboard.client;

import org.agrona.CloseHelper;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.zip.CRC32;

/**
 * The client's local folder:
 * <pre>
 *   device.properties     userId, deviceId, registrationId, phone, raw public key, PKCS#8 private key
 *   client-msg-id         the clientMsgId reserved so far (8 bytes), so ids stay unique across restarts
 *   pending/*.send        one file per unacknowledged send, written atomically, deleted on SentAck
 *   seen.dat              ring of recently delivered message ids, to drop duplicates
 *   lock                  held while open: one client per folder
 * </pre>
 * Identity and counter methods are thread safe; {@link #isSeen} and {@link #markSeen} belong to the I/O thread.
 */
public final class ClientStore implements AutoCloseable
{
    static final String IDENTITY_FILE = "device.properties";
    static final String COUNTER_FILE = "client-msg-id";
    static final String PENDING_DIR = "pending";
    static final String PENDING_SUFFIX = ".send";
    static final String SEEN_FILE = "seen.dat";
    static final String LOCK_FILE = "lock";

    /**
     * Ids are reserved on disk a block at a time so a send does not rewrite the counter file; a restart skips the
     * unused rest of a block, which keeps ids unique.
     */
    static final int COUNTER_BLOCK = 1024;

    private static final int PENDING_MAGIC = 0x53425053;
    private static final int PENDING_HEADER_LENGTH = 4 + 8 + 8 + 4 + 4;

    private final Path dir;
    private final Path pendingDir;
    private final boolean sync;
    private final boolean persistPending;
    private final ConcurrentSkipListMap<Long, PendingSend> pending = new ConcurrentSkipListMap<>();
    private final SeenMessageIds seen;
    private final FileChannel lockChannel;
    private DeviceIdentity identity;
    private long nextClientMsgId;
    private long reservedClientMsgId;
    private int discardedPendingFiles;

    private ClientStore(final File dir, final int dedupeCapacity, final boolean sync, final boolean persistPending)
        throws IOException
    {
        this.dir = dir.toPath();
        this.pendingDir = this.dir.resolve(PENDING_DIR);
        this.sync = sync;
        this.persistPending = persistPending;
        Files.createDirectories(pendingDir);
        lockChannel = FileChannel.open(
            this.dir.resolve(LOCK_FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock = null;
        try
        {
            lock = lockChannel.tryLock();
        }
        catch (final OverlappingFileLockException ex)
        {
            // Held by another client in this process: refused below, as one in another process would be.
        }
        catch (final IOException | RuntimeException ex)
        {
            lockChannel.close();
            throw ex;
        }
        if (null == lock)
        {
            lockChannel.close();
            // Two clients on one folder would hand out the same clientMsgIds and corrupt the seen ring.
            throw new IllegalStateException("client store in use by another client: " + dir);
        }
        try
        {
            identity = loadIdentity();
            reservedClientMsgId = loadCounter();
            loadPending();
            nextClientMsgId = Math.max(reservedClientMsgId, pending.isEmpty() ? 1 : pending.lastKey() + 1);
            seen = new SeenMessageIds(this.dir.resolve(SEEN_FILE).toFile(), dedupeCapacity);
        }
        catch (final IOException | RuntimeException ex)
        {
            lockChannel.close();
            throw ex;
        }
    }

    /**
     * Open (creating if need be) the store in {@code dir}, persisting pending sends.
     */
    public static ClientStore open(final File dir, final int dedupeCapacity, final boolean sync)
    {
        return open(dir, dedupeCapacity, sync, true);
    }

    /**
     * Open (creating if need be) the store in {@code dir}; pending sends are kept in memory only unless
     * {@code persistPending}.
     */
    public static ClientStore open(
        final File dir, final int dedupeCapacity, final boolean sync, final boolean persistPending)
    {
        try
        {
            return new ClientStore(dir, dedupeCapacity, sync, persistPending);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot open client store " + dir, ex);
        }
    }

    public synchronized boolean isRegistered()
    {
        return null != identity;
    }

    /**
     * The registered identity, or null before a successful verify.
     */
    public synchronized DeviceIdentity identity()
    {
        return identity;
    }

    public synchronized void saveIdentity(final DeviceIdentity identity)
    {
        final Properties properties = new Properties();
        properties.setProperty("userId", Long.toUnsignedString(identity.userId()));
        properties.setProperty("deviceId", Integer.toString(identity.deviceId()));
        properties.setProperty("registrationId", Integer.toString(identity.registrationId()));
        properties.setProperty("phone", identity.phone());
        properties.setProperty("publicKey", Base64.getEncoder().encodeToString(identity.rawPublicKey()));
        properties.setProperty(
            "privateKey", Base64.getEncoder().encodeToString(identity.privateKey().getEncoded()));
        final StringBuilder text = new StringBuilder("# Switchboard device identity: keep private\n");
        properties.stringPropertyNames().stream().sorted()
            .forEach((name) -> text.append(name).append('=').append(properties.getProperty(name)).append('\n'));
        try
        {
            AtomicFiles.write(
                dir.resolve(IDENTITY_FILE),
                ByteBuffer.wrap(text.toString().getBytes(StandardCharsets.UTF_8)),
                true,
                true);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot save device identity", ex);
        }
        this.identity = identity;
    }

    /**
     * A clientMsgId never handed out before by this store, across restarts.
     */
    public synchronized long nextClientMsgId()
    {
        if (nextClientMsgId >= reservedClientMsgId)
        {
            final long reserved = nextClientMsgId + COUNTER_BLOCK;
            final ByteBuffer content = ByteBuffer.allocate(Long.BYTES).order(ByteOrder.LITTLE_ENDIAN);
            content.putLong(0, reserved);
            try
            {
                AtomicFiles.write(dir.resolve(COUNTER_FILE), content, true);
            }
            catch (final IOException ex)
            {
                throw new UncheckedIOException("cannot reserve client message ids", ex);
            }
            reservedClientMsgId = reserved;
        }
        return nextClientMsgId++;
    }

    /**
     * Persist a send before it is written to the network, so it survives a crash until acknowledged.
     */
    public PendingSend addPending(
        final long clientMsgId, final long toUserId, final int toDeviceId, final byte[] payload)
    {
        final PendingSend send = new PendingSend(clientMsgId, toUserId, toDeviceId, payload);
        if (!persistPending)
        {
            pending.put(clientMsgId, send);
            return send;
        }
        final ByteBuffer content = ByteBuffer.allocate(PENDING_HEADER_LENGTH + payload.length + 4)
            .order(ByteOrder.LITTLE_ENDIAN);
        content.putInt(PENDING_MAGIC).putLong(clientMsgId).putLong(toUserId).putInt(toDeviceId)
            .putInt(payload.length).put(payload);
        final CRC32 crc = new CRC32();
        crc.update(content.array(), 0, content.position());
        content.putInt((int)crc.getValue()).flip();
        try
        {
            AtomicFiles.write(pendingFile(clientMsgId), content, sync);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot persist pending send " + clientMsgId, ex);
        }
        pending.put(clientMsgId, send);
        return send;
    }

    /**
     * Forget an acknowledged send; returns it, or null if it was not pending.
     */
    public PendingSend removePending(final long clientMsgId)
    {
        final PendingSend send = pending.remove(clientMsgId);
        if (null != send && persistPending)
        {
            try
            {
                AtomicFiles.delete(pendingFile(clientMsgId), false);
            }
            catch (final IOException ex)
            {
                throw new UncheckedIOException("cannot delete pending send " + clientMsgId, ex);
            }
        }
        return send;
    }

    public PendingSend pending(final long clientMsgId)
    {
        return pending.get(clientMsgId);
    }

    /**
     * Unacknowledged sends in clientMsgId (send) order.
     */
    public List<PendingSend> pendingSends()
    {
        return new ArrayList<>(pending.values());
    }

    public int pendingCount()
    {
        return pending.size();
    }

    /**
     * Pending files found unreadable at open and moved aside.
     */
    public int discardedPendingFiles()
    {
        return discardedPendingFiles;
    }

    public boolean isSeen(final long messageId)
    {
        return seen.contains(messageId);
    }

    public void markSeen(final long messageId)
    {
        seen.add(messageId);
    }

    public void close()
    {
        CloseHelper.closeAll(seen, lockChannel);
    }

    private Path pendingFile(final long clientMsgId)
    {
        return pendingDir.resolve(String.format("%016x", clientMsgId) + PENDING_SUFFIX);
    }

    private DeviceIdentity loadIdentity() throws IOException
    {
        final Path file = dir.resolve(IDENTITY_FILE);
        if (!Files.exists(file))
        {
            return null;
        }
        final Properties properties = new Properties();
        try (InputStream in = Files.newInputStream(file))
        {
            properties.load(in);
        }
        try
        {
            return new DeviceIdentity(
                Long.parseUnsignedLong(properties.getProperty("userId")),
                Integer.parseInt(properties.getProperty("deviceId")),
                Integer.parseInt(properties.getProperty("registrationId")),
                properties.getProperty("phone"),
                DeviceIdentity.privateKey(Base64.getDecoder().decode(properties.getProperty("privateKey"))),
                Base64.getDecoder().decode(properties.getProperty("publicKey")));
        }
        catch (final RuntimeException ex)
        {
            throw new IOException("unreadable device identity " + file, ex);
        }
    }

    private long loadCounter() throws IOException
    {
        final Path file = dir.resolve(COUNTER_FILE);
        if (!Files.exists(file))
        {
            return 1;
        }
        final byte[] bytes = Files.readAllBytes(file);
        if (bytes.length != Long.BYTES)
        {
            throw new IOException("corrupt client message id counter " + file);
        }
        return Math.max(1, ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong());
    }

    private void loadPending() throws IOException
    {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(pendingDir))
        {
            for (final Path file : files)
            {
                final String name = file.getFileName().toString();
                if (name.endsWith(AtomicFiles.TEMP_SUFFIX))
                {
                    Files.deleteIfExists(file);
                }
                else if (name.endsWith(PENDING_SUFFIX))
                {
                    final PendingSend send = readPending(Files.readAllBytes(file));
                    if (null == send)
                    {
                        discardedPendingFiles++;
                        Files.move(file, file.resolveSibling(name + ".corrupt"));
                    }
                    else
                    {
                        pending.put(send.clientMsgId(), send);
                    }
                }
            }
        }
    }

    private static PendingSend readPending(final byte[] bytes)
    {
        if (bytes.length < PENDING_HEADER_LENGTH + 4)
        {
            return null;
        }
        final ByteBuffer content = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        final int magic = content.getInt();
        final long clientMsgId = content.getLong();
        final long toUserId = content.getLong();
        final int toDeviceId = content.getInt();
        final int payloadLength = content.getInt();
        if (magic != PENDING_MAGIC || payloadLength < 0 || PENDING_HEADER_LENGTH + payloadLength + 4 != bytes.length)
        {
            return null;
        }
        final CRC32 crc = new CRC32();
        crc.update(bytes, 0, PENDING_HEADER_LENGTH + payloadLength);
        if ((int)crc.getValue() != content.getInt(PENDING_HEADER_LENGTH + payloadLength))
        {
            return null;
        }
        final byte[] payload = new byte[payloadLength];
        content.get(payload);
        return new PendingSend(clientMsgId, toUserId, toDeviceId, payload);
    }
}
