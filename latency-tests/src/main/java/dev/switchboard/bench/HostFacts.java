package dev.switchboard.bench;

import dev.switchboard.tuning.DamonStatus;
import dev.switchboard.tuning.HostCheck;
import dev.switchboard.tuning.ReservedHugePages;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The facts about this machine a figure needs beside it: cores (the host's, and those the pinned load generator may
 * use), memory, JDK, OS, CPU model, whether the kernel's DAMON monitor runs (on the test guest its sampling rounds
 * stalled the server: docs/performance.md, tenth pass) and the transparent huge page mode (the heaps' huge pages took
 * those stalls off: eleventh pass).
 */
final class HostFacts
{
    private HostFacts()
    {
    }

    static Map<String, Object> collect()
    {
        final Map<String, Object> facts = new LinkedHashMap<>();
        facts.put("cores", onlineCpus());
        facts.put("coresForLoadGenerator", Runtime.getRuntime().availableProcessors());
        facts.put("cpu", cpuModel());
        facts.put("memoryBytes", memTotalBytes());
        facts.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
        facts.put("jdk", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
        facts.put("openFilesLimit", openFilesLimit());
        facts.put("damon", DamonStatus.describe(Path.of("/sys")));
        final String hugePages = HostCheck.transparentHugePageMode(Path.of("/sys"));
        facts.put("transparentHugePages", null == hugePages ? "unknown" : hugePages);
        facts.put("reservedHugePages", ReservedHugePages.read(Path.of("/proc")).toString());
        facts.put("loadGeneratorHeapPages", ManagementFactory.getRuntimeMXBean().getInputArguments()
            .contains("-XX:+UseHugeTLBFS") ? "reserved huge pages" : "transparent huge pages or small");
        return facts;
    }

    /** The host's online CPUs, whatever this JVM is pinned to (availableProcessors counts only its affinity). */
    private static int onlineCpus()
    {
        try
        {
            return (int)Files.readAllLines(Path.of("/proc/cpuinfo"), StandardCharsets.US_ASCII).stream()
                .filter(line -> line.startsWith("processor")).count();
        }
        catch (final IOException | RuntimeException ex)
        {
            return -1;
        }
    }

    private static String cpuModel()
    {
        try
        {
            for (final String line : Files.readAllLines(Path.of("/proc/cpuinfo"), StandardCharsets.US_ASCII))
            {
                if (line.startsWith("model name"))
                {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        }
        catch (final IOException | RuntimeException ex)
        {
            return "unknown";
        }
        return "unknown";
    }

    private static long memTotalBytes()
    {
        try
        {
            for (final String line : Files.readAllLines(Path.of("/proc/meminfo"), StandardCharsets.US_ASCII))
            {
                if (line.startsWith("MemTotal:"))
                {
                    return Long.parseLong(line.substring(9).replace("kB", "").trim()) * 1024;
                }
            }
        }
        catch (final IOException | RuntimeException ex)
        {
            return -1;
        }
        return -1;
    }

    private static String openFilesLimit()
    {
        try
        {
            for (final String line : Files.readAllLines(Path.of("/proc/self/limits"), StandardCharsets.US_ASCII))
            {
                if (line.startsWith("Max open files"))
                {
                    return line.substring(14).trim().split("\\s+")[0];
                }
            }
        }
        catch (final IOException | RuntimeException ex)
        {
            return "unknown";
        }
        return "unknown";
    }
}
