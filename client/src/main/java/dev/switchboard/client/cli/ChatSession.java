package dev.switchboard.client.cli;

import dev.switchboard.client.ClientContext;
import dev.switchboard.client.E2eStore;
import dev.switchboard.client.DeviceAddress;
import dev.switchboard.client.GroupInfo;
import dev.switchboard.client.GroupMember;
import dev.switchboard.client.LoginInfo;
import dev.switchboard.client.MediaProgress;
import dev.switchboard.client.SwitchboardClient;
import dev.switchboard.client.SwitchboardException;
import dev.switchboard.codec.sbe.CallMedia;
import dev.switchboard.codec.sbe.ErrorCode;
import dev.switchboard.codec.sbe.GroupChange;
import dev.switchboard.codec.sbe.Visibility;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One run of the chat tool: registers or logs in, then runs input lines as commands, in order, each finished before
 * the next is read (sends excepted: their ticks arrive later). On {@code /quit} or end of input it waits for sends
 * the server has not acknowledged, then logs out.
 */
final class ChatSession implements AutoCloseable
{
    private static final long WAIT_S = 30;
    private static final long TYPING_PAUSE_S = 5;
    private static final int CODE_ATTEMPTS = 3;
    private static final String GROUP_USAGE = "/group new|add|remove|admin|demote|rename|info|leave GROUP ... (/help)";
    private static final String[] HELP = {
        "/to +NUMBER [text]   chat with NUMBER (and send text); plain lines go to the current contact",
        "/to GROUP [text]     chat in a group (and send text); plain lines go to the group",
        "/g GROUP text        send text to a group",
        "/group new GROUP +NUMBER...          create a group with these members; you are its admin",
        "/group add|remove|admin|demote GROUP +NUMBER...   change members and admins (admins only)",
        "/group rename GROUP NEWNAME, /group info GROUP, /group leave GROUP",
        "/send-file PATH      send a file to the current contact or group (encrypted, with a progress bar)",
        "/open N [FOLDER]     save received file N (the number shown when it arrived) into FOLDER, default here",
        "/chats               conversations and groups with their last message and unread count",
        "/history [N]         the last N (20) messages of the current conversation, from this device's store",
        "/verify +NUMBER      the safety number with NUMBER, to compare on both phones",
        "/read                mark the current conversation read",
        "/typing              show the current contact or group you are typing (paused after 5 s or when you send)",
        "/block [+NUMBER]     block the current contact or NUMBER; /unblock [+NUMBER] undoes it",
        "/privacy everyone|contacts|nobody   who sees your last seen and online state",
        "/call +NUMBER [video] call NUMBER (audio unless video); /call alone shows the call's state and duration",
        "/answer, /decline    take or refuse the call ringing here; /hangup ends the call",
        "/calls               the current call and missed calls (missed calls show in /chats too)",
        "/quit                leave (waits until the server holds every message you sent)" };

    private final String phone;
    private final String server;
    private final BufferedReader reader;
    private final ChatOutput output;
    private final boolean interactive;
    private final ContactBook contacts;
    private final Conversations conversations = new Conversations();
    private final Ticks ticks = new Ticks();
    private final ChatEvents events;
    private final ChatMedia media;
    private final CallConsole calls;
    private final SwitchboardClient client;
    private final boolean e2e;
    /** A primary's link code to join its account with, instead of registering; null to register. */
    private final String linkCode;
    private final DeviceCommands deviceCommands;
    private final ScheduledExecutorService timer;
    private final List<CompletableFuture<?>> outstanding = new ArrayList<>();
    private ScheduledFuture<?> typingPause;
    private long currentPeer = -1;
    private long currentGroup;
    private String currentLabel;

