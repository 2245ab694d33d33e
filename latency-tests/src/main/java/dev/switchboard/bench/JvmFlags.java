package dev.switchboard.bench;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The JVM flags every Switchboard JVM needs (module opens and exports for Agrona and Chronicle Map, Chronicle's
 * analytics off, the selector's Integer cache, huge pages for the heap, exit when out of heap), for the child JVMs
 * the bench starts: taken from this JVM when it has them, else from the root pom's {@code switchboard.jvm.flags}, the
 * one place they are declared.
 */
final class JvmFlags
{
    private static final Pattern POM_PROPERTY = Pattern.compile(
        "<switchboard\\.jvm\\.flags>([^<]*)</switchboard\\.jvm\\.flags>");

    private JvmFlags()
    {
    }

    static List<String> forChild(final File repoRoot)
    {
        final List<String> flags = new ArrayList<>();
        for (final String argument : ManagementFactory.getRuntimeMXBean().getInputArguments())
        {
            if (argument.startsWith("--add-opens") || argument.startsWith("--add-exports") ||
                argument.startsWith("-Dchronicle.") || argument.startsWith("-XX:AutoBoxCacheMax") ||
                argument.equals("-XX:+UseTransparentHugePages") || argument.equals("-XX:+ExitOnOutOfMemoryError"))
            {
                flags.add(argument);
            }
        }
        if (flags.contains("--add-opens=java.base/jdk.internal.misc=ALL-UNNAMED"))
        {
            return flags;
        }
        return fromPom(new File(repoRoot, "pom.xml"));
    }

    static List<String> fromPom(final File pom)
    {
        try
        {
            final Matcher matcher = POM_PROPERTY.matcher(Files.readString(pom.toPath(), StandardCharsets.UTF_8));
            if (!matcher.find())
            {
                throw new IllegalStateException("no switchboard.jvm.flags in " + pom);
            }
            return new ArrayList<>(Arrays.asList(matcher.group(1).trim().split("\\s+")));
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }
}
