package dev.switchboard.state;

import java.io.File;

/**
 * Defaults for the state tables, each overridable by a -D system property.
 */
public final class StateConfiguration
{
    /** Folder holding the table files. */
    public static final String DATA_DIR_PROP_NAME = "switchboard.state.dir";

    /** Default folder holding the table files. */
    public static final String DATA_DIR_DEFAULT = "switchboard-data" + File.separator + "state";

    /** Accounts the tables are sized for. */
    public static final String MAX_ACCOUNTS_PROP_NAME = "switchboard.state.max.accounts";

    /** Default accounts the tables are sized for. */
    public static final long MAX_ACCOUNTS_DEFAULT = 1_000_000L;

    /** Devices an account may hold, device ids 1..n: the primary (1) and its linked devices. */
    public static final String MAX_DEVICES_PER_ACCOUNT_PROP_NAME = "switchboard.state.max.devices.per.account";

    /** Default devices per account: a primary and four linked devices. */
    public static final int MAX_DEVICES_PER_ACCOUNT_DEFAULT = 5;

    /** Upper bound of devices per account: device ids live in the low 4 bits of a packed key. */
    public static final int MAX_DEVICES_PER_ACCOUNT_LIMIT = 15;

    /** Average devices per account the old Chronicle device and presence tables were sized for (migration only). */
    public static final String AVERAGE_DEVICES_PER_ACCOUNT_PROP_NAME = "switchboard.state.average.devices.per.account";

    /** Default average devices per account. */
    public static final double AVERAGE_DEVICES_PER_ACCOUNT_DEFAULT = 1.5;

    /** Average push token length in bytes, sizing the push token table. */
    public static final String AVERAGE_PUSH_TOKEN_LENGTH_PROP_NAME = "switchboard.state.average.push.token.length";

    /** Default average push token length: FCM tokens run to about 160 bytes, APNs to 32. */
    public static final int AVERAGE_PUSH_TOKEN_LENGTH_DEFAULT = 160;

    /** Longest push token accepted. */
    public static final int MAX_PUSH_TOKEN_LENGTH = 512;

    /**
     * Devices the key directory is sized for; 0 sizes it for a quarter of {@link #MAX_ACCOUNTS_PROP_NAME}. An entry
     * holds up to {@link #MAX_PRE_KEYS_PER_DEVICE_PROP_NAME} prekeys of 37 bytes and a 1,637-byte last-resort Kyber
     * prekey, so this table is the largest: about 3.5 KiB a device. It grows up to four times past its size, each
     * step at some cost.
     */
    public static final String KEY_DIRECTORY_CAPACITY_PROP_NAME = "switchboard.state.key.directory.capacity";

    /** Default devices the key directory is sized for: 0, a quarter of the accounts. */
    public static final long KEY_DIRECTORY_CAPACITY_DEFAULT = 0;

    /** One-time prekeys the key directory holds per device. */
    public static final String MAX_PRE_KEYS_PER_DEVICE_PROP_NAME = "switchboard.state.max.prekeys.per.device";

    /** Default one-time prekeys per device: what a Signal client uploads at a time. */
    public static final int MAX_PRE_KEYS_PER_DEVICE_DEFAULT = 100;

    /** Upper bound of one-time prekeys per device: an entry stays under 40 KiB. */
    public static final int MAX_PRE_KEYS_PER_DEVICE_LIMIT = 1000;

    /** Whether existing table files go through Chronicle's recovery even after a clean close. */
    public static final String RECOVER_ON_OPEN_PROP_NAME = "switchboard.state.recover.on.open";

    /** Default: recover only after an unclean close, when a killed process may have left segment locks held. */
    public static final boolean RECOVER_ON_OPEN_DEFAULT = false;

    /** Whether the table mappings are advised as read at random (madvise MADV_RANDOM) after open. */
    public static final String RANDOM_ACCESS_PROP_NAME = "switchboard.state.random.access";

    /** Default: advised, so a lookup maps the page it reads and not a readahead window around it. */
    public static final boolean RANDOM_ACCESS_DEFAULT = true;

    /** Most members a group may have; past it GROUP_FULL. */
    public static final String GROUP_MAX_MEMBERS_PROP_NAME = "switchboard.groups.max.members";

    /** Default most members a group may have. */
    public static final int GROUP_MAX_MEMBERS_DEFAULT = 1024;

    /** Upper bound of members a group may have: a fan-out record for every member's devices must fit a segment. */
    public static final int GROUP_MAX_MEMBERS_LIMIT = 4096;

    /** Groups the group table is sized for. */
    public static final String GROUP_CAPACITY_PROP_NAME = "switchboard.groups.capacity";

    /** Default groups the group table is sized for. */
    public static final long GROUP_CAPACITY_DEFAULT = 100_000L;

    /** Members per group on average, sizing the group table's entries. */
    public static final String GROUP_AVERAGE_MEMBERS_PROP_NAME = "switchboard.groups.average.members";

    /** Default members per group on average. */
    public static final int GROUP_AVERAGE_MEMBERS_DEFAULT = 32;

    private StateConfiguration()
    {
    }