    ChatSession(
        final String phone,
        final String host,
        final int port,
        final File storeDir,
        final InputStream in,
        final ChatOutput output,
        final boolean interactive,
        final boolean e2e,
        final String linkCode,
        final boolean tls,
        final String tlsTrustFile)
    {
        this.e2e = e2e;
        this.linkCode = linkCode;
        this.phone = phone;
        this.server = host + ":" + port;
        this.reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        this.output = output;
        this.interactive = interactive;
        this.contacts = new ContactBook(storeDir.toPath());
        this.events = new ChatEvents(output, contacts, conversations, ticks);
        this.media = new ChatMedia(output, contacts);
        this.calls = new CallConsole(output, contacts);
        events.calls(calls);
        this.client = SwitchboardClient.open(new ClientContext()
            .host(host)
            .port(port)
            .storeDir(storeDir)
            .listener(events)
            .mediaListener(media)
            .autoDownloadMedia(false)
            .e2e(e2e)
            .tls(tls)
            .tlsTrustFile(tlsTrustFile));
        this.deviceCommands = new DeviceCommands(client, output, events.links, WAIT_S, ChatSession::describe);
        this.timer = Executors.newSingleThreadScheduledExecutor((runnable) ->
        {
            final Thread thread = new Thread(runnable, "switchboard-chat-typing");
            thread.setDaemon(true);
            return thread;
        });
    }

    int run() throws IOException
    {
        if (!client.isRegistered() && !(null != linkCode ? link() : register()))
        {
            return 1;
        }
        events.self(client.self().userId(), client.self().deviceId());
        events.knownGroups(client.groups());
        final LoginInfo info;
        try
        {
            info = client.login().get(WAIT_S, TimeUnit.SECONDS);
        }
        catch (final ExecutionException | TimeoutException | InterruptedException ex)
        {
            output.problem("cannot log in to " + server + ": " + describe(ex));
            return 1;
        }
        output.line("logged in as " + phone + " (user " + Long.toUnsignedString(info.device().userId()) +
            " device " + info.device().deviceId() + "), " + info.pendingCount() + " waiting");
        if (interactive)
        {
            output.line("type /help for commands");
        }

        String line;
        while (null != (line = reader.readLine()))
        {
            if (!handle(line.strip()))
            {
                break;
            }
        }
        finish();
        return 0;
    }

    public void close()
    {
        timer.shutdownNow();
        client.close();
    }

    /**
     * Join the account whose primary gave the link code: the primary approves, then this device logs in as any.
     */
    private boolean link()
    {
        try
        {
            output.line("offering link code " + linkCode + "; waiting for the primary to approve");
            final DeviceAddress device = client.linkDevice(linkCode.strip()).get(10 * 60, TimeUnit.SECONDS);
            output.line("linked as user " + Long.toUnsignedString(device.userId()) + " device " + device.deviceId());
            return true;
        }
        catch (final ExecutionException | TimeoutException | InterruptedException ex)
        {
            output.problem("cannot link with " + server + ": " + describe(ex));
            return false;
        }
    }

    private boolean register() throws IOException
    {
        try
        {
            client.requestCode(phone).get(WAIT_S, TimeUnit.SECONDS);
            for (int attempt = 1; attempt <= CODE_ATTEMPTS; attempt++)
            {
                output.line("Enter the code sent to " + phone + ":");
                final String code = reader.readLine();
                if (null == code)
                {
                    output.problem("no code entered");
                    return false;
                }
                try
                {
                    final DeviceAddress device = client.verify(phone, code.strip()).get(WAIT_S, TimeUnit.SECONDS);
                    output.line("registered " + phone + " as user " + Long.toUnsignedString(device.userId()) +
                        " device " + device.deviceId());
                    return true;
                }
                catch (final ExecutionException ex)
                {
                    if (!(ex.getCause() instanceof SwitchboardException) ||
                        ((SwitchboardException)ex.getCause()).code() != ErrorCode.CODE_INVALID)
                    {
                        throw ex;
                    }
                    output.problem("wrong code");
                }
            }
            return false;
        }
        catch (final ExecutionException | TimeoutException | InterruptedException ex)
        {
            output.problem("cannot register " + phone + " with " + server + ": " + describe(ex));
            return false;
        }
    }

