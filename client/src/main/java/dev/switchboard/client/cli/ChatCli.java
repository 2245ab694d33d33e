package dev.switchboard.client.cli;

import dev.switchboard.client.ClientContext;
import dev.switchboard.client.ClientListener;
import dev.switchboard.client.DeviceAddress;
import dev.switchboard.client.IncomingMessage;
import dev.switchboard.client.LoginInfo;
import dev.switchboard.client.SwitchboardClient;
import dev.switchboard.codec.sbe.ErrorCode;
import dev.switchboard.codec.sbe.ReceiptType;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * {@code switchboard-chat}: register a device and chat from a terminal over the client SDK. Payloads are sent as
 * UTF-8 text as they are; a real client encrypts them end to end first.
 */
@Command(
    name = "switchboard-chat",
    mixinStandardHelpOptions = true,
    description = "Register a device and chat with Switchboard users from a terminal.",
    subcommands = { ChatCli.Register.class, ChatCli.Chat.class, ChatCli.Logout.class })
public final class ChatCli implements Callable<Integer>
{
    private static final long WAIT_S = 30;

    private final InputStream in;
    private final PrintStream out;

    ChatCli(final InputStream in, final PrintStream out)
    {
        this.in = in;
        this.out = out;
    }

    /**
     * Run the chat client on the process's standard streams.
     */
    public static void main(final String[] args)
    {
        System.exit(run(args, System.in, System.out));
    }

