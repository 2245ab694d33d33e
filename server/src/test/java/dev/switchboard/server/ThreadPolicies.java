package dev.switchboard.server;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The kernel's view of a process's threads: each one's name, scheduling policy and real-time priority, from /proc.
 */
final class ThreadPolicies
{
    /** One thread as /proc shows it. */
    static final class Policy
    {
        final String name;
        final int policy;
        final int priority;

        Policy(final String name, final int policy, final int priority)
        {
            this.name = name;
            this.policy = policy;
            this.priority = priority;
        }

        public String toString()
        {
            return name + " policy " + policy + " priority " + priority;
        }
    }

    private ThreadPolicies()
    {
    }

    /**
     * Every live thread of the process, by thread id.
     */
    static Map<Integer, Policy> of(final long pid) throws IOException
    {
        final Map<Integer, Policy> threads = new LinkedHashMap<>();
        try (Stream<Path> tasks = Files.list(Path.of("/proc/" + pid + "/task")))
        {
            for (final Path task : (Iterable<Path>)tasks::iterator)
            {
                try
                {
                    threads.put(Integer.parseInt(task.getFileName().toString()),
                        parse(Files.readString(task.resolve("stat"))));
                }
                catch (final IOException ex)
                {
                    // ended while listed
                }
            }
        }
        return threads;
    }

    /**
     * A /proc stat line's name, policy (field 41) and real-time priority (field 40).
     */
    static Policy parse(final String stat)
    {
        // the name in parentheses may hold spaces and parentheses; the fields after it start at field 3
        final String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
        final String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
        return new Policy(name, Integer.parseInt(fields[41 - 3]), Integer.parseInt(fields[40 - 3]));
    }
}
