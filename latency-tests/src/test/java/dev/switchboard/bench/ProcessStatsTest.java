package dev.switchboard.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@EnabledOnOs(OS.LINUX)
class ProcessStatsTest
{
    @Test
    void shouldCountAJvmsCompilerThreadsWithinItsCpuTime()
    {
        final long pid = ProcessHandle.current().pid();
        final long compilerNs = ProcessStats.compilerCpuTimeNs(pid);
        final long totalNs = ProcessStats.cpuTimeNs(pid);
        assertTrue(compilerNs >= 0, "compiler CPU " + compilerNs);
        assertTrue(compilerNs <= totalNs, compilerNs + " of " + totalNs);
    }

    @Test
    void shouldCountNoCompilerInAProcessThatIsNotAJvm() throws Exception
    {
        final Process sleep = new ProcessBuilder("sleep", "30").start();
        try
        {
            assertEquals(0, ProcessStats.compilerCpuTimeNs(sleep.pid()));
        }
        finally
        {
            sleep.destroy();
            sleep.waitFor(5, TimeUnit.SECONDS);
        }
        assertEquals(-1, ProcessStats.compilerCpuTimeNs(sleep.pid()), "a process that is gone");
    }
}
