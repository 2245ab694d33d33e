package dev.switchboard.state;

import net.openhft.chronicle.map.ChronicleMap;

import java.io.File;

/**
 * Every table of one open data folder: the Chronicle Maps and the dense {@link DeviceTable}. Opens them in order,
 * through Chronicle's recovery when the last open did not close cleanly, and closes them marking the close clean.
 */
final class StateTables
{
    final MetaTable meta;
    final ChronicleMap<LongRef, LongRef> accountsByPhone;
    final ChronicleMap<LongRef, LongRef> accountsById;
    final ChronicleMap<LongRef, PushTokenRecord> pushTokens;
    final ChronicleMap<LongPair, LongRef> blocks;
    final ChronicleMap<LongPair, LongRef> contacts;
    final ChronicleMap<LongRef, PartnerList> contactPartners;
    final ChronicleMap<LongRef, LongRef> privacy;
    final ChronicleMap<LongRef, GroupRecord> groups;
    final ChronicleMap<LongRef, KeyBundleRecord> keyDirectory;
    final DeviceTable deviceTable;
    final boolean wasRecovered;
    final long migratedDevices;
    final long migratedPresence;
    final int openEpoch;
    final int advisedMappings;
    private final PersistedMaps maps;

    /**
     * Open every table of the context's data folder, creating those not there.
     *
     * @param ctx concluded settings.
     * @throws java.io.UncheckedIOException if a table file cannot be created or read; the tables opened are closed.
     */
    StateTables(final StateContext ctx)
    {
        maps = new PersistedMaps(ctx.dataDir());
        // the small meta table is always recovered; it says whether the others were closed cleanly
        meta = new MetaTable(maps.open(TableLayouts.meta(), SwitchboardState.META_FILE, true));
        final boolean recover = ctx.recoverOnOpen() || !meta.readAndClearCleanClose();
        wasRecovered = recover;
        accountsByPhone = maps.open(
            TableLayouts.accountsByPhone(ctx), SwitchboardState.ACCOUNTS_BY_PHONE_FILE, recover);
        accountsById = maps.open(TableLayouts.accountsById(ctx), SwitchboardState.ACCOUNTS_BY_ID_FILE, recover);
        pushTokens = maps.open(TableLayouts.pushTokens(ctx), SwitchboardState.PUSH_TOKENS_FILE, recover);
        blocks = maps.open(TableLayouts.blocks(ctx), SwitchboardState.BLOCKS_FILE, recover);
        contacts = maps.open(TableLayouts.contacts(ctx), SwitchboardState.CONTACTS_FILE, recover);
        final boolean hadContactPartners = new File(ctx.dataDir(), SwitchboardState.CONTACT_PARTNERS_FILE).exists();
        contactPartners = maps.open(
            TableLayouts.contactPartners(ctx), SwitchboardState.CONTACT_PARTNERS_FILE, recover);
        if (!hadContactPartners || recover)
        {
            // a new index over an existing table, or one a crash may have left behind the table: made again
            try
            {
                new PartnerIndex(contactPartners).rebuild(contacts);
            }
            catch (final RuntimeException ex)
            {
                maps.closeAll();
                throw ex;
            }
        }
        privacy = maps.open(TableLayouts.privacy(ctx), SwitchboardState.PRIVACY_FILE, recover);
        groups = maps.open(TableLayouts.groups(ctx), SwitchboardState.GROUPS_FILE, recover);
        keyDirectory = maps.open(TableLayouts.keyDirectory(ctx), SwitchboardState.KEY_DIRECTORY_FILE, recover);
        final LegacyDeviceMigration migration = new LegacyDeviceMigration();
        try
        {
            deviceTable = DeviceTableOpener.open(ctx, migration, recover);
        }
        catch (final RuntimeException ex)
        {
            maps.closeAll();
            throw ex;
        }
        migratedDevices = migration.devices();
        migratedPresence = migration.presenceRecords();
        openEpoch = meta.nextOpenEpoch();
        // the device table is left to readahead: its slots fill in account order, so neighbours are wanted
        advisedMappings = ctx.randomAccess() ? RandomAccessAdvice.advise(maps.files()) : 0;
    }

    /**
     * Close every table; the meta table last, once it has recorded that the others closed cleanly.
     */
    void close()
    {
        try
        {
            deviceTable.close();
            maps.closeAllBut(meta.map());
            meta.markCleanClose();
        }
        finally
        {
            maps.closeAll();
        }
    }
}
