package dev.switchboard.state;

import java.io.File;

/**
 * Settings for {@link SwitchboardState}: seeded from {@link StateConfiguration}, changed by fluent setters,
 * validated by {@link #conclude()}.
 */
public final class StateContext
{
    private boolean isConcluded;
    private File dataDir = StateConfiguration.dataDir();
    private long maxAccounts = StateConfiguration.maxAccounts();
    private int maxDevicesPerAccount = StateConfiguration.maxDevicesPerAccount();
    private double averageDevicesPerAccount = StateConfiguration.averageDevicesPerAccount();
    private int averagePushTokenLength = StateConfiguration.averagePushTokenLength();
    private int averageContactsPerAccount = StateConfiguration.averageContactsPerAccount();
    private boolean recoverOnOpen = StateConfiguration.recoverOnOpen();
    private boolean randomAccess = StateConfiguration.randomAccess();
    private int groupMaxMembers = StateConfiguration.groupMaxMembers();
    private long groupCapacity = StateConfiguration.groupCapacity();
    private int groupAverageMembers = StateConfiguration.groupAverageMembers();
    private long keyDirectoryCapacity = StateConfiguration.keyDirectoryCapacity();
    private int maxPreKeysPerDevice = StateConfiguration.maxPreKeysPerDevice();

    /**
     * Validate the settings and create the data folder; idempotent.
     *
     * @return this for a fluent API.
     * @throws IllegalStateException if a setting is out of range or the folder cannot be made.
     */
    public StateContext conclude()
    {
        if (isConcluded)
        {
            return this;
        }

        if (null == dataDir)
        {
            throw new IllegalStateException("dataDir must be set");
        }
        if (maxAccounts < 1)
        {
            throw new IllegalStateException("maxAccounts must be positive: " + maxAccounts);
        }
        if (maxDevicesPerAccount < 1 || maxDevicesPerAccount > StateConfiguration.MAX_DEVICES_PER_ACCOUNT_LIMIT)
        {
            throw new IllegalStateException("maxDevicesPerAccount must be in 1.." +
                StateConfiguration.MAX_DEVICES_PER_ACCOUNT_LIMIT + ": " + maxDevicesPerAccount);
        }
        if (!(averageDevicesPerAccount >= 1.0) || averageDevicesPerAccount > maxDevicesPerAccount)
        {
            throw new IllegalStateException("averageDevicesPerAccount must be in 1..maxDevicesPerAccount: " +
                averageDevicesPerAccount);
        }
        if (averagePushTokenLength < 1 || averagePushTokenLength > StateConfiguration.MAX_PUSH_TOKEN_LENGTH)
        {
            throw new IllegalStateException("averagePushTokenLength must be in 1.." +
                StateConfiguration.MAX_PUSH_TOKEN_LENGTH + ": " + averagePushTokenLength);
        }
        if (maxAccounts > (Integer.MAX_VALUE - DeviceTable.HEADER_LENGTH) /
            ((long)maxDevicesPerAccount * DeviceTable.SLOT_LENGTH))
        {
            throw new IllegalStateException("maxAccounts x maxDevicesPerAccount x " + DeviceTable.SLOT_LENGTH +
                " bytes must fit one 2 GiB mapping: " + maxAccounts + " x " + maxDevicesPerAccount);
        }
        if (groupMaxMembers < 2 || groupMaxMembers > StateConfiguration.GROUP_MAX_MEMBERS_LIMIT)
        {
            throw new IllegalStateException("groupMaxMembers must be in 2.." +
                StateConfiguration.GROUP_MAX_MEMBERS_LIMIT + ": " + groupMaxMembers);
        }
        if (groupCapacity < 1)
        {
            throw new IllegalStateException("groupCapacity must be positive: " + groupCapacity);
        }
        if (groupAverageMembers < 1)
        {
            throw new IllegalStateException("groupAverageMembers must be positive: " + groupAverageMembers);
        }
        if (keyDirectoryCapacity < 0)
        {
            throw new IllegalStateException("keyDirectoryCapacity must not be negative: " + keyDirectoryCapacity);
        }
        if (maxPreKeysPerDevice < 1 || maxPreKeysPerDevice > StateConfiguration.MAX_PRE_KEYS_PER_DEVICE_LIMIT)
        {
            throw new IllegalStateException("maxPreKeysPerDevice must be in 1.." +
                StateConfiguration.MAX_PRE_KEYS_PER_DEVICE_LIMIT + ": " + maxPreKeysPerDevice);
        }
        if (!dataDir.isDirectory() && !dataDir.mkdirs())
        {
            throw new IllegalStateException("cannot create data folder: " + dataDir.getAbsolutePath());
        }

        isConcluded = true;
        return this;
    }