    /**
     * Folder holding the table files.
     *
     * @return the folder from {@link #DATA_DIR_PROP_NAME} or the default.
     */
    public static File dataDir()
    {
        return new File(System.getProperty(DATA_DIR_PROP_NAME, DATA_DIR_DEFAULT));
    }

    /**
     * Accounts the tables are sized for.
     *
     * @return the value of {@link #MAX_ACCOUNTS_PROP_NAME} or the default.
     */
    public static long maxAccounts()
    {
        return Long.getLong(MAX_ACCOUNTS_PROP_NAME, MAX_ACCOUNTS_DEFAULT);
    }

    /**
     * Linked devices per account.
     *
     * @return the value of {@link #MAX_DEVICES_PER_ACCOUNT_PROP_NAME} or the default.
     */
    public static int maxDevicesPerAccount()
    {
        return Integer.getInteger(MAX_DEVICES_PER_ACCOUNT_PROP_NAME, MAX_DEVICES_PER_ACCOUNT_DEFAULT);
    }

    /**
     * Average devices per account.
     *
     * @return the value of {@link #AVERAGE_DEVICES_PER_ACCOUNT_PROP_NAME} or the default.
     */
    public static double averageDevicesPerAccount()
    {
        final String value = System.getProperty(AVERAGE_DEVICES_PER_ACCOUNT_PROP_NAME);
        return null == value ? AVERAGE_DEVICES_PER_ACCOUNT_DEFAULT : Double.parseDouble(value);
    }

    /**
     * Average push token length in bytes.
     *
     * @return the value of {@link #AVERAGE_PUSH_TOKEN_LENGTH_PROP_NAME} or the default.
     */
    public static int averagePushTokenLength()
    {
        return Integer.getInteger(AVERAGE_PUSH_TOKEN_LENGTH_PROP_NAME, AVERAGE_PUSH_TOKEN_LENGTH_DEFAULT);
    }

    /** Property sizing the contacts table: contacts per account on average. */
    public static final String AVERAGE_CONTACTS_PROP_NAME = "switchboard.state.average.contacts.per.account";

    /** Default contacts per account on average. */
    public static final int AVERAGE_CONTACTS_DEFAULT = 16;

    /**
     * Contacts per account on average, sizing the contacts table.
     *
     * @return the value of {@link #AVERAGE_CONTACTS_PROP_NAME} or the default.
     */
    public static int averageContactsPerAccount()
    {
        return Integer.getInteger(AVERAGE_CONTACTS_PROP_NAME, AVERAGE_CONTACTS_DEFAULT);
    }

    /**
     * Most members a group may have.
     *
     * @return the value of {@link #GROUP_MAX_MEMBERS_PROP_NAME} or the default.
     */
    public static int groupMaxMembers()
    {
        return Integer.getInteger(GROUP_MAX_MEMBERS_PROP_NAME, GROUP_MAX_MEMBERS_DEFAULT);
    }

    /**
     * Groups the group table is sized for.
     *
     * @return the value of {@link #GROUP_CAPACITY_PROP_NAME} or the default.
     */
    public static long groupCapacity()
    {
        return Long.getLong(GROUP_CAPACITY_PROP_NAME, GROUP_CAPACITY_DEFAULT);
    }

    /**
     * Members per group on average, sizing the group table's entries.
     *
     * @return the value of {@link #GROUP_AVERAGE_MEMBERS_PROP_NAME} or the default.
     */
    public static int groupAverageMembers()
    {
        return Integer.getInteger(GROUP_AVERAGE_MEMBERS_PROP_NAME, GROUP_AVERAGE_MEMBERS_DEFAULT);
    }

    /**
     * Devices the key directory is sized for.
     *
     * @return the value of {@link #KEY_DIRECTORY_CAPACITY_PROP_NAME} or the default.
     */
    public static long keyDirectoryCapacity()
    {
        return Long.getLong(KEY_DIRECTORY_CAPACITY_PROP_NAME, KEY_DIRECTORY_CAPACITY_DEFAULT);
    }

    /**
     * One-time prekeys per device.
     *
     * @return the value of {@link #MAX_PRE_KEYS_PER_DEVICE_PROP_NAME} or the default.
     */
    public static int maxPreKeysPerDevice()
    {
        return Integer.getInteger(MAX_PRE_KEYS_PER_DEVICE_PROP_NAME, MAX_PRE_KEYS_PER_DEVICE_DEFAULT);
    }

    /**
     * Whether existing files go through recovery even after a clean close.
     *
     * @return the value of {@link #RECOVER_ON_OPEN_PROP_NAME} or the default.
     */
    public static boolean recoverOnOpen()
    {
        final String value = System.getProperty(RECOVER_ON_OPEN_PROP_NAME);
        return null == value ? RECOVER_ON_OPEN_DEFAULT : Boolean.parseBoolean(value);
    }

    /**
     * Whether the table mappings are advised as read at random after open.
     *
     * @return the value of {@link #RANDOM_ACCESS_PROP_NAME} or the default.
     */
    public static boolean randomAccess()
    {
        final String value = System.getProperty(RANDOM_ACCESS_PROP_NAME);
        return null == value ? RANDOM_ACCESS_DEFAULT : Boolean.parseBoolean(value);
    }
}
