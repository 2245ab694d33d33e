/*
 * A train of CPU stalls of known length and period: on the CPU it is pinned to, at SCHED_FIFO priority 1, take the CPU
 * for SPIN_US microseconds every PERIOD_MS milliseconds, for SECONDS. A server on that CPU gets nothing while it
 * spins, as when a kernel thread or the hypervisor takes its CPU, but on a schedule, so that two servers can be
 * compared on how many late messages the same stalls cost them. Prints how many stalls it made and the longest
 * overshoot of a wake-up (how late the train itself ran).
 *
 *   stall-train PERIOD_MS SPIN_US SECONDS
 */
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static long now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1000000000L + t.tv_nsec;
}

int main(int argc, char **argv)
{
    if (argc != 4)
    {
        fprintf(stderr, "usage: stall-train PERIOD_MS SPIN_US SECONDS\n");
        return 2;
    }
    const long period_ns = atol(argv[1]) * 1000000L;
    const long spin_ns = atol(argv[2]) * 1000L;
    const long duration_ns = atol(argv[3]) * 1000000000L;
    if (period_ns <= 0 || spin_ns <= 0 || spin_ns >= period_ns || duration_ns <= 0)
    {
        fprintf(stderr, "stall-train: need 0 < SPIN_US < PERIOD_MS * 1000 and SECONDS > 0\n");
        return 2;
    }

    const struct sched_param param = { .sched_priority = 1 };
    if (sched_setscheduler(0, SCHED_FIFO, &param) != 0)
    {
        perror("stall-train: SCHED_FIFO (needs root or CAP_SYS_NICE)");
        return 1;
    }

    const long start_ns = now_ns();
    long due_ns = start_ns + period_ns;
    long stalls = 0;
    long max_late_ns = 0;
    while (due_ns - start_ns < duration_ns)
    {
        const struct timespec due = { due_ns / 1000000000L, due_ns % 1000000000L };
        clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &due, NULL);
        const long began_ns = now_ns();
        if (began_ns - due_ns > max_late_ns)
        {
            max_late_ns = began_ns - due_ns;
        }
        while (now_ns() - began_ns < spin_ns)
        {
        }
        stalls++;
        due_ns += period_ns;
    }
    printf("stall-train: %ld stalls of %ld us every %ld ms; latest start %ld us after due\n",
        stalls, spin_ns / 1000, period_ns / 1000000, max_late_ns / 1000);
    return 0;
}
