package dev.switchboard.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Keeps the server and the load generator off each other's CPUs, the same way for every target: a server the bench
 * starts runs under {@code taskset -c <server cpus>} (prefixed to its command, so the pin holds from its first
 * instruction), and the load generator JVM pins itself with {@code taskset -a -p -c <load cpus> <own pid>} before
 * any server starts (every thread it has; threads it starts later inherit the pin, as do its child client JVMs).
 * Only where the host has at least two CPUs, taskset is installed and {@code --no-pin} was not given.
 * <p>
 * With {@code --realtime N} every server runs its busy thread in the kernel's real-time class, each the way it is
 * built for: Switchboard's own setting puts its duty thread in SCHED_FIFO N (its compiler threads above), and a peer
 * runs under {@code chrt -f N}, which for mosquitto is its one event-loop thread and for nats-server every thread.
 */
final class CpuAffinity
{
    private final boolean enabled;
    private final String serverCpus;
    private final String loadCpus;
    private final String why;
    private final int realtimePriority;
    private String selfPinResult = "not pinned";

    private CpuAffinity(
        final boolean enabled, final String serverCpus, final String loadCpus, final String why, final int realtime)
    {
        this.enabled = enabled;
        this.serverCpus = serverCpus;
        this.loadCpus = loadCpus;
        this.why = why;
        this.realtimePriority = realtime;
    }

    /**
     * The pinning the settings ask for, on this host.
     */
    static CpuAffinity of(final BenchSettings settings)
    {
        final int realtime = settings.realtimePriority;
        if (realtime < 0 || realtime > 98)
        {
            throw new IllegalArgumentException("--realtime " + realtime + ": 0 (off) or a priority 1..98");
        }
        if (realtime > 0 && null == PeerProcesses.find("chrt"))
        {
            throw new IllegalArgumentException("--realtime needs chrt (util-linux)");
        }
        if (!settings.pin)
        {
            return new CpuAffinity(false, null, null, "--no-pin", realtime);
        }
        if (null != settings.host)
        {
            return new CpuAffinity(false, null, null, "--host: the server is not started by the bench", realtime);
        }
        final int cpus = Runtime.getRuntime().availableProcessors();
        if (cpus < 2)
        {
            return new CpuAffinity(false, null, null, "the host has " + cpus + " CPU", realtime);
        }
        if (null == PeerProcesses.find("taskset"))
        {
            return new CpuAffinity(false, null, null, "taskset is not installed (util-linux)", realtime);
        }
        return new CpuAffinity(true, settings.serverCpus, settings.loadCpus, null, realtime);
    }

    /**
     * No pinning: the command as given (tests, and the soak, which kills and restarts its server).
     */
    static CpuAffinity none()
    {
        return new CpuAffinity(false, null, null, "not asked", 0);
    }

    boolean enabled()
    {
        return enabled;
    }

    /**
     * {@code command} behind {@code taskset -c <server cpus>} when pinning, else as given.
     */
    List<String> serverCommand(final List<String> command)
    {
        if (!enabled)
        {
            return command;
        }
        final List<String> pinned = new ArrayList<>(List.of(PeerProcesses.find("taskset"), "-c", serverCpus));
        pinned.addAll(command);
        return pinned;
    }

    /**
     * A peer server's command: {@link #serverCommand(List)}, under {@code chrt -f <priority>} with {@code --realtime}.
     */
    List<String> peerCommand(final List<String> command)
    {
        if (0 == realtimePriority)
        {
            return serverCommand(command);
        }
        final List<String> realtime = new ArrayList<>(
            List.of(PeerProcesses.find("chrt"), "-f", Integer.toString(realtimePriority)));
        realtime.addAll(command);
        return serverCommand(realtime);
    }

    /**
     * Switchboard's own options for {@code --realtime}: none when off.
     */
    List<String> switchboardOptions()
    {
        return 0 == realtimePriority ? List.of() :
            List.of("-Dswitchboard.duty.realtime.priority=" + realtimePriority);
    }

    /**
     * Pin this JVM (all its threads) to the load CPUs; returns taskset's report, or why it was not done.
     */
    String pinSelf()
    {
        if (!enabled)
        {
            return selfPinResult;
        }
        final String pid = Long.toString(ProcessHandle.current().pid());
        final String result = PeerProcesses.run(PeerProcesses.find("taskset"), "-a", "-p", "-c", loadCpus, pid);
        // taskset prints a current and a new affinity line per thread: sum it up.
        final long threads = result.lines().filter(line -> line.contains("new affinity list")).count();
        selfPinResult = result.startsWith("failed") ? result :
            "pid " + pid + ": " + threads + " threads pinned to CPUs " + loadCpus;
        return selfPinResult;
    }

    /**
     * For the JSON report: whether and how the run was pinned.
     */
    Map<String, Object> toMap()
    {
        final Map<String, Object> map = new LinkedHashMap<>();
        map.put("enabled", enabled);
        if (enabled)
        {
            map.put("serverCpus", serverCpus);
            map.put("loadCpus", loadCpus);
            map.put("method", "server: taskset -c " + serverCpus + " <command>; load generator: taskset -a -p -c " +
                loadCpus + " <own pid>");
            map.put("loadPinResult", selfPinResult);
        }
        else
        {
            map.put("why", why);
        }
        map.put("realtimePriority", realtimePriority);
        if (0 != realtimePriority)
        {
            map.put("realtimeMethod", "switchboard: -Dswitchboard.duty.realtime.priority=" + realtimePriority +
                " (duty thread SCHED_FIFO " + realtimePriority + ", compiler threads " + (realtimePriority + 1) +
                "); peers: chrt -f " + realtimePriority + " <command>");
        }
        return map;
    }
}