    private boolean handle(final String line)
    {
        if (line.isEmpty())
        {
            return true;
        }
        if (!line.startsWith("/"))
        {
            sendText(line);
            return true;
        }
        final int space = line.indexOf(' ');
        final String command = space < 0 ? line : line.substring(0, space);
        final String rest = space < 0 ? "" : line.substring(space + 1).strip();
        switch (command)
        {
            case "/quit" ->
            {
                return false;
            }
            case "/to" -> to(rest);
            case "/g" -> groupText(rest);
            case "/group" ->
            {
                try
                {
                    group(rest);
                }
                catch (final IllegalArgumentException ex)
                {
                    // The SDK refuses what cannot go in a frame (a name past 254 bytes, too many members).
                    output.problem("not done: " + ex.getMessage());
                }
            }
            case "/send-file" -> sendFile(rest);
            case "/open" -> media.open(rest, client);
            case "/chats" -> chats();
            case "/history" -> history(rest);
            case "/verify" -> verify(rest);
            case "/read" -> read();
            case "/typing" -> typing();
            case "/block" -> block(rest, true);
            case "/unblock" -> block(rest, false);
            case "/privacy" -> privacy(rest);
            case "/link" -> deviceCommands.link(rest);
            case "/devices" -> deviceCommands.devices(rest);
            case "/call" -> call(rest);
            case "/answer" -> calls.answer(client);
            case "/decline" -> calls.decline(client);
            case "/hangup" -> calls.hangup(client);
            case "/calls" -> calls.list();
            case "/help" ->
            {
                for (final String help : HELP)
                {
                    output.line(help);
                }
                for (final String help : DeviceCommands.HELP)
                {
                    output.line(help);
                }
            }
            default -> output.problem("unknown command " + command + " (/help lists them)");
        }
        return true;
    }

    private void to(final String arguments)
    {
        final int space = arguments.indexOf(' ');
        final String number = space < 0 ? arguments : arguments.substring(0, space);
        final String text = space < 0 ? "" : arguments.substring(space + 1).strip();
        if (!number.isEmpty() && !number.startsWith("+") && !Character.isDigit(number.charAt(0)))
        {
            toGroup(number, text);
            return;
        }
        final Long userId = resolve(number);
        if (null == userId)
        {
            return;
        }
        if (userId != currentPeer)
        {
            if (currentPeer >= 0)
            {
                outstanding.add(client.unsubscribePresence(currentPeer));
            }
            cancelTypingPause();
            currentGroup = 0;
            currentPeer = userId;
            currentLabel = number;
            events.currentPeer(userId);
            output.line("chatting with " + number);
            final CompletableFuture<Void> subscribed = client.subscribePresence(userId);
            subscribed.whenComplete((ignore, ex) ->
            {
                if (null != ex)
                {
                    output.problem("no presence for " + number + ": " + describe(ex));
                }
            });
            outstanding.add(subscribed);
        }
        if (!text.isEmpty())
        {
            sendText(text);
        }
    }

    private void sendText(final String text)
    {
        if (0 != currentGroup)
        {
            sendGroupText(currentGroup, text);
            return;
        }
        if (currentPeer < 0)
        {
            output.problem("no current contact: /to +NUMBER text");
            return;
        }
        // Line input cannot see a line being typed: COMPOSING just before the send and PAUSED just after, so the
        // other side sees the notice and the message together.
        cancelTypingPause();
        client.sendTyping(currentPeer, true);
        final long nowMs = System.currentTimeMillis();
        try
        {
            // Held across send and print so this line always comes before the message's ticks.
            synchronized (output)
            {
                final byte[] payload = ChatPayload.encode(phone, text);
                // With encryption on, the history row stands for the message in ticks (see E2eMessenger#onSent).
                final long clientMsgId = e2e ?
                    client.e2e().send(currentPeer, payload) : client.send(currentPeer, 0, payload);
                ticks.sending(clientMsgId);
                output.stamped(nowMs, "you -> " + currentLabel + ": " + text + " (" +
                    ChatEvents.name(clientMsgId) + ")");
            }
            conversations.outgoing(currentPeer, "you: " + text, nowMs);
        }
        catch (final IllegalArgumentException ex)
        {
            output.problem("not sent: " + ex.getMessage());
        }
        client.sendTyping(currentPeer, false);
    }

    private void sendFile(final String path)
    {
        if (0 == currentGroup && currentPeer < 0)
        {
            output.problem("no current contact or group: /to +NUMBER or /to GROUP first");
            return;
        }
        final Path file = Path.of(path);
        if (path.isEmpty() || !Files.isRegularFile(file))
        {
            output.problem("/send-file PATH: no such file " + path);
            return;
        }
        final String mimeType = mimeType(file);
        final MediaProgress bar = media.bar("sending " + file.getFileName());
        try
        {
            final long clientMsgId = (0 != currentGroup ?
                client.sendGroupMedia(currentGroup, file, mimeType, bar) :
                client.sendMedia(currentPeer, 0, file, mimeType, bar)).get(WAIT_S * 20, TimeUnit.SECONDS);
            final long nowMs = System.currentTimeMillis();
            output.stamped(nowMs, "you -> " + currentLabel + ": file " + file.getFileName() + " (" +
                ChatEvents.name(clientMsgId) + ")");
            if (0 == currentGroup)
            {
                conversations.outgoing(currentPeer, "you: file " + file.getFileName(), nowMs);
            }
        }
        catch (final ExecutionException | TimeoutException | InterruptedException ex)
        {
            output.problem("file not sent: " + describe(ex));
        }
    }

