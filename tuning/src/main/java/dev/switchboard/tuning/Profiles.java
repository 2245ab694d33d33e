package dev.switchboard.tuning;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * The named tuning profiles. A profile is a properties file applied to the system properties before any Context is
 * built; a property already set (by -D) wins over the profile.
 */
public final class Profiles
{
    public static final String PROFILE_PROP_NAME = "switchboard.profile";
    public static final String DEFAULT_PROFILE = "balanced";
    public static final List<String> NAMES = List.of("latency", "balanced", "density");

    private Profiles()
    {
    }

    /**
     * Read a profile's settings.
     *
     * @throws IllegalArgumentException if there is no such profile.
     */
    public static Properties load(final String name)
    {
        if (!NAMES.contains(name))
        {
            throw new IllegalArgumentException("unknown profile '" + name + "', expected one of " + NAMES);
        }
        final Properties properties = new Properties();
        try (InputStream in = Profiles.class.getResourceAsStream(name + ".properties"))
        {
            if (null == in)
            {
                throw new IllegalStateException("profile resource missing: " + name);
            }
            properties.load(in);
        }
        catch (final IOException ex)
        {
            throw new IllegalStateException("cannot read profile " + name, ex);
        }
        return properties;
    }

    /**
     * Apply a profile to the system properties, keeping every property that is already set.
     *
     * @return the number of properties the profile set.
     */
    public static int apply(final String name)
    {
        int applied = 0;
        for (final Map.Entry<Object, Object> entry : load(name).entrySet())
        {
            final String key = (String)entry.getKey();
            if (null == System.getProperty(key))
            {
                System.setProperty(key, ((String)entry.getValue()).trim());
                applied++;
            }
        }
        System.setProperty(PROFILE_PROP_NAME, name);
        return applied;
    }
}
