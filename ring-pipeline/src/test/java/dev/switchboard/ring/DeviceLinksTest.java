package dev.switchboard.ring;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DeviceLinksTest
{
    private static final long TTL_NS = 1_000;
    private static final long ADDRESS = 7;

    private final DeviceLinks links = new DeviceLinks(TTL_NS, 4);

    @Test
    void shouldDrawTwelveCharacterCodesFromTheAlphabetWithoutRepeats()
    {
        final DeviceLinks many = new DeviceLinks(TTL_NS, 4);
        final Set<String> seen = new HashSet<>();
        for (int user = 1; user <= 1_000; user++)
        {
            final String code = many.start(user, 0).code;
            assertEquals(DeviceLinks.CODE_LENGTH, code.length());
            assertTrue(code.matches("[ABCDEFGHJKMNPQRSTUVWXYZ2-9]+"), code);
            assertTrue(seen.add(code), "a code repeated: " + code);
        }
        assertEquals(1_000, many.size());
    }

    @Test
    void shouldHandACodeToTheFirstDeviceOnlyIgnoringCaseAndDashes()
    {
        final DeviceLink link = links.start(42, 0);
        final String typed = link.code.substring(0, 4).toLowerCase() + "-" + link.code.substring(4);
        assertEquals(DeviceLinks.OK, links.offer(typed, ADDRESS, 10));
        assertSame(link, links.found());
        assertEquals(DeviceLinks.NO_CODE, links.offer(link.code, ADDRESS, 20), "used once");
        assertSame(link, links.offered(42, link.linkId, 30));
        assertNull(links.offered(43, link.linkId, 30), "another account's link");
    }

    @Test
    void shouldReplaceAnAccountsCodeAndExpireCodesAndLinks()
    {
        final DeviceLink first = links.start(42, 0);
        final DeviceLink second = links.start(42, 0);
        assertNotEquals(first.code, second.code);
        assertEquals(DeviceLinks.NO_CODE, links.offer(first.code, ADDRESS, 10));
        assertEquals(DeviceLinks.EXPIRED, links.offer(second.code, ADDRESS, TTL_NS));

        final DeviceLink third = links.start(42, 2 * TTL_NS);
        assertEquals(DeviceLinks.OK, links.offer(third.code, ADDRESS + 1, 2 * TTL_NS + 500));
        assertSame(third, links.offered(42, third.linkId, 3 * TTL_NS + 499), "the primary has the lifetime again");
        links.expire(3 * TTL_NS + 500);
        assertEquals(0, links.size());
        assertNull(links.offered(42, third.linkId, 3 * TTL_NS + 501));
    }

    @Test
    void shouldLimitAttemptsPerAddressRightOrWrong()
    {
        final DeviceLink link = links.start(42, 0);
        for (int i = 0; i < 4; i++)
        {
            assertEquals(DeviceLinks.NO_CODE, links.offer("WRONGCODE234", ADDRESS, 10));
        }
        assertEquals(DeviceLinks.TOO_MANY_ATTEMPTS, links.offer(link.code, ADDRESS, 10));
        assertEquals(DeviceLinks.OK, links.offer(link.code, ADDRESS + 1, 10), "another address has its own tries");
    }

    @Test
    void shouldShowBothScreensTheSameFingerprint()
    {
        final byte[] key = new byte[32];
        key[0] = 1;
        final byte[] a = new byte[DeviceLinks.FINGERPRINT_LENGTH];
        final byte[] b = new byte[DeviceLinks.FINGERPRINT_LENGTH];
        links.fingerprint(key, a);
        links.fingerprint(key.clone(), b);
        assertArrayEquals(a, b);
        key[31] = 1;
        links.fingerprint(key, b);
        assertFalse(Arrays.equals(a, b));
    }
}
