package dev.switchboard.client;

import org.signal.libsignal.protocol.IdentityKey;
import org.signal.libsignal.protocol.IdentityKeyPair;
import org.signal.libsignal.protocol.InvalidKeyException;
import org.signal.libsignal.protocol.InvalidKeyIdException;
import org.signal.libsignal.protocol.InvalidMessageException;
import org.signal.libsignal.protocol.NoSessionException;
import org.signal.libsignal.protocol.ReusedBaseKeyException;
import org.signal.libsignal.protocol.SignalProtocolAddress;
import org.signal.libsignal.protocol.ecc.ECPublicKey;
import org.signal.libsignal.protocol.groups.state.SenderKeyRecord;
import org.signal.libsignal.protocol.state.KyberPreKeyRecord;
import org.signal.libsignal.protocol.state.PreKeyRecord;
import org.signal.libsignal.protocol.state.SessionRecord;
import org.signal.libsignal.protocol.state.SignalProtocolStore;
import org.signal.libsignal.protocol.state.SignedPreKeyRecord;

import java.io.File;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.BiConsumer;

/**
 * The device's end-to-end state in one SQLite file: its Signal identity, prekeys, sessions, sender keys, the
 * identities of others (trust on first use), contacts, the chat history and the outbox of messages waiting for a
 * session. Implements libsignal's {@link SignalProtocolStore} over it. Every method is synchronized on the store;
 * the schema is migrated in order at open ({@code schema_version} holds the version reached).
 * <p>
 * The login key and device address stay in {@link ClientStore}'s files: they exist before any Signal key and the
 * login path needs nothing from SQLite.
 */
public final class E2eStore implements SignalProtocolStore, AutoCloseable
{
    /**
     * File name of the store inside the client's store folder.
     */
    public static final String FILE_NAME = "e2e.db";

    /** Status of an outgoing message in the history: waiting for a session, written, one tick, two, read. */
    public static final int STATUS_QUEUED = 0;
    public static final int STATUS_SENT = 1;
    public static final int STATUS_DELIVERED = 2;
    public static final int STATUS_READ = 3;
    /** Status of an incoming message. */
    public static final int STATUS_RECEIVED = 4;

