package dev.switchboard.edge;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.UnknownHostException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RemoteAddressKeyTest
{
    @Test
    void shouldKeyAnIpv4AddressByItself() throws UnknownHostException
    {
        assertEquals(0xC0A80101L, RemoteAddressKey.of(InetAddress.getByName("192.168.1.1")));
        assertEquals(0x7F000001L, RemoteAddressKey.of(InetAddress.getByName("127.0.0.1")));
    }

    @Test
    void shouldKeyIpv6AddressesByTheirSlash64() throws UnknownHostException
    {
        final long first = RemoteAddressKey.of(InetAddress.getByName("2001:db8:1:2::1"));
        final long sameSubnet = RemoteAddressKey.of(InetAddress.getByName("2001:db8:1:2:ffff:eeee:dddd:cccc"));
        final long otherSubnet = RemoteAddressKey.of(InetAddress.getByName("2001:db8:1:3::1"));

        assertEquals(first, sameSubnet);
        assertNotEquals(first, otherSubnet);
        assertTrue(Long.compareUnsigned(first, 1L << 32) >= 0, "never an IPv4 key");
    }

    @Test
    void shouldNotKeyIpv6LoopbackAsUnknown() throws UnknownHostException
    {
        final long loopback = RemoteAddressKey.of(InetAddress.getByName("::1"));
        assertNotEquals(0, loopback);
        assertTrue(Long.compareUnsigned(loopback, 1L << 32) >= 0);
    }
}
