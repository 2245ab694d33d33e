package dev.switchboard.client;

import dev.switchboard.codec.sbe.GroupRole;
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
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.zip.CRC32;

/**
 * The client's local folder:
 * <pre>
 *   device.properties     userId, deviceId, registrationId, phone, raw public key, PKCS#8 private key
 *   client-msg-id         the clientMsgId reserved so far (8 bytes), so ids stay unique across restarts
 *   pending/*.send        one file per unacknowledged send (to a user or a group), written atomically, deleted
 *                         on SentAck
 *   groups/*.group        one file per group the user belongs to: id, version, name, members with roles
 *   seen.dat              ring of recently delivered message ids, to drop duplicates
 *   lock                  held while open: one client per folder
 * </pre>
 * Identity, counter and group methods are thread safe; {@link #isSeen} and {@link #markSeen} belong to the I/O thread.
 */
public final class ClientStore implements AutoCloseable
{
    static final String IDENTITY_FILE = "device.properties";
    static final String COUNTER_FILE = "client-msg-id";
    static final String PENDING_DIR = "pending";
    static final String PENDING_SUFFIX = ".send";
    static final String GROUPS_DIR = "groups";
    static final String GROUP_SUFFIX = ".group";
    static final String SEEN_FILE = "seen.dat";
    static final String LOCK_FILE = "lock";

    /**
     * Ids are reserved on disk a block at a time so a send does not rewrite the counter file; a restart skips the
     * unused rest of a block, which keeps ids unique.
     */
    static final int COUNTER_BLOCK = 1024;

    private static final int PENDING_MAGIC = 0x53425053;
    // A group send: the same layout with the group id where a direct send has the user id, device id 0.
    private static final int PENDING_GROUP_MAGIC = 0x53425047;
    private static final int GROUP_MAGIC = 0x53424752;
    private static final int GROUP_HEADER_LENGTH = 4 + 8 + 8 + 4;
    private static final int GROUP_MEMBER_LENGTH = 8 + 1;
    private static final int PENDING_HEADER_LENGTH = 4 + 8 + 8 + 4 + 4;

