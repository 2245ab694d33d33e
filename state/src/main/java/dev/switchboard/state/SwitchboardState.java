package dev.switchboard.state;

import net.openhft.chronicle.map.ChronicleMap;
import net.openhft.chronicle.map.ChronicleMapBuilder;
import org.slf4j.LoggerFactory;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The node-local tables, off-heap and persisted as files in the data folder: Chronicle Maps, and the dense
 * {@link DeviceTable} of devices and their presence.
 * <p>
 * Each table has a single writer, a ring stage; readers may be other stages on other threads. The views handed
 * out by {@link #newAccounts()}, {@link #newDevices()} and {@link #newPresence()} hold reusable key and value
 * buffers, so each thread takes its own view and keeps it.
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

    static final long META_NEXT_USER_ID = 1;
    static final long META_OPEN_EPOCH = 2;
    static final long META_CLEAN_CLOSE = 3;
    static final long META_NEXT_GROUP_ID = 4;
    private static final int META_ENTRIES = 64;
    private static final double MAX_BLOAT_FACTOR = 4.0;

    private final StateContext ctx;
    private final List<ChronicleMap<?, ?>> maps = new ArrayList<>();
    private final List<File> files = new ArrayList<>();
    private final ChronicleMap<LongRef, LongRef> meta;
    private final ChronicleMap<LongRef, LongRef> accountsByPhone;
    private final ChronicleMap<LongRef, LongRef> accountsById;
    private final DeviceTable deviceTable;
    private final ChronicleMap<LongRef, PushTokenRecord> pushTokens;
    private final ChronicleMap<LongPair, LongRef> blocks;
    private final ChronicleMap<LongPair, LongRef> contacts;
    private final ChronicleMap<LongRef, PartnerList> contactPartners;
    private final ChronicleMap<LongRef, LongRef> privacy;
    private final ChronicleMap<LongRef, GroupRecord> groups;
    private final ChronicleMap<LongRef, KeyBundleRecord> keyDirectory;
    private final int openEpoch;
    private final boolean wasRecovered;
    private final int advisedMappings;
    private final long migratedDevices;
    private final long migratedPresence;
    private final LongRef metaKey = new LongRef();
    private final LongRef metaValue = new LongRef();
    private boolean isClosed;

    private SwitchboardState(final StateContext ctx)
    {
        this.ctx = ctx;
        // the small meta table is always recovered; it says whether the others were closed cleanly
        meta = track(longToLong("meta", META_FILE, META_ENTRIES, true));
        final boolean recover = ctx.recoverOnOpen() || !readAndClearCleanClose();
        wasRecovered = recover;
        accountsByPhone = track(longToLong(
            "accounts-by-phone", ACCOUNTS_BY_PHONE_FILE, ctx.maxAccounts(), recover));
        accountsById = track(longToLong("accounts-by-id", ACCOUNTS_BY_ID_FILE, ctx.maxAccounts(), recover));
        pushTokens = track(open(
            ChronicleMapBuilder.of(LongRef.class, PushTokenRecord.class)
                .name("push-tokens")
                .keyMarshaller(LongRefMarshaller.INSTANCE)
                .constantKeySizeBySample(new LongRef())
                .valueMarshaller(PushTokenRecordMarshaller.INSTANCE)
                .averageValueSize(1 + ctx.averagePushTokenLength())
                // about one pushable device per account: desktop and web devices usually register none
                .entries(ctx.maxAccounts()),
            PUSH_TOKENS_FILE,
            recover));
        blocks = track(userPairs("blocks", BLOCKS_FILE, ctx.maxAccounts(), recover));
        contacts = track(userPairs(
            "contacts", CONTACTS_FILE, ctx.maxAccounts() * ctx.averageContactsPerAccount(), recover));
        final boolean hadContactPartners = new File(ctx.dataDir(), CONTACT_PARTNERS_FILE).exists();
        contactPartners = track(open(
            ChronicleMapBuilder.of(LongRef.class, PartnerList.class)
                .name("contact-partners")
                .keyMarshaller(LongRefMarshaller.INSTANCE)
                .constantKeySizeBySample(new LongRef())
                .valueMarshaller(PartnerListMarshaller.INSTANCE)
                // each pair lists each of its users once on the other's side
                .averageValueSize(2 * Long.BYTES * ctx.averageContactsPerAccount())
                .entries(ctx.maxAccounts()),
            CONTACT_PARTNERS_FILE,
            recover));
        if (!hadContactPartners || recover)
        {
            // a new index over an existing table, or one a crash may have left behind the table: made again
            try
            {
                new PartnerIndex(contactPartners).rebuild(contacts);
            }
            catch (final RuntimeException ex)
            {
                closeAll(maps);
                throw ex;
            }
        }
        privacy = track(longToLong("privacy", PRIVACY_FILE, ctx.maxAccounts(), recover));
        final int averageMembers = Math.min(ctx.groupAverageMembers(), ctx.groupMaxMembers());
        final GroupRecord averageGroup = new GroupRecord(averageMembers);
        for (int i = 0; i < averageMembers; i++)
        {
            averageGroup.add(i + 1, GroupRecord.MEMBER);
        }
        averageGroup.nameLength(16);
        groups = track(open(
            ChronicleMapBuilder.of(LongRef.class, GroupRecord.class)
                .name("groups")
                .keyMarshaller(LongRefMarshaller.INSTANCE)
                .constantKeySizeBySample(new LongRef())
                .valueMarshaller(GroupRecordMarshaller.INSTANCE)
                .averageValueSize(averageGroup.storedLength())
                .entries(ctx.groupCapacity()),
            GROUPS_FILE,
            recover));
        keyDirectory = track(open(
            ChronicleMapBuilder.of(LongRef.class, KeyBundleRecord.class)
                .name("key-directory")
                .keyMarshaller(LongRefMarshaller.INSTANCE)
                .constantKeySizeBySample(new LongRef())
                .valueMarshaller(KeyBundleRecordMarshaller.INSTANCE)
                // a device's stock runs between full and the low-stock threshold: sized for it half full, with the
                // Kyber prekey every current client uploads
                .averageValueSize(KeyBundleRecord.FIXED_LENGTH + KeyBundleRecord.KYBER_LENGTH +
                    (ctx.maxPreKeysPerDevice() + 1) / 2 * KeyBundleRecord.PRE_KEY_LENGTH)
                .entries(ctx.keyDirectoryEntries()),
            KEY_DIRECTORY_FILE,
            recover));
        final LegacyDeviceMigration migration = new LegacyDeviceMigration();
        deviceTable = openDeviceTable(migration, recover);
        migratedDevices = migration.devices();
        migratedPresence = migration.presenceRecords();
        openEpoch = nextOpenEpoch();
        // the device table is left to readahead: its slots fill in account order, so neighbours are wanted
        advisedMappings = ctx.randomAccess() ? RandomAccessAdvice.advise(files) : 0;
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
        return openEpoch;
    }

    /**
     * Whether existing table files went through Chronicle's recovery on this open, as they do after a process
     * died without {@link #close()} or when {@link StateContext#recoverOnOpen()} asks for it.
     *
     * @return true if recovered.
     */
    public boolean wasRecovered()
    {
        return wasRecovered;
    }

    /**
     * Mappings of the table files advised as read at random on this open (see {@link StateContext#randomAccess()}).
     *
     * @return the mappings advised, 0 when not asked for or not possible on this platform.
     */
    public int advisedMappings()
    {
        return advisedMappings;
    }

    /**
     * Devices copied on this open from the old {@link #DEVICES_FILE} into {@link #DEVICE_TABLE_FILE}.
     *
     * @return devices, 0 unless this open migrated a data folder.
     */
    public long migratedDevices()
    {
        return migratedDevices;
    }

    /**
     * Presence records copied on this open from the old {@link #PRESENCE_FILE} into {@link #DEVICE_TABLE_FILE}.
     *
     * @return records, 0 unless this open migrated a data folder.
     */
    public long migratedPresence()
    {
        return migratedPresence;
    }

    /**
     * Accounts the device table has slots for: user ids 1..this; {@link Accounts#create(CharSequence)} refuses more.
     *
     * @return the capacity, at least {@link StateContext#maxAccounts()}.
     */
    public long deviceCapacity()
    {
        return deviceTable.capacity();
    }

    /**
     * A new view of the accounts tables for the calling thread.
     *
     * @return a view owning reusable buffers; keep it.
     */
    public Accounts newAccounts()
    {
        return new Accounts(meta, accountsByPhone, accountsById, deviceTable.capacity());
    }

    /**
     * A new view of the devices tables for the calling thread.
     *
     * @return a view owning reusable buffers; keep it.
     */
    public Devices newDevices()
    {
        return new Devices(deviceTable, pushTokens, ctx.maxDevicesPerAccount());
    }

    /**
     * A new view of the presence table for the calling thread.
     *
     * @return a view owning reusable buffers; keep it.
     */
    public Presence newPresence()
    {
        return new Presence(deviceTable, ctx.maxDevicesPerAccount(), openEpoch);
    }

    /**
     * A new view of the blocks table (blocker, blocked) for the calling thread.
     *
     * @return a view owning reusable buffers; keep it.
     */
    public UserPairs newBlocks()
    {
        return new UserPairs(blocks, null);
    }

    /**
     * A new view of the contacts table (user, a user they looked up or messaged) for the calling thread; the route
     * stage is its only writer, of the table and its partner index alike.
     *
     * @return a view owning reusable buffers; keep it.
     */
    public UserPairs newContacts()
    {
        return new UserPairs(contacts, new PartnerIndex(contactPartners));
    }

    /**
     * A new view of the privacy settings for the calling thread.
     *
     * @return a view owning reusable buffers; keep it.
     */
    public Privacy newPrivacy()
    {
        return new Privacy(privacy);
    }

    /**
     * A new view of the group table for the calling thread; the route stage is its only writer.
     *
     * @return a view owning reusable buffers; keep it.
     */
    public Groups newGroups()
    {
        return new Groups(meta, groups, ctx.groupMaxMembers());
    }

    /**
     * A new view of the key directory for the calling thread.
     *
     * @return a view owning reusable buffers; keep it.
     */
    public KeyDirectory newKeyDirectory()
    {
        return new KeyDirectory(keyDirectory, ctx.maxDevicesPerAccount(), ctx.maxPreKeysPerDevice());
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
            final ChronicleMap<?, ?> metaMap = maps.remove(0);
            try
            {
                deviceTable.close();
                closeAll(maps);
                meta.put(metaKey.set(META_CLEAN_CLOSE), metaValue.set(1));
            }
            finally
            {
                maps.add(metaMap);
                closeAll(maps);
            }
        }
    }

    private DeviceTable openDeviceTable(final LegacyDeviceMigration migration, final boolean recover)
    {
        final File file = new File(ctx.dataDir(), DEVICE_TABLE_FILE);
        try
        {
            if (!file.exists())
            {
                // filled under another name and renamed: a crash part way leaves no table, so the next open redoes it
                final File partFile = new File(ctx.dataDir(), DEVICE_TABLE_FILE + ".part");
                Files.deleteIfExists(partFile.toPath());
                final boolean hasOldFiles = new File(ctx.dataDir(), DEVICES_FILE).exists() ||
                    new File(ctx.dataDir(), PRESENCE_FILE).exists();
                try (DeviceTable table = hasOldFiles ?
                    migration.migrate(ctx, partFile, recover) :
                    DeviceTable.create(partFile, ctx.maxAccounts(), ctx.maxDevicesPerAccount()))
                {
                    table.force();
                }
                Files.move(partFile.toPath(), file.toPath(), StandardCopyOption.ATOMIC_MOVE);
                if (hasOldFiles)
                {
                    LoggerFactory.getLogger(SwitchboardState.class).info("state: copied " + migration.devices() +
                        " devices and " + migration.presenceRecords() + " presence records from " + DEVICES_FILE + " and " +
                        PRESENCE_FILE + " into " + DEVICE_TABLE_FILE + " (" + migration.skipped() +
                        " out of range, left behind); the old files are kept but no longer used");
                }
            }

            final DeviceTable table = DeviceTable.open(file, ctx.maxAccounts());
            if (table.stride() != ctx.maxDevicesPerAccount())
            {
                final int oldStride = table.stride();
                final DeviceTable resized = DeviceTableResize.resize(table, ctx.maxDevicesPerAccount());
                LoggerFactory.getLogger(SwitchboardState.class).info("state: " + DEVICE_TABLE_FILE + " resized from " +
                    oldStride + " to " + resized.stride() + " devices an account; the old file is kept as " +
                    DEVICE_TABLE_FILE + DeviceTableResize.BACKUP_SUFFIX);
                return resized;
            }
            return table;
        }
        catch (final IOException ex)
        {
            closeAll(maps);
            throw new UncheckedIOException("cannot open " + file.getAbsolutePath(), ex);
        }
        catch (final RuntimeException ex)
        {
            closeAll(maps);
            throw ex;
        }
    }

    private boolean readAndClearCleanClose()
    {
        metaKey.value = META_CLEAN_CLOSE;
        final boolean cleanClose = null != meta.getUsing(metaKey, metaValue) && 1 == metaValue.value;
        meta.put(metaKey, metaValue.set(0));
        return cleanClose;
    }

    private int nextOpenEpoch()
    {
        metaKey.value = META_OPEN_EPOCH;
        final long previous = null == meta.getUsing(metaKey, metaValue) ? 0 : metaValue.value;
        final int epoch = (int)(previous + 1);
        meta.put(metaKey, metaValue.set(epoch));
        return epoch;
    }

    private ChronicleMap<LongPair, LongRef> userPairs(
        final String name, final String fileName, final long entries, final boolean recover)
    {
        return open(
            ChronicleMapBuilder.of(LongPair.class, LongRef.class)
                .name(name)
                .keyMarshaller(LongPairMarshaller.INSTANCE)
                .constantKeySizeBySample(new LongPair())
                .valueMarshaller(LongRefMarshaller.INSTANCE)
                .constantValueSizeBySample(new LongRef())
                .entries(entries),
            fileName,
            recover);
    }

    private ChronicleMap<LongRef, LongRef> longToLong(
        final String name, final String fileName, final long entries, final boolean recover)
    {
        return open(
            ChronicleMapBuilder.of(LongRef.class, LongRef.class)
                .name(name)
                .keyMarshaller(LongRefMarshaller.INSTANCE)
                .constantKeySizeBySample(new LongRef())
                .valueMarshaller(LongRefMarshaller.INSTANCE)
                .constantValueSizeBySample(new LongRef())
                .entries(entries),
            fileName,
            recover);
    }

    private <K, V> ChronicleMap<K, V> open(
        final ChronicleMapBuilder<K, V> builder, final String fileName, final boolean recover)
    {
        final File file = new File(ctx.dataDir(), fileName);
        files.add(file);
        builder
            .putReturnsNull(true)
            .removeReturnsNull(true)
            .maxBloatFactor(MAX_BLOAT_FACTOR)
            // the process decides when to close; a JVM hook racing the ring stages at shutdown would not help
            .skipCloseOnExitHook(true);
        try
        {
            if (file.exists() && recover)
            {
                // recovery releases segment locks that a killed process still held and checks every entry
                return builder.recoverPersistedTo(file, true);
            }
            return builder.createPersistedTo(file);
        }
        catch (final IOException ex)
        {
            closeAll(maps);
            throw new UncheckedIOException("cannot open " + file.getAbsolutePath(), ex);
        }
        catch (final RuntimeException ex)
        {
            closeAll(maps);
            throw ex;
        }
    }

    private <K, V> ChronicleMap<K, V> track(final ChronicleMap<K, V> map)
    {
        maps.add(map);
        return map;
    }

    private static void closeAll(final List<ChronicleMap<?, ?>> maps)
    {
        RuntimeException error = null;
        for (int i = maps.size() - 1; i >= 0; i--)
        {
            try
            {
                maps.get(i).close();
            }
            catch (final RuntimeException ex)
            {
                if (null == error)
                {
                    error = ex;
                }
                else
                {
                    error.addSuppressed(ex);
                }
            }
        }
        maps.clear();
        if (null != error)
        {
            throw error;
        }
    }
}