    /**
     * Folder holding the table files.
     *
     * @param dataDir folder, created by {@link #conclude()} when missing.
     * @return this for a fluent API.
     */
    public StateContext dataDir(final File dataDir)
    {
        this.dataDir = dataDir;
        return this;
    }

    /**
     * Folder holding the table files.
     *
     * @return the folder.
     */
    public File dataDir()
    {
        return dataDir;
    }

    /**
     * Accounts the tables are sized for. The device table gives user ids 1..maxAccounts a slot each (more if its file
     * was made larger before) and {@link Accounts#create(CharSequence)} refuses accounts past that; the Chronicle
     * tables may grow past it at some cost. maxAccounts x maxDevicesPerAccount x 64 bytes must stay under 2 GiB.
     *
     * @param maxAccounts accounts.
     * @return this for a fluent API.
     */
    public StateContext maxAccounts(final long maxAccounts)
    {
        this.maxAccounts = maxAccounts;
        return this;
    }

    /**
     * Accounts the tables are sized for.
     *
     * @return accounts.
     */
    public long maxAccounts()
    {
        return maxAccounts;
    }

    /**
     * Linked devices an account may hold; device ids run 1..maxDevicesPerAccount. The device table is laid out with
     * this many slots an account when first made; a later open may ask for fewer, not more.
     *
     * @param maxDevicesPerAccount devices, at most {@link StateConfiguration#MAX_DEVICES_PER_ACCOUNT_LIMIT}.
     * @return this for a fluent API.
     */
    public StateContext maxDevicesPerAccount(final int maxDevicesPerAccount)
    {
        this.maxDevicesPerAccount = maxDevicesPerAccount;
        return this;
    }

    /**
     * Linked devices an account may hold.
     *
     * @return devices.
     */
    public int maxDevicesPerAccount()
    {
        return maxDevicesPerAccount;
    }

    /**
     * Average devices per account the old Chronicle device and presence tables were sized for; used only to open
     * them for a one-off migration into the dense device table, which has a slot for every device id.
     *
     * @param averageDevicesPerAccount average, 1..maxDevicesPerAccount.
     * @return this for a fluent API.
     */
    public StateContext averageDevicesPerAccount(final double averageDevicesPerAccount)
    {
        this.averageDevicesPerAccount = averageDevicesPerAccount;
        return this;
    }

    /**
     * Average devices per account the device and presence tables are sized for.
     *
     * @return average.
     */
    public double averageDevicesPerAccount()
    {
        return averageDevicesPerAccount;
    }

    /**
     * Average push token length in bytes, sizing the push token table.
     *
     * @param averagePushTokenLength bytes.
     * @return this for a fluent API.
     */
    public StateContext averagePushTokenLength(final int averagePushTokenLength)
    {
        this.averagePushTokenLength = averagePushTokenLength;
        return this;
    }

    /**
     * Average push token length in bytes.
     *
     * @return bytes.
     */
    public int averagePushTokenLength()
    {
        return averagePushTokenLength;
    }

    /**
     * Contacts per account on average, sizing the contacts table.
     *
     * @param averageContactsPerAccount contacts, at least 1.
     * @return this for a fluent API.
     */
    public StateContext averageContactsPerAccount(final int averageContactsPerAccount)
    {
        this.averageContactsPerAccount = Math.max(1, averageContactsPerAccount);
        return this;
    }

    /**
     * Contacts per account on average.
     *
     * @return contacts.
     */
    public int averageContactsPerAccount()
    {
        return averageContactsPerAccount;
    }

    /**
     * Whether existing files go through Chronicle's recovery even after a clean close; after an unclean one, when a
     * killed process may have left segment locks held, they always do.
     *
     * @param recoverOnOpen true to always recover.
     * @return this for a fluent API.
     */
    public StateContext recoverOnOpen(final boolean recoverOnOpen)
    {
        this.recoverOnOpen = recoverOnOpen;
        return this;
    }

