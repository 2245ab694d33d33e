package dev.switchboard.state;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DevicesTest
{
    private static final long USER = 42;

    @TempDir
    Path dir;

    private SwitchboardState state;

    @AfterEach
    void after()
    {
        if (null != state)
        {
            state.close();
        }
    }

    @Test
    void shouldAddDevicesAndReadTheirKeys()
    {
        state = TestStates.open(dir);
        final Devices devices = state.newDevices();

        assertEquals(1, devices.addDevice(USER, TestStates.key(1), 1001));
        assertEquals(2, devices.addDevice(USER, TestStates.key(2), 1002));

        final byte[] key = new byte[32];
        assertTrue(devices.loginKey(USER, 2, key));
        assertArrayEquals(TestStates.key(2), key);
        assertEquals(1001, devices.registrationId(USER, 1));
        assertTrue(devices.exists(USER, 1));
        assertFalse(devices.exists(USER, 3));
        assertFalse(devices.exists(USER + 1, 1));
        assertFalse(devices.loginKey(USER, 3, key));
        assertEquals(-1, devices.registrationId(USER, 3));
    }

    @Test
    void shouldReturnTheSameDeviceForTheSameLoginKey()
    {
        state = TestStates.open(dir);
        final Devices devices = state.newDevices();

        final int first = devices.addDevice(USER, TestStates.key(1), 1001);
        assertEquals(first, devices.addDevice(USER, TestStates.key(1), 1001));
        assertEquals(first, devices.addDevice(USER, TestStates.key(1), 2002));
        assertEquals(2002, devices.registrationId(USER, first));

        final int[] ids = new int[4];
        assertEquals(1, devices.deviceIds(USER, ids));
    }

    @Test
    void shouldRefuseTheFifthDevice()
    {
        state = TestStates.open(dir);
        final Devices devices = state.newDevices();

        for (int i = 1; i <= 4; i++)
        {
            assertEquals(i, devices.addDevice(USER, TestStates.key(i), i));
        }
        assertEquals(Devices.DEVICE_LIMIT, devices.addDevice(USER, TestStates.key(5), 5));
        assertEquals(3, devices.addDevice(USER, TestStates.key(3), 3));

        final int[] ids = new int[4];
        assertEquals(4, devices.deviceIds(USER, ids));
        assertArrayEquals(new int[]{ 1, 2, 3, 4 }, ids);
    }

    @Test
    void shouldReuseTheSlotOfARemovedDevice()
    {
        state = TestStates.open(dir);
        final Devices devices = state.newDevices();

        for (int i = 1; i <= 4; i++)
        {
            devices.addDevice(USER, TestStates.key(i), i);
        }
        assertTrue(devices.removeDevice(USER, 2));
        assertFalse(devices.removeDevice(USER, 2));

        final int[] ids = new int[4];
        assertEquals(3, devices.deviceIds(USER, ids));
        assertArrayEquals(new int[]{ 1, 3, 4 }, Arrays.copyOf(ids, 3));
        assertEquals(2, devices.addDevice(USER, TestStates.key(9), 9));
    }

    @Test
    void shouldRejectBadArguments()
    {
        state = TestStates.open(dir);
        final Devices devices = state.newDevices();

        assertEquals(Devices.INVALID_ARGUMENT, devices.addDevice(USER, new byte[31], 1));
        assertEquals(Devices.INVALID_ARGUMENT, devices.addDevice(USER, null, 1));
        assertEquals(Devices.INVALID_ARGUMENT, devices.addDevice(0, TestStates.key(1), 1));
        assertEquals(Devices.INVALID_ARGUMENT, devices.addDevice(-5, TestStates.key(1), 1));
        assertEquals(Devices.INVALID_ARGUMENT, devices.addDevice(Long.MAX_VALUE, TestStates.key(1), 1));
        assertFalse(devices.exists(USER, 0));
        assertFalse(devices.exists(USER, 5));
        assertFalse(devices.exists(USER, -1));
        assertEquals(0, devices.deviceIds(-1, new int[4]));
    }

    @Test
    void shouldStoreAndReplacePushTokens()
    {
        state = TestStates.open(dir);
        final Devices devices = state.newDevices();
        final int deviceId = devices.addDevice(USER, TestStates.key(1), 1);
        final byte[] fcm = "fcm-token-abcdefghijklmnopqrstuvwxyz".getBytes(StandardCharsets.US_ASCII);
        final byte[] apns = "07".repeat(32).getBytes(StandardCharsets.US_ASCII); // hex of APNs' 32 bytes

        assertEquals(Devices.PUSH_NONE, devices.pushPlatform(USER, deviceId));
        assertFalse(devices.pushToken(USER, 3, (byte)1, fcm, 0, fcm.length));
        assertFalse(devices.pushToken(USER, deviceId, (byte)1, fcm, 0, 0));
        assertFalse(devices.pushToken(USER, deviceId, (byte)1, fcm, 1, fcm.length));
        assertFalse(devices.pushToken(USER, deviceId, (byte)1, new byte[600], 0, 600));
        final byte[] raw = new byte[32];
        Arrays.fill(raw, (byte)7);
        assertFalse(devices.pushToken(USER, deviceId, (byte)2, raw, 0, raw.length), "raw bytes, not hex");
        final byte[] forged = "abc\nINFO forged line".getBytes(StandardCharsets.US_ASCII);
        assertFalse(devices.pushToken(USER, deviceId, (byte)1, forged, 0, forged.length), "a line break");
        final byte[] spaced = "abc def".getBytes(StandardCharsets.US_ASCII);
        assertFalse(devices.pushToken(USER, deviceId, (byte)1, spaced, 0, spaced.length));
        final byte[] utf8 = "t\u00f6ken".getBytes(StandardCharsets.UTF_8);
        assertFalse(devices.pushToken(USER, deviceId, (byte)1, utf8, 0, utf8.length));
        assertEquals(Devices.PUSH_NONE, devices.pushPlatform(USER, deviceId), "nothing refused was kept");

        assertTrue(devices.pushToken(USER, deviceId, (byte)1, fcm, 0, fcm.length));
        final byte[] into = new byte[Devices.MAX_PUSH_TOKEN_LENGTH];
        assertEquals(fcm.length, devices.pushToken(USER, deviceId, into));
        assertArrayEquals(fcm, Arrays.copyOf(into, fcm.length));
        assertEquals(1, devices.pushPlatform(USER, deviceId));
        assertEquals(-1, devices.pushToken(USER, deviceId, new byte[4]));

        assertTrue(devices.pushToken(USER, deviceId, (byte)2, apns, 0, apns.length));
        assertEquals(apns.length, devices.pushToken(USER, deviceId, into));
        assertArrayEquals(apns, Arrays.copyOf(into, apns.length));
        assertEquals(2, devices.pushPlatform(USER, deviceId));

        devices.clearPushToken(USER, deviceId);
        assertEquals(0, devices.pushToken(USER, deviceId, into));
        assertEquals(Devices.PUSH_NONE, devices.pushPlatform(USER, deviceId));
    }

    @Test
    void shouldPersistAcrossReopen()
    {
        state = TestStates.open(dir);
        final Devices before = state.newDevices();
        before.addDevice(USER, TestStates.key(1), 11);
        before.addDevice(USER, TestStates.key(2), 22);
        final byte[] token = "apns".getBytes(StandardCharsets.US_ASCII);
        before.pushToken(USER, 2, (byte)2, token, 0, token.length);
        state.close();

        state = TestStates.open(dir);
        final Devices devices = state.newDevices();
        final int[] ids = new int[4];
        assertEquals(2, devices.deviceIds(USER, ids));
        final byte[] key = new byte[32];
        assertTrue(devices.loginKey(USER, 2, key));
        assertArrayEquals(TestStates.key(2), key);
        assertEquals(11, devices.registrationId(USER, 1));
        assertEquals(2, devices.addDevice(USER, TestStates.key(2), 22));
        assertEquals(3, devices.addDevice(USER, TestStates.key(3), 33));
        final byte[] into = new byte[Devices.MAX_PUSH_TOKEN_LENGTH];
        assertEquals(token.length, devices.pushToken(USER, 2, into));
        assertEquals(2, devices.pushPlatform(USER, 2));
    }

    @Test
    void shouldMakeANewKeyThePrimaryInPlaceOfTheOldAndKeepLinkedDevices()
    {
        state = TestStates.open(dir);
        final Devices devices = state.newDevices();
        assertEquals(0, devices.deviceCount(USER));
        assertEquals(Devices.PRIMARY_ADDED, devices.setPrimary(USER, TestStates.key(1), 1001));
        assertEquals(2, devices.addDevice(USER, TestStates.key(2), 1002));
        assertEquals(2, devices.deviceWithKey(USER, TestStates.key(2)));
        assertEquals(0, devices.deviceWithKey(USER, TestStates.key(3)));

        assertEquals(Devices.PRIMARY_REPLACED, devices.setPrimary(USER, TestStates.key(3), 1003));
        final byte[] key = new byte[32];
        assertTrue(devices.loginKey(USER, Devices.PRIMARY_DEVICE_ID, key));
        assertArrayEquals(TestStates.key(3), key);
        assertEquals(1003, devices.registrationId(USER, Devices.PRIMARY_DEVICE_ID));
        assertEquals(0, devices.deviceWithKey(USER, TestStates.key(1)), "the old primary's key is gone");
        assertEquals(2, devices.deviceCount(USER), "the linked device stays");
        assertEquals(Devices.INVALID_ARGUMENT, devices.setPrimary(USER, new byte[31], 1));
    }
}
