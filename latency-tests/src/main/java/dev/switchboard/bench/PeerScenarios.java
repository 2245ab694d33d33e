package dev.switchboard.bench;

import java.io.File;
import java.io.PrintStream;

/**
 * Runs a scenario against a peer server instead of Switchboard.
 */
final class PeerScenarios
{
    private PeerScenarios()
    {
    }

    static boolean isAvailable(final String peer, final String scenario)
    {
        return null == whyUnavailable(peer, scenario);
    }

    static String whyUnavailable(final String peer, final String scenario)
    {
        return "no driver for " + peer + " in this build";
    }

    static BenchResult run(final String scenario, final BenchSettings settings, final File outDir, final PrintStream out)
    {
        throw new IllegalArgumentException("--target " + settings.target + ": " +
            whyUnavailable(settings.target, scenario));
    }
}
