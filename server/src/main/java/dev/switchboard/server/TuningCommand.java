package dev.switchboard.server;

import dev.switchboard.ring.RingConfiguration;
import dev.switchboard.tuning.HostCheck;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code switchboard tuning check --connections N}: whether this host can hold N connections, setting by setting.
 */
@Command(
    name = "tuning",
    mixinStandardHelpOptions = true,
    description = "Host tuning for many connections (files in tuning/linux and tuning/freebsd).",
    subcommands = { TuningCommand.Check.class })
final class TuningCommand implements Runnable
{
    public void run()
    {
        new picocli.CommandLine(this).usage(System.out);
    }

    @Command(name = "check", mixinStandardHelpOptions = true,
        description = "Read this host's limits (/proc) and say whether N connections fit and what to change. " +
            "Exit status 0 when they fit, 1 when a setting fails.")
    static final class Check implements Callable<Integer>
    {
        @Option(names = "--connections", required = true, description = "Connections the server should hold.")
        private long connections;

        public Integer call()
        {
            return report(new HostCheck(), connections, System.out);
        }

        static int report(final HostCheck check, final long connections, final PrintStream out)
        {
            final List<HostCheck.Finding> findings = check.check(connections);
            findings.add(loginSignatures());
            out.println("switchboard tuning check: " + connections + " connections on this host " +
                "(limits of this process, which the launcher starts as it starts the server)");
            for (final HostCheck.Finding finding : findings)
            {
                out.println(finding);
            }
            final boolean fits = HostCheck.fits(findings);
            out.println(fits ? "fits: " + connections + " connections" :
                "does not fit: change the FAIL settings above (tuning/linux/99-switchboard.conf, " +
                "tuning/linux/switchboard.service)");
            return fits ? 0 : 1;
        }

        /**
         * Not a limit on connections, but what a reconnect storm costs: a login's signature check is most of its
         * server CPU, and libsodium's takes about two thirds of Bouncy Castle's time.
         */
        static HostCheck.Finding loginSignatures()
        {
            final String chosen = RingConfiguration.loginSignatures();
            final String verifiedBy = RingConfiguration.loginSignaturesVerifiedBy(chosen);
            if (RingConfiguration.libsodiumLoaded() || !RingConfiguration.LOGIN_SIGNATURES_DEFAULT.equals(chosen))
            {
                return new HostCheck.Finding(HostCheck.Verdict.OK, "login signatures", verifiedBy, "");
            }
            return new HostCheck.Finding(HostCheck.Verdict.WARN, "login signatures", verifiedBy,
                "install libsodium (Debian: apt-get install libsodium23; FreeBSD: pkg install libsodium): a " +
                "login's signature check then takes about 42 us instead of 68 (docs/performance.md, thirtieth pass)");
        }
    }
}
