package dev.switchboard.client.cli;

import dev.switchboard.client.MissedCall;
import dev.switchboard.client.SwitchboardClient;
import dev.switchboard.codec.sbe.CallEndReason;
import dev.switchboard.codec.sbe.CallMedia;
import dev.switchboard.codec.sbe.ErrorCode;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Calls in the chat tool: one call at a time, placed with {@code /call}, taken with {@code /answer} or refused with
 * {@code /decline}, ended with {@code /hangup}; its state and duration are printed as they change and by {@code
 * /call} alone; missed calls are kept for {@code /calls} and {@code /chats}. A terminal has no audio, so the session
 * description sent is a placeholder text offer; with encryption on (the default) the SDK seals it end to end like a
 * real client's, with {@code --plaintext} it goes as is.
 * Commands run on the input thread and callbacks on the client's I/O thread, hence the lock.
 */
final class CallConsole
{
    private static final String IDLE = "idle";
    private static final String CALLING = "calling";
    private static final String RINGING = "ringing";
    private static final String INCOMING = "incoming";
    private static final String CONNECTED = "connected";

    private final ChatOutput output;
    private final ContactBook contacts;
    private final List<MissedCall> missed = new ArrayList<>();
    private String state = IDLE;
    private long callId;
    private long peerUserId;
    private CallMedia media;
    private long connectedAtMs;

    CallConsole(final ChatOutput output, final ContactBook contacts)
    {
        this.output = output;
        this.contacts = contacts;
    }

    /**
     * The placeholder session description a terminal sends: what it would offer, and that it carries no media.
     */
    static byte[] placeholderSdp(final String kind, final CallMedia media)
    {
        final String sdp = "v=0\r\no=switchboard-chat 0 0 IN IP4 0.0.0.0\r\ns=switchboard chat " + kind +
            " placeholder (a terminal has no audio)\r\nt=0 0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\n" +
            (CallMedia.VIDEO == media ? "m=video 9 UDP/TLS/RTP/SAVPF 96\r\n" : "");
        return sdp.getBytes(StandardCharsets.UTF_8);
    }

    synchronized void call(final SwitchboardClient client, final long userId, final CallMedia callMedia)
    {
        if (!IDLE.equals(state))
        {
            output.problem("already in a call (" + describe() + "): /hangup first");
            return;
        }
        peerUserId = userId;
        media = callMedia;
        state = CALLING;
        callId = client.placeCall(userId, callMedia, placeholderSdp("offer", callMedia));
        output.line("calling " + contacts.label(userId) + " (" + mediaName(callMedia) + ")...");
    }

    synchronized void answer(final SwitchboardClient client)
    {
        if (!INCOMING.equals(state))
        {
            output.problem("no call is ringing");
            return;
        }
        client.answer(callId, placeholderSdp("answer", media));
        connected(System.currentTimeMillis());
    }

    synchronized void decline(final SwitchboardClient client)
    {
        if (!INCOMING.equals(state))
        {
            output.problem("no call is ringing");
            return;
        }
        client.decline(callId);
        output.line("declined the call from " + contacts.label(peerUserId));
        state = IDLE;
    }

    synchronized void hangup(final SwitchboardClient client)
    {
        if (IDLE.equals(state) || INCOMING.equals(state))
        {
            output.problem(IDLE.equals(state) ? "no call" : "the call is ringing: /answer or /decline");
            return;
        }
        client.hangup(callId);
        output.line("call with " + contacts.label(peerUserId) + " ended" + duration());
        state = IDLE;
    }

    /**
     * {@code /call} alone: the call's state and, once connected, its duration.
     */
    synchronized void status()
    {
        output.line(IDLE.equals(state) ? "no call" : describe());
    }

    /**
     * {@code /calls}: the current call and the missed ones.
     */
    synchronized void list()
    {
        output.line(IDLE.equals(state) ? "no call now" : "now: " + describe());
        missedLines("no missed calls");
    }

    /**
     * The missed calls, for {@code /chats}; nothing when there are none.
     */
    synchronized void missedForChats()
    {
        missedLines(null);
    }

    synchronized void onIncomingCall(final long id, final long fromUserId, final CallMedia callMedia)
    {
        if (!IDLE.equals(state))
        {
            return; // the server rings one call at a time; a second is its business (busy)
        }
        callId = id;
        peerUserId = fromUserId;
        media = callMedia;
        state = INCOMING;
        output.stamped(System.currentTimeMillis(), "incoming " + mediaName(callMedia) + " call from " +
            contacts.label(fromUserId) + ": /answer or /decline");
    }

