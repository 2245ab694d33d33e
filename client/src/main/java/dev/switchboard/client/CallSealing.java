package dev.switchboard.client;

import dev.switchboard.codec.sbe.CallEndReason;
import dev.switchboard.codec.sbe.CallMedia;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Seals a call's signaling end to end when encryption is on, so the server relays offer, answer and ICE candidates
 * it cannot read. The frames carry one blob for all of the callee's devices while Signal sessions are per device, so
 * the caller draws a fresh AES-256 key per call and sends it to each callee device as an end-to-end message of the
 * internal kind {@link E2eEnvelope#KIND_CALL_KEY} just before the offer; every blob of the call is then sealed with
 * AES-GCM under that key, a fresh random nonce each time.
 * <pre>
 *   Sealed blob:
 *   +---------+----------+------------------------------------------+
 *   | version | nonce    | AES-256-GCM ciphertext, then its 16-byte |
 *   | 1 (= 1) | 12 bytes | tag                                      |
 *   +---------+----------+------------------------------------------+
 *   Associated data: callId (int64 BE), part (1 byte), sequence (int32 BE, 0 but for ICE candidates)
 * </pre>
 * The part (offer, answer, the caller's or the callee's candidate) and the sequence are bound in, so the server cannot
 * replay one blob as another, reflect a party's blob back to it, or reorder candidates.
 * <p>
 * On the callee an incoming call waits here until its key has come from the very device the call says it is from
 * (the key may follow the offer: a new session first needs a key exchange); candidates that arrive meanwhile wait
 * with it. A call whose key does not come within {@link ClientContext#e2eCallKeyWaitNs()} is given up: this device
 * hangs up FAILED, which drops it from the call (the call fails only when no ringing device is left). Whatever does
 * not unseal goes to {@link ClientListener#onCallUnsealable}, never to the application as signaling. Seal methods run
 * on application threads, callbacks on the client's I/O thread; the monitor guards the tables and is never held
 * while the application is called.
 */
public final class CallSealing
{
    public static final byte VERSION = 1;
    public static final int KEY_LENGTH = 32;
    public static final int NONCE_LENGTH = 12;
    public static final int TAG_LENGTH = 16;
    /** Bytes a sealed blob adds to its plaintext. */
    public static final int OVERHEAD = 1 + NONCE_LENGTH + TAG_LENGTH;

    static final byte PART_OFFER = 1;
    static final byte PART_ANSWER = 2;
    static final byte PART_CALLER_ICE = 3;
    static final byte PART_CALLEE_ICE = 4;

    /** Calls whose keys are kept (the oldest is forgotten past it): a user is in one call at a time. */
    static final int MAX_CALLS = 64;
    /** Incoming calls waiting for their keys at once; more fail at once. */
    static final int MAX_HELD_CALLS = 16;
    /** Candidates kept for a call waiting for its key (the server relays at most 64 per call by default). */
    static final int MAX_HELD_CANDIDATES = 128;

    private static final int AAD_LENGTH = 8 + 1 + 4;

    private final ClientContext ctx;
    private final ClientListener app;
    private final SecureRandom random = new SecureRandom();
    private final Map<Long, CallKey> keys = new LinkedHashMap<>(16, 0.75f, false)
    {
        protected boolean removeEldestEntry(final Map.Entry<Long, CallKey> eldest)
        {
            return size() > MAX_CALLS;
        }
    };
    private final Map<Long, HeldCall> held = new LinkedHashMap<>();
    private SwitchboardClient client;
    private E2eMessenger messenger;
    private volatile long callKeysSent;
    private volatile long callKeysReceived;
    private volatile long unsealFailures;
    private volatile long keyTimeouts;

    CallSealing(final ClientContext ctx, final ClientListener app)
    {
        this.ctx = ctx;
        this.app = app;
    }

    void client(final SwitchboardClient client, final E2eMessenger messenger)
    {
        this.client = client;
        this.messenger = messenger;
    }

    /**
     * Call keys this device sent, one per placed call (each goes to every device of the callee).
     */
    public long callKeysSent()
    {
        return callKeysSent;
    }

    public long callKeysReceived()
    {
        return callKeysReceived;
    }

    /**
     * Offers, answers and candidates that did not unseal (tampered, wrong key, no key), each reported once.
     */
    public long unsealFailures()
    {
        return unsealFailures;
    }

    /**
     * Incoming calls given up because their key never came.
     */
    public long keyTimeouts()
    {
        return keyTimeouts;
    }

    // ---- sealing, on application threads ----

    /**
     * A new call: draw its key, send it to every device of the callee through their Signal sessions (before the
     * offer, which the caller writes next), and seal the offer under it.
     */
    byte[] sealOffer(final long callId, final long toUserId, final byte[] sdp)
    {
        final byte[] key = new byte[KEY_LENGTH];
        random.nextBytes(key);
        synchronized (this)
        {
            keys.put(callId, new CallKey(key, true, toUserId, 0));
        }
        if (client.isLoggedIn())
        {
            // Not logged in the offer fails at once: no key is left waiting in the outbox for a later login.
            messenger.sendCallKey(toUserId, callId, key);
            synchronized (this)
            {
                callKeysSent++; // application threads may place calls at once
            }
        }
        return seal(key, callId, PART_OFFER, 0, sdp);
    }

    byte[] sealAnswer(final long callId, final byte[] sdp)
    {
        final CallKey key = keyOrThrow(callId);
        if (key.caller)
        {
            throw new IllegalStateException(
                "call " + Long.toUnsignedString(callId) + " was placed here: not answerable");
        }
        return seal(key.key, callId, PART_ANSWER, 0, sdp);
    }

    byte[] sealCandidate(final long callId, final int sequence, final byte[] candidate)
    {
        final CallKey key = keyOrThrow(callId);
        return seal(key.key, callId, key.caller ? PART_CALLER_ICE : PART_CALLEE_ICE, sequence, candidate);
    }

    private synchronized CallKey keyOrThrow(final long callId)
    {
        final CallKey key = keys.get(callId);
        if (null == key)
        {
            throw new IllegalStateException("no sealing key for call " + Long.toUnsignedString(callId) +
                ": not a call of this device, or it ended");
        }
        return key;
    }

    // ---- unsealing, on the I/O thread ----

    void onIncomingCall(
        final long callId, final long fromUserId, final int fromDeviceId, final CallMedia media, final byte[] blob)
    {
        final CallKey key;
        HeldCall hold = null;
        boolean refused = false;
        synchronized (this)
        {
            final CallKey found = keys.get(callId);
            key = null != found && found.isFrom(fromUserId, fromDeviceId) ? found : null;
            if (null == key)
            {
                if (held.size() >= MAX_HELD_CALLS || held.containsKey(callId))
                {
                    refused = true;
                }
                else
                {
                    hold = new HeldCall(callId, fromUserId, fromDeviceId, media, blob);
                    held.put(callId, hold);
                }
            }
        }
        if (null != key)
        {
            deliverIncoming(key, callId, fromUserId, fromDeviceId, media, blob);
        }
        else if (refused)
        {
            giveUp(callId, "too many calls waiting for their keys");
        }
        else
        {
            final HeldCall waiting = hold;
            CompletableFuture.delayedExecutor(ctx.e2eCallKeyWaitNs(), TimeUnit.NANOSECONDS, client::onIoThread)
                .execute(() -> onKeyWaitOver(waiting));
        }
    }

    /**
     * A call key from a decrypted end-to-end message: releases the call waiting for it, or waits for its offer.
     */
    void onCallKey(final long fromUserId, final int fromDeviceId, final long callId, final byte[] key)
    {
        if (KEY_LENGTH != key.length)
        {
            unsealFailures++;
            app.onCallUnsealable(callId, "call key of " + key.length + " bytes from user " + fromUserId);
            return;
        }
        final CallKey callKey = new CallKey(key, false, fromUserId, fromDeviceId);
        final HeldCall hold;
        synchronized (this)
        {
            final HeldCall waiting = held.get(callId);
            if (keys.containsKey(callId) || (null != waiting && !waiting.isFrom(fromUserId, fromDeviceId)))
            {
                return; // the first key from the call's own caller device counts; anything else is noise
            }
            callKeysReceived++;
            keys.put(callId, callKey);
            hold = null == waiting ? null : held.remove(callId);
        }
        if (null != hold)
        {
            if (deliverIncoming(callKey, callId, hold.fromUserId, hold.fromDeviceId, hold.media, hold.offer))
            {
                for (final HeldCandidate candidate : hold.candidates)
                {
                    deliverCandidate(callKey, callId, candidate.sequence, candidate.blob);
                }
            }
        }
    }

    void onCallAnswered(final long callId, final byte[] blob)
    {
        final CallKey key;
        synchronized (this)
        {
            key = keys.get(callId);
        }
        final byte[] sdp = null != key && key.caller ? open(key.key, callId, PART_ANSWER, 0, blob) : null;
        if (null == sdp)
        {
            forget(callId);
            unsealFailures++;
            app.onCallUnsealable(callId, null == key || !key.caller ? "answer to a call not placed here" :
                "answer did not unseal (tampered, or sealed under another key)");
            client.failCall(callId);
            app.onCallEnded(callId, CallEndReason.FAILED);
            return;
        }
        app.onCallAnswered(callId, sdp);
    }

    void onCallIceCandidate(final long callId, final int sequence, final byte[] blob)
    {
        final CallKey key;
        synchronized (this)
        {
            final HeldCall hold = held.get(callId);
            if (null != hold)
            {
                if (hold.candidates.size() < MAX_HELD_CANDIDATES)
                {
                    hold.candidates.add(new HeldCandidate(sequence, blob));
                    return;
                }
            }
            key = keys.get(callId);
        }
        if (null == key)
        {
            unsealFailures++;
            app.onCallUnsealable(callId, "ICE candidate " + sequence + " for a call without a key: dropped");
            return;
        }
        deliverCandidate(key, callId, sequence, blob);
    }

    /**
     * A call ended: its key is forgotten; one still waiting for its key was never shown, so its end is not either.
     */
    void onCallEnded(final long callId, final CallEndReason reason)
    {
        final HeldCall hold;
        synchronized (this)
        {
            hold = held.remove(callId);
            keys.remove(callId);
        }
        if (null == hold)
        {
            app.onCallEnded(callId, reason);
        }
    }

    private boolean deliverIncoming(
        final CallKey key,
        final long callId,
        final long fromUserId,
        final int fromDeviceId,
        final CallMedia media,
        final byte[] blob)
    {
        final byte[] sdp = open(key.key, callId, PART_OFFER, 0, blob);
        if (null == sdp)
        {
            giveUp(callId, "offer did not unseal (tampered, or sealed under another key)");
            return false;
        }
        app.onIncomingCall(callId, fromUserId, fromDeviceId, media, sdp);
        return true;
    }

    private void deliverCandidate(final CallKey key, final long callId, final int sequence, final byte[] blob)
    {
        final byte[] candidate = open(key.key, callId, key.caller ? PART_CALLEE_ICE : PART_CALLER_ICE, sequence, blob);
        if (null == candidate)
        {
            unsealFailures++;
            app.onCallUnsealable(callId, "ICE candidate " + sequence + " did not unseal: dropped");
            return;
        }
        app.onCallIceCandidate(callId, sequence, candidate);
    }

    private void onKeyWaitOver(final HeldCall hold)
    {
        synchronized (this)
        {
            if (held.get(hold.callId) != hold)
            {
                return; // its key came, or the call ended
            }
            held.remove(hold.callId);
        }
        keyTimeouts++;
        try
        {
            giveUp(hold.callId, "no call key from the caller within " +
                TimeUnit.NANOSECONDS.toMillis(ctx.e2eCallKeyWaitNs()) + " ms");
        }
        catch (final RuntimeException ex)
        {
            // Runs as an I/O thread command, where a throw would cost the connection: the application's problem.
        }
    }

    /**
     * An incoming call this device cannot take: reported, never shown, and left with a FAILED hangup.
     */
    private void giveUp(final long callId, final String reason)
    {
        forget(callId);
        unsealFailures++;
        client.failCall(callId);
        app.onCallUnsealable(callId, reason);
    }

    private synchronized void forget(final long callId)
    {
        keys.remove(callId);
        held.remove(callId);
    }

    byte[] seal(final byte[] key, final long callId, final byte part, final int sequence, final byte[] plain)
    {
        final byte[] sealed = new byte[OVERHEAD + plain.length];
        sealed[0] = VERSION;
        final byte[] nonce = new byte[NONCE_LENGTH];
        random.nextBytes(nonce);
        System.arraycopy(nonce, 0, sealed, 1, NONCE_LENGTH);
        try
        {
            final Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"),
                new GCMParameterSpec(TAG_LENGTH * 8, nonce));
            cipher.updateAAD(aad(callId, part, sequence));
            cipher.doFinal(plain, 0, plain.length, sealed, 1 + NONCE_LENGTH);
        }
        catch (final GeneralSecurityException ex)
        {
            throw new IllegalStateException("AES-GCM unavailable", ex);
        }
        return sealed;
    }

    /**
     * @return the plaintext, or null when the blob is not a sealed blob of this key, call, part and sequence.
     */
    static byte[] open(final byte[] key, final long callId, final byte part, final int sequence, final byte[] sealed)
    {
        if (sealed.length < OVERHEAD || VERSION != sealed[0])
        {
            return null;
        }
        try
        {
            final Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key, "AES"),
                new GCMParameterSpec(TAG_LENGTH * 8, sealed, 1, NONCE_LENGTH));
            cipher.updateAAD(aad(callId, part, sequence));
            return cipher.doFinal(sealed, 1 + NONCE_LENGTH, sealed.length - 1 - NONCE_LENGTH);
        }
        catch (final AEADBadTagException ex)
        {
            return null;
        }
        catch (final GeneralSecurityException ex)
        {
            throw new IllegalStateException("AES-GCM unavailable", ex);
        }
    }

    private static byte[] aad(final long callId, final byte part, final int sequence)
    {
        return ByteBuffer.allocate(AAD_LENGTH).putLong(callId).put(part).putInt(sequence).array();
    }

    /**
     * A call's key; {@code caller} when this device placed the call. On the callee the peer is the caller's device
     * the key came from; on the caller the callee's user (any of its devices may answer).
     */
    private record CallKey(byte[] key, boolean caller, long peerUserId, int peerDeviceId)
    {
        boolean isFrom(final long userId, final int deviceId)
        {
            return !caller && peerUserId == userId && peerDeviceId == deviceId;
        }
    }

    private record HeldCandidate(int sequence, byte[] blob)
    {
    }

    private static final class HeldCall
    {
        final long callId;
        final long fromUserId;
        final int fromDeviceId;
        final CallMedia media;
        final byte[] offer;
        final List<HeldCandidate> candidates = new ArrayList<>();

        HeldCall(
            final long callId, final long fromUserId, final int fromDeviceId, final CallMedia media, final byte[] offer)
        {
            this.callId = callId;
            this.fromUserId = fromUserId;
            this.fromDeviceId = fromDeviceId;
            this.media = media;
            this.offer = offer;
        }

        boolean isFrom(final long userId, final int deviceId)
        {
            return fromUserId == userId && fromDeviceId == deviceId;
        }
    }
}