    private final Path dir;
    private final Path pendingDir;
    private final Path groupsDir;
    private final boolean sync;
    private final boolean persistPending;
    private final ConcurrentSkipListMap<Long, PendingSend> pending = new ConcurrentSkipListMap<>();
    private final ConcurrentSkipListMap<Long, GroupInfo> groups = new ConcurrentSkipListMap<>();
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
        this.groupsDir = this.dir.resolve(GROUPS_DIR);
        this.sync = sync;
        this.persistPending = persistPending;
        Files.createDirectories(pendingDir);
        Files.createDirectories(groupsDir);
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
            loadGroups();
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
            throw new UncheckedIOException("cannot open client store " + dir + ": " + ex, ex);
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
        return addPending(new PendingSend(clientMsgId, toUserId, toDeviceId, payload));
    }

    /**
     * Persist a group send before it is written to the network, so it survives a crash until acknowledged.
     */
    public PendingSend addPendingGroup(final long clientMsgId, final long groupId, final byte[] payload)
    {
        return addPending(PendingSend.toGroup(clientMsgId, groupId, payload));
    }

    private PendingSend addPending(final PendingSend send)
    {
        final long clientMsgId = send.clientMsgId();
        if (!persistPending)
        {
            pending.put(clientMsgId, send);
            return send;
        }
        final byte[] payload = send.payload();
        final ByteBuffer content = ByteBuffer.allocate(PENDING_HEADER_LENGTH + payload.length + 4)
            .order(ByteOrder.LITTLE_ENDIAN);
        content.putInt(send.isGroupSend() ? PENDING_GROUP_MAGIC : PENDING_MAGIC)
            .putLong(clientMsgId)
            .putLong(send.isGroupSend() ? send.groupId() : send.toUserId())
            .putInt(send.toDeviceId())
            .putInt(payload.length)
            .put(payload);
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

    /**
     * The group as last known, or null if this user is not known to belong to it.
     */
    public GroupInfo group(final long groupId)
    {
        return groups.get(groupId);
    }

    /**
     * Every group this user is known to belong to, by group id.
     */
    public List<GroupInfo> groups()
    {
        return new ArrayList<>(groups.values());
    }

    /**
     * Keep a group's state, replacing what was known of it, so a restarted client still knows it.
     */
    public synchronized void saveGroup(final GroupInfo group)
    {
        final byte[] name = group.name().getBytes(StandardCharsets.UTF_8);
        final int length = GROUP_HEADER_LENGTH + 4 + name.length + 4 + group.members().size() * GROUP_MEMBER_LENGTH + 4;
        final ByteBuffer content = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
        // The int after the version is reserved (0).
        content.putInt(GROUP_MAGIC).putLong(group.groupId()).putLong(group.version()).putInt(0)
            .putInt(name.length).put(name)
            .putInt(group.members().size());
        for (final GroupMember member : group.members())
        {
            content.putLong(member.userId()).put((byte)member.role().value());
        }
        final CRC32 crc = new CRC32();
        crc.update(content.array(), 0, content.position());
        content.putInt((int)crc.getValue()).flip();
        try
        {
            AtomicFiles.write(groupFile(group.groupId()), content, sync);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot save group " + Long.toUnsignedString(group.groupId()), ex);
        }
        groups.put(group.groupId(), group);
    }

    /**
     * Forget a group this user left or was removed from.
     */
    public synchronized void removeGroup(final long groupId)
    {
        if (null != groups.remove(groupId))
        {
            try
            {
                AtomicFiles.delete(groupFile(groupId), false);
            }
            catch (final IOException ex)
            {
                throw new UncheckedIOException("cannot delete group " + Long.toUnsignedString(groupId), ex);
            }
        }
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

    private Path groupFile(final long groupId)
    {
        return groupsDir.resolve(String.format("%016x", groupId) + GROUP_SUFFIX);
    }

    private void loadGroups() throws IOException
    {
        // A group set aside is known again from its next event or an info request.
        loadFiles(groupsDir, GROUP_SUFFIX, ClientStore::readGroup, (group) -> groups.put(group.groupId(), group));
    }

    private static GroupInfo readGroup(final byte[] bytes)
    {
        if (bytes.length < GROUP_HEADER_LENGTH + 4 + 4 + 4)
        {
            return null;
        }
        final ByteBuffer content = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        final CRC32 crc = new CRC32();
        crc.update(bytes, 0, bytes.length - 4);
        if (content.getInt() != GROUP_MAGIC || (int)crc.getValue() != content.getInt(bytes.length - 4))
        {
            return null;
        }
        final long groupId = content.getLong();
        final long version = content.getLong();
        content.getInt();
        final int nameLength = content.getInt();
        if (nameLength < 0 || nameLength > bytes.length - content.position() - 8)
        {
            return null;
        }
        final byte[] name = new byte[nameLength];
        content.get(name);
        final int count = content.getInt();
        if (count < 0 || (long)count * GROUP_MEMBER_LENGTH != bytes.length - content.position() - 4)
        {
            return null;
        }
        final List<GroupMember> members = new ArrayList<>(count);
        for (int i = 0; i < count; i++)
        {
            final long userId = content.getLong();
            final GroupRole role = GroupRole.ADMIN.value() == content.get() ? GroupRole.ADMIN : GroupRole.MEMBER;
            members.add(new GroupMember(userId, role));
        }
        return new GroupInfo(groupId, version, new String(name, StandardCharsets.UTF_8), members);
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
        discardedPendingFiles = loadFiles(
            pendingDir, PENDING_SUFFIX, ClientStore::readPending, (send) -> pending.put(send.clientMsgId(), send));
    }

    /**
     * Read every {@code suffix} file of a folder, deleting temp files left by a crash and moving unreadable files
     * aside as {@code .corrupt} (kept for a post-mortem); returns how many were moved aside.
     */
    private static <T> int loadFiles(
        final Path folder, final String suffix, final Function<byte[], T> reader, final Consumer<T> onLoaded)
        throws IOException
    {
        int corrupt = 0;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(folder))
        {
            for (final Path file : files)
            {
                final String name = file.getFileName().toString();
                if (name.endsWith(AtomicFiles.TEMP_SUFFIX))
                {
                    Files.deleteIfExists(file);
                }
                else if (name.endsWith(suffix))
                {
                    final byte[] bytes;
                    try
                    {
                        bytes = Files.readAllBytes(file);
                    }
                    catch (final NoSuchFileException ex)
                    {
                        // Deleted between listing and reading (an acknowledgement landing as the store reopens).
                        continue;
                    }
                    final T loaded = reader.apply(bytes);
                    if (null == loaded)
                    {
                        corrupt++;
                        Files.move(file, file.resolveSibling(name + ".corrupt"));
                    }
                    else
                    {
                        onLoaded.accept(loaded);
                    }
                }
            }
        }
        return corrupt;
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
        if ((magic != PENDING_MAGIC && magic != PENDING_GROUP_MAGIC) || payloadLength < 0 ||
            PENDING_HEADER_LENGTH + payloadLength + 4 != bytes.length)
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
        return PENDING_GROUP_MAGIC == magic ?
            PendingSend.toGroup(clientMsgId, toUserId, payload) :
            new PendingSend(clientMsgId, toUserId, toDeviceId, payload);
    }
}