    synchronized void onCallRinging(final long id, final int devices)
    {
        if (id == callId && CALLING.equals(state))
        {
            state = RINGING;
            output.stamped(System.currentTimeMillis(), contacts.label(peerUserId) + " ringing on " + devices +
                (1 == devices ? " device" : " devices"));
        }
    }

    synchronized void onCallAnswered(final long id)
    {
        if (id == callId && (CALLING.equals(state) || RINGING.equals(state)))
        {
            connected(System.currentTimeMillis());
        }
    }

    synchronized void onCallEnded(final long id, final CallEndReason reason)
    {
        if (id != callId || IDLE.equals(state))
        {
            return;
        }
        final String peer = contacts.label(peerUserId);
        final String text = switch (reason)
        {
            case ANSWERED_ELSEWHERE -> "call from " + peer + " answered on another device";
            case DECLINED -> INCOMING.equals(state) ? "call from " + peer + " declined on another device" :
                peer + " declined the call";
            case BUSY -> peer + " is busy";
            case TIMEOUT -> INCOMING.equals(state) ? "missed call from " + peer : peer + " did not answer";
            case UNAVAILABLE -> peer + " is not online; they will see a missed call";
            case FAILED -> "call with " + peer + " failed" + duration();
            default -> (INCOMING.equals(state) ? "call from " + peer + " ended before you answered" :
                "call with " + peer + " ended" + duration());
        };
        state = IDLE;
        output.stamped(System.currentTimeMillis(), text);
    }

    synchronized void onMissedCall(final MissedCall call)
    {
        missed.add(call);
        output.stamped(call.timestampMs(), "missed " + mediaName(call.media()) + " call from " +
            contacts.label(call.fromUserId()) + " (" + reasonName(call.reason()) + ")");
    }

    /**
     * A call request was refused: the call is over.
     */
    synchronized void onRefused(final long id, final ErrorCode code)
    {
        if (id == callId && !IDLE.equals(state))
        {
            output.problem("call refused: " + code);
            state = IDLE;
        }
        else
        {
            output.problem("call request refused: " + code);
        }
    }

    private void connected(final long nowMs)
    {
        state = CONNECTED;
        connectedAtMs = nowMs;
        output.stamped(nowMs, mediaName(media) + " call with " + contacts.label(peerUserId) + " connected");
    }

    private String describe()
    {
        final String peer = contacts.label(peerUserId);
        return switch (state)
        {
            case CALLING -> "calling " + peer + " (" + mediaName(media) + ")";
            case RINGING -> "ringing " + peer + " (" + mediaName(media) + ")";
            case INCOMING -> "incoming " + mediaName(media) + " call from " + peer + ": /answer or /decline";
            default -> "in a " + mediaName(media) + " call with " + peer + ", connected " +
                clock(System.currentTimeMillis() - connectedAtMs);
        };
    }

    private String duration()
    {
        return CONNECTED.equals(state) ? " after " + clock(System.currentTimeMillis() - connectedAtMs) : "";
    }

    private void missedLines(final String none)
    {
        if (missed.isEmpty())
        {
            if (null != none)
            {
                output.line(none);
            }
            return;
        }
        synchronized (output)
        {
            output.line("missed calls:");
            for (final MissedCall call : missed)
            {
                output.line("  [" + output.time(call.timestampMs()) + "] " + mediaName(call.media()) + " call from " +
                    contacts.label(call.fromUserId()) + " (" + reasonName(call.reason()) + ")");
            }
        }
    }

    static String clock(final long durationMs)
    {
        final long seconds = Math.max(0, durationMs) / 1000;
        return seconds / 60 + ":" + (seconds % 60 < 10 ? "0" : "") + seconds % 60;
    }

    private static String mediaName(final CallMedia media)
    {
        return CallMedia.VIDEO == media ? "video" : "audio";
    }

    private static String reasonName(final CallEndReason reason)
    {
        return switch (reason)
        {
            case TIMEOUT -> "no answer";
            case ENDED -> "they hung up";
            case DECLINED -> "declined";
            case BUSY -> "you were busy";
            case UNAVAILABLE -> "you were offline";
            default -> reason.name().toLowerCase();
        };
    }
}
