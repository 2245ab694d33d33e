package dev.switchboard.server;

import dev.switchboard.edge.EdgeContext;
import dev.switchboard.tuning.Profiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.File;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * {@code switchboard server}: run the server until Ctrl-C or SIGTERM, then shut down gracefully within the deadline of
 * {@value ShutdownConfiguration#TIMEOUT_PROP_NAME}; a second Ctrl-C forces the exit.
 */
@Command(
    name = "server",
    mixinStandardHelpOptions = true,
    description = "Run the server (embedded defaults: port 7420, data folder ./data, balanced profile).")
final class ServerCommand implements Callable<Integer>
{
    private static final Logger LOG = LoggerFactory.getLogger(ServerCommand.class);

    @Option(names = "--profile", description = "latency, balanced or density (default: ${DEFAULT-VALUE}).",
        defaultValue = "balanced")
    private String profile;

    @Option(names = "--port", description = "TCP port to listen on (default: ${DEFAULT-VALUE}).", defaultValue = "7420")
    private int port;

    @Option(names = "--bind", description = "Address to listen on (default: ${DEFAULT-VALUE}).",
        defaultValue = "0.0.0.0")
    private String bindAddress;

    @Option(names = "--data", description = "Data folder for state and journal (default: ${DEFAULT-VALUE}).",
        defaultValue = "data")
    private File dataDir;

    @Option(names = "--tls-cert", paramLabel = "FILE",
        description = "PEM certificate chain: the client port speaks TLS 1.3 (with --tls-key; default: plaintext).")
    private File tlsCertificateFile;

    @Option(names = "--tls-key", paramLabel = "FILE",
        description = "PEM PKCS#8 private key (EC or RSA) of the --tls-cert certificate.")
    private File tlsPrivateKeyFile;

    public Integer call() throws InterruptedException
    {
        final Set<String> commandLineKeys = EffectiveSettings.commandLineKeys();
        Profiles.apply(profile);
        final EdgeContext edgeContext = new EdgeContext().port(port).bindAddress(bindAddress);
        if (null != tlsCertificateFile || null != tlsPrivateKeyFile)
        {
            edgeContext
                .tlsCertificateFile(null == tlsCertificateFile ? null : tlsCertificateFile.getAbsolutePath())
                .tlsPrivateKeyFile(null == tlsPrivateKeyFile ? null : tlsPrivateKeyFile.getAbsolutePath());
        }
        final ShutdownSignals signals = new ShutdownSignals();
        final long timeoutNs = ShutdownConfiguration.timeoutNs();
        final long retryAfterMs = ShutdownConfiguration.retryAfterMs();
        final SwitchboardServer server = SwitchboardServer.launch(dataDir.getAbsoluteFile(), edgeContext);
        signals.install();
        EffectiveSettings.report(server.dataDir(), profile, server.layoutDescription(),
            List.of(server.edgeDescription(), "shutdown: deadline " + TimeUnit.NANOSECONDS.toMillis(timeoutNs) +
            " ms, retry hint " + retryAfterMs + " ms"), EffectiveSettings.changed(commandLineKeys, profile));
        LOG.info("listening on {}:{} (profile {}, data {}); Ctrl-C to stop", bindAddress, server.port(), profile,
            server.dataDir());
        signals.await();
        ShutdownWatchdog.start(timeoutNs + ShutdownConfiguration.CLOSE_GRACE_NS);
        final int leftOpen = server.closeGracefully(timeoutNs, retryAfterMs);
        LOG.info("stopped (journal flushed, state closed; {} connection(s) closed at the deadline)", leftOpen);
        return 0;
    }

    /**
     * Halts the process when a shutdown overruns its deadline and the grace after it: a stop never hangs.
     */
    static final class ShutdownWatchdog
    {
        private ShutdownWatchdog()
        {
        }

        static void start(final long limitNs)
        {
            final Thread thread = new Thread(() ->
            {
                try
                {
                    TimeUnit.NANOSECONDS.sleep(limitNs);
                    LOG.error("shutdown overran {} ms: forced exit", TimeUnit.NANOSECONDS.toMillis(limitNs));
                    Runtime.getRuntime().halt(ShutdownSignals.FORCED_EXIT_STATUS);
                }
                catch (final InterruptedException ignore)
                {
                    // the process is exiting
                }
            }, "sb-shutdown-watchdog");
            thread.setDaemon(true);
            thread.start();
        }
    }
}
