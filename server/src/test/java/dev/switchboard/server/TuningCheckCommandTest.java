package dev.switchboard.server;

import dev.switchboard.ring.RingConfiguration;
import dev.switchboard.tuning.HostCheck;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code switchboard tuning check} on this host: past the hard open-file limit it names the limit and fails.
 */
class TuningCheckCommandTest
{
    @Test
    void shouldNameTheHardOpenFileLimitOfThisHost()
    {
        final long hard = new HostCheck().openFileLimits()[1];
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final int status = TuningCommand.Check.report(
            new HostCheck(), hard, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        final String out = bytes.toString(StandardCharsets.UTF_8);

        assertEquals(1, status, out);
        assertTrue(out.matches("(?s).*\nFAIL +open files, hard limit \\(ulimit -Hn\\) +hard limit " + hard + " < " +
            (hard + HostCheck.FD_RESERVE) + " needed.*"), out);
        assertTrue(out.contains("LimitNOFILE="), out);
        assertTrue(out.contains("does not fit"), out);
        assertTrue(out.matches("(?s).*\n(OK|WARN) +login signatures +(libsodium|Bouncy Castle).*"), out);
    }

    @Test
    void shouldSayWhichImplementationVerifiesLoginSignatures()
    {
        final HostCheck.Finding finding = TuningCommand.Check.loginSignatures();

        assertEquals(RingConfiguration.libsodiumLoaded() ? HostCheck.Verdict.OK : HostCheck.Verdict.WARN,
            finding.verdict, finding.toString());
        assertEquals(RingConfiguration.libsodiumLoaded() ? "libsodium" :
            RingConfiguration.loginSignaturesVerifiedBy(RingConfiguration.LOGIN_SIGNATURES_DEFAULT), finding.found);
        assertEquals(RingConfiguration.libsodiumLoaded(), finding.advice.isEmpty(), finding.toString());
    }
}