    private static String mimeType(final Path file)
    {
        try
        {
            final String probed = Files.probeContentType(file);
            return null == probed ? "application/octet-stream" : probed;
        }
        catch (final IOException ex)
        {
            return "application/octet-stream";
        }
    }

    private void toGroup(final String name, final String text)
    {
        final GroupInfo group = groupNamed(name);
        if (null == group)
        {
            return;
        }
        if (group.groupId() != currentGroup)
        {
            if (currentPeer >= 0)
            {
                outstanding.add(client.unsubscribePresence(currentPeer));
            }
            cancelTypingPause();
            currentPeer = -1;
            currentGroup = group.groupId();
            currentLabel = group.name();
            events.currentPeer(-1);
            output.line("chatting in " + group.name() + " (" + group.members().size() + " members)");
        }
        if (!text.isEmpty())
        {
            sendGroupText(currentGroup, text);
        }
    }

    private void groupText(final String arguments)
    {
        final int space = arguments.indexOf(' ');
        final String text = space < 0 ? "" : arguments.substring(space + 1).strip();
        if (text.isEmpty())
        {
            output.problem("/g GROUP text");
            return;
        }
        final GroupInfo group = groupNamed(arguments.substring(0, space));
        if (null != group)
        {
            sendGroupText(group.groupId(), text);
        }
    }

    private void sendGroupText(final long groupId, final String text)
    {
        final GroupInfo group = client.group(groupId);
        if (null == group)
        {
            output.problem("not a member of " + events.groupLabel(groupId) + " any more");
            return;
        }
        final Set<Long> recipients = new HashSet<>(group.memberUserIds());
        recipients.remove(client.self().userId());
        cancelTypingPause();
        client.sendGroupTyping(groupId, true);
        final long nowMs = System.currentTimeMillis();
        try
        {
            synchronized (output)
            {
                final byte[] payload = ChatPayload.encode(phone, text);
                final long clientMsgId = e2e ?
                    client.e2e().sendGroup(groupId, payload) : client.sendGroup(groupId, payload);
                ticks.sendingToGroup(clientMsgId, recipients);
                output.stamped(nowMs, "you -> [" + group.name() + "]: " + text + " (" +
                    ChatEvents.name(clientMsgId) + ")");
            }
            conversations.outgoingGroup(groupId, "you: " + text, nowMs);
        }
        catch (final IllegalArgumentException ex)
        {
            output.problem("not sent: " + ex.getMessage());
        }
        client.sendGroupTyping(groupId, false);
    }

    /**
     * {@code /group new|add|remove|admin|demote|rename|info|leave ...}.
     */
    private void group(final String arguments)
    {
        final String[] words = arguments.isEmpty() ? new String[0] : arguments.split("\\s+");
        if (words.length < 2)
        {
            output.problem(GROUP_USAGE);
            return;
        }
        final String action = words[0];
        final String name = words[1];
        final List<String> rest = List.of(words).subList(2, words.length);
        if ("new".equals(action))
        {
            createGroup(name, rest);
            return;
        }
        final GroupInfo group = groupNamed(name);
        if (null == group)
        {
            return;
        }
        switch (action)
        {
            case "add" -> changeMembers(group, GroupChange.ADD_MEMBERS, action, rest);
            case "remove" -> changeMembers(group, GroupChange.REMOVE_MEMBERS, action, rest);
            case "admin" -> changeMembers(group, GroupChange.PROMOTE_ADMINS, action, rest);
            case "demote" -> changeMembers(group, GroupChange.DEMOTE_ADMINS, action, rest);
            case "rename" ->
            {
                if (rest.size() != 1)
                {
                    output.problem("/group rename GROUP NEWNAME");
                }
                else if (isGroupName(rest.get(0)))
                {
                    final GroupInfo renamed =
                        awaitGroup(client.renameGroup(group.groupId(), rest.get(0)), "rename " + name);
                    if (null != renamed)
                    {
                        events.ownChange(GroupChange.RENAME, renamed, List.of());
                    }
                }
            }
            case "info" -> showGroup(group);
            case "leave" -> leaveGroup(group);
            default -> output.problem(GROUP_USAGE);
        }
    }

