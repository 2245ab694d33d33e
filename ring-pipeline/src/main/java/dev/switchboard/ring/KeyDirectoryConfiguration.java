package dev.switchboard.ring;

/**
 * Defaults of the key directory's flows (KeyBundleUpload, KeyBundleFetch, PreKeyStock), each overridable by a
 * system property. The table itself is sized by the state's properties.
 */
public final class KeyDirectoryConfiguration
{
    /** KeyBundleFetch requests a user may make per minute, all its devices together. */
    public static final String FETCHES_PER_MINUTE_PROP_NAME = "switchboard.keys.fetches.per.minute";

    /** Default fetches per user per minute: a burst of new conversations, not a sweep of the directory. */
    public static final int FETCHES_PER_MINUTE_DEFAULT = 20;

    /** KeyBundleFetch requests a user may make per 24 hours, all its devices together. */
    public static final String FETCHES_PER_DAY_PROP_NAME = "switchboard.keys.fetches.per.day";

    /** Default fetches per user per day. */
    public static final int FETCHES_PER_DAY_DEFAULT = 500;

    /** A device whose one-time prekeys fall below this many is told to upload more (PreKeyStock). */
    public static final String PRE_KEY_LOW_STOCK_PROP_NAME = "switchboard.keys.prekey.low.stock";

    /** Default low-stock threshold. */
    public static final int PRE_KEY_LOW_STOCK_DEFAULT = 10;

    private KeyDirectoryConfiguration()
    {
    }

    /**
     * @return the value of {@link #FETCHES_PER_MINUTE_PROP_NAME} or the default.
     */
    public static int fetchesPerMinute()
    {
        return Integer.getInteger(FETCHES_PER_MINUTE_PROP_NAME, FETCHES_PER_MINUTE_DEFAULT);
    }

    /**
     * @return the value of {@link #FETCHES_PER_DAY_PROP_NAME} or the default.
     */
    public static int fetchesPerDay()
    {
        return Integer.getInteger(FETCHES_PER_DAY_PROP_NAME, FETCHES_PER_DAY_DEFAULT);
    }

    /**
     * @return the value of {@link #PRE_KEY_LOW_STOCK_PROP_NAME} or the default.
     */
    public static int preKeyLowStock()
    {
        return Integer.getInteger(PRE_KEY_LOW_STOCK_PROP_NAME, PRE_KEY_LOW_STOCK_DEFAULT);
    }
}
