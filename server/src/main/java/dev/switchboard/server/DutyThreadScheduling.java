package dev.switchboard.server;

import com.sun.management.HotSpotDiagnosticMXBean;
import dev.switchboard.edge.EdgeConfiguration;
import org.agrona.concurrent.Agent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Puts the duty-cycle thread in the kernel's real-time class ({@code SCHED_FIFO}) when an operator asks with
 * {@value #PROP_NAME}: whenever it is runnable it runs, instead of taking turns with whatever shares its CPU (the
 * journal's segment agent, the acceptor, GC helpers, other processes) in the middle of a burst. The JIT's compiler
 * threads go one priority above it: a real-time thread busy with code still interpreted would otherwise starve the
 * compiler that makes it fast (measured on the 2-core host: the ring fell minutes behind at 20,000 msg/s).
 * <p>
 * Off by default. The thread blocks in its selector when idle, so an idle server still gives its CPU away; but under
 * overload it runs until the kernel's real-time throttle ({@code kernel.sched_rt_runtime_us}, 95% of each second)
 * stops it. For the same reason it never polls before blocking: the edge's reply wait is 0 in this class
 * ({@link ThreadLayout#applyTo(dev.switchboard.edge.EdgeContext)}). Polled in the real-time class, those idle
 * microseconds were the segment agent's; starved of them, it got its share from the kernel's fair server in pieces of
 * up to 6 ms each second, ahead of the duty thread (docs/performance.md, twenty-seventh pass). Refused at start with
 * a spinning idle strategy (it would never give the CPU back), with a reply wait or select spin asked for, and outside
 * the duty-cycle layout. Needs {@code CAP_SYS_NICE} or an {@code RLIMIT_RTPRIO} of at least the priority plus one
 * (systemd: {@code LimitRTPRIO}); where the kernel refuses, or the host is not Linux, the server says why at start and
 * runs in the normal class.
 */
final class DutyThreadScheduling
{
    static final String PROP_NAME = "switchboard.duty.realtime.priority";
    static final int OFF = 0;
    static final int DEFAULT = OFF;
    /** The compiler threads go one above, and 99 is the highest the kernel has. */
    static final int MAX_PRIORITY = 98;
    static final int SCHED_OTHER = 0;
    static final int SCHED_FIFO = 1;
    /** Or'ed into the policy: threads the duty thread starts (a lazy sender, say) begin in the normal class. */
    static final int SCHED_RESET_ON_FORK = 0x40000000;
    private static final int EPERM = 1;
    private static final int ESRCH = 3;
    /** HotSpot's compiler threads, as the kernel names them (15 characters at most). */
    private static final List<String> COMPILER_THREAD_NAMES = List.of("C1 CompilerThre", "C2 CompilerThre");
    private static final Logger LOG = LoggerFactory.getLogger(DutyThreadScheduling.class);

    private final int priority;
    private final SchedulerCalls calls;

    private DutyThreadScheduling(final int priority, final SchedulerCalls calls)
    {
        this.priority = priority;
        this.calls = calls;
    }

    /**
     * What {@value #PROP_NAME} asks for, checked against the layout.
     *
     * @throws IllegalArgumentException when it is not a priority, or the layout cannot take it.
     */
    static DutyThreadScheduling fromSystemProperties(final boolean dutyCycle, final boolean spinning)
    {
        final String value = System.getProperty(PROP_NAME, Integer.toString(OFF)).trim();
        final int priority;
        try
        {
            priority = Integer.parseInt(value);
        }
        catch (final NumberFormatException ex)
        {
            throw new IllegalArgumentException(PROP_NAME + " '" + value + "' is not a priority (0 off, 1.." +
                MAX_PRIORITY + ")");
        }
        if (priority < OFF || priority > MAX_PRIORITY)
        {
            throw new IllegalArgumentException(PROP_NAME + " " + priority + " is out of range (0 off, 1.." +
                MAX_PRIORITY + ")");
        }
        if (OFF == priority)
        {
            return new DutyThreadScheduling(OFF, null);
        }
        if (!dutyCycle)
        {
            throw new IllegalArgumentException(PROP_NAME + " needs the duty-cycle layout (" + ThreadLayout.PROP_NAME +
                "): with threads, no one thread carries the whole path");
        }
        if (spinning)
        {
            throw new IllegalArgumentException(PROP_NAME + " with a spinning idle strategy (" +
                IdleStrategies.PROP_NAME + ") would keep a CPU from everything else until the kernel's throttle");
        }
        if (pollsBeforeBlocking())
        {
            throw new IllegalArgumentException(PROP_NAME + " with " + EdgeConfiguration.REPLY_WAIT_PROP_NAME + " or " +
                EdgeConfiguration.SELECT_SPIN_PROP_NAME + " above 0: a poll before blocking, in the real-time class, " +
                "keeps the CPU from the journal's segment agent, which the kernel then runs for milliseconds at a time " +
                "ahead of the duty thread");
        }
        return new DutyThreadScheduling(priority, SchedulerCalls.load());
    }

    /** An operator's reply wait (its default is not theirs: this class sets it to 0) or select spin. */
    private static boolean pollsBeforeBlocking()
    {
        return (null != System.getProperty(EdgeConfiguration.REPLY_WAIT_PROP_NAME) &&
            EdgeConfiguration.replyWaitNs() > 0) || EdgeConfiguration.selectSpinNs() > 0;
    }

    boolean isRequested()
    {
        return OFF != priority;
    }

    /**
     * For the start-up layout line: empty when off.
     */
    String describe()
    {
        if (!isRequested())
        {
            return "";
        }
        return null == calls ?
            "; " + PROP_NAME + "=" + priority + " not applied: " + SchedulerCalls.unavailableBecause() :
            "; duty thread in SCHED_FIFO " + priority + ", compiler threads " + (priority + 1) + " (" + PROP_NAME + ")";
    }

    /**
     * The agent as given when off; else one that first moves its own thread (and the compiler threads) into the
     * real-time class, then runs it.
     */
    Agent onStartOf(final Agent agent)
    {
        return isRequested() && null != calls ? new OnStart(agent) : agent;
    }

    /**
     * Compiler threads one above, then the calling thread; all or nothing: the calling thread without the compilers
     * above it is worse than neither.
     *
     * @return what was done, for the log.
     */
    String applyToCurrentThread()
    {
        final List<Integer> compilers = compilerThreadIds();
        final List<Integer> raised = new ArrayList<>(compilers.size());
        for (final int tid : compilers)
        {
            final int errno = calls.setScheduler(tid, SCHED_FIFO | SCHED_RESET_ON_FORK, priority + 1);
            if (ESRCH == errno)
            {
                continue;
            }
            if (0 != errno)
            {
                toNormalClass(raised);
                return refused(errno);
            }
            raised.add(tid);
        }
        final int errno = calls.setScheduler(0, SCHED_FIFO | SCHED_RESET_ON_FORK, priority);
        if (0 != errno)
        {
            toNormalClass(raised);
            return refused(errno);
        }
        return "duty thread " + Thread.currentThread().getName() + " (tid " + currentThreadId() + ") in SCHED_FIFO " +
            priority + ", " + raised.size() + " compiler thread(s) in SCHED_FIFO " + (priority + 1) +
            laterCompilersNote(raised.size());
    }

    /**
     * Puts the compiler threads back in the normal class (tests: the JVM goes on after them).
     */
    void restoreCompilerThreads()
    {
        toNormalClass(compilerThreadIds());
    }

    private void toNormalClass(final List<Integer> threadIds)
    {
        for (final int tid : threadIds)
        {
            calls.setScheduler(tid, SCHED_OTHER, 0);
        }
    }

    private String refused(final int errno)
    {
        return "duty thread stays in the normal class: sched_setscheduler refused (errno " + errno +
            (EPERM == errno ? ", EPERM: needs CAP_SYS_NICE or an RLIMIT_RTPRIO of at least " + (priority + 1) +
            "; systemd: LimitRTPRIO=" + (priority + 1) : "") + ")";
    }

    private static String laterCompilersNote(final int found)
    {
        final HotSpotDiagnosticMXBean hotSpot = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
        final boolean dynamic =
            Boolean.parseBoolean(hotSpot.getVMOption("UseDynamicNumberOfCompilerThreads").getValue());
        final int count = Integer.parseInt(hotSpot.getVMOption("CICompilerCount").getValue());
        return dynamic && found < count ?
            "; compiler threads the JVM starts later stay in the normal class " +
            "(-XX:-UseDynamicNumberOfCompilerThreads " +
            "starts all " + count + " at once)" : "";
    }

    private static String currentThreadId()
    {
        try
        {
            return Files.readSymbolicLink(Path.of("/proc/thread-self")).getFileName().toString();
        }
        catch (final IOException | UnsupportedOperationException ex)
        {
            return "unknown";
        }
    }

    /**
     * The kernel's ids of this JVM's compiler threads, from /proc.
     */
    static List<Integer> compilerThreadIds()
    {
        final List<Integer> ids = new ArrayList<>();
        try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task")))
        {
            tasks.forEach(task ->
            {
                try
                {
                    if (COMPILER_THREAD_NAMES.contains(Files.readString(task.resolve("comm")).trim()))
                    {
                        ids.add(Integer.parseInt(task.getFileName().toString()));
                    }
                }
                catch (final IOException ex)
                {
                    // the thread ended while listed
                }
            });
        }
        catch (final IOException ex)
        {
            return List.of();
        }
        return ids;
    }

    private final class OnStart implements Agent
    {
        private final Agent agent;

        OnStart(final Agent agent)
        {
            this.agent = agent;
        }

        public void onStart()
        {
            LOG.info("threads: {}", applyToCurrentThread());
            agent.onStart();
        }

        public int doWork() throws Exception
        {
            return agent.doWork();
        }

        public void onClose()
        {
            agent.onClose();
        }

        public String roleName()
        {
            return agent.roleName();
        }
    }
}