    private void changeMembers(
        final GroupInfo group, final GroupChange change, final String action, final List<String> numbers)
    {
        final List<Long> userIds = resolveAll(numbers);
        if (null == userIds)
        {
            return;
        }
        final long groupId = group.groupId();
        final CompletableFuture<GroupInfo> request = switch (change)
        {
            case ADD_MEMBERS -> client.addMembers(groupId, userIds);
            case REMOVE_MEMBERS -> client.removeMembers(groupId, userIds);
            case PROMOTE_ADMINS -> client.promoteAdmins(groupId, userIds);
            default -> client.demoteAdmins(groupId, userIds);
        };
        final GroupInfo changed = awaitGroup(request, action + " in " + group.name());
        if (null != changed)
        {
            events.ownChange(change, changed, userIds);
        }
    }

    private void showGroup(final GroupInfo group)
    {
        final GroupInfo info = awaitGroup(client.groupInfo(group.groupId()), "info for " + group.name());
        if (null == info)
        {
            return;
        }
        final StringBuilder members = new StringBuilder();
        for (final GroupMember member : info.members())
        {
            final long userId = member.userId();
            members.append(members.length() > 0 ? ", " : "")
                .append(userId == client.self().userId() ? "you" : contacts.label(userId))
                .append(member.isAdmin() ? " (admin)" : "");
        }
        output.line(info.name() + ": " + members);
    }

    private void leaveGroup(final GroupInfo group)
    {
        try
        {
            client.leaveGroup(group.groupId()).get(WAIT_S, TimeUnit.SECONDS);
            events.ownChange(GroupChange.LEAVE, group, List.of(client.self().userId()));
            if (currentGroup == group.groupId())
            {
                currentGroup = 0;
            }
        }
        catch (final ExecutionException | TimeoutException | InterruptedException ex)
        {
            output.problem("leave " + group.name() + " failed: " + describe(ex));
        }
    }

    private void createGroup(final String name, final List<String> numbers)
    {
        if (!isGroupName(name))
        {
            return;
        }
        if (null != groupNamedQuietly(name))
        {
            output.problem("you already have a group named " + name);
            return;
        }
        final List<Long> userIds = resolveAll(numbers);
        if (null == userIds)
        {
            return;
        }
        try
        {
            final GroupInfo group = client.createGroup(name, userIds).get(WAIT_S, TimeUnit.SECONDS);
            events.ownChange(GroupChange.CREATE, group, group.memberUserIds());
        }
        catch (final IllegalArgumentException ex)
        {
            output.problem("group not created: " + ex.getMessage());
        }
        catch (final ExecutionException | TimeoutException | InterruptedException ex)
        {
            output.problem("group " + name + " not created: " + describe(ex));
        }
    }

    /**
     * Whether a new group name can be told from a phone number in {@code /to}; if not, says so.
     */
    private boolean isGroupName(final String name)
    {
        if (name.startsWith("+") || Character.isDigit(name.charAt(0)))
        {
            output.problem("a group name starts with neither + nor a digit: " + name);
            return false;
        }
        return true;
    }

    /**
     * Wait for a group request; a failure is printed, a success is the caller's to show.
     */
    private GroupInfo awaitGroup(final CompletableFuture<GroupInfo> request, final String what)
    {
        try
        {
            return request.get(WAIT_S, TimeUnit.SECONDS);
        }
        catch (final ExecutionException | TimeoutException | InterruptedException ex)
        {
            output.problem(what + " failed: " + describe(ex));
            return null;
        }
    }

    /**
     * The user ids of phone numbers, in order without repeats; null, said why, if any is unknown or none given.
     */
    private List<Long> resolveAll(final List<String> numbers)
    {
        if (numbers.isEmpty())
        {
            output.problem("name at least one member: +NUMBER");
            return null;
        }
        final Set<Long> userIds = new LinkedHashSet<>();
        for (final String number : numbers)
        {
            final Long userId = resolve(number);
            if (null == userId)
            {
                return null;
            }
            userIds.add(userId);
        }
        return new ArrayList<>(userIds);
    }

