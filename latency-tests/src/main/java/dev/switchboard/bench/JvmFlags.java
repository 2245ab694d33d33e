package dev.switchboard.bench;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
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
 * the bench starts: the root pom's {@code switchboard.jvm.flags}, the one place they are declared, as the server
 * module's {@code switchboard-jvm.options} resource carries them, else read from the pom itself.
 */
final class JvmFlags
{
    private static final String OPTIONS_RESOURCE = "/switchboard-jvm.options";
    private static final Pattern POM_PROPERTY = Pattern.compile(
        "<switchboard\\.jvm\\.flags>([^<]*)</switchboard\\.jvm\\.flags>");

    private JvmFlags()
    {
    }

    static List<String> forChild(final File repoRoot)
    {
        // The server module writes the pom's list to this resource for the launcher; it is on the bench's classpath.
        try (InputStream declared = JvmFlags.class.getResourceAsStream(OPTIONS_RESOURCE))
        {
            if (null != declared)
            {
                final String flags = new String(declared.readAllBytes(), StandardCharsets.UTF_8).trim();
                if (!flags.isEmpty() && !flags.startsWith("${"))
                {
                    return new ArrayList<>(Arrays.asList(flags.split("\\s+")));
                }
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
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
