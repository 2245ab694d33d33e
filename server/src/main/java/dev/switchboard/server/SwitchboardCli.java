package dev.switchboard.server;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code switchboard} command line: one entry point for the server and its tools.
 */
@Command(
    name = "switchboard",
    mixinStandardHelpOptions = true,
    versionProvider = SwitchboardCli.Version.class,
    description = "A messaging server: raw TCP, SBE frames, a Disruptor ring, an off-heap state.",
    subcommands = { ServerCommand.class, StatCommand.class, CodecCommand.class, TuningCommand.class,
        CommandLine.HelpCommand.class },
    footer = {
        "",
        "Also, from the launcher:",
        "  client --phone +15551230001 [--server host:port]",
        "          The command-line chat client.",
        "  bench SCENARIO [--json out.json] [--plot out.svg]",
        "          The latency harness: ping, pingpong, throughput, connections, ...",
        "  jmh [REGEX] [JMH options, e.g. -prof gc -f 3]",
        "          The JMH micro-benchmarks (-l lists them)." })
public final class SwitchboardCli implements Runnable
{
    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    public static void main(final String[] args)
    {
        System.exit(new CommandLine(new SwitchboardCli()).execute(args));
    }

    public void run()
    {
        spec.commandLine().usage(System.out);
    }

    static final class Version implements CommandLine.IVersionProvider
    {
        public String[] getVersion()
        {
            final String version = SwitchboardCli.class.getPackage().getImplementationVersion();
            return new String[]{ "switchboard " + (null == version ? "0.1.0-SNAPSHOT" : version) };
        }
    }
}
