package dev.switchboard.edge;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;

/**
 * The key a connection's source address is limited by (registration codes per address and hour): an IPv4 address
 * itself, or an IPv6 address's /64 prefix, since one subscriber usually holds a whole /64 and could otherwise take a
 * fresh budget for every address in it.
 * <pre>
 *   IPv4:  0x00000000_AABBCCDD                     (below 2^32)
 *   IPv6:  first 8 bytes of the address, top bit set (never below 2^32; ::1 included)
 * </pre>
 * 0 means unknown.
 */
final class RemoteAddressKey
{
    private static final long IPV6_TAG = 1L << 63;

    private RemoteAddressKey()
    {
    }

    static long of(final InetAddress address)
    {
        final byte[] bytes = address.getAddress();
        if (address instanceof Inet4Address)
        {
            return ((bytes[0] & 0xFFL) << 24) | ((bytes[1] & 0xFFL) << 16) | ((bytes[2] & 0xFFL) << 8) |
                (bytes[3] & 0xFFL);
        }
        if (address instanceof Inet6Address)
        {
            long prefix = 0;
            for (int i = 0; i < 8; i++)
            {
                prefix = (prefix << 8) | (bytes[i] & 0xFFL);
            }
            // Global unicast space (2000::/3) has the top bit clear, so the tag separates without merging prefixes.
            return prefix | IPV6_TAG;
        }
        return 0;
    }
}