    /**
     * Migrations in order: index i takes the schema from version i to i + 1. Append, never edit.
     */
    static final String[][] MIGRATIONS =
    {
        {
            "CREATE TABLE local_identity (id INTEGER PRIMARY KEY CHECK (id = 1), registration_id INTEGER NOT NULL," +
                " identity_key_pair BLOB NOT NULL)",
            "CREATE TABLE meta (name TEXT PRIMARY KEY, value INTEGER NOT NULL)",
            "CREATE TABLE prekeys (id INTEGER PRIMARY KEY, record BLOB NOT NULL)",
            "CREATE TABLE signed_prekeys (id INTEGER PRIMARY KEY, record BLOB NOT NULL)",
            "CREATE TABLE kyber_prekeys (id INTEGER PRIMARY KEY, record BLOB NOT NULL)",
            "CREATE TABLE kyber_used (kyber_id INTEGER NOT NULL, signed_id INTEGER NOT NULL, base_key BLOB NOT NULL," +
                " PRIMARY KEY (kyber_id, signed_id, base_key))",
            "CREATE TABLE sessions (name TEXT NOT NULL, device_id INTEGER NOT NULL, record BLOB NOT NULL," +
                " PRIMARY KEY (name, device_id))",
            "CREATE TABLE sender_keys (name TEXT NOT NULL, device_id INTEGER NOT NULL, distribution_id TEXT NOT NULL," +
                " record BLOB NOT NULL, PRIMARY KEY (name, device_id, distribution_id))",
            "CREATE TABLE identities (name TEXT NOT NULL, device_id INTEGER NOT NULL, identity_key BLOB NOT NULL," +
                " changed INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (name, device_id))",
            "CREATE TABLE contacts (user_id INTEGER PRIMARY KEY, phone TEXT)",
            "CREATE TABLE messages (id INTEGER PRIMARY KEY AUTOINCREMENT, peer_user_id INTEGER NOT NULL," +
                " group_id INTEGER NOT NULL, outgoing INTEGER NOT NULL, from_user_id INTEGER NOT NULL," +
                " from_device_id INTEGER NOT NULL, timestamp_ms INTEGER NOT NULL, status INTEGER NOT NULL," +
                " body BLOB NOT NULL)",
        },
        {
            "CREATE INDEX messages_by_chat ON messages (peer_user_id, group_id, id)",
            "CREATE TABLE message_parts (client_msg_id INTEGER PRIMARY KEY, message_row INTEGER NOT NULL," +
                " message_id INTEGER NOT NULL DEFAULT 0)",
            "CREATE INDEX message_parts_by_id ON message_parts (message_id)",
            "CREATE TABLE devices (user_id INTEGER NOT NULL, device_id INTEGER NOT NULL," +
                " PRIMARY KEY (user_id, device_id))",
            "CREATE TABLE remote_kyber (user_id INTEGER NOT NULL, device_id INTEGER NOT NULL," +
                " kyber_id INTEGER NOT NULL, public_key BLOB NOT NULL, signature BLOB NOT NULL," +
                " PRIMARY KEY (user_id, device_id))",
            "CREATE TABLE outbox (id INTEGER PRIMARY KEY AUTOINCREMENT, user_id INTEGER NOT NULL," +
                " device_id INTEGER NOT NULL, message_row INTEGER NOT NULL, content BLOB NOT NULL)",
            "CREATE TABLE group_outbox (id INTEGER PRIMARY KEY AUTOINCREMENT, group_id INTEGER NOT NULL," +
                " message_row INTEGER NOT NULL, content BLOB NOT NULL)",
            "CREATE TABLE group_sender_keys (group_id INTEGER PRIMARY KEY, distribution_id TEXT NOT NULL)",
            "CREATE TABLE sender_key_shared (group_id INTEGER NOT NULL, user_id INTEGER NOT NULL," +
                " device_id INTEGER NOT NULL, PRIMARY KEY (group_id, user_id, device_id))",
        },
        {
            // Users whose device list came from a fetch of all their devices, not only from who wrote to us.
            "CREATE TABLE resolved_users (user_id INTEGER PRIMARY KEY)",
        },
        {
            // Kyber prekeys now come with the server's bundle: the ones devices offered in messages are not used.
            "DROP TABLE remote_kyber",
        },
    };

    /**
     * One message of the history.
     */
    public record StoredMessage(
        long rowId,
        long peerUserId,
        long groupId,
        boolean outgoing,
        long fromUserId,
        int fromDeviceId,
        long timestampMs,
        int status,
        byte[] body)
    {
    }

    /**
     * A conversation: a user (groupId 0) or a group, with its latest message.
     */
    public record Chat(long peerUserId, long groupId, StoredMessage last)
    {
    }

    /**
     * A message waiting in the outbox for a session with one device.
     */
    record OutboxEntry(long id, long userId, int deviceId, long messageRow, byte[] content)
    {
    }

    /**
     * A group message waiting until every member device has its sender key.
     */
    record GroupOutboxEntry(long id, long groupId, long messageRow, byte[] content)
    {
    }

    private static final String MESSAGE_COLUMNS =
        "id, peer_user_id, group_id, outgoing, from_user_id, from_device_id, timestamp_ms, status, body";

    private final Connection connection;
    private BiConsumer<SignalProtocolAddress, IdentityKey> identityChangeListener = (address, key) -> {};
    private IdentityKeyPair identityKeyPair;
    private int registrationId;

    private E2eStore(final Connection connection)
    {
        this.connection = connection;
    }

    /**
     * Open (creating if absent) the store file and bring its schema up to date.
     */
    public static E2eStore open(final File file)
    {
        return open("jdbc:sqlite:" + file.getAbsolutePath());
    }

    /**
     * A store that lives in memory only, gone on close: for benchmarks that separate libsignal's cost from the
     * file's.
     */
    public static E2eStore openInMemory()
    {
        return open("jdbc:sqlite::memory:");
    }

    private static E2eStore open(final String url)
    {
        try
        {
            final Connection connection = DriverManager.getConnection(url);
            final E2eStore store = new E2eStore(connection);
            try
            {
                store.migrate();
                store.loadIdentity();
            }
            catch (final SQLException | RuntimeException ex)
            {
                connection.close();
                throw ex;
            }
            return store;
        }
        catch (final SQLException ex)
        {
            throw new IllegalStateException("cannot open " + url, ex);
        }
    }

