package dev.switchboard.state;

import net.openhft.chronicle.map.ChronicleMapBuilder;

/**
 * The key and value layout and the size of each Chronicle table in the data folder, as its file is made: a table's
 * name, marshallers and sizing are set here and nowhere else.
 */
final class TableLayouts
{
    private TableLayouts()
    {
    }

    static ChronicleMapBuilder<LongRef, LongRef> meta()
    {
        return longToLong("meta", MetaTable.ENTRIES);
    }

    static ChronicleMapBuilder<LongRef, LongRef> accountsByPhone(final StateContext ctx)
    {
        return longToLong("accounts-by-phone", ctx.maxAccounts());
    }

    static ChronicleMapBuilder<LongRef, LongRef> accountsById(final StateContext ctx)
    {
        return longToLong("accounts-by-id", ctx.maxAccounts());
    }

    static ChronicleMapBuilder<LongRef, PushTokenRecord> pushTokens(final StateContext ctx)
    {
        return ChronicleMapBuilder.of(LongRef.class, PushTokenRecord.class)
            .name("push-tokens")
            .keyMarshaller(LongRefMarshaller.INSTANCE)
            .constantKeySizeBySample(new LongRef())
            .valueMarshaller(PushTokenRecordMarshaller.INSTANCE)
            .averageValueSize(1 + ctx.averagePushTokenLength())
            // about one pushable device per account: desktop and web devices usually register none
            .entries(ctx.maxAccounts());
    }

    static ChronicleMapBuilder<LongPair, LongRef> blocks(final StateContext ctx)
    {
        return userPairs("blocks", ctx.maxAccounts());
    }

    static ChronicleMapBuilder<LongPair, LongRef> contacts(final StateContext ctx)
    {
        return userPairs("contacts", ctx.maxAccounts() * ctx.averageContactsPerAccount());
    }

    static ChronicleMapBuilder<LongRef, PartnerList> contactPartners(final StateContext ctx)
    {
        return ChronicleMapBuilder.of(LongRef.class, PartnerList.class)
            .name("contact-partners")
            .keyMarshaller(LongRefMarshaller.INSTANCE)
            .constantKeySizeBySample(new LongRef())
            .valueMarshaller(PartnerListMarshaller.INSTANCE)
            // each pair lists each of its users once on the other's side
            .averageValueSize(2 * Long.BYTES * ctx.averageContactsPerAccount())
            .entries(ctx.maxAccounts());
    }

    static ChronicleMapBuilder<LongRef, LongRef> privacy(final StateContext ctx)
    {
        return longToLong("privacy", ctx.maxAccounts());
    }

    static ChronicleMapBuilder<LongRef, GroupRecord> groups(final StateContext ctx)
    {
        final int averageMembers = Math.min(ctx.groupAverageMembers(), ctx.groupMaxMembers());
        final GroupRecord averageGroup = new GroupRecord(averageMembers);
        for (int i = 0; i < averageMembers; i++)
        {
            averageGroup.add(i + 1, GroupRecord.MEMBER);
        }
        averageGroup.nameLength(16);
        return ChronicleMapBuilder.of(LongRef.class, GroupRecord.class)
            .name("groups")
            .keyMarshaller(LongRefMarshaller.INSTANCE)
            .constantKeySizeBySample(new LongRef())
            .valueMarshaller(GroupRecordMarshaller.INSTANCE)
            .averageValueSize(averageGroup.storedLength())
            .entries(ctx.groupCapacity());
    }

    static ChronicleMapBuilder<LongRef, KeyBundleRecord> keyDirectory(final StateContext ctx)
    {
        return ChronicleMapBuilder.of(LongRef.class, KeyBundleRecord.class)
            .name("key-directory")
            .keyMarshaller(LongRefMarshaller.INSTANCE)
            .constantKeySizeBySample(new LongRef())
            .valueMarshaller(KeyBundleRecordMarshaller.INSTANCE)
            // a device's stock runs between full and the low-stock threshold: sized for it half full, with the
            // Kyber prekey every current client uploads
            .averageValueSize(KeyBundleRecord.FIXED_LENGTH + KeyBundleRecord.KYBER_LENGTH +
                (ctx.maxPreKeysPerDevice() + 1) / 2 * KeyBundleRecord.PRE_KEY_LENGTH)
            .entries(ctx.keyDirectoryEntries());
    }

    private static ChronicleMapBuilder<LongPair, LongRef> userPairs(final String name, final long entries)
    {
        return ChronicleMapBuilder.of(LongPair.class, LongRef.class)
            .name(name)
            .keyMarshaller(LongPairMarshaller.INSTANCE)
            .constantKeySizeBySample(new LongPair())
            .valueMarshaller(LongRefMarshaller.INSTANCE)
            .constantValueSizeBySample(new LongRef())
            .entries(entries);
    }

    private static ChronicleMapBuilder<LongRef, LongRef> longToLong(final String name, final long entries)
    {
        return ChronicleMapBuilder.of(LongRef.class, LongRef.class)
            .name(name)
            .keyMarshaller(LongRefMarshaller.INSTANCE)
            .constantKeySizeBySample(new LongRef())
            .valueMarshaller(LongRefMarshaller.INSTANCE)
            .constantValueSizeBySample(new LongRef())
            .entries(entries);
    }
}
