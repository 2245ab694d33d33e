package dev.switchboard.server;

import dev.switchboard.codec.MaxFrame;
import dev.switchboard.edge.EdgeConfiguration;
import dev.switchboard.journal.JournalConfiguration;
import dev.switchboard.media.MediaConfiguration;
import dev.switchboard.ring.CallConfiguration;
import dev.switchboard.ring.KeyDirectoryConfiguration;
import dev.switchboard.ring.LinkConfiguration;
import dev.switchboard.ring.RingConfiguration;
import dev.switchboard.state.StateConfiguration;
import dev.switchboard.tuning.Profiles;
import org.agrona.SystemUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.File;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * What the server runs with, written at start to {@value #FILE_NAME} in the data folder and logged: the profile, the
 * thread layout, and every {@code switchboard.*} property whose value differs from its declared default, with where it
 * came from (-D on the command line, the profile, or set by an embedding program); a secret's value is shown as
 * {@value #HIDDEN}. A key that is no setting of the
 * server (a misspelt one would otherwise be ignored without a word) is logged as a warning, with the setting it is
 * nearest to.
 * <p>
 * Defaults are read from the Configuration classes: for a constant {@code X_PROP_NAME}, the constant named
 * {@code X_DEFAULT}, {@code X_DEFAULT_NS}, {@code X_MS_DEFAULT} (and so on) or {@code DEFAULT_X}. Durations are compared
 * in their unit, sizes with their suffixes ({@code 64k}), so {@code 10s} equals a default of 10,000,000,000 ns.
 */
final class EffectiveSettings
{
    static final String FILE_NAME = "settings.txt";
    static final String PREFIX = "switchboard.";
    private static final Logger LOG = LoggerFactory.getLogger(EffectiveSettings.class);
    private static final Class<?>[] CONFIGURATIONS = {
        EdgeConfiguration.class, RingConfiguration.class, KeyDirectoryConfiguration.class, JournalConfiguration.class,
        StateConfiguration.class, MaxFrame.class, ThreadLayout.class, DutyThreadScheduling.class,
        IdleStrategies.class, ServerCounters.class, ShutdownConfiguration.class, MetricsEndpoint.class,
        PushConfiguration.class, CallConfiguration.class, LinkConfiguration.class, MediaConfiguration.class };
    /** Settings of the client SDK and the bench, which may share a JVM with the server (tests, embedding programs). */
    private static final String[] OTHER_COMPONENTS = { PREFIX + "client.", PREFIX + "bench." };
    /** Values of keys ending so are never logged or written: the TURN server's shared secret. */
    private static final String SECRET_SUFFIX = ".secret";
    static final String HIDDEN = "(hidden)";

    /** One property that differs from its default. */
    static final class Changed
    {
        final String key;
        final String value;
        /** The declared default, printed; null when none is declared. */
        final String defaultValue;
        final String source;
        /** False for a key no part of the server reads. */
        final boolean known;
        /** For an unknown key, the setting it is nearest to; null when none is near. */
        final String nearest;

        Changed(
            final String key,
            final String value,
            final String defaultValue,
            final String source,
            final boolean known,
            final String nearest)
        {
            this.key = key;
            this.value = value;
            this.defaultValue = defaultValue;
            this.source = source;
            this.known = known;
            this.nearest = nearest;
        }

        public String toString()
        {
            final String what = !known ? "not a setting of this server" + (null == nearest ? "" :
                ", did you mean " + nearest + "?") : null == defaultValue ? "no declared default" :
                "default " + defaultValue;
            return key + "=" + value + " (" + what + "; from " + source + ")";
        }
    }

    private EffectiveSettings()
    {
    }

    /**
     * The {@code switchboard.*} system properties set now, before a profile is applied: those came from -D.
     */
    static Set<String> commandLineKeys()
    {
        final Set<String> keys = new HashSet<>();
        for (final String key : System.getProperties().stringPropertyNames())
        {
            if (key.startsWith(PREFIX))
            {
                keys.add(key);
            }
        }
        return keys;
    }

    /**
     * Every {@code switchboard.*} system property that differs from its declared default (or has none), in key order.
     */
    static List<Changed> changed(final Set<String> commandLineKeys, final String profile)
    {
        final Map<String, Object> defaults = declaredDefaults();
        final Set<String> known = declaredKeys();
        final Properties profileProperties = null == profile ? new Properties() : Profiles.load(profile);
        final Map<String, String> sorted = new TreeMap<>();
        for (final String key : System.getProperties().stringPropertyNames())
        {
            if (key.startsWith(PREFIX) && !Profiles.PROFILE_PROP_NAME.equals(key))
            {
                sorted.put(key, System.getProperty(key).trim());
            }
        }
        final List<Changed> changed = new ArrayList<>();
        for (final Map.Entry<String, String> entry : sorted.entrySet())
        {
            final String key = entry.getKey();
            final String value = entry.getValue();
            final boolean declared = defaults.containsKey(key);
            final Object defaultValue = defaults.get(key);
            if (declared && isDefault(key, value, defaultValue))
            {
                continue;
            }
            final String source = commandLineKeys.contains(key) ? "-D" :
                profileProperties.containsKey(key) ? "profile " + profile : "system property";
            final boolean isKnown = known.contains(key) || isOtherComponents(key);
            final String shown = key.endsWith(SECRET_SUFFIX) ? HIDDEN : value;
            changed.add(new Changed(key, shown, declared ? String.valueOf(defaultValue) : null, source, isKnown,
                isKnown ? null : NearestKey.of(key, known)));
        }
        return changed;
    }

    /**
     * Log the settings and write them to {@value #FILE_NAME} in the data folder (replacing the last start's).
     */
    static void report(
        final File dataDir, final String profile, final String layout, final List<String> lines,
        final List<Changed> changed)
    {
        final StringBuilder text = new StringBuilder()
            .append("# Switchboard effective settings at start, ").append(Instant.now()).append('\n')
            .append("profile: ").append(null == profile ? "none (defaults)" : profile).append('\n')
            .append(layout).append('\n');
        for (final String line : lines)
        {
            text.append(line).append('\n');
        }
        text.append("changed from default: ").append(changed.size()).append('\n');
        for (final Changed setting : changed)
        {
            text.append("  ").append(setting).append('\n');
        }

        final File file = new File(dataDir, FILE_NAME);
        try
        {
            final File part = new File(dataDir, FILE_NAME + ".part");
            Files.writeString(part.toPath(), text, StandardCharsets.UTF_8);
            Files.move(part.toPath(), file.toPath(), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }
        catch (final IOException ex)
        {
            LOG.warn("cannot write {}: {}", file, ex.toString());
        }
        LOG.info("settings: profile {}, {} key(s) changed from default (all in {})",
            null == profile ? "none" : profile, changed.size(), file);
        for (final Changed setting : changed)
        {
            if (setting.known)
            {
                LOG.info("setting: {}", setting);
            }
            else
            {
                LOG.warn("setting: {}", setting);
            }
        }
    }

    /** Every {@code switchboard.*} key the server reads: the values of the {@code *PROP_NAME} constants. */
    static Set<String> declaredKeys()
    {
        final Set<String> keys = new HashSet<>();
        keys.add(Profiles.PROFILE_PROP_NAME);
        for (final Class<?> configuration : CONFIGURATIONS)
        {
            for (final Field field : configuration.getDeclaredFields())
            {
                if (Modifier.isStatic(field.getModifiers()) && field.getName().endsWith("PROP_NAME") &&
                    String.class == field.getType())
                {
                    final Object key = read(field);
                    if (key instanceof String && ((String)key).startsWith(PREFIX))
                    {
                        keys.add((String)key);
                    }
                }
            }
        }
        return keys;
    }

    private static boolean isOtherComponents(final String key)
    {
        for (final String prefix : OTHER_COMPONENTS)
        {
            if (key.startsWith(prefix))
            {
                return true;
            }
        }
        return false;
    }

    static Map<String, Object> declaredDefaults()
    {
        final Map<String, Object> defaults = new HashMap<>();
        for (final Class<?> configuration : CONFIGURATIONS)
        {
            final Map<String, Field> constants = new HashMap<>();
            for (final Field field : configuration.getDeclaredFields())
            {
                if (Modifier.isStatic(field.getModifiers()) && Modifier.isFinal(field.getModifiers()))
                {
                    constants.put(field.getName(), field);
                }
            }
            for (final Map.Entry<String, Field> entry : constants.entrySet())
            {
                final String name = entry.getKey();
                if (!name.endsWith("PROP_NAME") || String.class != entry.getValue().getType())
                {
                    continue;
                }
                final String stem = name.substring(0, name.length() - "PROP_NAME".length());
                final Field defaultField = defaultFor(stem, constants);
                final String key = (String)read(entry.getValue());
                if (null != defaultField && null != key && key.startsWith(PREFIX))
                {
                    defaults.put(key, new Default(defaultField.getName(), read(defaultField)));
                }
            }
        }
        return defaults;
    }

    private static Field defaultFor(final String stem, final Map<String, Field> constants)
    {
        final String bare = stem.endsWith("_") ? stem.substring(0, stem.length() - 1) : stem;
        for (final String candidate : new String[]{ stem + "DEFAULT", stem + "DEFAULT_NS", stem + "DEFAULT_MS",
            stem + "MS_DEFAULT", stem + "NS_DEFAULT", "DEFAULT_" + bare })
        {
            final Field field = constants.get(candidate);
            if (null != field)
            {
                return field;
            }
        }
        return null;
    }

    private static Object read(final Field field)
    {
        try
        {
            field.setAccessible(true);
            return field.get(null);
        }
        catch (final ReflectiveOperationException | RuntimeException ex)
        {
            return null;
        }
    }

    /** A declared default and the name of its constant, which carries its unit. */
    static final class Default
    {
        final String constantName;
        final Object value;

        Default(final String constantName, final Object value)
        {
            this.constantName = constantName;
            this.value = value;
        }

        public String toString()
        {
            if (value instanceof Long && constantName.contains("_NS"))
            {
                return TimeUnit.NANOSECONDS.toMillis((Long)value) + "ms";
            }
            if (value instanceof Long && constantName.contains("_MS"))
            {
                return value + "ms";
            }
            return String.valueOf(value);
        }
    }

    static boolean isDefault(final String key, final String value, final Object declared)
    {
        final Default defaultValue = (Default)declared;
        final Object expected = defaultValue.value;
        try
        {
            if (expected instanceof Boolean)
            {
                return expected.equals(Boolean.parseBoolean(value));
            }
            if (expected instanceof Enum || expected instanceof String)
            {
                return String.valueOf(expected).equalsIgnoreCase(value);
            }
            if (expected instanceof Double || expected instanceof Float)
            {
                return ((Number)expected).doubleValue() == Double.parseDouble(value);
            }
            if (expected instanceof Number)
            {
                final long number = ((Number)expected).longValue();
                if (defaultValue.constantName.contains("_NS"))
                {
                    return number == SystemUtil.parseDuration(key, value);
                }
                if (defaultValue.constantName.contains("_MS"))
                {
                    return number == TimeUnit.NANOSECONDS.toMillis(SystemUtil.parseDuration(key, value));
                }
                return number == SystemUtil.parseSize(key, value);
            }
        }
        catch (final RuntimeException ex)
        {
            return false;
        }
        return false;
    }
}