    /**
     * The schema version this code migrates to.
     */
    public static int latestSchemaVersion()
    {
        return MIGRATIONS.length;
    }

    public synchronized int schemaVersion()
    {
        return (int)queryLong("SELECT version FROM schema_version", 0);
    }

    private void migrate() throws SQLException
    {
        try (Statement statement = connection.createStatement())
        {
            statement.execute("PRAGMA journal_mode=WAL");
            statement.execute("PRAGMA synchronous=NORMAL");
            statement.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)");
        }
        int version = schemaVersion();
        if (version > MIGRATIONS.length)
        {
            throw new IllegalStateException("store schema " + version + " is newer than this client's " +
                MIGRATIONS.length);
        }
        while (version < MIGRATIONS.length)
        {
            // Each migration and its version bump commit together: a crash leaves the old version whole.
            connection.setAutoCommit(false);
            try (Statement statement = connection.createStatement())
            {
                for (final String sql : MIGRATIONS[version])
                {
                    statement.execute(sql);
                }
                statement.execute("DELETE FROM schema_version");
                statement.execute("INSERT INTO schema_version (version) VALUES (" + (version + 1) + ")");
                connection.commit();
            }
            catch (final SQLException ex)
            {
                connection.rollback();
                throw ex;
            }
            finally
            {
                connection.setAutoCommit(true);
            }
            version++;
        }
    }

    private void loadIdentity() throws SQLException
    {
        try (PreparedStatement ps = connection.prepareStatement(
            "SELECT registration_id, identity_key_pair FROM local_identity WHERE id = 1");
            ResultSet rs = ps.executeQuery())
        {
            if (rs.next())
            {
                registrationId = rs.getInt(1);
                identityKeyPair = new IdentityKeyPair(rs.getBytes(2));
            }
        }
        catch (final InvalidKeyException ex)
        {
            throw new IllegalStateException("stored identity key unreadable", ex);
        }
    }

    /**
     * Whether this device has its Signal identity yet.
     */
    public synchronized boolean hasIdentity()
    {
        return null != identityKeyPair;
    }

    /**
     * Store this device's identity once: a second call with an identity present is ignored.
     */
    public synchronized void initIdentity(final IdentityKeyPair keyPair, final int registrationId)
    {
        if (null != identityKeyPair)
        {
            return;
        }
        update("INSERT INTO local_identity (id, registration_id, identity_key_pair) VALUES (1, ?, ?)",
            registrationId, keyPair.serialize());
        this.identityKeyPair = keyPair;
        this.registrationId = registrationId;
    }

    /**
     * Called with the address and new key whenever a known identity key is replaced by another.
     */
    public synchronized void identityChangeListener(final BiConsumer<SignalProtocolAddress, IdentityKey> listener)
    {
        this.identityChangeListener = listener;
    }

    // ---- IdentityKeyStore ----

    public synchronized IdentityKeyPair getIdentityKeyPair()
    {
        return identityKeyPair;
    }

    public synchronized int getLocalRegistrationId()
    {
        return registrationId;
    }

    public synchronized IdentityChange saveIdentity(final SignalProtocolAddress address, final IdentityKey identityKey)
    {
        final IdentityKey known = getIdentity(address);
        if (null == known)
        {
            update("INSERT INTO identities (name, device_id, identity_key) VALUES (?, ?, ?)",
                address.getName(), address.getDeviceId(), identityKey.serialize());
            return IdentityChange.NEW_OR_UNCHANGED;
        }
        if (known.equals(identityKey))
        {
            return IdentityChange.NEW_OR_UNCHANGED;
        }
        update("UPDATE identities SET identity_key = ?, changed = 1 WHERE name = ? AND device_id = ?",
            identityKey.serialize(), address.getName(), address.getDeviceId());
        identityChangeListener.accept(address, identityKey);
        return IdentityChange.REPLACED_EXISTING;
    }

    /**
     * Trust on first use: any key is accepted, a changed one is saved and announced by {@link #saveIdentity}.
     */
    public synchronized boolean isTrustedIdentity(
        final SignalProtocolAddress address, final IdentityKey identityKey, final Direction direction)
    {
        return true;
    }

    public synchronized IdentityKey getIdentity(final SignalProtocolAddress address)
    {
        final byte[] bytes = queryBlob(
            "SELECT identity_key FROM identities WHERE name = ? AND device_id = ?",
            address.getName(), address.getDeviceId());
        try
        {
            return null == bytes ? null : new IdentityKey(bytes);
        }
        catch (final InvalidKeyException ex)
        {
            throw new IllegalStateException("stored identity unreadable: " + address, ex);
        }
    }

    /**
     * Devices of the user whose identity key changed since first seen (until {@link #clearIdentityChanged}).
     */
    public synchronized List<Integer> changedIdentities(final long userId)
    {
        return queryInts("SELECT device_id FROM identities WHERE name = ? AND changed = 1 ORDER BY device_id",
            String.valueOf(userId));
    }

    public synchronized void clearIdentityChanged(final long userId)
    {
        update("UPDATE identities SET changed = 0 WHERE name = ?", String.valueOf(userId));
    }

    // ---- PreKeyStore ----

    public synchronized PreKeyRecord loadPreKey(final int preKeyId) throws InvalidKeyIdException
    {
        final byte[] bytes = queryBlob("SELECT record FROM prekeys WHERE id = ?", preKeyId);
        if (null == bytes)
        {
            throw new InvalidKeyIdException("no prekey " + preKeyId);
        }
        try
        {
            return new PreKeyRecord(bytes);
        }
        catch (final InvalidMessageException ex)
        {
            throw new IllegalStateException("stored prekey unreadable: " + preKeyId, ex);
        }
    }

    public synchronized void storePreKey(final int preKeyId, final PreKeyRecord record)
    {
        update("INSERT OR REPLACE INTO prekeys (id, record) VALUES (?, ?)", preKeyId, record.serialize());
    }

    public synchronized boolean containsPreKey(final int preKeyId)
    {
        return null != queryBlob("SELECT record FROM prekeys WHERE id = ?", preKeyId);
    }

    public synchronized void removePreKey(final int preKeyId)
    {
        update("DELETE FROM prekeys WHERE id = ?", preKeyId);
    }

    public synchronized int preKeyCount()
    {
        return (int)queryLong("SELECT COUNT(*) FROM prekeys", 0);
    }

    // ---- SignedPreKeyStore ----

    public synchronized SignedPreKeyRecord loadSignedPreKey(final int signedPreKeyId) throws InvalidKeyIdException
    {
        final byte[] bytes = queryBlob("SELECT record FROM signed_prekeys WHERE id = ?", signedPreKeyId);
        if (null == bytes)
        {
            throw new InvalidKeyIdException("no signed prekey " + signedPreKeyId);
        }
        return signedPreKey(bytes);
    }

    public synchronized List<SignedPreKeyRecord> loadSignedPreKeys()
    {
        final List<SignedPreKeyRecord> records = new ArrayList<>();
        for (final byte[] bytes : queryBlobs("SELECT record FROM signed_prekeys ORDER BY id"))
        {
            records.add(signedPreKey(bytes));
        }
        return records;
    }

    public synchronized void storeSignedPreKey(final int signedPreKeyId, final SignedPreKeyRecord record)
    {
        update("INSERT OR REPLACE INTO signed_prekeys (id, record) VALUES (?, ?)", signedPreKeyId, record.serialize());
    }

    public synchronized boolean containsSignedPreKey(final int signedPreKeyId)
    {
        return null != queryBlob("SELECT record FROM signed_prekeys WHERE id = ?", signedPreKeyId);
    }

    public synchronized void removeSignedPreKey(final int signedPreKeyId)
    {
        update("DELETE FROM signed_prekeys WHERE id = ?", signedPreKeyId);
    }

    private static SignedPreKeyRecord signedPreKey(final byte[] bytes)
    {
        try
        {
            return new SignedPreKeyRecord(bytes);
        }
        catch (final InvalidMessageException ex)
        {
            throw new IllegalStateException("stored signed prekey unreadable", ex);
        }
    }

    // ---- KyberPreKeyStore ----

    public synchronized KyberPreKeyRecord loadKyberPreKey(final int kyberPreKeyId) throws InvalidKeyIdException
    {
        final byte[] bytes = queryBlob("SELECT record FROM kyber_prekeys WHERE id = ?", kyberPreKeyId);
        if (null == bytes)
        {
            throw new InvalidKeyIdException("no kyber prekey " + kyberPreKeyId);
        }
        return kyberPreKey(bytes);
    }

    public synchronized List<KyberPreKeyRecord> loadKyberPreKeys()
    {
        final List<KyberPreKeyRecord> records = new ArrayList<>();
        for (final byte[] bytes : queryBlobs("SELECT record FROM kyber_prekeys ORDER BY id"))
        {
            records.add(kyberPreKey(bytes));
        }
        return records;
    }

    public synchronized void storeKyberPreKey(final int kyberPreKeyId, final KyberPreKeyRecord record)
    {
        update("INSERT OR REPLACE INTO kyber_prekeys (id, record) VALUES (?, ?)", kyberPreKeyId, record.serialize());
    }

    public synchronized boolean containsKyberPreKey(final int kyberPreKeyId)
    {
        return null != queryBlob("SELECT record FROM kyber_prekeys WHERE id = ?", kyberPreKeyId);
    }

    /**
     * Kyber prekeys here are last-resort keys, kept after use; a base key seen twice with one is a replay.
     */
    public synchronized void markKyberPreKeyUsed(
        final int kyberPreKeyId, final int signedPreKeyId, final ECPublicKey baseKey) throws ReusedBaseKeyException
    {
        final byte[] key = baseKey.serialize();
        if (0 != queryLong("SELECT COUNT(*) FROM kyber_used WHERE kyber_id = ? AND signed_id = ? AND base_key = ?",
            0, kyberPreKeyId, signedPreKeyId, key))
        {
            throw new ReusedBaseKeyException("base key reused with kyber prekey " + kyberPreKeyId);
        }
        update("INSERT INTO kyber_used (kyber_id, signed_id, base_key) VALUES (?, ?, ?)",
            kyberPreKeyId, signedPreKeyId, key);
    }

    private static KyberPreKeyRecord kyberPreKey(final byte[] bytes)
    {
        try
        {
            return new KyberPreKeyRecord(bytes);
        }
        catch (final InvalidMessageException ex)
        {
            throw new IllegalStateException("stored kyber prekey unreadable", ex);
        }
    }

    // ---- SessionStore ----

    public synchronized SessionRecord loadSession(final SignalProtocolAddress address)
    {
        final byte[] bytes = queryBlob("SELECT record FROM sessions WHERE name = ? AND device_id = ?",
            address.getName(), address.getDeviceId());
        return null == bytes ? null : session(bytes);
    }

    public synchronized List<SessionRecord> loadExistingSessions(final List<SignalProtocolAddress> addresses)
        throws NoSessionException
    {
        final List<SessionRecord> records = new ArrayList<>(addresses.size());
        for (final SignalProtocolAddress address : addresses)
        {
            final SessionRecord record = loadSession(address);
            if (null == record)
            {
                throw new NoSessionException("no session for " + address);
            }
            records.add(record);
        }
        return records;
    }

    public synchronized List<Integer> getSubDeviceSessions(final String name)
    {
        return queryInts("SELECT device_id FROM sessions WHERE name = ? AND device_id <> 1 ORDER BY device_id", name);
    }

    public synchronized void storeSession(final SignalProtocolAddress address, final SessionRecord record)
    {
        update("INSERT OR REPLACE INTO sessions (name, device_id, record) VALUES (?, ?, ?)",
            address.getName(), address.getDeviceId(), record.serialize());
    }

    public synchronized boolean containsSession(final SignalProtocolAddress address)
    {
        final SessionRecord record = loadSession(address);
        return null != record && record.hasSenderChain();
    }

    public synchronized void deleteSession(final SignalProtocolAddress address)
    {
        update("DELETE FROM sessions WHERE name = ? AND device_id = ?", address.getName(), address.getDeviceId());
    }

    public synchronized void deleteAllSessions(final String name)
    {
        update("DELETE FROM sessions WHERE name = ?", name);
    }

    private static SessionRecord session(final byte[] bytes)
    {
        try
        {
            return new SessionRecord(bytes);
        }
        catch (final InvalidMessageException ex)
        {
            throw new IllegalStateException("stored session unreadable", ex);
        }
    }

    // ---- SenderKeyStore ----

    public synchronized void storeSenderKey(
        final SignalProtocolAddress sender, final UUID distributionId, final SenderKeyRecord record)
    {
        update("INSERT OR REPLACE INTO sender_keys (name, device_id, distribution_id, record) VALUES (?, ?, ?, ?)",
            sender.getName(), sender.getDeviceId(), distributionId.toString(), record.serialize());
    }

    public synchronized SenderKeyRecord loadSenderKey(final SignalProtocolAddress sender, final UUID distributionId)
    {
        final byte[] bytes = queryBlob(
            "SELECT record FROM sender_keys WHERE name = ? AND device_id = ? AND distribution_id = ?",
            sender.getName(), sender.getDeviceId(), distributionId.toString());
        try
        {
            return null == bytes ? null : new SenderKeyRecord(bytes);
        }
        catch (final InvalidMessageException ex)
        {
            throw new IllegalStateException("stored sender key unreadable", ex);
        }
    }

    // ---- Switchboard's own tables ----

    /**
     * A counter or flag kept with the keys (next prekey id, ...), or the default when never set.
     */
    public synchronized long meta(final String name, final long defaultValue)
    {
        return queryLong("SELECT value FROM meta WHERE name = ?", defaultValue, name);
    }

    public synchronized void putMeta(final String name, final long value)
    {
        update("INSERT OR REPLACE INTO meta (name, value) VALUES (?, ?)", name, value);
    }

    /**
     * The devices of a user this device knows of (from fetched bundles and received messages).
     */
    public synchronized List<Integer> devices(final long userId)
    {
        return queryInts("SELECT device_id FROM devices WHERE user_id = ? ORDER BY device_id", userId);
    }

    /**
     * Whether the user's devices were fetched (every device of the user), so {@link #devices} is complete as of then.
     */
    public synchronized boolean isResolved(final long userId)
    {
        return 0 != queryLong("SELECT COUNT(*) FROM resolved_users WHERE user_id = ?", 0, userId);
    }

    public synchronized void resolved(final long userId)
    {
        update("INSERT OR IGNORE INTO resolved_users (user_id) VALUES (?)", userId);
    }

    public synchronized void addDevice(final long userId, final int deviceId)
    {
        update("INSERT OR IGNORE INTO devices (user_id, device_id) VALUES (?, ?)", userId, deviceId);
    }

    public synchronized void saveContact(final long userId, final String phone)
    {
        update("INSERT OR REPLACE INTO contacts (user_id, phone) VALUES (?, ?)", userId, phone);
    }

    /**
     * The user id stored for a phone number, or 0.
     */
    public synchronized long contactUserId(final String phone)
    {
        return queryLong("SELECT user_id FROM contacts WHERE phone = ?", 0, phone);
    }

    /**
     * The phone number stored for a user, or null.
     */
    public synchronized String contactPhone(final long userId)
    {
        return queryOne("SELECT phone FROM contacts WHERE user_id = ?", (rs) -> rs.getString(1), userId);
    }

    /**
     * Append a message to the history; returns its row id.
     */
    public synchronized long addMessage(
        final long peerUserId,
        final long groupId,
        final boolean outgoing,
        final long fromUserId,
        final int fromDeviceId,
        final long timestampMs,
        final int status,
        final byte[] body)
    {
        return insert("INSERT INTO messages (peer_user_id, group_id, outgoing, from_user_id, from_device_id," +
            " timestamp_ms, status, body) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            peerUserId, groupId, outgoing ? 1 : 0, fromUserId, fromDeviceId, timestampMs, status, body);
    }

    /**
     * Record that a send (its clientMsgId) carries a copy of a history message.
     */
    public synchronized void addMessagePart(final long clientMsgId, final long messageRow)
    {
        update("INSERT OR REPLACE INTO message_parts (client_msg_id, message_row) VALUES (?, ?)",
            clientMsgId, messageRow);
        raiseStatus(messageRow, STATUS_QUEUED);
    }

    /**
     * The server holds the send: its history message gets one tick; returns the row, or 0 if not a history send.
     */
    public synchronized long onSent(final long clientMsgId, final long messageId)
    {
        final long row = queryLong("SELECT message_row FROM message_parts WHERE client_msg_id = ?", 0, clientMsgId);
        if (0 != row)
        {
            update("UPDATE message_parts SET message_id = ? WHERE client_msg_id = ?", messageId, clientMsgId);
            raiseStatus(row, STATUS_SENT);
        }
        return row;
    }

    /**
     * A receipt for a send: the history message moves to delivered or read; returns the row, or 0 if unknown.
     */
    public synchronized long onReceipt(final long messageId, final int status)
    {
        final long row = 0 == messageId ? 0 :
            queryLong("SELECT message_row FROM message_parts WHERE message_id = ?", 0, messageId);
        if (0 != row)
        {
            raiseStatus(row, status);
        }
        return row;
    }

    private void raiseStatus(final long row, final int status)
    {
        update("UPDATE messages SET status = ? WHERE id = ? AND outgoing = 1 AND status < ?", status, row, status);
    }

    /**
     * The last {@code limit} messages of a chat with a user (groupId 0) or of a group, oldest first.
     */
    public synchronized List<StoredMessage> history(final long peerUserId, final long groupId, final int limit)
    {
        final String where = 0 == groupId ? "peer_user_id = ? AND group_id = 0" : "group_id = ?";
        return queryList("SELECT * FROM (SELECT " + MESSAGE_COLUMNS + " FROM messages WHERE " + where +
            " ORDER BY id DESC LIMIT ?) ORDER BY id", E2eStore::message, 0 == groupId ? peerUserId : groupId, limit);
    }

    public synchronized StoredMessage message(final long rowId)
    {
        return queryOne("SELECT " + MESSAGE_COLUMNS + " FROM messages WHERE id = ?", E2eStore::message, rowId);
    }

    /**
     * Every conversation with its latest message, most recent first.
     */
    public synchronized List<Chat> chats()
    {
        return queryList("SELECT " + MESSAGE_COLUMNS + " FROM messages WHERE id IN (SELECT MAX(id) FROM messages" +
            " GROUP BY CASE WHEN group_id = 0 THEN peer_user_id ELSE 0 END, group_id) ORDER BY id DESC", (rs) ->
            {
                final StoredMessage message = message(rs);
                return new Chat(0 == message.groupId() ? message.peerUserId() : 0, message.groupId(), message);
            });
    }

    private static StoredMessage message(final ResultSet rs) throws SQLException
    {
        return new StoredMessage(rs.getLong(1), rs.getLong(2), rs.getLong(3), 0 != rs.getInt(4), rs.getLong(5),
            rs.getInt(6), rs.getLong(7), rs.getInt(8), rs.getBytes(9));
    }

    synchronized long addOutbox(final long userId, final int deviceId, final long messageRow, final byte[] content)
    {
        return insert("INSERT INTO outbox (user_id, device_id, message_row, content) VALUES (?, ?, ?, ?)",
            userId, deviceId, messageRow, content);
    }

    synchronized List<OutboxEntry> outbox(final long userId, final int deviceId)
    {
        return queryList("SELECT id, user_id, device_id, message_row, content FROM outbox" +
            " WHERE user_id = ? AND device_id = ? ORDER BY id",
            (rs) -> new OutboxEntry(rs.getLong(1), rs.getLong(2), rs.getInt(3), rs.getLong(4), rs.getBytes(5)),
            userId, deviceId);
    }

    /**
     * Devices with messages waiting for a session, as {userId, deviceId} pairs.
     */
    synchronized List<long[]> outboxDevices()
    {
        return queryList("SELECT DISTINCT user_id, device_id FROM outbox ORDER BY user_id, device_id",
            (rs) -> new long[]{ rs.getLong(1), rs.getInt(2) });
    }

    synchronized void removeOutbox(final long id)
    {
        update("DELETE FROM outbox WHERE id = ?", id);
    }

    synchronized long addGroupOutbox(final long groupId, final long messageRow, final byte[] content)
    {
        return insert("INSERT INTO group_outbox (group_id, message_row, content) VALUES (?, ?, ?)",
            groupId, messageRow, content);
    }

    synchronized List<GroupOutboxEntry> groupOutbox()
    {
        return queryList("SELECT id, group_id, message_row, content FROM group_outbox ORDER BY id",
            (rs) -> new GroupOutboxEntry(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getBytes(4)));
    }

    synchronized void removeGroupOutbox(final long id)
    {
        update("DELETE FROM group_outbox WHERE id = ?", id);
    }

    /**
     * This device's current sender key distribution id for a group, or null before its first group message.
     */
    synchronized UUID groupDistributionId(final long groupId)
    {
        return queryOne("SELECT distribution_id FROM group_sender_keys WHERE group_id = ?",
            (rs) -> UUID.fromString(rs.getString(1)), groupId);
    }

    /**
     * Start a new sender key for the group: every member device must be sent it again.
     */
    synchronized void newGroupDistributionId(final long groupId, final UUID distributionId)
    {
        update("INSERT OR REPLACE INTO group_sender_keys (group_id, distribution_id) VALUES (?, ?)",
            groupId, distributionId.toString());
        update("DELETE FROM sender_key_shared WHERE group_id = ?", groupId);
    }

    synchronized boolean isSenderKeyShared(final long groupId, final long userId, final int deviceId)
    {
        return 0 != queryLong("SELECT COUNT(*) FROM sender_key_shared WHERE group_id = ? AND user_id = ?" +
            " AND device_id = ?", 0, groupId, userId, deviceId);
    }

    synchronized void senderKeyShared(final long groupId, final long userId, final int deviceId)
    {
        update("INSERT OR IGNORE INTO sender_key_shared (group_id, user_id, device_id) VALUES (?, ?, ?)",
            groupId, userId, deviceId);
    }

    /**
     * Users the group's current sender key was shared with.
     */
    synchronized List<Long> senderKeyUsers(final long groupId)
    {
        return queryList("SELECT DISTINCT user_id FROM sender_key_shared WHERE group_id = ?",
            (rs) -> rs.getLong(1), groupId);
    }

    public synchronized void close()
    {
        try
        {
            connection.close();
        }
        catch (final SQLException ex)
        {
            throw failure(ex);
        }
    }

    // ---- JDBC helpers ----

    private PreparedStatement prepare(final String sql, final Object... args) throws SQLException
    {
        final PreparedStatement ps = connection.prepareStatement(sql);
        for (int i = 0; i < args.length; i++)
        {
            ps.setObject(i + 1, args[i]);
        }
        return ps;
    }

    private void update(final String sql, final Object... args)
    {
        try (PreparedStatement ps = prepare(sql, args))
        {
            ps.executeUpdate();
        }
        catch (final SQLException ex)
        {
            throw failure(ex);
        }
    }

    private long insert(final String sql, final Object... args)
    {
        try (PreparedStatement ps = prepare(sql, args))
        {
            ps.executeUpdate();
            try (Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery("SELECT last_insert_rowid()"))
            {
                rs.next();
                return rs.getLong(1);
            }
        }
        catch (final SQLException ex)
        {
            throw failure(ex);
        }
    }

    /**
     * Reads one row of a result into a value.
     */
    @FunctionalInterface
    private interface RowReader<T>
    {
        T read(ResultSet rs) throws SQLException;
    }

    private <T> List<T> queryList(final String sql, final RowReader<T> reader, final Object... args)
    {
        final List<T> values = new ArrayList<>();
        try (PreparedStatement ps = prepare(sql, args); ResultSet rs = ps.executeQuery())
        {
            while (rs.next())
            {
                values.add(reader.read(rs));
            }
        }
        catch (final SQLException ex)
        {
            throw failure(ex);
        }
        return values;
    }

    private <T> T queryOne(final String sql, final RowReader<T> reader, final Object... args)
    {
        final List<T> values = queryList(sql, reader, args);
        return values.isEmpty() ? null : values.get(0);
    }

    private byte[] queryBlob(final String sql, final Object... args)
    {
        return queryOne(sql, (rs) -> rs.getBytes(1), args);
    }

    private List<byte[]> queryBlobs(final String sql, final Object... args)
    {
        return queryList(sql, (rs) -> rs.getBytes(1), args);
    }

    private List<Integer> queryInts(final String sql, final Object... args)
    {
        return queryList(sql, (rs) -> rs.getInt(1), args);
    }

    private long queryLong(final String sql, final long defaultValue, final Object... args)
    {
        final Long value = queryOne(sql, (rs) -> rs.getLong(1), args);
        return null == value ? defaultValue : value;
    }

    private static IllegalStateException failure(final SQLException ex)
    {
        return new IllegalStateException("e2e store: " + ex.getMessage(), ex);
    }

}
