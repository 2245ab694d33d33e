package dev.switchboard.client;

import dev.switchboard.codec.sbe.CallEndReason;
import dev.switchboard.codec.sbe.CallMedia;
import dev.switchboard.codec.sbe.ReceiptType;
import org.signal.libsignal.protocol.IdentityKey;
import org.signal.libsignal.protocol.SignalProtocolAddress;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * End-to-end encryption for one {@link SwitchboardClient}: every message leaves as libsignal ciphertext, one per
 * recipient device (and one per other device of this user), or once per group with this device's sender key.
 * <p>
 * Sending: the message goes into the history and, as content, into the outbox of each device it is for; a device
 * without a session first has its bundle fetched from the server's key directory (all of a user's devices at once)
 * and the session started from it (PQXDH, with the bundle's last-resort Kyber prekey), so a device that has never
 * been online can be written to; then the outbox is encrypted and sent in order. A group message waits until this device's sender key distribution has been sent, 1:1 encrypted, to every
 * member device that lacks it. The outbox lives in the store, so what waits survives a restart.
 * <p>
 * Receiving: it wraps the application's {@link ClientListener}: deliveries are decrypted before
 * {@link ClientListener#onMessage}; one that does not decrypt goes to {@link ClientListener#onDecryptFailed} and is
 * counted ({@link #decryptFailures()}); sender key distributions are consumed here.
 * After each login it uploads this device's keys if the server lacks them, rotates the signed prekey when due, and
 * tops up the one-time prekeys on {@code PreKeyStock}. Methods are thread safe; listener callbacks run on the
 * client's I/O thread.
 */
public final class E2eMessenger extends ForwardingClientListener
{
    static final String META_KEYS_UPLOADED = "keys_uploaded";
    /** Set once the server holds this device's Kyber prekey: keys uploaded before it existed are sent again. */
    static final String META_KYBER_UPLOADED = "kyber_uploaded";

    private final ClientContext ctx;
    private final E2eStore store;
    private final E2eCrypto crypto;
    private final CallSealing calls;
    private final Map<DeviceAddress, KeyBundle> bundles = new HashMap<>();
    private final Set<DeviceAddress> unusableBundles = new HashSet<>();
    private final Set<Long> usersFetching = new HashSet<>();
    private final Set<DeviceAddress> devicesFetching = new HashSet<>();
    private final Set<Long> groupsRefreshing = new HashSet<>();
    private final CompletableFuture<Void> keysReady = new CompletableFuture<>();
    private SwitchboardClient client;
    private volatile long decryptFailures;
    private volatile long keyUploads;
    private volatile long keyUploadsAccepted;
    private volatile long preKeyTopUps;
    private volatile long signedPreKeyRotations;
    private volatile long sessionFailures;
    private volatile long sessionsStarted;
    private volatile long fetchFailures;
    private volatile long keyUploadFailures;

    E2eMessenger(final ClientContext ctx, final E2eStore store, final ClientListener app)
    {
        super(app);
        this.ctx = ctx;
        this.store = store;
        this.crypto = new E2eCrypto(store);
        this.calls = new CallSealing(ctx, app);
        store.identityChangeListener(this::onIdentityChange);
    }

    void client(final SwitchboardClient client)
    {
        this.client = client;
        calls.client(client, this);
    }

    /**
     * The sealing of calls' signaling under per-call keys sent through the Signal sessions.
     */
    public CallSealing calls()
    {
        return calls;
    }

    /**
     * Send a call's sealing key to every device of the callee, ahead of the offer (one connection keeps the order).
     */
    void sendCallKey(final long toUserId, final long callId, final byte[] key)
    {
        synchronized (this)
        {
            queueForUser(toUserId, 0, E2eEnvelope.callKey(callId, key));
            pumpAll();
        }
    }

    // ---- API ----

    /**
     * Encrypt and send a message to every device of a user and a copy to this user's other devices; returns its
     * row in the history, whose status moves from queued to sent, delivered and read.
     */
    public long send(final long toUserId, final byte[] payload)
    {
        final DeviceAddress self = selfOrThrow();
        final long row;
        synchronized (this)
        {
            row = store.addMessage(toUserId, 0, true, self.userId(), self.deviceId(), System.currentTimeMillis(),
                E2eStore.STATUS_QUEUED, payload.clone());
            queueForUser(toUserId, row, E2eEnvelope.message(payload));
            if (toUserId != self.userId())
            {
                queueForUser(self.userId(), row, E2eEnvelope.sentCopy(toUserId, payload));
            }
            pumpAll();
        }
        return row;
    }

    /**
     * Encrypt a message once with this device's sender key and send it to the group; returns its history row.
     */
    public long sendGroup(final long groupId, final byte[] payload)
    {
        final DeviceAddress self = selfOrThrow();
        final long row;
        synchronized (this)
        {
            row = store.addMessage(0, groupId, true, self.userId(), self.deviceId(), System.currentTimeMillis(),
                E2eStore.STATUS_QUEUED, payload.clone());
            store.addGroupOutbox(groupId, row, E2eEnvelope.message(payload));
            pumpAll();
        }
        return row;
    }

    /**
     * Completes once this device's keys are on the server (after the first login).
     */
    public CompletableFuture<Void> keysReady()
    {
        return keysReady;
    }

    /**
     * The safety number of this device and one of the user's devices, or null if its identity is not known yet.
     */
    public synchronized String safetyNumber(final long userId, final int deviceId)
    {
        final DeviceAddress self = selfOrThrow();
        final IdentityKey identity = store.getIdentity(E2eCrypto.address(userId, deviceId));
        return null == identity ? null : crypto.safetyNumber(self.userId(), userId, identity);
    }

    /**
     * Devices of the user whose identity key this device holds (from sessions started either way).
     */
    public synchronized List<Integer> knownDevices(final long userId)
    {
        final List<Integer> devices = new ArrayList<>();
        for (final int deviceId : store.devices(userId))
        {
            if (null != store.getIdentity(E2eCrypto.address(userId, deviceId)))
            {
                devices.add(deviceId);
            }
        }
        return devices;
    }

    public E2eStore store()
    {
        return store;
    }

    /**
     * Deliveries that did not decrypt (tampered, unknown session, not an envelope), each reported once.
     */
    public long decryptFailures()
    {
        return decryptFailures;
    }

    public long keyUploads()
    {
        return keyUploads;
    }

    /**
     * Key uploads the server acknowledged: from then on its bundles hand out what the upload carried.
     */
    public long keyUploadsAccepted()
    {
        return keyUploadsAccepted;
    }

    /**
     * Batches of one-time prekeys sent after the server reported low stock (counted when sent; see
     * {@link #keyUploadsAccepted()} for when they took effect).
     */
    public long preKeyTopUps()
    {
        return preKeyTopUps;
    }

    public long signedPreKeyRotations()
    {
        return signedPreKeyRotations;
    }

    /**
     * Fetched bundles no session could be started from (no Kyber prekey, a bad signature): the messages for that
     * device wait, and its bundle is fetched again after the next login.
     */
    public long sessionFailures()
    {
        return sessionFailures;
    }

    /**
     * Sessions this device started from a fetched bundle.
     */
    public long sessionsStarted()
    {
        return sessionsStarted;
    }

    /**
     * Key bundle fetches refused or failed (the waiting messages stay in the outbox for the next login).
     */
    public long fetchFailures()
    {
        return fetchFailures;
    }

    public long keyUploadFailures()
    {
        return keyUploadFailures;
    }

    // ---- sending machinery, all under the monitor ----

    private void queueForUser(final long userId, final long row, final byte[] content)
    {
        if (!store.isResolved(userId))
        {
            // Device 0: "every device of the user", resolved by a fetch.
            store.addOutbox(userId, 0, row, content);
            return;
        }
        final DeviceAddress self = client.self();
        for (final int deviceId : store.devices(userId))
        {
            if (userId != self.userId() || deviceId != self.deviceId())
            {
                store.addOutbox(userId, deviceId, row, content);
            }
        }
    }

    private void pumpAll()
    {
        if (!client.isLoggedIn())
        {
            return;
        }
        for (final long[] device : store.outboxDevices())
        {
            pump(device[0], (int)device[1]);
        }
        pumpGroups();
    }

    private void pump(final long userId, final int deviceId)
    {
        if (0 == deviceId)
        {
            resolveDevices(userId);
            return;
        }
        if (!crypto.hasSession(userId, deviceId))
        {
            startSession(userId, deviceId);
            return;
        }
        for (final E2eStore.OutboxEntry entry : store.outbox(userId, deviceId))
        {
            final byte[] envelope;
            try
            {
                envelope = crypto.encrypt(userId, deviceId, entry.content());
            }
            catch (final Exception ex)
            {
                // The session is unusable (say an untrusted identity): start a new one on the next pump.
                store.deleteSession(E2eCrypto.address(userId, deviceId));
                return;
            }
            final long clientMsgId = client.sendUnchecked(userId, deviceId, envelope);
            if (0 != entry.messageRow())
            {
                store.addMessagePart(clientMsgId, entry.messageRow());
            }
            store.removeOutbox(entry.id());
        }
    }

    private void resolveDevices(final long userId)
    {
        if (!usersFetching.add(userId))
        {
            return;
        }
        client.fetchKeyBundles(userId, 0).whenComplete((bundles, error) ->
        {
            synchronized (this)
            {
                usersFetching.remove(userId);
                if (null != error)
                {
                    fetchFailures++;
                    return;
                }
                final DeviceAddress self = client.self();
                store.resolved(userId);
                for (final KeyBundle bundle : bundles)
                {
                    store.addDevice(userId, bundle.deviceId());
                    final boolean isSelf = userId == self.userId() && bundle.deviceId() == self.deviceId();
                    if (!isSelf && !crypto.hasSession(userId, bundle.deviceId()))
                    {
                        this.bundles.put(new DeviceAddress(userId, bundle.deviceId()), bundle);
                    }
                }
                for (final E2eStore.OutboxEntry entry : store.outbox(userId, 0))
                {
                    for (final KeyBundle bundle : bundles)
                    {
                        if (userId != self.userId() || bundle.deviceId() != self.deviceId())
                        {
                            store.addOutbox(userId, bundle.deviceId(), entry.messageRow(), entry.content());
                        }
                    }
                    store.removeOutbox(entry.id());
                }
                pumpAll();
            }
        });
    }

    private void startSession(final long userId, final int deviceId)
    {
        final DeviceAddress key = new DeviceAddress(userId, deviceId);
        if (unusableBundles.contains(key))
        {
            return;
        }
        final KeyBundle bundle = bundles.remove(key);
        if (null == bundle)
        {
            if (devicesFetching.add(key))
            {
                client.fetchKeyBundles(userId, deviceId).whenComplete((fetched, error) ->
                {
                    synchronized (this)
                    {
                        devicesFetching.remove(key);
                        if (null != error || fetched.isEmpty())
                        {
                            fetchFailures++;
                            return;
                        }
                        bundles.put(key, fetched.get(0));
                        pumpAll();
                    }
                });
            }
            return;
        }
        try
        {
            crypto.processBundle(bundle);
            sessionsStarted++;
        }
        catch (final Exception | AssertionError ex)
        {
            // no Kyber prekey or a signature that does not verify: fetching again now would give the same
            sessionFailures++;
            unusableBundles.add(key);
            return;
        }
        pump(userId, deviceId);
    }

    private void pumpGroups()
    {
        for (final E2eStore.GroupOutboxEntry entry : store.groupOutbox())
        {
            final UUID distributionId = senderKeyReady(entry.groupId());
            if (null == distributionId)
            {
                continue;
            }
            final DeviceAddress self = client.self();
            final byte[] envelope;
            try
            {
                envelope = crypto.groupEncrypt(self.userId(), self.deviceId(), distributionId, entry.content());
            }
            catch (final Exception ex)
            {
                throw new IllegalStateException("sender key unusable for group " + entry.groupId(), ex);
            }
            final long clientMsgId = client.sendGroupUnchecked(entry.groupId(), envelope);
            store.addMessagePart(clientMsgId, entry.messageRow());
            store.removeGroupOutbox(entry.id());
        }
    }

    /**
     * The group's distribution id once every member device has been sent this device's sender key, else null
     * (with what is missing set in motion).
     */
    private UUID senderKeyReady(final long groupId)
    {
        final GroupInfo group = client.group(groupId);
        if (null == group)
        {
            refreshGroup(groupId);
            return null;
        }
        final DeviceAddress self = client.self();
        final List<Long> members = group.memberUserIds();
        UUID distributionId = store.groupDistributionId(groupId);
        boolean memberLeft = false;
        if (null != distributionId)
        {
            for (final long userId : store.senderKeyUsers(groupId))
            {
                memberLeft |= !members.contains(userId);
            }
        }
        if (null == distributionId || memberLeft)
        {
            // A removed member knows the old sender key: a new one keeps later messages from it.
            distributionId = UUID.randomUUID();
            store.newGroupDistributionId(groupId, distributionId);
        }
        final byte[] distribution = E2eEnvelope.senderKeyDistribution(
            groupId, crypto.senderKeyDistribution(self.userId(), self.deviceId(), distributionId));
        boolean ready = true;
        for (final long userId : members)
        {
            if (!store.isResolved(userId))
            {
                resolveDevices(userId);
                ready = false;
                continue;
            }
            for (final int deviceId : store.devices(userId))
            {
                if (userId == self.userId() && deviceId == self.deviceId())
                {
                    continue;
                }
                if (!store.isSenderKeyShared(groupId, userId, deviceId))
                {
                    store.addOutbox(userId, deviceId, 0, distribution);
                    store.senderKeyShared(groupId, userId, deviceId);
                }
                if (!store.outbox(userId, deviceId).isEmpty())
                {
                    pump(userId, deviceId);
                    ready &= store.outbox(userId, deviceId).isEmpty();
                }
            }
        }
        return ready ? distributionId : null;
    }

    private void refreshGroup(final long groupId)
    {
        if (groupsRefreshing.add(groupId))
        {
            client.groupInfo(groupId).whenComplete((group, error) ->
            {
                synchronized (this)
                {
                    groupsRefreshing.remove(groupId);
                    if (null == error)
                    {
                        pumpAll();
                    }
                }
            });
        }
    }

    // ---- receiving ----

    public void onMessage(final IncomingMessage message)
    {
        final Runnable callback;
        synchronized (this)
        {
            callback = receive(message);
        }
        if (null != callback)
        {
            callback.run();
        }
    }

    private Runnable receive(final IncomingMessage message)
    {
        final long fromUserId = message.fromUserId();
        final int fromDeviceId = message.fromDeviceId();
        final byte[] payload = message.payload();
        final int type = E2eEnvelope.type(payload);
        try
        {
            switch (type)
            {
                case E2eEnvelope.TYPE_PREKEY:
                case E2eEnvelope.TYPE_WHISPER:
                {
                    final byte[] content = crypto.decrypt(fromUserId, fromDeviceId, payload);
                    store.addDevice(fromUserId, fromDeviceId);
                    final Runnable callback = onContent(message, content, false);
                    // A session this device had been waiting for may have just been made by the other side.
                    pumpAll();
                    return callback;
                }
                case E2eEnvelope.TYPE_SENDER_KEY:
                {
                    if (0 == message.groupId())
                    {
                        return failed(message, "sender key message outside a group");
                    }
                    return onContent(message, crypto.groupDecrypt(fromUserId, fromDeviceId, payload), true);
                }
                default:
                    return failed(message, "not an end-to-end envelope");
            }
        }
        catch (final Exception | AssertionError ex)
        {
            // libsignal reports some bad ciphertexts as an AssertionError: a hostile payload must not kill us.
            final Throwable cause = null == ex.getCause() ? ex : ex.getCause();
            return failed(message, cause.getClass().getSimpleName() + ": " + cause.getMessage());
        }
    }

    private Runnable onContent(final IncomingMessage message, final byte[] content, final boolean group)
        throws Exception
    {
        final int kind = E2eEnvelope.kind(content);
        final long fromUserId = message.fromUserId();
        final DeviceAddress self = client.self();
        if (E2eEnvelope.KIND_MESSAGE == kind)
        {
            final byte[] plaintext = E2eEnvelope.payload(content);
            final boolean outgoing = fromUserId == self.userId();
            store.addMessage(0 == message.groupId() ? fromUserId : 0, message.groupId(), outgoing, fromUserId,
                message.fromDeviceId(), message.timestampMs(), E2eStore.STATUS_RECEIVED, plaintext);
            final IncomingMessage decrypted = new IncomingMessage(message.messageId(), fromUserId,
                message.fromDeviceId(), message.groupId(), message.timestampMs(), plaintext);
            return () -> delegate.onMessage(decrypted);
        }
        if (E2eEnvelope.KIND_SENDER_KEY_DISTRIBUTION == kind && !group)
        {
            crypto.processSenderKeyDistribution(fromUserId, message.fromDeviceId(), E2eEnvelope.payload(content));
            return null;
        }
        if (E2eEnvelope.KIND_SENT_COPY == kind && !group && fromUserId == self.userId())
        {
            final long toUserId = E2eEnvelope.prefix(content);
            final byte[] plaintext = E2eEnvelope.payload(content);
            store.addMessage(toUserId, 0, true, fromUserId, message.fromDeviceId(), message.timestampMs(),
                E2eStore.STATUS_SENT, plaintext);
            final IncomingMessage copy = new IncomingMessage(message.messageId(), fromUserId,
                message.fromDeviceId(), 0, message.timestampMs(), plaintext);
            return () -> delegate.onSentCopy(toUserId, copy);
        }
        if (E2eEnvelope.KIND_CALL_KEY == kind && !group)
        {
            final long callId = E2eEnvelope.prefix(content);
            final byte[] key = E2eEnvelope.payload(content);
            return () -> calls.onCallKey(fromUserId, message.fromDeviceId(), callId, key);
        }
        return failed(message, "unknown content kind " + kind);
    }

    private Runnable failed(final IncomingMessage message, final String reason)
    {
        decryptFailures++;
        return () -> delegate.onDecryptFailed(message, reason);
    }

    private void onIdentityChange(final SignalProtocolAddress address, final IdentityKey identityKey)
    {
        final long userId = Long.parseLong(address.getName());
        final int deviceId = address.getDeviceId();
        delegate.onIdentityKeyChanged(userId, deviceId);
    }

    // ---- callbacks that keep the store current, then pass on; the others pass on unchanged ----

    public void onLoggedIn(final int pendingCount)
    {
        synchronized (this)
        {
            final long nowMs = System.currentTimeMillis();
            crypto.ensureIdentity(client.registrationId(), nowMs);
            // a bundle that failed may have been replaced meanwhile (the device logged in and uploaded again)
            unusableBundles.clear();
            if (0 == store.meta(META_KEYS_UPLOADED, 0))
            {
                upload(crypto.fullUpload(ctx.e2ePreKeyBatch()), true);
            }
            else if (0 == store.meta(META_KYBER_UPLOADED, 0) || nowMs - crypto.signedPreKeyCreatedMs() >=
                TimeUnit.NANOSECONDS.toMillis(ctx.e2eSignedPreKeyRotationNs()))
            {
                // due, or keys uploaded before the directory held a Kyber prekey: both rotate together
                signedPreKeyRotations++;
                upload(crypto.rotateSignedPreKey(nowMs), false);
                keysReady.complete(null);
            }
            else
            {
                keysReady.complete(null);
            }
            pumpAll();
        }
        delegate.onLoggedIn(pendingCount);
    }

    private void upload(final KeyBundleUpload upload, final boolean first)
    {
        keyUploads++;
        client.uploadKeyBundle(upload).whenComplete((ignore, error) ->
        {
            if (null != error)
            {
                keyUploadFailures++;
            }
            else
            {
                keyUploadsAccepted++;
                if (upload.kyberPreKey().length > 0)
                {
                    store.putMeta(META_KYBER_UPLOADED, 1);
                }
                if (first)
                {
                    store.putMeta(META_KEYS_UPLOADED, 1);
                    keysReady.complete(null);
                }
            }
        });
    }

    public void onPreKeyStock(final int preKeyCount)
    {
        synchronized (this)
        {
            final int count = Math.min(ctx.e2ePreKeyBatch(), ctx.e2ePreKeyMaxStock() - preKeyCount);
            if (count > 0 && store.hasIdentity())
            {
                preKeyTopUps++;
                upload(crypto.topUp(count), false);
            }
        }
        delegate.onPreKeyStock(preKeyCount);
    }

    /**
     * Passed on per history message: the application sees {@code onSent(row, messageId, ...)} for each copy the
     * server took (row as returned by {@link #send}), so it can match receipts by messageId; key exchange and sender
     * key sends are not passed on.
     */
    public void onSent(final long clientMsgId, final long messageId, final long timestampMs)
    {
        final long row = store.onSent(clientMsgId, messageId);
        if (0 != row)
        {
            delegate.onSent(row, messageId, timestampMs);
        }
    }

    public void onReceipt(
        final long originalMessageId,
        final long fromUserId,
        final int fromDeviceId,
        final ReceiptType receiptType,
        final long timestampMs)
    {
        final DeviceAddress self = client.self();
        if (null != self && fromUserId == self.userId())
        {
            // This user's other devices acknowledging their copies: not the recipient's ticks.
            return;
        }
        if (0 == store.onReceipt(originalMessageId,
            ReceiptType.READ == receiptType ? E2eStore.STATUS_READ : E2eStore.STATUS_DELIVERED))
        {
            return; // a key exchange or call key send: as with onSent, not the application's
        }
        delegate.onReceipt(originalMessageId, fromUserId, fromDeviceId, receiptType, timestampMs);
    }

    public void onGroupEvent(final GroupEvent event)
    {
        delegate.onGroupEvent(event);
        synchronized (this)
        {
            // A new member needs this device's sender key before the next group message; a removed one forces a
            // new key: both are seen by the next pump.
            pumpAll();
        }
    }

    public void onIncomingCall(
        final long callId, final long fromUserId, final int fromDeviceId, final CallMedia media, final byte[] sdp)
    {
        calls.onIncomingCall(callId, fromUserId, fromDeviceId, media, sdp);
    }

    public void onCallAnswered(final long callId, final byte[] sdp)
    {
        calls.onCallAnswered(callId, sdp);
    }

    public void onCallIceCandidate(final long callId, final int sequence, final byte[] candidate)
    {
        calls.onCallIceCandidate(callId, sequence, candidate);
    }

    public void onCallEnded(final long callId, final CallEndReason reason)
    {
        calls.onCallEnded(callId, reason);
    }

    private DeviceAddress selfOrThrow()
    {
        final DeviceAddress self = client.self();
        if (null == self)
        {
            throw new IllegalStateException("not registered");
        }
        return self;
    }
}
