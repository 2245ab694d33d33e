package dev.switchboard.bench;

import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code switchboard bench soak}: the crash soak, one {@link SoakRun} per journal sync policy in turn, each in its own
 * folder under {@code outDir} with a fresh server data folder; prints one line per policy and writes a JSON report.
 */
final class SoakScenario
{
    static final String JSON_FILE_NAME = "soak.json";

    private SoakScenario()
    {
    }

    static List<SoakResult> run(
        final SoakSettings settings, final File outDir, final File jsonFile, final PrintStream out) throws Exception
    {
        settings.validate();
        out.println("soak: " + settings.senders + " senders, " + settings.recipients + " recipients, " +
            settings.kills + " kills per policy, policies " + settings.syncPolicies + ", seed " + settings.seed +
            ", output " + outDir);
        final String startedAt = Instant.now().toString();
        final List<SoakResult> results = new ArrayList<>();
        for (final String policy : settings.syncPolicies)
        {
            try (SoakRun run = new SoakRun(settings, policy, new File(outDir, "soak-" + policy), out))
            {
                final SoakResult result = run.run();
                results.add(result);
                out.println(result.summary());
            }
        }

        final Map<String, Object> json = new LinkedHashMap<>();
        json.put("startedAt", startedAt);
        json.put("settings", settings.toMap());
        json.put("host", HostFacts.collect());
        final List<Object> runs = new ArrayList<>();
        for (final SoakResult result : results)
        {
            runs.add(result.toMap());
        }
        json.put("runs", runs);
        json.put("passed", results.stream().allMatch(SoakResult::passed));
        final File file = null != jsonFile ? jsonFile : new File(outDir, JSON_FILE_NAME);
        try
        {
            Files.createDirectories(file.getAbsoluteFile().getParentFile().toPath());
            Files.writeString(file.toPath(), Json.write(json), StandardCharsets.UTF_8);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        out.println("soak: wrote " + file);
        return results;
    }
}
