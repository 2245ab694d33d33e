package dev.switchboard.server;

import dev.switchboard.edge.EdgeContext;
import dev.switchboard.tuning.Profiles;
import org.agrona.concurrent.ShutdownSignalBarrier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.File;
import java.util.concurrent.Callable;

/**
 * {@code switchboard server}: run the server until Ctrl-C or SIGTERM, then shut down cleanly.
 */
@Command(
    name = "server",
    mixinStandardHelpOptions = true,
    description = "Run the server (embedded defaults: port 7420, data folder ./data, balanced profile).")
final class ServerCommand implements Callable<Integer>
{
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

    public Integer call()
    {
        Profiles.apply(profile);
        final EdgeContext edgeContext = new EdgeContext().port(port).bindAddress(bindAddress);
        // The barrier is closed last, after the server: its shutdown hook holds the JVM until then.
        try (ShutdownSignalBarrier barrier = new ShutdownSignalBarrier();
            SwitchboardServer server = SwitchboardServer.launch(dataDir.getAbsoluteFile(), edgeContext, System.out))
        {
            System.out.println("switchboard: listening on " + bindAddress + ":" + server.port() +
                " (profile " + profile + ", data " + server.dataDir() + "); Ctrl-C to stop");
            barrier.await();
            System.out.println("switchboard: shutting down");
        }
        System.out.println("switchboard: stopped (journal flushed, state closed)");
        return 0;
    }
}
