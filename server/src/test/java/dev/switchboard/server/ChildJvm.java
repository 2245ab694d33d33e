package dev.switchboard.server;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;

/**
 * The JVM flags of this test JVM that a child JVM needs too (the module opens and exports that Agrona and Chronicle
 * Map need, and the analytics switch), taken from the running JVM so they are declared in one place, the root pom.
 */
final class ChildJvm
{
    private ChildJvm()
    {
    }

    static List<String> flags()
    {
        final List<String> flags = new ArrayList<>();
        for (final String argument : ManagementFactory.getRuntimeMXBean().getInputArguments())
        {
            if (argument.startsWith("--add-opens") || argument.startsWith("--add-exports") ||
                argument.startsWith("-Dchronicle."))
            {
                flags.add(argument);
            }
        }
        return flags;
    }
}
