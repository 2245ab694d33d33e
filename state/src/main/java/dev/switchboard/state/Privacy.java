package dev.switchboard.state;

import net.openhft.chronicle.map.ChronicleMap;

/**
 * Each user's privacy settings: who may see their last seen time and whether they are online.
 * Visibility values follow the wire's Visibility enum: 0 everyone (the default), 1 contacts, 2 nobody.
 */
public final class Privacy
{
    public static final int EVERYONE = 0;
    public static final int CONTACTS = 1;
    public static final int NOBODY = 2;

    private final ChronicleMap<LongRef, LongRef> settings;
    private final LongRef key = new LongRef();
    private final LongRef value = new LongRef();

    Privacy(final ChronicleMap<LongRef, LongRef> settings)
    {
        this.settings = settings;
    }

    public void set(final long userId, final int lastSeenVisibility, final int onlineVisibility)
    {
        settings.put(key.set(userId), value.set(((long)onlineVisibility << 8) | lastSeenVisibility));
    }

    public int lastSeenVisibility(final long userId)
    {
        return null == settings.getUsing(key.set(userId), value) ? EVERYONE : (int)(value.value & 0xFF);
    }

    public int onlineVisibility(final long userId)
    {
        return null == settings.getUsing(key.set(userId), value) ? EVERYONE : (int)((value.value >>> 8) & 0xFF);
    }
}