    /**
     * The first of this user's groups with that name (exactly, else ignoring case); null, said why, if none.
     */
    private GroupInfo groupNamed(final String name)
    {
        final GroupInfo group = groupNamedQuietly(name);
        if (null == group)
        {
            output.problem("no group named " + name + " (/chats lists yours)");
        }
        return group;
    }

    private GroupInfo groupNamedQuietly(final String name)
    {
        GroupInfo exact = null;
        GroupInfo ignoringCase = null;
        for (final GroupInfo group : client.groups())
        {
            if (group.name().equals(name))
            {
                exact = null == exact ? group : exact;
            }
            else if (group.name().equalsIgnoreCase(name))
            {
                ignoringCase = null == ignoringCase ? group : ignoringCase;
            }
        }
        return null != exact ? exact : ignoringCase;
    }

    private void call(final String arguments)
    {
        if (arguments.isEmpty())
        {
            calls.status();
            return;
        }
        final String[] words = arguments.split("\\s+");
        final boolean video = words.length > 1 && "video".equalsIgnoreCase(words[1]);
        if (words.length > 2 || (words.length == 2 && !video && !"audio".equalsIgnoreCase(words[1])))
        {
            output.problem("usage: /call +NUMBER [video]");
            return;
        }
        final Long userId = resolve(words[0]);
        if (null != userId)
        {
            calls.call(client, userId, video ? CallMedia.VIDEO : CallMedia.AUDIO);
        }
    }

    private void chats()
    {
        if (e2e)
        {
            storedChats();
            calls.missedForChats();
            return;
        }
        final List<Conversations.Summary> summaries = conversations.summaries();
        final List<GroupInfo> quietGroups = new ArrayList<>(client.groups());
        for (final Conversations.Summary summary : summaries)
        {
            quietGroups.removeIf((group) -> group.groupId() == summary.groupId());
        }
        if (summaries.isEmpty() && quietGroups.isEmpty())
        {
            output.line("no chats yet");
            calls.missedForChats();
            return;
        }
        // One block: a tick or message arriving meanwhile prints after the list, not inside it.
        synchronized (output)
        {
            output.line("chats:");
            for (final Conversations.Summary summary : summaries)
            {
                final String label = 0 == summary.groupId() ?
                    contacts.label(summary.peerUserId()) : "[" + events.groupLabel(summary.groupId()) + "]";
                output.line("  " + label + "  " + summary.unread() + " unread  [" +
                    output.time(summary.lastAtMs()) + "] " + summary.lastLine());
            }
            for (final GroupInfo group : quietGroups)
            {
                output.line("  [" + group.name() + "]  " + group.members().size() + " members, no messages yet");
            }
        }
        calls.missedForChats(); // outside the output's lock: the call console takes its own first
    }

    /**
     * {@code /chats} from the device's store: every conversation ever had on this device, newest first.
     */
    private void storedChats()
    {
        final List<E2eStore.Chat> stored = client.e2e().store().chats();
        final List<GroupInfo> quietGroups = new ArrayList<>(client.groups());
        for (final E2eStore.Chat chat : stored)
        {
            quietGroups.removeIf((group) -> group.groupId() == chat.groupId());
        }
        if (stored.isEmpty() && quietGroups.isEmpty())
        {
            output.line("no chats yet");
            return;
        }
        final Map<List<Long>, Integer> unread = new HashMap<>();
        for (final Conversations.Summary summary : conversations.summaries())
        {
            unread.put(List.of(summary.peerUserId(), summary.groupId()), summary.unread());
        }
        synchronized (output)
        {
            output.line("chats:");
            for (final E2eStore.Chat chat : stored)
            {
                final String label = 0 == chat.groupId() ?
                    contacts.label(chat.peerUserId()) : "[" + events.groupLabel(chat.groupId()) + "]";
                final int unreadCount = unread.getOrDefault(List.of(
                    0 == chat.groupId() ? chat.peerUserId() : 0L, chat.groupId()), 0);
                output.line("  " + label + "  " + unreadCount + " unread  [" +
                    output.time(chat.last().timestampMs()) + "] " + storedLine(chat.last()));
            }
            for (final GroupInfo group : quietGroups)
            {
                output.line("  [" + group.name() + "]  " + group.members().size() + " members, no messages yet");
            }
        }
    }

