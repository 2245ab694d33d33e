package dev.switchboard.bench;

import picocli.CommandLine;

import java.io.OutputStream;
import java.io.PrintStream;

/**
 * Bench settings parsed as the command line would parse them, and a quiet log, for the peer driver tests.
 */
final class PeerTestSupport
{
    static final PrintStream QUIET = new PrintStream(OutputStream.nullOutputStream());

    private PeerTestSupport()
    {
    }

    static BenchSettings settings(final String... args)
    {
        return CommandLine.populateCommand(new BenchSettings(), args);
    }
}
