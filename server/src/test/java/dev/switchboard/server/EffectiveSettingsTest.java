package dev.switchboard.server;

import dev.switchboard.tuning.Profiles;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The start-up report names each switchboard.* key whose value differs from its declared default, with its source,
 * and leaves out keys set to their default in another spelling.
 */
class EffectiveSettingsTest
{
    @TempDir
    File dataDir;

    private final Set<String> before = new HashSet<>(System.getProperties().stringPropertyNames());

    @AfterEach
    void clearProperties()
    {
        for (final String key : new ArrayList<>(System.getProperties().stringPropertyNames()))
        {
            if (!before.contains(key))
            {
                System.clearProperty(key);
            }
        }
    }

    @Test
    void shouldFindTheDeclaredDefaultsOfEveryModule()
    {
        final Map<String, Object> defaults = EffectiveSettings.declaredDefaults();
        assertTrue(defaults.containsKey("switchboard.edge.idle.timeout"), defaults.keySet().toString());
        assertTrue(defaults.containsKey("switchboard.ring.size"));
        assertTrue(defaults.containsKey("switchboard.journal.sync"));
        assertTrue(defaults.containsKey("switchboard.journal.ttl"));
        assertTrue(defaults.containsKey("switchboard.state.max.accounts"));
        assertTrue(defaults.containsKey("switchboard.codec.max.frame.length"));
        assertTrue(defaults.containsKey(ShutdownConfiguration.TIMEOUT_PROP_NAME));
        assertTrue(defaults.containsKey(ThreadLayout.PROP_NAME));
        assertTrue(defaults.containsKey("switchboard.ring.fused"));
        assertTrue(defaults.containsKey(PushConfiguration.COALESCE_PROP_NAME));
        assertTrue(defaults.containsKey(MetricsEndpoint.PORT_PROP_NAME));
    }

    @Test
    void shouldReportChangedKeysWithTheirSourceAndSkipDefaultsInAnotherSpelling() throws Exception
    {
        System.setProperty("switchboard.edge.idle.timeout", "60s");
        System.setProperty("switchboard.ring.size", "16k");
        System.setProperty("switchboard.journal.sync", "BATCH");
        System.setProperty("switchboard.journal.ttl", "2592000s");
        System.setProperty("switchboard.edge.write.timeout", "45s");
        System.setProperty("switchboard.edge.max.pending.write", "512k");
        System.setProperty("switchboard.no.such.key", "1");
        final Set<String> commandLine = EffectiveSettings.commandLineKeys();
        Profiles.apply("latency");

        final List<EffectiveSettings.Changed> changed = EffectiveSettings.changed(commandLine, "latency");
        final Map<String, EffectiveSettings.Changed> byKey =
            changed.stream().collect(Collectors.toMap(setting -> setting.key, setting -> setting));

        assertFalse(byKey.containsKey("switchboard.edge.idle.timeout"), changed.toString());
        assertFalse(byKey.containsKey("switchboard.ring.size"), changed.toString());
        assertFalse(byKey.containsKey("switchboard.journal.sync"), "-D wins over the profile, and is the default");
        assertFalse(byKey.containsKey("switchboard.journal.ttl"), changed.toString());
        assertEquals("switchboard.edge.write.timeout=45s (default 30000ms; from -D)",
            byKey.get("switchboard.edge.write.timeout").toString());
        assertEquals("-D", byKey.get("switchboard.edge.max.pending.write").source);
        assertEquals("switchboard.ring.wait.strategy=busy-spin (default phased; from profile latency)",
            byKey.get("switchboard.ring.wait.strategy").toString());
        assertEquals("switchboard.no.such.key=1 (not a setting of this server; from -D)",
            byKey.get("switchboard.no.such.key").toString());
        assertFalse(byKey.get("switchboard.no.such.key").known);
        assertFalse(byKey.containsKey(Profiles.PROFILE_PROP_NAME));

        EffectiveSettings.report(dataDir, "latency", "threads: layout duty-cycle", List.of("edge: 1 poller(s)"), changed);
        final String text = Files.readString(new File(dataDir, EffectiveSettings.FILE_NAME).toPath(),
            StandardCharsets.UTF_8);
        assertTrue(text.contains("profile: latency\nthreads: layout duty-cycle\nedge: 1 poller(s)\n"), text);
        assertTrue(text.contains("changed from default: " + changed.size() + "\n"), text);
        assertTrue(text.contains("  switchboard.edge.write.timeout=45s (default 30000ms; from -D)\n"), text);
    }

    @Test
    void shouldKnowTheKeysOfEveryModuleIncludingThoseWithoutADefault()
    {
        final Set<String> keys = EffectiveSettings.declaredKeys();
        assertTrue(keys.contains("switchboard.journal.sync"), keys.toString());
        assertTrue(keys.contains("switchboard.login.signed.window"));
        assertTrue(keys.contains("switchboard.tls.cert"), "no default, still a setting");
        assertTrue(keys.contains("switchboard.turn.secret"));
        assertTrue(keys.contains("switchboard.calls.per.minute"));
        assertTrue(keys.contains("switchboard.link.code.ttl"));
        assertTrue(keys.contains("switchboard.media.port"));
        assertTrue(keys.contains(Profiles.PROFILE_PROP_NAME));
        assertFalse(keys.contains("switchboard.jounral.sync"));
    }

    @Test
    void shouldWarnOfAMisspeltKeyNamingTheSettingItIsNearest()
    {
        System.setProperty("switchboard.jounral.sync", "always");
        System.setProperty("switchboard.turn.secret", "s3cret-for-the-test");
        System.setProperty("switchboard.client.port", "7420");
        System.setProperty("switchboard.zz.entirely.other", "1");

        final Map<String, EffectiveSettings.Changed> byKey = EffectiveSettings.changed(Set.of(), null).stream()
            .collect(Collectors.toMap(setting -> setting.key, setting -> setting));

        assertEquals("switchboard.jounral.sync=always (not a setting of this server, did you mean " +
            "switchboard.journal.sync?; from system property)", byKey.get("switchboard.jounral.sync").toString());
        assertTrue(byKey.get("switchboard.turn.secret").known, "a setting without a default is still known");
        assertEquals("switchboard.turn.secret=(hidden) (no declared default; from system property)",
            byKey.get("switchboard.turn.secret").toString(), "a secret is never logged");
        assertTrue(byKey.get("switchboard.client.port").known, "the client SDK's own settings are not the server's");
        assertFalse(byKey.get("switchboard.zz.entirely.other").known);
        assertEquals(null, byKey.get("switchboard.zz.entirely.other").nearest, "nothing near: no guess");
    }

    @Test
    void shouldMeasureEditsWithATranspositionAsOne()
    {
        assertEquals(0, NearestKey.editDistance("journal", "journal", 4));
        assertEquals(1, NearestKey.editDistance("jounral", "journal", 4));
        assertEquals(1, NearestKey.editDistance("journl", "journal", 4));
        assertEquals(2, NearestKey.editDistance("jurnl", "journal", 4));
        assertEquals(4, NearestKey.editDistance("a", "journal", 4), "capped at the bound");
    }
}
