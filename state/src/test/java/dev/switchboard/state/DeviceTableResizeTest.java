package dev.switchboard.state;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DeviceTableResizeTest
{
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

    private SwitchboardState open(final int maxDevicesPerAccount)
    {
        return SwitchboardState.open(TestStates.context(dir).maxDevicesPerAccount(maxDevicesPerAccount)
            .averageDevicesPerAccount(1));
    }

    private File table()
    {
        return dir.resolve(SwitchboardState.DEVICE_TABLE_FILE).toFile();
    }

    private File backup()
    {
        return dir.resolve(SwitchboardState.DEVICE_TABLE_FILE + DeviceTableResize.BACKUP_SUFFIX).toFile();
    }

    @Test
    void shouldWidenATableMadeForFourDevicesKeepingEveryDeviceAndPresenceAndTheOldFileAsABackup() throws Exception
    {
        state = open(4);
        final Devices devices = state.newDevices();
        for (int deviceId = 1; deviceId <= 4; deviceId++)
        {
            assertEquals(deviceId, devices.addDevice(7, TestStates.key(deviceId), 700 + deviceId));
        }
        assertEquals(Devices.DEVICE_LIMIT, devices.addDevice(7, TestStates.key(5), 705));
        assertEquals(1, devices.addDevice(9_999, TestStates.key(9), 999));
        assertTrue(devices.removeDevice(7, 2));
        state.newPresence().offline(7, 3, 0, 123_456);
        final long presenceLastSeen = state.newPresence().lastSeenMs(7, 3);
        state.close();
        final byte[] before = Files.readAllBytes(table().toPath());

        state = open(5);
        assertTrue(backup().exists(), "the old file is kept");
        assertArrayEquals(before, Files.readAllBytes(backup().toPath()));
        assertFalse(new File(dir.toFile(), SwitchboardState.DEVICE_TABLE_FILE + ".resize").exists());
        final Devices wider = state.newDevices();
        assertEquals(701, wider.registrationId(7, 1));
        assertFalse(wider.exists(7, 2), "an unlinked device stays unlinked");
        assertEquals(703, wider.registrationId(7, 3));
        assertEquals(704, wider.registrationId(7, 4));
        assertEquals(999, wider.registrationId(9_999, 1));
        final byte[] key = new byte[Devices.LOGIN_KEY_LENGTH];
        assertTrue(wider.loginKey(7, 4, key));
        assertArrayEquals(TestStates.key(4), key);
        assertEquals(presenceLastSeen, state.newPresence().lastSeenMs(7, 3));
        // the fifth slot is there now: the freed second, then the new fifth
        assertEquals(2, wider.addDevice(7, TestStates.key(5), 705));
        assertEquals(5, wider.addDevice(7, TestStates.key(6), 706));
        state.close();

        // the new width is the file's own: it opens as it is
        state = open(5);
        assertEquals(706, state.newDevices().registrationId(7, 5));
    }

    @Test
    void shouldRefuseToNarrowOverALinkedDeviceLeavingTheFileAsItWasAndNarrowWhenNoneIsLost() throws Exception
    {
        state = open(5);
        final Devices devices = state.newDevices();
        for (int deviceId = 1; deviceId <= 5; deviceId++)
        {
            assertEquals(deviceId, devices.addDevice(3, TestStates.key(deviceId), 300 + deviceId));
        }
        state.close();
        state = null;
        final byte[] before = Files.readAllBytes(table().toPath());

        final IllegalStateException refused = assertThrows(IllegalStateException.class, () -> open(4));
        assertTrue(refused.getMessage().contains("1 linked device(s) with ids above 4"), refused.getMessage());
        assertTrue(refused.getMessage().contains(StateConfiguration.MAX_DEVICES_PER_ACCOUNT_PROP_NAME + "=5"),
            refused.getMessage());
        assertArrayEquals(before, Files.readAllBytes(table().toPath()));
        assertFalse(backup().exists());

        state = open(5);
        assertTrue(state.newDevices().removeDevice(3, 5));
        state.close();
        state = open(4);
        assertEquals(304, state.newDevices().registrationId(3, 4));
        assertEquals(Devices.DEVICE_LIMIT, state.newDevices().addDevice(3, TestStates.key(9), 309));
        assertTrue(backup().exists());
    }
}