    /**
     * Whether existing files go through recovery even after a clean close.
     *
     * @return true to always recover.
     */
    public boolean recoverOnOpen()
    {
        return recoverOnOpen;
    }

    /**
     * Whether the table mappings are advised as read at random (madvise MADV_RANDOM) once open, so a lookup maps the
     * page it reads rather than a readahead window around it.
     *
     * @param randomAccess true to advise.
     * @return this for a fluent API.
     */
    public StateContext randomAccess(final boolean randomAccess)
    {
        this.randomAccess = randomAccess;
        return this;
    }

    /**
     * Whether the table mappings are advised as read at random once open.
     *
     * @return true to advise.
     */
    public boolean randomAccess()
    {
        return randomAccess;
    }

    /**
     * Most members a group may have; a change past it is refused GROUP_FULL.
     *
     * @param groupMaxMembers members, 2..{@link StateConfiguration#GROUP_MAX_MEMBERS_LIMIT}.
     * @return this for a fluent API.
     */
    public StateContext groupMaxMembers(final int groupMaxMembers)
    {
        this.groupMaxMembers = groupMaxMembers;
        return this;
    }

    /**
     * Devices the key directory is sized for (it may grow up to four times past them, at some cost); 0 sizes it for
     * a quarter of {@link #maxAccounts()}. Each takes about 2 KiB of file with the default 100 prekeys a device.
     *
     * @param keyDirectoryCapacity devices, or 0.
     * @return this for a fluent API.
     */
    public StateContext keyDirectoryCapacity(final long keyDirectoryCapacity)
    {
        this.keyDirectoryCapacity = keyDirectoryCapacity;
        return this;
    }

    /**
     * Most members a group may have.
     *
     * @return members.
     */
    public int groupMaxMembers()
    {
        return groupMaxMembers;
    }

    /**
     * Groups the group table is sized for; Chronicle lets it grow past that at some cost, then refuses.
     *
     * @param groupCapacity groups.
     * @return this for a fluent API.
     */
    public StateContext groupCapacity(final long groupCapacity)
    {
        this.groupCapacity = groupCapacity;
        return this;
    }

    /**
     * Devices the key directory is sized for, 0 meaning a quarter of the accounts.
     *
     * @return devices, or 0.
     */
    public long keyDirectoryCapacity()
    {
        return keyDirectoryCapacity;
    }

    /**
     * One-time prekeys the key directory holds per device; an upload past them is refused.
     *
     * @param maxPreKeysPerDevice prekeys, 1..{@link StateConfiguration#MAX_PRE_KEYS_PER_DEVICE_LIMIT}.
     * @return this for a fluent API.
     */
    public StateContext maxPreKeysPerDevice(final int maxPreKeysPerDevice)
    {
        this.maxPreKeysPerDevice = maxPreKeysPerDevice;
        return this;
    }

    /**
     * Groups the group table is sized for.
     *
     * @return groups.
     */
    public long groupCapacity()
    {
        return groupCapacity;
    }

    /**
     * Members per group on average, sizing the group table's entries; at most groupMaxMembers counts.
     *
     * @param groupAverageMembers members, at least 1.
     * @return this for a fluent API.
     */
    public StateContext groupAverageMembers(final int groupAverageMembers)
    {
        this.groupAverageMembers = groupAverageMembers;
        return this;
    }

    /**
     * Members per group on average.
     *
     * @return members.
     */
    public int groupAverageMembers()
    {
        return groupAverageMembers;
    }

    /**
     * One-time prekeys the key directory holds per device.
     *
     * @return prekeys.
     */
    public int maxPreKeysPerDevice()
    {
        return maxPreKeysPerDevice;
    }

    /**
     * Entries the key directory is sized for.
     *
     * @return entries.
     */
    long keyDirectoryEntries()
    {
        return keyDirectoryCapacity > 0 ? keyDirectoryCapacity : Math.max(1L, maxAccounts / 4);
    }

    /**
     * Entries the old device and presence tables were sized for, to open them for migration.
     *
     * @return entries.
     */
    long deviceEntries()
    {
        return Math.max(1L, (long)Math.ceil(maxAccounts * averageDevicesPerAccount));
    }
}