    /**
     * {@code /history [N]}: the current conversation as the store keeps it, with each sent message's ticks.
     */
    private void history(final String argument)
    {
        if (!e2e)
        {
            output.problem("/history reads the end-to-end store: not kept with --plaintext");
            return;
        }
        if (0 == currentGroup && currentPeer < 0)
        {
            output.problem("no current contact: /to +NUMBER or /to GROUP");
            return;
        }
        final int limit;
        try
        {
            limit = argument.isEmpty() ? 20 : Integer.parseInt(argument);
        }
        catch (final NumberFormatException ex)
        {
            output.problem("/history [N]");
            return;
        }
        final List<E2eStore.StoredMessage> messages =
            client.e2e().store().history(Math.max(0, currentPeer), currentGroup, Math.max(1, limit));
        synchronized (output)
        {
            output.line("history with " + currentLabel + " (" + messages.size() + "):");
            for (final E2eStore.StoredMessage message : messages)
            {
                output.line("  [" + output.time(message.timestampMs()) + "] " + storedLine(message) +
                    (message.outgoing() ? "  " + statusTicks(message.status()) : ""));
            }
        }
    }

    private String storedLine(final E2eStore.StoredMessage message)
    {
        final String text = ChatPayload.decode(message.body()).text();
        return (message.outgoing() ? "you" : contacts.label(message.fromUserId())) + ": " + text;
    }

    private static String statusTicks(final int status)
    {
        return switch (status)
        {
            case E2eStore.STATUS_SENT -> ChatOutput.TICK_SENT;
            case E2eStore.STATUS_DELIVERED -> ChatOutput.TICK_DELIVERED;
            case E2eStore.STATUS_READ -> ChatOutput.TICK_READ;
            default -> "(waiting)";
        };
    }

    /**
     * {@code /verify +NUMBER}: the safety number with each of the contact's devices this device holds keys for.
     */
    private void verify(final String number)
    {
        if (!e2e)
        {
            output.problem("no safety numbers with --plaintext");
            return;
        }
        final Long userId = resolve(number);
        if (null == userId)
        {
            return;
        }
        final List<Integer> devices = client.e2e().knownDevices(userId);
        if (devices.isEmpty())
        {
            output.line("no keys for " + number + " yet: send or receive a message first");
            return;
        }
        synchronized (output)
        {
            for (final int deviceId : devices)
            {
                final String digits = client.e2e().safetyNumber(userId, deviceId);
                output.line("safety number with " + number + " (device " + deviceId + "): " + grouped(digits));
            }
            output.line("compare it with the one " + number + " sees; the same digits mean no one is in between");
        }
        client.e2e().store().clearIdentityChanged(userId);
    }

    static String grouped(final String digits)
    {
        final StringBuilder text = new StringBuilder();
        for (int i = 0; i < digits.length(); i += 5)
        {
            text.append(0 == i ? "" : " ").append(digits, i, Math.min(digits.length(), i + 5));
        }
        return text.toString();
    }

    private void read()
    {
        if (0 == currentGroup && currentPeer < 0)
        {
            output.problem("no current contact: /to +NUMBER");
            return;
        }
        final List<Conversations.Unread> unread = 0 != currentGroup ?
            conversations.takeUnreadGroup(currentGroup) : conversations.takeUnread(currentPeer);
        for (final Conversations.Unread message : unread)
        {
            client.markRead(message.messageId(), message.fromUserId(), message.fromDeviceId());
        }
        output.line("marked " + unread.size() + " read " + (0 != currentGroup ? "in " : "from ") + currentLabel);
    }

    private void typing()
    {
        if (0 != currentGroup)
        {
            cancelTypingPause();
            final long groupId = currentGroup;
            client.sendGroupTyping(groupId, true);
            typingPause = timer.schedule(
                () -> client.sendGroupTyping(groupId, false), TYPING_PAUSE_S, TimeUnit.SECONDS);
            return;
        }
        if (currentPeer < 0)
        {
            output.problem("no current contact: /to +NUMBER");
            return;
        }
        cancelTypingPause();
        final long peer = currentPeer;
        client.sendTyping(peer, true);
        typingPause = timer.schedule(() -> client.sendTyping(peer, false), TYPING_PAUSE_S, TimeUnit.SECONDS);
    }