    /**
     * Run with the given streams; returns the exit code.
     */
    public static int run(final String[] args, final InputStream in, final PrintStream out)
    {
        final CommandLine commandLine = new CommandLine(new ChatCli(in, out));
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(out, true));
        return commandLine.execute(args);
    }

    public Integer call()
    {
        out.println("use a subcommand: register, chat or logout (--help for details)");
        return 2;
    }

    /**
     * Where the server is and where this device's store lives.
     */
    static final class ConnectionOptions
    {
        @Option(names = "--host", defaultValue = "127.0.0.1", description = "Server host (default ${DEFAULT-VALUE}).")
        String host;

        @Option(names = "--port", defaultValue = "7420", description = "Server port (default ${DEFAULT-VALUE}).")
        int port;

        @Option(names = "--store", defaultValue = "switchboard-client", description = "Device folder.")
        File storeDir;

        SwitchboardClient open(final ClientListener listener)
        {
            return SwitchboardClient.open(new ClientContext()
                .host(host)
                .port(port)
                .storeDir(storeDir)
                .listener(listener));
        }
    }

    @Command(name = "register", description = "Ask for a code for a phone number, then verify it.")
    static final class Register implements Callable<Integer>
    {
        @CommandLine.ParentCommand
        ChatCli parent;

        @Mixin
        ConnectionOptions connection;

        @Option(names = "--phone", required = true, description = "Phone number in E.164 form, e.g. +15550001234.")
        String phone;

        @Option(names = "--code", description = "The code, if already known; otherwise read from input.")
        String code;

        public Integer call() throws Exception
        {
            try (SwitchboardClient client = connection.open(new ClientListener()
            {
            }))
            {
                final PrintStream out = parent.out;
                String verificationCode = code;
                if (null == verificationCode)
                {
                    final int ttlSeconds = client.requestCode(phone).get(WAIT_S, TimeUnit.SECONDS);
                    out.println("code sent, valid for " + ttlSeconds + " s; enter it:");
                    verificationCode = new BufferedReader(
                        new InputStreamReader(parent.in, StandardCharsets.UTF_8)).readLine();
                    if (null == verificationCode)
                    {
                        out.println("no code entered");
                        return 1;
                    }
                }
                final DeviceAddress device =
                    client.verify(phone, verificationCode.trim()).get(WAIT_S, TimeUnit.SECONDS);
                out.println(
                    "registered user " + Long.toUnsignedString(device.userId()) + " device " + device.deviceId());
                return 0;
            }
        }
    }

    @Command(name = "chat", description = {
        "Log in and chat. Input lines: '/to USER[:DEVICE]' picks the recipient, '/read' marks the last message read,",
        "'/quit' leaves; any other line is sent to the recipient." })
    static final class Chat implements Callable<Integer>
    {
        @CommandLine.ParentCommand
        ChatCli parent;

        @Mixin
        ConnectionOptions connection;

        @Option(names = "--to", description = "First recipient, USER[:DEVICE].")
        String to;

        public Integer call() throws Exception
        {
            final PrintStream out = parent.out;
            final ChatPrinter printer = new ChatPrinter(out);
            try (SwitchboardClient client = connection.open(printer))
            {
                if (!client.isRegistered())
                {
                    out.println("not registered: run 'register' first");
                    return 1;
                }
                final LoginInfo info = client.login().get(WAIT_S, TimeUnit.SECONDS);
                out.println("logged in as " + Long.toUnsignedString(info.device().userId()) + ":" +
                    info.device().deviceId() + ", " + info.pendingCount() + " waiting");
                DeviceAddress recipient = null == to ? null : parseAddress(to);
                final BufferedReader reader =
                    new BufferedReader(new InputStreamReader(parent.in, StandardCharsets.UTF_8));
                String line;
                while (null != (line = reader.readLine()))
                {
                    if (line.equals("/quit"))
                    {
                        break;
                    }
                    else if (line.startsWith("/to "))
                    {
                        recipient = parseAddress(line.substring(4).trim());
                    }
                    else if (line.equals("/read"))
                    {
                        final IncomingMessage last = printer.lastMessage();
                        if (null != last)
                        {
                            client.markRead(last.messageId(), last.fromUserId(), last.fromDeviceId());
                        }
                    }
                    else if (null == recipient)
                    {
                        out.println("pick a recipient first: /to USER[:DEVICE]");
                    }
                    else if (!line.isEmpty())
                    {
                        final long clientMsgId = client.send(
                            recipient.userId(), recipient.deviceId(), line.getBytes(StandardCharsets.UTF_8));
                        out.println("-> #" + clientMsgId);
                    }
                }
                return 0;
            }
        }
    }

    @Command(name = "logout", description = "Log this device out of the server.")
    static final class Logout implements Callable<Integer>
    {
        @CommandLine.ParentCommand
        ChatCli parent;

        @Mixin
        ConnectionOptions connection;

        public Integer call() throws Exception
        {
            try (SwitchboardClient client = connection.open(new ClientListener()
            {
            }))
            {
                client.login().get(WAIT_S, TimeUnit.SECONDS);
                client.logout().get(WAIT_S, TimeUnit.SECONDS);
                parent.out.println("logged out");
                return 0;
            }
        }
    }

    static DeviceAddress parseAddress(final String text)
    {
        final int colon = text.indexOf(':');
        if (colon < 0)
        {
            return new DeviceAddress(Long.parseUnsignedLong(text), 0);
        }
        return new DeviceAddress(
            Long.parseUnsignedLong(text.substring(0, colon)), Integer.parseInt(text.substring(colon + 1)));
    }

    /**
     * Prints what the server reports, from the client's I/O thread.
     */
    static final class ChatPrinter implements ClientListener
    {
        private final PrintStream out;
        private volatile IncomingMessage lastMessage;

        ChatPrinter(final PrintStream out)
        {
            this.out = out;
        }

        IncomingMessage lastMessage()
        {
            return lastMessage;
        }

        public void onSent(final long clientMsgId, final long messageId, final long timestampMs)
        {
            out.println("   #" + clientMsgId + " sent (message " + messageId + ")");
        }

        public void onMessage(final IncomingMessage message)
        {
            lastMessage = message;
            out.println("<- " + Long.toUnsignedString(message.fromUserId()) + ":" + message.fromDeviceId() + " " +
                new String(message.payload(), StandardCharsets.UTF_8));
        }

        public void onReceipt(
            final long originalMessageId,
            final long fromUserId,
            final int fromDeviceId,
            final ReceiptType receiptType,
            final long timestampMs)
        {
            out.println("   message " + originalMessageId + " " +
                (ReceiptType.READ == receiptType ? "read" : "delivered") + " by " +
                Long.toUnsignedString(fromUserId) + ":" + fromDeviceId);
        }

        public void onError(final ErrorCode code, final long requestId, final int templateId, final String detail)
        {
            out.println("!! " + code + " for request " + requestId + (detail.isEmpty() ? "" : ": " + detail));
        }

        public void onDisconnected()
        {
            out.println("!! disconnected, reconnecting");
        }
    }
}
