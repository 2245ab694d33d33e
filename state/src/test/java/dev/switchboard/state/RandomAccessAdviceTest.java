package dev.switchboard.state;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class RandomAccessAdviceTest
{
    private static final Path SELF_SMAPS = Path.of("/proc/self/smaps");

    @TempDir
    Path dir;

    @Test
    void shouldMarkEveryTableMappingAsReadAtRandom() throws IOException
    {
        assumeTrue(Files.isReadable(SELF_SMAPS), "Linux only");
        try (SwitchboardState state = TestStates.open(dir))
        {
            assertTrue(state.advisedMappings() >= 7, "advised " + state.advisedMappings());
            final Path accounts = dir.resolve(SwitchboardState.ACCOUNTS_BY_ID_FILE).toRealPath();
            final List<String> flags = vmFlagsOf(accounts.toString());
            assertFalse(flags.isEmpty(), "no mapping of " + accounts);
            for (final String line : flags)
            {
                // "rr" is VM_RAND_READ, set by madvise(MADV_RANDOM)
                assertTrue(line.contains(" rr"), line);
            }

            // the dense device table fills in account order: readahead brings neighbours that are wanted
            final Path devices = dir.resolve(SwitchboardState.DEVICE_TABLE_FILE).toRealPath();
            final List<String> deviceFlags = vmFlagsOf(devices.toString());
            assertFalse(deviceFlags.isEmpty(), "no mapping of " + devices);
            for (final String line : deviceFlags)
            {
                assertFalse(line.contains(" rr"), line);
            }

            final Presence view = state.newPresence();
            view.online(7, 1, 0, 70, 1_000);
            assertEquals(70, view.connectionId(7, 1));
        }
    }

    @Test
    void shouldLeaveMappingsAloneWhenNotAsked() throws IOException
    {
        assumeTrue(Files.isReadable(SELF_SMAPS), "Linux only");
        try (SwitchboardState state = SwitchboardState.open(TestStates.context(dir).randomAccess(false)))
        {
            assertEquals(0, state.advisedMappings());
            final Path devices = dir.resolve(SwitchboardState.PUSH_TOKENS_FILE).toRealPath();
            final List<String> flags = vmFlagsOf(devices.toString());
            assertFalse(flags.isEmpty(), "no mapping of " + devices);
            for (final String line : flags)
            {
                assertFalse(line.contains(" rr"), line);
            }
        }
    }

    private static List<String> vmFlagsOf(final String path) throws IOException
    {
        final List<String> flags = new ArrayList<>();
        boolean inMapping = false;
        for (final String line : Files.readAllLines(SELF_SMAPS, StandardCharsets.US_ASCII))
        {
            final int colon = line.indexOf(':');
            if (colon < 0 || line.indexOf(' ') < colon)
            {
                inMapping = line.endsWith(" " + path);
            }
            else if (inMapping && line.startsWith("VmFlags:"))
            {
                flags.add(line + " ");
            }
        }
        return flags;
    }
}
