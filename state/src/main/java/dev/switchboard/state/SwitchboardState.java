package dev.switchboard.state;

import java.io.UncheckedIOException;

/**
 * The node-local tables, off-heap and persisted as files in the data folder: Chronicle Maps, and the dense
 * {@link DeviceTable} of devices and their presence.
 * <p>
 * Each table has a single writer, a ring stage; readers may be other stages on other threads. The views handed
 * out by {@link #newAccounts()}, {@link #newDevices()} and {@link #newPresence()} hold reusable key and value
 * buffers, so each thread takes its own view and keeps it.
 * <p>
 * {@link StateTables} opens, recovers and closes the tables; this is their public face: the settings, what the open
 * found, and the views.
 */
public final class SwitchboardState implements AutoCloseable
{
    /** File of the small table of counters that must outlive the process. */
    public static final String META_FILE = "meta.cm3";

    /** File of phone -> user id. */
    public static final String ACCOUNTS_BY_PHONE_FILE = "accounts-by-phone.cm3";

    /** File of user id -> phone. */
    public static final String ACCOUNTS_BY_ID_FILE = "accounts-by-id.cm3";

    /** File of (user, device) -> login key, registration id and presence: the dense {@link DeviceTable}. */
    public static final String DEVICE_TABLE_FILE = "devices.dat";

    /** Old file of (user, device) -> login key and registration id, migrated once into {@link #DEVICE_TABLE_FILE}. */
    public static final String DEVICES_FILE = "devices.cm3";

    /** File of (user, device) -> push platform and token. */
    public static final String PUSH_TOKENS_FILE = "push-tokens.cm3";

    /** Old file of (user, device) -> presence, migrated once into {@link #DEVICE_TABLE_FILE}. */
    public static final String PRESENCE_FILE = "presence.cm3";

    /** File of the blocks table. */
    public static final String BLOCKS_FILE = "blocks.cm3";

    /** File of the contacts table. */
    public static final String CONTACTS_FILE = "contacts.cm3";

    /** File of the contacts table's reverse index: user -> every user paired with it either way round. */
    public static final String CONTACT_PARTNERS_FILE = "contact-partners.cm3";

    /** File of the privacy settings table. */
    public static final String PRIVACY_FILE = "privacy.cm3";

    /** File of group id -> version, name and members with roles. */
    public static final String GROUPS_FILE = "groups.cm3";

    /** File of the key directory: (user, device) -> identity key, signed prekey, one-time prekeys. */
    public static final String KEY_DIRECTORY_FILE = "key-directory.cm3";

    private final StateContext ctx;
    private final StateTables tables;
    private boolean isClosed;

    private SwitchboardState(final StateContext ctx)
    {
        this.ctx = ctx;
        tables = new StateTables(ctx);
    }

    /**
     * Create the tables in the context's data folder, or open those already there, recovering them after an unclean
     * close.
     *
     * @param ctx settings; concluded here.
     * @return the open tables, to be closed by the caller.
     * @throws UncheckedIOException if a table file cannot be created or read.
     */
    public static SwitchboardState open(final StateContext ctx)
    {
        ctx.conclude();
        return new SwitchboardState(ctx);
    }

    /**
     * The settings these tables were opened with.
     *
     * @return the concluded context.
     */
    public StateContext context()
    {
        return ctx;
    }

    /**
     * Generation of this open, one more than the previous open of the same data folder.
     *
     * @return the generation, starting at 1.
     */
    public int openEpoch()
    {
        return tables.openEpoch;
    }

    /**
     * Whether existing table files went through Chronicle's recovery on this open, as they do after a process
     * died without {@link #close()} or when {@link StateContext#recoverOnOpen()} asks for it.
     *
     * @return true if recovered.
     */
    public boolean wasRecovered()
    {
        return tables.wasRecovered;
    }

    /**
     * Mappings of the table files advised as read at random on this open (see {@link StateContext#randomAccess()}).
     *
     * @return the mappings advised, 0 when not asked for or not possible on this platform.
     */
    public int advisedMappings()
    {
        return tables.advisedMappings;
    }

    /**
     * Devices copied on this open from the old {@link #DEVICES_FILE} into {@link #DEVICE_TABLE_FILE}.
     *
     * @return devices, 0 unless this open migrated a data folder.
     */
    public long migratedDevices()
    {
        return tables.migratedDevices;
    }

    /**
     * Presence records copied on this open from the old {@link #PRESENCE_FILE} into {@link #DEVICE_TABLE_FILE}.
     *
     * @return records, 0 unless this open migrated a data folder.
     */
    public long migratedPresence()
    {
        return tables.migratedPresence;
    }

    /**
     * Accounts the device table has slots for: user ids 1..this; {@link Accounts#create(CharSequence)} refuses more.
     *
     * @return the capacity, at least {@link StateContext#maxAccounts()}.
     */
    public long deviceCapacity()
    {
        return tables.deviceTable.capacity();
    }

    /**
     * A new view of the accounts tables for the calling thread.
     *
     * @return a view owning reusable buffers; keep it.
     */
    public Accounts newAccounts()
    {
        return new Accounts(
            tables.meta.map(), tables.accountsByPhone, tables.accountsById, tables.deviceTable.capacity());
    }

    /**
     * A new view of the devices tables for the calling thread.
     *
     * @return a view owning reusable buffers; keep it.
     */
    public Devices newDevices()
    {
        return new Devices(tables.deviceTable, tables.pushTokens, ctx.maxDevicesPerAccount());
    }

    /**
     * A new view of the presence table for the calling thread.
     *
     * @return a view owning reusable buffers; keep it.
     */
    public Presence newPresence()
    {
        return new Presence(tables.deviceTable, ctx.maxDevicesPerAccount(), tables.openEpoch);
    }

    /**
     * A new view of the blocks table (blocker, blocked) for the calling thread.
     *
     * @return a view owning reusable buffers; keep it.
     */
    public UserPairs newBlocks()
    {
        return new UserPairs(tables.blocks, null);
    }

    /**
     * A new view of the contacts table (user, a user they looked up or messaged) for the calling thread; the route
     * stage is its only writer, of the table and its partner index alike.
     *
     * @return a view owning reusable buffers; keep it.
     */
    public UserPairs newContacts()
    {
        return new UserPairs(tables.contacts, new PartnerIndex(tables.contactPartners));
    }

    /**
     * A new view of the privacy settings for the calling thread.
     *
     * @return a view owning reusable buffers; keep it.
     */
    public Privacy newPrivacy()
    {
        return new Privacy(tables.privacy);
    }

    /**
     * A new view of the group table for the calling thread; the route stage is its only writer.
     *
     * @return a view owning reusable buffers; keep it.
     */
    public Groups newGroups()
    {
        return new Groups(tables.meta.map(), tables.groups, ctx.groupMaxMembers());
    }

    /**
     * A new view of the key directory for the calling thread.
     *
     * @return a view owning reusable buffers; keep it.
     */
    public KeyDirectory newKeyDirectory()
    {
        return new KeyDirectory(tables.keyDirectory, ctx.maxDevicesPerAccount(), ctx.maxPreKeysPerDevice());
    }

    /**
     * Whether {@link #close()} has run.
     *
     * @return true once closed.
     */
    public boolean isClosed()
    {
        return isClosed;
    }

    /**
     * Close every table, marking the files closed cleanly so the next open can skip recovery. Nothing extra is
     * flushed: the files are memory mapped, so the page cache holds every write.
     */
    public void close()
    {
        if (!isClosed)
        {
            isClosed = true;
            tables.close();
        }
    }
}
