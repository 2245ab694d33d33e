package dev.switchboard.client;

import dev.switchboard.codec.sbe.GroupRole;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.KeyPair;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ClientStoreTest
{
    @TempDir
    File dir;

    @Test
    void shouldPersistIdentityWithAUsableKey() throws Exception
    {
        final KeyPair keyPair = DeviceIdentity.generateKeyPair();
        final byte[] rawPublicKey = DeviceIdentity.rawPublicKey(keyPair.getPublic());
        try (ClientStore store = ClientStore.open(dir, 64, true))
        {
            assertFalse(store.isRegistered());
            assertNull(store.identity());
            store.saveIdentity(new DeviceIdentity(
                Long.MAX_VALUE + 5L, 65535, 1234, "+15550001", keyPair.getPrivate(), rawPublicKey));
        }

        try (ClientStore store = ClientStore.open(dir, 64, true))
        {
            final DeviceIdentity identity = store.identity();
            assertNotNull(identity);
            assertEquals(Long.MAX_VALUE + 5L, identity.userId());
            assertEquals(65535, identity.deviceId());
            assertEquals(1234, identity.registrationId());
            assertEquals("+15550001", identity.phone());
            assertArrayEquals(rawPublicKey, identity.rawPublicKey());

            final byte[] nonce = { 1, 2, 3, 4 };
            final java.security.Signature verifier = java.security.Signature.getInstance("Ed25519");
            verifier.initVerify(keyPair.getPublic());
            verifier.update(nonce);
            assertTrue(verifier.verify(identity.sign(nonce)));
        }
        final Path file = dir.toPath().resolve(ClientStore.IDENTITY_FILE);
        if (file.getFileSystem().supportedFileAttributeViews().contains("posix"))
        {
            assertEquals(
                Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE),
                Files.getPosixFilePermissions(file));
        }
    }

    @Test
    void shouldNeverReuseAClientMsgIdAcrossRestarts()
    {
        final long last;
        try (ClientStore store = ClientStore.open(dir, 64, false))
        {
            assertEquals(1, store.nextClientMsgId());
            assertEquals(2, store.nextClientMsgId());
            last = store.nextClientMsgId();
        }
        try (ClientStore store = ClientStore.open(dir, 64, false))
        {
            final long next = store.nextClientMsgId();
            assertTrue(next > last, next + " > " + last);
            for (int i = 0; i < ClientStore.COUNTER_BLOCK * 2; i++)
            {
                store.nextClientMsgId();
            }
        }
        try (ClientStore store = ClientStore.open(dir, 64, false))
        {
            assertTrue(store.nextClientMsgId() > 2L * ClientStore.COUNTER_BLOCK);
        }
    }

    @Test
    void shouldKeepPendingSendsInOrderUntilRemoved()
    {
        try (ClientStore store = ClientStore.open(dir, 64, true))
        {
            for (int i = 0; i < 5; i++)
            {
                final long id = store.nextClientMsgId();
                store.addPending(id, 100 + i, i, new byte[]{ (byte)i, 42 });
            }
            assertNotNull(store.removePending(3));
            assertNull(store.removePending(3));
        }
        try (ClientStore store = ClientStore.open(dir, 64, true))
        {
            final List<PendingSend> pending = store.pendingSends();
            assertEquals(List.of(1L, 2L, 4L, 5L), pending.stream().map(PendingSend::clientMsgId).toList());
            final PendingSend fourth = pending.get(2);
            assertEquals(103, fourth.toUserId());
            assertEquals(3, fourth.toDeviceId());
            assertArrayEquals(new byte[]{ 3, 42 }, fourth.payload());
            assertTrue(store.nextClientMsgId() > 5);
        }
    }

    @Test
    void shouldKeepGroupSendsApartFromDirectOnesAcrossRestarts()
    {
        try (ClientStore store = ClientStore.open(dir, 64, false))
        {
            store.addPending(1, 2000, 3, new byte[]{ 1 });
            store.addPendingGroup(2, 7_000_001, new byte[]{ 2, 2 });
        }
        try (ClientStore store = ClientStore.open(dir, 64, false))
        {
            final List<PendingSend> pending = store.pendingSends();
            assertEquals(2, pending.size());
            assertFalse(pending.get(0).isGroupSend());
            assertEquals(2000, pending.get(0).toUserId());
            assertEquals(3, pending.get(0).toDeviceId());
            assertTrue(pending.get(1).isGroupSend());
            assertEquals(7_000_001, pending.get(1).groupId());
            assertArrayEquals(new byte[]{ 2, 2 }, pending.get(1).payload());
        }
    }

    @Test
    void shouldKeepGroupsAcrossRestartsAndSetAsideACorruptOne() throws IOException
    {
        final GroupInfo family = new GroupInfo(Long.MAX_VALUE + 9L, 4_000_000_000L, "Family \u2764", List.of(
            new GroupMember(1000, GroupRole.ADMIN), new GroupMember(2000, GroupRole.MEMBER)));
        final GroupInfo club = new GroupInfo(12, 1, "Club", List.of(new GroupMember(1000, GroupRole.MEMBER)));
        try (ClientStore store = ClientStore.open(dir, 64, false))
        {
            store.saveGroup(family);
            store.saveGroup(club);
            store.saveGroup(new GroupInfo(13, 1, "Gone", List.of()));
            store.removeGroup(13);
        }
        final Path clubFile = dir.toPath().resolve(ClientStore.GROUPS_DIR)
            .resolve(String.format("%016x", 12) + ClientStore.GROUP_SUFFIX);
        final byte[] bytes = Files.readAllBytes(clubFile);
        bytes[bytes.length / 2] ^= 1;
        Files.write(clubFile, bytes);

        try (ClientStore store = ClientStore.open(dir, 64, false))
        {
            assertEquals(List.of(family), store.groups());
            assertEquals(family, store.group(Long.MAX_VALUE + 9L));
            assertNull(store.group(12));
            assertNull(store.group(13));
        }
        assertTrue(Files.exists(clubFile.resolveSibling(clubFile.getFileName() + ".corrupt")));
    }

    @Test
    void shouldRefuseASecondOpenOfTheSameFolder()
    {
        try (ClientStore store = ClientStore.open(dir, 64, false))
        {
            final IllegalStateException ex =
                assertThrows(IllegalStateException.class, () -> ClientStore.open(dir, 64, false));
            assertTrue(ex.getMessage().contains("in use"), ex.getMessage());
            assertEquals(1, store.nextClientMsgId());
        }
        try (ClientStore store = ClientStore.open(dir, 64, false))
        {
            assertTrue(store.nextClientMsgId() > 1);
        }
    }

    @Test
    void shouldHoldPendingSendsInMemoryOnlyWhenNotPersisting()
    {
        try (ClientStore store = ClientStore.open(dir, 64, false, false))
        {
            store.addPending(store.nextClientMsgId(), 1, 1, new byte[]{ 1 });
            assertEquals(1, store.pendingCount());
            assertEquals(0, new File(dir, ClientStore.PENDING_DIR).list().length);
        }
        try (ClientStore store = ClientStore.open(dir, 64, false, false))
        {
            assertEquals(0, store.pendingCount());
            assertTrue(store.nextClientMsgId() > 1, "ids stay unique even when sends are not persisted");
        }
    }

    @Test
    void shouldSetAsideACorruptPendingFileAndIgnoreTempFiles() throws IOException
    {
        try (ClientStore store = ClientStore.open(dir, 64, false))
        {
            store.addPending(store.nextClientMsgId(), 1, 1, new byte[]{ 1, 2, 3 });
            store.addPending(store.nextClientMsgId(), 1, 1, new byte[]{ 4, 5, 6 });
        }
        final Path pendingDir = dir.toPath().resolve(ClientStore.PENDING_DIR);
        final Path second = pendingDir.resolve(String.format("%016x", 2) + ClientStore.PENDING_SUFFIX);
        final byte[] bytes = Files.readAllBytes(second);
        bytes[bytes.length - 6] ^= 0x55;
        Files.write(second, bytes);
        Files.write(pendingDir.resolve("0000000000000009.send.tmp"), new byte[]{ 1 });

        try (ClientStore store = ClientStore.open(dir, 64, false))
        {
            assertEquals(1, store.pendingCount());
            assertEquals(1, store.pendingSends().get(0).clientMsgId());
            assertEquals(1, store.discardedPendingFiles());
        }
        assertFalse(Files.exists(pendingDir.resolve("0000000000000009.send.tmp")));
    }

    @Test
    void shouldRememberSeenIdsAcrossRestartAndForgetTheOldestWhenFull()
    {
        try (ClientStore store = ClientStore.open(dir, 16, false))
        {
            for (long id = 1; id <= 20; id++)
            {
                store.markSeen(id);
            }
            assertFalse(store.isSeen(4));
            assertTrue(store.isSeen(5));
            assertTrue(store.isSeen(20));
        }
        try (ClientStore store = ClientStore.open(dir, 16, false))
        {
            assertFalse(store.isSeen(4));
            assertTrue(store.isSeen(5));
            assertTrue(store.isSeen(20));
            store.markSeen(21);
            assertFalse(store.isSeen(5));
        }
        try (ClientStore store = ClientStore.open(dir, 32, false))
        {
            assertTrue(store.isSeen(6));
            assertTrue(store.isSeen(21));
            for (long id = 22; id <= 37; id++)
            {
                store.markSeen(id);
            }
            assertTrue(store.isSeen(6), "a larger capacity keeps older ids longer");
        }
    }
}
