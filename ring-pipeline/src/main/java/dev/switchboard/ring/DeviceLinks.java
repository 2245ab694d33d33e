package dev.switchboard.ring;

import org.agrona.collections.Long2ObjectHashMap;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Link codes and the links in progress, on the session stage only. A code is 12 characters of a 31-symbol alphabet
 * drawn from {@link SecureRandom}: over 59 bits, so with {@code switchboard.link.address.attempts.per.hour} tries an address
 * (each LinkDevice costs one, right or wrong) a guess has no real chance. One code per account at a time, used once:
 * the first device to offer it takes it, and it is gone whatever the primary answers.
 */
final class DeviceLinks
{
    static final int OK = 0;
    static final int NO_CODE = 1;
    static final int EXPIRED = 2;
    static final int TOO_MANY_ATTEMPTS = 3;

    static final int CODE_LENGTH = 12;
    /** Bytes of SHA-256 of the new login key the primary and the new device both show. */
    static final int FINGERPRINT_LENGTH = 10;
    /** No 0/O or 1/I/L: a code is read off one screen and typed on another. */
    static final char[] ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789".toCharArray();

    private static final long ADDRESS_WINDOW_NS = TimeUnit.HOURS.toNanos(1);

    private final Map<String, DeviceLink> linkByCode = new HashMap<>();
    private final Long2ObjectHashMap<DeviceLink> linkById = new Long2ObjectHashMap<>();
    private final Long2ObjectHashMap<DeviceLink> linkByUser = new Long2ObjectHashMap<>();
    private final SecureRandom random = new SecureRandom();
    private final FixedWindowQuota attemptsByAddress;
    private final MessageDigest sha256;
    private final long ttlNs;
    private long nextLinkId = 1;
    private DeviceLink found;

    DeviceLinks(final long ttlNs, final int attemptsPerAddressPerHour)
    {
        this.ttlNs = ttlNs;
        attemptsByAddress = new FixedWindowQuota(ADDRESS_WINDOW_NS, attemptsPerAddressPerHour);
        try
        {
            sha256 = MessageDigest.getInstance("SHA-256");
        }
        catch (final NoSuchAlgorithmException ex)
        {
            throw new IllegalStateException(ex);
        }
    }

    long ttlSeconds()
    {
        return TimeUnit.NANOSECONDS.toSeconds(ttlNs);
    }

    /**
     * A new code for the account, replacing any link of it still in progress.
     */
    DeviceLink start(final long userId, final long nowNs)
    {
        final DeviceLink previous = linkByUser.get(userId);
        if (null != previous)
        {
            remove(previous);
        }
        String code;
        do
        {
            final char[] chars = new char[CODE_LENGTH];
            for (int i = 0; i < CODE_LENGTH; i++)
            {
                chars[i] = ALPHABET[random.nextInt(ALPHABET.length)];
            }
            code = new String(chars);
        }
        while (linkByCode.containsKey(code));

        final DeviceLink link = new DeviceLink(nextLinkId++, userId, code, nowNs + ttlNs);
        linkByCode.put(code, link);
        linkById.put(link.linkId, link);
        linkByUser.put(userId, link);
        return link;
    }

    /**
     * A new device offers a code: on {@link #OK} the link is {@link #found()}, taken by this device (the code is used
     * up); every call costs the source address one attempt.
     */
    int offer(final String code, final long remoteAddress, final long nowNs)
    {
        found = null;
        if (!attemptsByAddress.tryTake(remoteAddress, 1, nowNs))
        {
            return TOO_MANY_ATTEMPTS;
        }
        final DeviceLink link = linkByCode.get(normalise(code));
        if (null == link || link.offered)
        {
            return NO_CODE;
        }
        if (nowNs - link.expiresNs >= 0)
        {
            remove(link);
            return EXPIRED;
        }
        linkByCode.remove(link.code);
        link.offered = true;
        link.expiresNs = nowNs + ttlNs; // the primary's user now has as long to answer
        found = link;
        return OK;
    }

    DeviceLink found()
    {
        return found;
    }

    /**
     * The offered link the account's primary answers, or null if there is none (expired, answered, another account's).
     */
    DeviceLink offered(final long userId, final long linkId, final long nowNs)
    {
        final DeviceLink link = linkById.get(linkId);
        if (null == link || link.userId != userId || !link.offered)
        {
            return null;
        }
        if (nowNs - link.expiresNs >= 0)
        {
            remove(link);
            return null;
        }
        return link;
    }

    void remove(final DeviceLink link)
    {
        linkByCode.remove(link.code);
        linkById.remove(link.linkId);
        if (linkByUser.get(link.userId) == link)
        {
            linkByUser.remove(link.userId);
        }
    }

    /**
     * The first {@link #FINGERPRINT_LENGTH} bytes of SHA-256 of a login key, what both screens show.
     */
    void fingerprint(final byte[] loginKey, final byte[] into)
    {
        final byte[] digest = sha256.digest(loginKey);
        System.arraycopy(digest, 0, into, 0, FINGERPRINT_LENGTH);
    }

    /**
     * Forget links past their expiry and address windows past their hour, so memory stays bounded.
     */
    void expire(final long nowNs)
    {
        final Iterator<DeviceLink> links = linkById.values().iterator();
        while (links.hasNext())
        {
            final DeviceLink link = links.next();
            if (nowNs - link.expiresNs >= 0)
            {
                links.remove();
                linkByCode.remove(link.code);
                if (linkByUser.get(link.userId) == link)
                {
                    linkByUser.remove(link.userId);
                }
            }
        }
        attemptsByAddress.sweep(nowNs);
    }

    int size()
    {
        return linkById.size();
    }

    private static String normalise(final String code)
    {
        final StringBuilder builder = new StringBuilder(CODE_LENGTH);
        for (int i = 0; i < code.length(); i++)
        {
            final char c = code.charAt(i);
            if (c != '-' && c != ' ')
            {
                builder.append(Character.toUpperCase(c));
            }
        }
        return builder.toString();
    }
}