    private void block(final String number, final boolean block)
    {
        final Long userId = number.isEmpty() ? (currentPeer < 0 ? null : currentPeer) : resolve(number);
        if (null == userId)
        {
            if (number.isEmpty())
            {
                output.problem("no current contact: /" + (block ? "block" : "unblock") + " +NUMBER");
            }
            return;
        }
        final String label = number.isEmpty() ? currentLabel : number;
        try
        {
            (block ? client.block(userId) : client.unblock(userId)).get(WAIT_S, TimeUnit.SECONDS);
            output.line((block ? "blocked " : "unblocked ") + label);
        }
        catch (final ExecutionException | TimeoutException | InterruptedException ex)
        {
            output.problem((block ? "block " : "unblock ") + label + " failed: " + describe(ex));
        }
    }

    private void privacy(final String argument)
    {
        final Visibility visibility;
        switch (argument.toLowerCase(Locale.ROOT))
        {
            case "everyone" -> visibility = Visibility.EVERYONE;
            case "contacts" -> visibility = Visibility.CONTACTS;
            case "nobody" -> visibility = Visibility.NOBODY;
            default ->
            {
                output.problem("/privacy everyone|contacts|nobody");
                return;
            }
        }
        try
        {
            client.setPrivacy(visibility, visibility).get(WAIT_S, TimeUnit.SECONDS);
            output.line("privacy: last seen and online visible to " + argument.toLowerCase(Locale.ROOT));
        }
        catch (final ExecutionException | TimeoutException | InterruptedException ex)
        {
            output.problem("privacy not changed: " + describe(ex));
        }
    }

    /**
     * The user id of a phone number, looked up (which makes it a contact) unless known; null, said why, if none.
     */
    private Long resolve(final String number)
    {
        if (!ChatConsole.isPhone(number))
        {
            output.problem("not a phone number (E.164, like +15551230002): " + number);
            return null;
        }
        final Long known = contacts.userId(number);
        if (null != known)
        {
            return known;
        }
        try
        {
            final Map<String, Long> found =
                client.lookupContacts(List.of(number)).get(WAIT_S, TimeUnit.SECONDS);
            final Long userId = found.get(number);
            if (null == userId)
            {
                output.problem(number + " is not on Switchboard");
                return null;
            }
            contacts.confirmed(number, userId);
            return userId;
        }
        catch (final ExecutionException | TimeoutException | InterruptedException ex)
        {
            output.problem("cannot look up " + number + ": " + describe(ex));
            return null;
        }
    }

    private void cancelTypingPause()
    {
        if (null != typingPause)
        {
            typingPause.cancel(false);
            typingPause = null;
        }
    }

    private void finish()
    {
        cancelTypingPause();
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_S);
        for (final CompletableFuture<?> future : outstanding)
        {
            try
            {
                future.get(Math.max(0, deadlineNs - System.nanoTime()), TimeUnit.NANOSECONDS);
            }
            catch (final ExecutionException | TimeoutException | InterruptedException ignore)
            {
                // Already reported where it failed; leaving must not wait on it longer.
            }
        }
        while (client.pendingSendCount() > 0 && deadlineNs - System.nanoTime() > 0)
        {
            try
            {
                Thread.sleep(10);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
                break;
            }
        }
        final int unsent = client.pendingSendCount();
        if (unsent > 0)
        {
            output.problem(unsent + " message(s) not yet acknowledged: they are sent again on the next start");
        }
        events.leaving();
        try
        {
            client.logout().get(WAIT_S, TimeUnit.SECONDS);
        }
        catch (final ExecutionException | TimeoutException | InterruptedException ignore)
        {
            // Closing the connection ends the session as well, only less promptly for presence.
        }
        output.line("bye");
    }

    private static String describe(final Throwable failure)
    {
        final Throwable cause = failure instanceof ExecutionException && null != failure.getCause() ?
            failure.getCause() : failure;
        if (cause instanceof SwitchboardException)
        {
            // The code is what a person can act on; the rest of the message names template and request ids.
            return ((SwitchboardException)cause).code().name();
        }
        if (cause instanceof TimeoutException)
        {
            return "no answer in time";
        }
        return null == cause.getMessage() ? cause.getClass().getSimpleName() : cause.getMessage();
    }
}
