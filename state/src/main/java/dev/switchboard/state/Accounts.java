package dev.switchboard.state;

import net.openhft.chronicle.map.ChronicleMap;

/**
 * Accounts: phone number (E.164) to user id and back. User ids start at 1 and are never reused, across restarts
 * included.
 * <p>
 * A view for one thread: it owns reusable buffers. Only one thread, the registration stage, may call
 * {@link #create(CharSequence)}.
 */
public final class Accounts
{
    /** Returned when there is no such account or the phone number is not valid. */
    public static final long NO_USER = -1;

    /** Shortest E.164 number accepted, in digits. */
    public static final int MIN_PHONE_DIGITS = 8;

    /** Longest E.164 number, in digits. */
    public static final int MAX_PHONE_DIGITS = 15;

    /** Longest E.164 text: '+' and 15 digits. */
    public static final int MAX_PHONE_LENGTH = MAX_PHONE_DIGITS + 1;

    private static final int DIGIT_COUNT_BITS = 4;
    private static final long DIGIT_COUNT_MASK = (1L << DIGIT_COUNT_BITS) - 1;

    private final ChronicleMap<LongRef, LongRef> meta;
    private final ChronicleMap<LongRef, LongRef> byPhone;
    private final ChronicleMap<LongRef, LongRef> byId;
    private final long maxUserId;
    private final LongRef key = new LongRef();
    private final LongRef value = new LongRef();

    Accounts(
        final ChronicleMap<LongRef, LongRef> meta,
        final ChronicleMap<LongRef, LongRef> byPhone,
        final ChronicleMap<LongRef, LongRef> byId,
        final long maxUserId)
    {
        this.meta = meta;
        this.byPhone = byPhone;
        this.byId = byId;
        this.maxUserId = maxUserId;
    }

    /**
     * Whether text is an E.164 number: '+' then 8 to 15 digits, the first not 0 (no country code starts with 0).
     *
     * @param phone text, may be null.
     * @return true if valid.
     */
    public static boolean isValidPhone(final CharSequence phone)
    {
        if (null == phone)
        {
            return false;
        }
        final int length = phone.length();
        if (length < MIN_PHONE_DIGITS + 1 || length > MAX_PHONE_LENGTH || phone.charAt(0) != '+' ||
            phone.charAt(1) == '0')
        {
            return false;
        }
        for (int i = 1; i < length; i++)
        {
            final char c = phone.charAt(i);
            if (c < '0' || c > '9')
            {
                return false;
            }
        }
        return true;
    }

    /**
     * User id of a phone number.
     *
     * @param phone E.164 text.
     * @return the user id, or {@link #NO_USER} if none or the text is not a valid number.
     */
    public long userIdOf(final CharSequence phone)
    {
        if (!isValidPhone(phone))
        {
            return NO_USER;
        }
        key.value = pack(phone);
        return null == byPhone.getUsing(key, value) ? NO_USER : value.value;
    }

    /**
     * Create the account of a phone number, or find it if it exists.
     *
     * @param phone E.164 text.
     * @return the new or existing user id, or {@link #NO_USER} if the text is not a valid number or the device table
     * has no slots for another account (it holds {@link StateContext#maxAccounts()}, or more if it was made larger).
     */
    public long create(final CharSequence phone)
    {
        final long existing = userIdOf(phone);
        if (NO_USER != existing || !isValidPhone(phone))
        {
            return existing;
        }

        final long packedPhone = pack(phone);
        key.value = MetaTable.NEXT_USER_ID;
        final long userId = null == meta.getUsing(key, value) ? 1 : value.value;
        if (userId > maxUserId)
        {
            return NO_USER;
        }
        // the counter moves first: a crash before the mappings land leaves a gap, never a reused id
        meta.put(key, value.set(userId + 1));
        byId.put(key.set(userId), value.set(packedPhone));
        byPhone.put(key.set(packedPhone), value.set(userId));
        return userId;
    }

    /**
     * Append the phone number of a user.
     *
     * @param userId user id.
     * @param into   appended to when found.
     * @return true if the user exists.
     */
    public boolean phoneOf(final long userId, final StringBuilder into)
    {
        if (!exists(userId))
        {
            return false;
        }
        unpack(value.value, into);
        return true;
    }

    /**
     * Whether a user exists.
     *
     * @param userId user id.
     * @return true if it does.
     */
    public boolean exists(final long userId)
    {
        return userId > 0 && null != byId.getUsing(key.set(userId), value);
    }

    /**
     * Next user id to be assigned; one more than the number of accounts ever created.
     *
     * @return the next user id.
     */
    public long nextUserId()
    {
        key.value = MetaTable.NEXT_USER_ID;
        return null == meta.getUsing(key, value) ? 1 : value.value;
    }

    // E.164 has at most 15 digits, so the number with its digit count (kept for leading zeros) fits a long key
    static long pack(final CharSequence phone)
    {
        final int length = phone.length();
        long number = 0;
        for (int i = 1; i < length; i++)
        {
            number = number * 10 + (phone.charAt(i) - '0');
        }
        return (number << DIGIT_COUNT_BITS) | (length - 1);
    }

    static void unpack(final long packedPhone, final StringBuilder into)
    {
        final int digits = (int)(packedPhone & DIGIT_COUNT_MASK);
        long number = packedPhone >>> DIGIT_COUNT_BITS;
        into.append('+');
        final int start = into.length();
        into.setLength(start + digits);
        for (int i = start + digits - 1; i >= start; i--)
        {
            into.setCharAt(i, (char)('0' + (number % 10)));
            number /= 10;
        }
    }
}
