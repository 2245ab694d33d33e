package dev.switchboard.state;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SwitchboardStateTest
{
    private static final Pattern JVM_FLAGS = Pattern.compile(
        "<switchboard\\.jvm\\.flags>(.*?)</switchboard\\.jvm\\.flags>", Pattern.DOTALL);

    @TempDir
    Path dir;

    @Test
    void shouldCreateEveryTableFile()
    {
        try (SwitchboardState state = TestStates.open(dir))
        {
            assertFalse(state.isClosed());
            assertEquals(1, state.openEpoch());
        }
        for (final String name : new String[]{ SwitchboardState.META_FILE, SwitchboardState.ACCOUNTS_BY_PHONE_FILE,
            SwitchboardState.ACCOUNTS_BY_ID_FILE, SwitchboardState.DEVICE_TABLE_FILE, SwitchboardState.PUSH_TOKENS_FILE,
            SwitchboardState.BLOCKS_FILE, SwitchboardState.CONTACTS_FILE, SwitchboardState.PRIVACY_FILE })
        {
            assertTrue(Files.isRegularFile(dir.resolve(name)), name);
        }
        // devices and presence share the dense table; the old Chronicle files are only ever read, for migration
        assertFalse(Files.exists(dir.resolve(SwitchboardState.DEVICES_FILE)));
        assertFalse(Files.exists(dir.resolve(SwitchboardState.PRESENCE_FILE)));
    }

    @Test
    void shouldSkipRecoveryAfterACleanCloseUnlessAsked()
    {
        final SwitchboardState first = TestStates.open(dir);
        first.close();
        assertTrue(first.isClosed());
        first.close();

        try (SwitchboardState state = TestStates.open(dir))
        {
            assertFalse(state.wasRecovered());
        }
        try (SwitchboardState state = SwitchboardState.open(TestStates.context(dir).recoverOnOpen(true)))
        {
            assertTrue(state.wasRecovered());
        }
    }

    @Test
    void shouldRejectBadSettings()
    {
        assertThrows(IllegalStateException.class, () -> TestStates.context(dir).maxAccounts(0).conclude());
        // 10M accounts x 4 devices x 64 bytes is past one 2 GiB mapping of the device table
        assertThrows(IllegalStateException.class, () -> TestStates.context(dir).maxAccounts(10_000_000).conclude());
        assertThrows(IllegalStateException.class, () -> TestStates.context(dir).maxDevicesPerAccount(16).conclude());
        assertThrows(IllegalStateException.class,
            () -> TestStates.context(dir).maxDevicesPerAccount(2).averageDevicesPerAccount(3).conclude());
        assertThrows(IllegalStateException.class, () -> TestStates.context(dir).averagePushTokenLength(0).conclude());
        assertThrows(IllegalStateException.class, () -> TestStates.context(dir).dataDir(null).conclude());
    }

    @Test
    void shouldTakeDefaultsFromSystemProperties()
    {
        final String previous = System.getProperty(StateConfiguration.MAX_ACCOUNTS_PROP_NAME);
        System.setProperty(StateConfiguration.MAX_ACCOUNTS_PROP_NAME, "1234");
        try
        {
            assertEquals(1234, new StateContext().maxAccounts());
        }
        finally
        {
            if (null == previous)
            {
                System.clearProperty(StateConfiguration.MAX_ACCOUNTS_PROP_NAME);
            }
            else
            {
                System.setProperty(StateConfiguration.MAX_ACCOUNTS_PROP_NAME, previous);
            }
        }
        assertEquals(StateConfiguration.MAX_DEVICES_PER_ACCOUNT_DEFAULT, new StateContext().maxDevicesPerAccount());
    }

    @Test
    void shouldRecoverWhatAKilledProcessWrote() throws Exception
    {
        final File dataDir = dir.toFile();
        final List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmFlags());
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(CrashingWriter.class.getName());
        command.add(dataDir.getAbsolutePath());
        final Process child = new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("child.log").toFile())
            .start();
        assertTrue(child.waitFor(60, TimeUnit.SECONDS), "child still running");
        assertEquals(0, child.exitValue(), () -> log(dir.resolve("child.log")));

        try (SwitchboardState state = TestStates.open(dir))
        {
            assertTrue(state.wasRecovered());
            final Accounts accounts = state.newAccounts();
            final long userId = accounts.userIdOf(CrashingWriter.PHONE);
            assertEquals(1, userId);
            assertTrue(state.newDevices().exists(userId, 1));

            final Presence presence = state.newPresence();
            assertFalse(presence.isOnline(userId));
            assertEquals(Presence.NO_CONNECTION, presence.connectionId(userId, 1));
            assertEquals(CrashingWriter.ONLINE_AT_MS, presence.lastSeenMs(userId));
            assertEquals(2, accounts.create("+14155550999"));
        }
    }

    // the child needs the same flags as this JVM: read them from the root pom, where they are defined once
    private static List<String> jvmFlags() throws IOException
    {
        final Path rootPom = Path.of(System.getProperty("user.dir")).toAbsolutePath().resolveSibling("pom.xml");
        if (Files.isRegularFile(rootPom))
        {
            final Matcher matcher = JVM_FLAGS.matcher(Files.readString(rootPom, StandardCharsets.UTF_8));
            if (matcher.find())
            {
                return Arrays.asList(matcher.group(1).trim().split("\\s+"));
            }
        }
        return ManagementFactory.getRuntimeMXBean().getInputArguments();
    }

    private static String log(final Path file)
    {
        try
        {
            return Files.readString(file, StandardCharsets.UTF_8);
        }
        catch (final IOException ex)
        {
            return ex.toString();
        }
    }
}
