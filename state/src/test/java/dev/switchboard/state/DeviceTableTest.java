package dev.switchboard.state;

import net.openhft.chronicle.map.ChronicleMap;
import net.openhft.chronicle.map.ChronicleMapBuilder;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DeviceTableTest
{
    private static final int STRIDE = 4;
    private static final long CAPACITY = 10_000;

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
    void shouldSizeTheFileForEveryAccountAndWriteOnlyTheSlotsUsed() throws Exception
    {
        state = TestStates.open(dir);
        assertEquals(CAPACITY, state.deviceCapacity());
        final Devices devices = state.newDevices();
        final Presence presence = state.newPresence();
        assertEquals(1, devices.addDevice(3, TestStates.key(1), 1001));
        assertEquals(2, devices.addDevice(3, TestStates.key(2), 1002));
        presence.online(3, 2, 5, 777, 123_456);
        state.close();
        state = null;

        final Path file = dir.resolve(SwitchboardState.DEVICE_TABLE_FILE);
        assertEquals(DeviceTable.HEADER_LENGTH + CAPACITY * STRIDE * DeviceTable.SLOT_LENGTH, Files.size(file));
        final ByteBuffer bytes = ByteBuffer.allocate((int)Files.size(file)).order(ByteOrder.LITTLE_ENDIAN);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ))
        {
            while (bytes.hasRemaining() && channel.read(bytes) > 0)
            {
                // read it all
            }
        }
        final UnsafeBuffer buffer = new UnsafeBuffer(bytes.array());
        assertEquals(DeviceTable.MAGIC, buffer.getLong(DeviceTable.MAGIC_OFFSET));
        assertEquals(STRIDE, buffer.getInt(DeviceTable.STRIDE_OFFSET));
        assertEquals(CAPACITY, buffer.getLong(DeviceTable.CAPACITY_OFFSET));

        // (user 3, device 2): slot 4 * 2 + 1 after the header
        final int slot = DeviceTable.HEADER_LENGTH + (2 * STRIDE + 1) * DeviceTable.SLOT_LENGTH;
        final int word = buffer.getInt(slot + DeviceTable.WORD_OFFSET);
        assertTrue(DeviceTable.isLinked(word));
        assertEquals(0, word & 1);
        assertEquals(1002, buffer.getInt(slot + DeviceTable.REGISTRATION_ID_OFFSET));
        final byte[] key = new byte[Devices.LOGIN_KEY_LENGTH];
        buffer.getBytes(slot + DeviceTable.LOGIN_KEY_OFFSET, key);
        assertArrayEquals(TestStates.key(2), key);
        assertEquals(777, buffer.getLong(slot + DeviceTable.CONNECTION_ID_OFFSET));
        assertEquals(123_456, buffer.getLong(slot + DeviceTable.LAST_SEEN_OFFSET));
        assertEquals(1, buffer.getInt(slot + DeviceTable.OPEN_EPOCH_OFFSET));
        assertEquals(5, buffer.getInt(slot + DeviceTable.POLLER_INDEX_OFFSET));

        // every other slot is untouched: two slots of user 3, nothing else
        final int firstSlot = DeviceTable.HEADER_LENGTH + 2 * STRIDE * DeviceTable.SLOT_LENGTH;
        for (int i = DeviceTable.HEADER_LENGTH; i < bytes.capacity(); i += Long.BYTES)
        {
            if (i < firstSlot || i >= firstSlot + 2 * DeviceTable.SLOT_LENGTH)
            {
                assertEquals(0, buffer.getLong(i), "byte " + i);
            }
        }
    }

    @Test
    void shouldRefuseUserIdsPastTheCapacity()
    {
        state = SwitchboardState.open(TestStates.context(dir).maxAccounts(3));
        assertEquals(3, state.deviceCapacity());
        final Devices devices = state.newDevices();
        final Presence presence = state.newPresence();
        final Accounts accounts = state.newAccounts();

        assertEquals(1, accounts.create("+14155550001"));
        assertEquals(2, accounts.create("+14155550002"));
        assertEquals(3, accounts.create("+14155550003"));
        assertEquals(Accounts.NO_USER, accounts.create("+14155550004"));
        assertEquals(4, accounts.nextUserId());
        assertEquals(Accounts.NO_USER, accounts.userIdOf("+14155550004"));
        assertEquals(2, accounts.create("+14155550002"));

        assertEquals(1, devices.addDevice(3, TestStates.key(3), 3));
        assertEquals(Devices.INVALID_ARGUMENT, devices.addDevice(4, TestStates.key(4), 4));
        assertFalse(devices.exists(4, 1));
        assertFalse(devices.loginKey(4, 1, new byte[Devices.LOGIN_KEY_LENGTH]));
        assertEquals(-1, devices.registrationId(4, 1));
        assertEquals(0, devices.deviceIds(4, new int[STRIDE]));
        assertFalse(devices.removeDevice(4, 1));
        assertFalse(devices.pushToken(4, 1, (byte)1, new byte[8], 0, 8));

        assertEquals(Presence.NO_CONNECTION, presence.online(4, 1, 0, 40, 1_000));
        assertFalse(presence.isOnline(4));
        assertEquals(0, presence.lastSeenMs(4));
        assertFalse(presence.offline(4, 1, 40, 2_000));
        presence.remove(4, 1);
        assertEquals(Presence.NO_CONNECTION, presence.online(3, 1, 0, 30, 1_000));
        assertEquals(30, presence.connectionId(3, 1));
    }

    @Test
    void shouldKeepSlotsAcrossReopenAndGrowButNeverShrink()
    {
        state = TestStates.open(dir);
        state.newDevices().addDevice(CAPACITY, TestStates.key(7), 77);
        state.newPresence().online(CAPACITY, 1, 0, 70, 7_000);
        state.close();

        state = SwitchboardState.open(TestStates.context(dir).maxAccounts(2 * CAPACITY));
        assertEquals(2 * CAPACITY, state.deviceCapacity());
        Devices devices = state.newDevices();
        assertEquals(77, devices.registrationId(CAPACITY, 1));
        assertEquals(7_000, state.newPresence().lastSeenMs(CAPACITY));
        assertEquals(1, devices.addDevice(2 * CAPACITY, TestStates.key(8), 88));
        state.close();

        state = SwitchboardState.open(TestStates.context(dir).maxAccounts(10));
        assertEquals(2 * CAPACITY, state.deviceCapacity());
        devices = state.newDevices();
        assertEquals(77, devices.registrationId(CAPACITY, 1));
        assertEquals(88, devices.registrationId(2 * CAPACITY, 1));
        final byte[] key = new byte[Devices.LOGIN_KEY_LENGTH];
        assertTrue(devices.loginKey(CAPACITY, 1, key));
        assertArrayEquals(TestStates.key(7), key);
        state.close();
        state = null;

        // more devices an account moves every slot: the file is copied to the new width (DeviceTableResizeTest)
        state = SwitchboardState.open(TestStates.context(dir).maxDevicesPerAccount(5).averageDevicesPerAccount(2));
        assertEquals(77, state.newDevices().registrationId(CAPACITY, 1));
        state.close();
        state = SwitchboardState.open(TestStates.context(dir).maxDevicesPerAccount(2).averageDevicesPerAccount(2));
        devices = state.newDevices();
        assertEquals(77, devices.registrationId(CAPACITY, 1));
        assertFalse(devices.exists(CAPACITY, 3));
    }

    @Test
    void shouldGiveAReaderThreadWholeKeysWhileTheWriterRelinks() throws Exception
    {
        state = TestStates.open(dir);
        final Devices writer = state.newDevices();
        final Devices reader = state.newDevices();
        final byte[] first = TestStates.key(1);
        final byte[] second = TestStates.key(2);
        final AtomicBoolean done = new AtomicBoolean();
        final AtomicLong torn = new AtomicLong();
        final AtomicLong seen = new AtomicLong();

        final Thread readerThread = new Thread(() ->
        {
            final byte[] key = new byte[Devices.LOGIN_KEY_LENGTH];
            while (!done.get())
            {
                if (reader.loginKey(9, 1, key))
                {
                    seen.incrementAndGet();
                    if (!Arrays.equals(first, key) && !Arrays.equals(second, key))
                    {
                        torn.incrementAndGet();
                    }
                }
            }
        });
        readerThread.start();
        for (int i = 0; i < 200_000; i++)
        {
            assertEquals(1, writer.addDevice(9, 0 == (i & 1) ? first : second, i));
            assertTrue(writer.removeDevice(9, 1));
        }
        assertEquals(1, writer.addDevice(9, second, 7));
        done.set(true);
        readerThread.join(30_000);

        assertFalse(readerThread.isAlive());
        assertEquals(0, torn.get());
        assertTrue(seen.get() > 0);
        final byte[] key = new byte[Devices.LOGIN_KEY_LENGTH];
        assertTrue(reader.loginKey(9, 1, key));
        assertArrayEquals(second, key);
    }

    @Test
    void shouldCloseAWriteThatACrashInterrupted()
    {
        final File file = dir.resolve(SwitchboardState.DEVICE_TABLE_FILE).toFile();
        try (DeviceTable table = DeviceTable.create(file, CAPACITY, STRIDE))
        {
            final UnsafeBuffer buffer = table.buffer();
            // user 1 device 1 linked, then a registration id update that never finished
            final int linked = table.slotOffset(1, 1);
            int word = table.beginWrite(linked);
            buffer.putBytes(linked + DeviceTable.LOGIN_KEY_OFFSET, TestStates.key(1));
            table.endWrite(linked, word, true);
            table.beginWrite(linked);
            buffer.putInt(linked + DeviceTable.REGISTRATION_ID_OFFSET, 5);
        }
        try (DeviceTable table = DeviceTable.open(file, CAPACITY))
        {
            assertTrue(table.wasRepaired());
            final int word = table.stableWord(table.slotOffset(1, 1));
            assertTrue(DeviceTable.isLinked(word));
            assertEquals(0, word & 1);

            // user 2 device 3 being linked when the process died: its key half written
            final int unlinked = table.slotOffset(2, 3);
            table.beginWrite(unlinked);
            table.buffer().putLong(unlinked + DeviceTable.LOGIN_KEY_OFFSET, -1L);
        }
        try (DeviceTable table = DeviceTable.open(file, CAPACITY))
        {
            assertTrue(table.wasRepaired());
            final int word = table.stableWord(table.slotOffset(2, 3));
            assertFalse(DeviceTable.isLinked(word));
            assertTrue(DeviceTable.isLinked(table.stableWord(table.slotOffset(1, 1))));
        }
        try (DeviceTable table = DeviceTable.open(file, CAPACITY))
        {
            assertFalse(table.wasRepaired());
        }
    }

    @Test
    void shouldRefuseAFileThatIsNotADeviceTable() throws Exception
    {
        final File file = dir.resolve(SwitchboardState.DEVICE_TABLE_FILE).toFile();
        Files.write(file.toPath(), new byte[DeviceTable.HEADER_LENGTH + DeviceTable.SLOT_LENGTH]);
        assertThrows(IllegalStateException.class, () -> DeviceTable.open(file, 1));
        assertThrows(IllegalStateException.class, () -> DeviceTable.length(Integer.MAX_VALUE, STRIDE));
    }

    @Test
    void shouldMigrateTheOldTablesOnceAndLeaveThemInPlace() throws Exception
    {
        // a folder of the old layout: meta at open epoch 1, the old device and presence tables beside it
        TestStates.open(dir).close();
        Files.delete(dir.resolve(SwitchboardState.DEVICE_TABLE_FILE));
        final StateContext ctx = TestStates.context(dir).conclude();
        writeOldTables(ctx);
        final long devicesLength = Files.size(dir.resolve(SwitchboardState.DEVICES_FILE));
        final long presenceLength = Files.size(dir.resolve(SwitchboardState.PRESENCE_FILE));
        // a part file left by a migration a crash interrupted is started over
        Files.write(dir.resolve(SwitchboardState.DEVICE_TABLE_FILE + ".part"), new byte[100]);

        state = TestStates.open(dir);
        assertEquals(2, state.openEpoch());
        assertEquals(3, state.migratedDevices());
        assertEquals(3, state.migratedPresence());
        assertEquals(CAPACITY + 5, state.deviceCapacity());
        assertFalse(Files.exists(dir.resolve(SwitchboardState.DEVICE_TABLE_FILE + ".part")));
        checkMigrated(state);
        state.newDevices().addDevice(9, TestStates.key(9), 99);
        state.newPresence().online(9, 1, 0, 90, 90_000);
        state.close();

        assertEquals(devicesLength, Files.size(dir.resolve(SwitchboardState.DEVICES_FILE)));
        assertEquals(presenceLength, Files.size(dir.resolve(SwitchboardState.PRESENCE_FILE)));

        state = TestStates.open(dir);
        assertEquals(0, state.migratedDevices());
        assertEquals(0, state.migratedPresence());
        checkMigrated(state);
        assertEquals(99, state.newDevices().registrationId(9, 1));
        assertEquals(90_000, state.newPresence().lastSeenMs(9));
    }

    private static void checkMigrated(final SwitchboardState state)
    {
        final Devices devices = state.newDevices();
        final Presence presence = state.newPresence();
        final byte[] key = new byte[Devices.LOGIN_KEY_LENGTH];
        assertTrue(devices.loginKey(5, 2, key));
        assertArrayEquals(TestStates.key(52), key);
        assertEquals(502, devices.registrationId(5, 2));
        assertEquals(501, devices.registrationId(5, 1));
        assertEquals(1, devices.deviceIds(CAPACITY + 5, new int[STRIDE]));
        assertFalse(devices.exists(5, 3));
        // presence of an earlier process reads offline; last seen is kept, also for a device never linked
        assertFalse(presence.isOnline(5));
        assertEquals(5_200, presence.lastSeenMs(5));
        assertEquals(6_100, presence.lastSeenMs(6));
        assertEquals(Presence.NO_CONNECTION, presence.connectionId(5, 2));
    }

    private static void writeOldTables(final StateContext ctx) throws Exception
    {
        try (ChronicleMap<LongRef, DeviceRecord> devices = ChronicleMapBuilder.of(LongRef.class, DeviceRecord.class)
            .keyMarshaller(LongRefMarshaller.INSTANCE)
            .constantKeySizeBySample(new LongRef())
            .valueMarshaller(DeviceRecordMarshaller.INSTANCE)
            .constantValueSizeBySample(new DeviceRecord())
            .entries(ctx.deviceEntries())
            .createPersistedTo(new File(ctx.dataDir(), SwitchboardState.DEVICES_FILE));
            ChronicleMap<LongRef, PresenceRecord> presence = ChronicleMapBuilder.of(LongRef.class, PresenceRecord.class)
                .keyMarshaller(LongRefMarshaller.INSTANCE)
                .constantKeySizeBySample(new LongRef())
                .valueMarshaller(PresenceRecordMarshaller.INSTANCE)
                .constantValueSizeBySample(new PresenceRecord())
                .entries(ctx.deviceEntries())
                .createPersistedTo(new File(ctx.dataDir(), SwitchboardState.PRESENCE_FILE)))
        {
            final LongRef key = new LongRef();
            final DeviceRecord device = new DeviceRecord();
            device.registrationId = 501;
            System.arraycopy(TestStates.key(51), 0, device.loginKey, 0, Devices.LOGIN_KEY_LENGTH);
            devices.put(key.set(DeviceKeys.pack(5, 1)), device);
            device.registrationId = 502;
            System.arraycopy(TestStates.key(52), 0, device.loginKey, 0, Devices.LOGIN_KEY_LENGTH);
            devices.put(key.set(DeviceKeys.pack(5, 2)), device);
            // an account past max accounts, as Chronicle let the tables grow
            devices.put(key.set(DeviceKeys.pack(CAPACITY + 5, 1)), device);
            // a device id past max devices per account is left behind
            devices.put(key.set(DeviceKeys.pack(5, 9)), device);

            final PresenceRecord record = new PresenceRecord();
            record.connectionId = 51;
            record.pollerIndex = 1;
            record.openEpoch = 1;
            record.lastSeenMs = 5_100;
            presence.put(key.set(DeviceKeys.pack(5, 1)), record);
            record.connectionId = Presence.NO_CONNECTION;
            record.pollerIndex = Presence.NO_POLLER;
            record.lastSeenMs = 5_200;
            presence.put(key.set(DeviceKeys.pack(5, 2)), record);
            record.lastSeenMs = 6_100;
            presence.put(key.set(DeviceKeys.pack(6, 1)), record);
        }
    }
}
