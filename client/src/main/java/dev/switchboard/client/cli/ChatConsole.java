package dev.switchboard.client.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.File;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.time.ZoneId;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;

/**
 * {@code switchboard client}: a person's chat in a terminal, or a script's, over the client SDK. The first run
 * registers the phone number (asking for the code), later runs log in with the stored device key. Reads commands
 * line by line from standard input, a terminal or not.
 */
@Command(
    name = "switchboard client",
    mixinStandardHelpOptions = true,
    description = {
        "Chat from a terminal. The first run registers --phone (enter the code the server sends),",
        "later runs log in with the key stored in --store. Messages are end-to-end encrypted (libsignal).",
        "Commands: /to +NUMBER|GROUP [text], text (to the current contact or group), /g GROUP text,",
        "/group new|add|remove|admin|demote|rename|info|leave GROUP ..., /chats, /history [N], /read, /typing,",
        "/verify +NUMBER (the safety number), /block [+NUMBER], /unblock [+NUMBER], /privacy everyone|contacts|nobody,",
        "/send-file PATH, /open N [FOLDER], /link [yes|no], /devices [unlink N], /help, /quit.",
        "A new device of an account joins with --link CODE." })
public final class ChatConsole implements Callable<Integer>
{
    static final int MAX_PHONE_LENGTH = 16;
    static final int DEFAULT_PORT = 7420;

    private static final Pattern E164 = Pattern.compile("\\+[1-9][0-9]{1,14}");

    @Option(names = "--phone", required = true, description = "This user's phone number, E.164 (+15551230001).")
    String phone;

    @Option(names = "--server", defaultValue = "127.0.0.1:7420", description = "host:port (default ${DEFAULT-VALUE}).")
    String server;

    @Option(names = "--store", description = "Device folder (default ~/.switchboard/<phone>).")
    File storeDir;

    @Option(names = "--plaintext", description = "Development only: send without end-to-end encryption, for a " +
        "server without a key directory. Messages are end-to-end encrypted by default.")
    boolean plaintext;

    @Option(names = "--tls", description = "Speak TLS 1.3 to the server and verify its certificate and host name.")
    boolean tls;

    @Option(names = "--trust", paramLabel = "FILE", description = "With --tls: PEM certificates to trust (for a " +
        "self-signed server); default: the JDK's certificate authorities. Implies --tls.")
    File trustFile;

    @Option(names = "--link", paramLabel = "CODE",
        description = "Join --phone's account as a linked device with the code its primary shows (/link there).")
    String linkCode;

    private final InputStream in;
    private final PrintStream out;
    private final boolean interactive;

    ChatConsole(final InputStream in, final PrintStream out, final boolean interactive)
    {
        this.in = in;
        this.out = out;
        this.interactive = interactive;
    }

    /**
     * Run on the process's standard streams; interactive (coloured ticks, a greeting) when on a terminal.
     */
    public static void main(final String[] args)
    {
        System.exit(run(args, System.in, System.out, null != System.console()));
    }

    /**
     * Run as a script would (no colour) with the given streams; returns the exit code.
     */
    public static int run(final String[] args, final InputStream in, final PrintStream out)
    {
        return run(args, in, out, false);
    }

    static int run(final String[] args, final InputStream in, final PrintStream out, final boolean interactive)
    {
        final CommandLine commandLine = new CommandLine(new ChatConsole(in, out, interactive));
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(out, true));
        return commandLine.execute(args);
    }

    public Integer call() throws Exception
    {
        if (!isPhone(phone))
        {
            out.println("! not an E.164 phone number: " + phone);
            return 2;
        }
        final String host;
        final int port;
        try
        {
            host = host(server);
            port = port(server);
        }
        catch (final IllegalArgumentException ex)
        {
            out.println("! " + ex.getMessage());
            return 2;
        }
        final File dir = null != storeDir ? storeDir :
            new File(new File(System.getProperty("user.home"), ".switchboard"), phone);
        if (!dir.isDirectory() && !dir.mkdirs())
        {
            out.println("! cannot create " + dir);
            return 1;
        }
        final ChatOutput output = new ChatOutput(out, interactive, ZoneId.systemDefault());
        final ChatSession session;
        try
        {
            session = new ChatSession(phone, host, port, dir, in, output, interactive, !plaintext, linkCode,
                tls || null != trustFile, null == trustFile ? null : trustFile.getPath());
        }
        catch (final IllegalStateException | IllegalArgumentException | UncheckedIOException ex)
        {
            // An unusable --trust file, or most often the same phone already running in another terminal: one client per device folder.
            output.problem(ex.getMessage());
            return 1;
        }
        try (session)
        {
            return session.run();
        }
    }

    static boolean isPhone(final String text)
    {
        return null != text && text.length() <= MAX_PHONE_LENGTH && E164.matcher(text).matches();
    }

    static String host(final String hostPort)
    {
        final int colon = hostPort.lastIndexOf(':');
        if (colon <= 0)
        {
            throw new IllegalArgumentException("--server must be host:port: " + hostPort);
        }
        final String host = hostPort.substring(0, colon);
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }

    static int port(final String hostPort)
    {
        final int colon = hostPort.lastIndexOf(':');
        try
        {
            final int port = Integer.parseInt(hostPort.substring(colon + 1));
            if (port < 1 || port > 0xFFFF)
            {
                throw new NumberFormatException();
            }
            return port;
        }
        catch (final NumberFormatException ex)
        {
            throw new IllegalArgumentException("--server port must be 1..65535: " + hostPort, ex);
        }
    }
}
