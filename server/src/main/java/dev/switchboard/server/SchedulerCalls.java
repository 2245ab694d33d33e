package dev.switchboard.server;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import org.agrona.SystemUtil;

/**
 * {@code sched_setscheduler(2)} through JNA (the binding Chronicle Map brings), which the JDK has no call for. Linux
 * only: there a thread id names one thread, and 0 the calling one.
 */
final class SchedulerCalls
{
    private final Libc libc;
    private final int[] param = new int[1];

    private SchedulerCalls(final Libc libc)
    {
        this.libc = libc;
    }

    /**
     * The binding, or null where it is not to be had ({@link #unavailableBecause()}).
     */
    static SchedulerCalls load()
    {
        if (!SystemUtil.isLinux())
        {
            return null;
        }
        try
        {
            return new SchedulerCalls(Native.load("c", Libc.class));
        }
        catch (final LinkageError | RuntimeException ex)
        {
            return null;
        }
    }

    static String unavailableBecause()
    {
        return SystemUtil.isLinux() ? "the C library's sched_setscheduler could not be bound" :
            "per-thread real-time scheduling is only done on Linux";
    }

    /**
     * Sets a thread's policy and priority.
     *
     * @param tid the kernel's thread id; 0 for the calling thread.
     * @return 0, or the errno the kernel refused it with.
     */
    synchronized int setScheduler(final int tid, final int policy, final int priority)
    {
        param[0] = priority;
        try
        {
            libc.sched_setscheduler(tid, policy, param);
            return 0;
        }
        catch (final LastErrorException ex)
        {
            return ex.getErrorCode();
        }
    }

    /** struct sched_param is one int, the priority. */
    interface Libc extends Library
    {
        int sched_setscheduler(int pid, int policy, int[] param) throws LastErrorException;
    }
}
