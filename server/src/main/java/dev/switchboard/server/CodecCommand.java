package dev.switchboard.server;

import dev.switchboard.codec.FrameSizes;
import picocli.CommandLine.Command;

/**
 * {@code switchboard codec ...}: facts about the wire protocol.
 */
@Command(
    name = "codec",
    mixinStandardHelpOptions = true,
    description = "Facts about the wire protocol.",
    subcommands = { CodecCommand.Sizes.class })
final class CodecCommand implements Runnable
{
    public void run()
    {
        new picocli.CommandLine(this).usage(System.out);
    }

    @Command(name = "sizes", mixinStandardHelpOptions = true,
        description = "Print the bytes on the wire per message type for typical contents, framing included.")
    static final class Sizes implements Runnable
    {
        public void run()
        {
            FrameSizes.print(System.out);
        }
    }
}
