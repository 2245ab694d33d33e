package dev.switchboard.client;

import dev.switchboard.codec.sbe.BlockEncoder;
import dev.switchboard.codec.sbe.CallEndReason;
import dev.switchboard.codec.sbe.CallMedia;
import dev.switchboard.codec.sbe.ContactLookupEncoder;
import dev.switchboard.codec.sbe.DeviceListRequestEncoder;
import dev.switchboard.codec.sbe.GroupChange;
import dev.switchboard.codec.sbe.GroupCreateEncoder;
import dev.switchboard.codec.sbe.GroupInfoRequestEncoder;
import dev.switchboard.codec.sbe.GroupLeaveEncoder;
import dev.switchboard.codec.sbe.GroupUpdateEncoder;
import dev.switchboard.codec.sbe.KeyBundleFetchEncoder;
import dev.switchboard.codec.sbe.KeyBundleUploadEncoder;
import dev.switchboard.codec.sbe.LinkApproveEncoder;
import dev.switchboard.codec.sbe.LinkDeviceEncoder;
import dev.switchboard.codec.sbe.LinkStartEncoder;
import dev.switchboard.codec.sbe.LogoutEncoder;
import dev.switchboard.codec.sbe.PresenceSubscribeEncoder;
import dev.switchboard.codec.sbe.PresenceUnsubscribeEncoder;
import dev.switchboard.codec.sbe.MediaTicketRequestEncoder;
import dev.switchboard.codec.sbe.PrivacySettingsEncoder;
import dev.switchboard.codec.sbe.RegisterEncoder;
import dev.switchboard.codec.sbe.TurnCredentialsRequestEncoder;
import dev.switchboard.codec.sbe.TypingState;
import dev.switchboard.codec.sbe.UnblockEncoder;
import dev.switchboard.codec.sbe.UnlinkEncoder;
import dev.switchboard.codec.sbe.VerifyEncoder;
import dev.switchboard.codec.sbe.Visibility;
import org.agrona.CloseHelper;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A Switchboard client for one device. Every method is thread safe. One I/O thread per client owns the connection
 * and runs every {@link ClientListener} callback and completes every future: never block on a future inside a
 * callback. After a login the client stays logged in: on a lost connection it reconnects with exponential backoff,
 * logs in again and resends every unacknowledged send, in order, with its original clientMsgId.
 */
public final class SwitchboardClient implements AutoCloseable
{
    private static final int MAX_REGISTRATION_ID = 16380;

    private final ClientContext ctx;
    private final ClientStore store;
    private final E2eMessenger e2e;
    private final ClientConductor conductor;
    private final Thread ioThread;
    private final AtomicLong requestIds = new AtomicLong();
    private final Object sendLock = new Object();
    private final SecureRandom random = new SecureRandom();
    private final MediaDownloader mediaDownloader;
    private final MediaReceiver mediaReceiver;
    private volatile MediaUploader mediaUploader;
    /** Encodes on the I/O thread only, from the requests' encodings. */
    private final LinkFrameWriter linkWriter = new LinkFrameWriter();
    private volatile boolean closed;

    private SwitchboardClient(final ClientContext ctx, final ClientStore store, final E2eStore e2eStore)
        throws IOException
    {
        this.ctx = ctx;
        this.store = store;
        requestIds.set(random.nextInt(Integer.MAX_VALUE));
        mediaDownloader = new MediaDownloader(ctx.mediaDir().toPath());
        // Media references are taken out of the message stream before the application's listener sees them; with
        // end-to-end encryption on, out of the decrypted stream.
        mediaReceiver = null == ctx.mediaListener() ? null :
            new MediaReceiver(ctx.listener(), ctx.mediaListener(), mediaDownloader, ctx.autoDownloadMedia());
        final ClientListener application = null == mediaReceiver ? ctx.listener() : mediaReceiver;
        e2e = null == e2eStore ? null : new E2eMessenger(ctx, e2eStore, application);
        conductor = new ClientConductor(ctx, store, requestIds::incrementAndGet, null == e2e ? application : e2e);
        if (null != e2e)
        {
            e2e.client(this);
        }
        ioThread = new Thread(conductor, "switchboard-client-io");
        ioThread.setDaemon(true);
    }

    /**
     * Open the local store and start the I/O thread; nothing connects until a request or {@link #login()}.
     */
    public static SwitchboardClient open(final ClientContext ctx)
    {
        ctx.conclude();
        final ClientStore store = ClientStore.open(
            ctx.storeDir(), ctx.dedupeCapacity(), ctx.storeSync(), ctx.persistPending());
        E2eStore e2eStore = null;
        try
        {
            e2eStore = ctx.e2e() ? E2eStore.open(new File(ctx.storeDir(), E2eStore.FILE_NAME)) : null;
            final SwitchboardClient client = new SwitchboardClient(ctx, store, e2eStore);
            client.ioThread.start();
            return client;
        }
        catch (final IOException ex)
        {
            CloseHelper.quietCloseAll(e2eStore, store);
            throw new UncheckedIOException("cannot start client", ex);
        }
        catch (final RuntimeException ex)
        {
            CloseHelper.quietCloseAll(e2eStore, store);
            throw ex;
        }
    }

    /**
     * Ask the server to send a verification code to {@code phone} (E.164); completes with the code's lifetime in
     * seconds.
     */
    public CompletableFuture<Integer> requestCode(final String phone)
    {
        final CompletableFuture<Integer> future = new CompletableFuture<>();
        final long requestId = requestIds.incrementAndGet();
        final Request request = new Request(
            requestId,
            RegisterEncoder.TEMPLATE_ID,
            false,
            (writer, buffer, offset, id) -> writer.register(buffer, offset, id, phone),
            future,
            (ttlSeconds, ignore) -> future.complete((int)Math.min(Integer.MAX_VALUE, ttlSeconds)));
        submit(request);
        return future;
    }

    /**
     * Prove the code with a new device key; on success the identity is stored and this device can log in.
     */
    public CompletableFuture<DeviceAddress> verify(final String phone, final String code)
    {
        final CompletableFuture<DeviceAddress> future = new CompletableFuture<>();
        final KeyPair keyPair = DeviceIdentity.generateKeyPair();
        final byte[] loginKey = DeviceIdentity.rawPublicKey(keyPair.getPublic());
        final int registrationId = 1 + random.nextInt(MAX_REGISTRATION_ID);
        final long requestId = requestIds.incrementAndGet();
        final Request request = new Request(
            requestId,
            VerifyEncoder.TEMPLATE_ID,
            false,
            (writer, buffer, offset, id) -> writer.verify(buffer, offset, id, registrationId, phone, code, loginKey),
            future,
            (userId, deviceId) ->
            {
                final DeviceIdentity identity = new DeviceIdentity(
                    userId, (int)deviceId, registrationId, phone, keyPair.getPrivate(), loginKey);
                store.saveIdentity(identity);
                future.complete(identity.address());
            });
        submit(request);
        return future;
    }

    /**
     * Connect and log in with the stored device key; keeps the session up (reconnecting) until logout or close.
     */
    public CompletableFuture<LoginInfo> login()
    {
        final CompletableFuture<LoginInfo> future = new CompletableFuture<>();
        enqueue(() -> conductor.login(future), future);
        return future;
    }

    /**
     * Persist a send as pending, then write it if logged in (else on the next login); returns its clientMsgId.
     * The outcome arrives as {@link ClientListener#onSent} or {@link ClientListener#onError}.
     */
    public long send(final long toUserId, final int toDeviceId, final byte[] payload)
    {
        ensurePlaintextAllowed();
        return sendUnchecked(toUserId, toDeviceId, payload);
    }

    /**
     * The end-to-end encrypted messenger, or null when {@link ClientContext#e2e()} is off. With it on,
     * {@link ClientListener#onSent} names the history row {@link E2eMessenger#send} returned, not a clientMsgId.
     */
    public E2eMessenger e2e()
    {
        return e2e;
    }

    private void ensurePlaintextAllowed()
    {
        if (null != e2e)
        {
            throw new IllegalStateException("end-to-end encryption is on: send through e2e()");
        }
    }

    int registrationId()
    {
        final DeviceIdentity identity = store.identity();
        return null == identity ? 0 : identity.registrationId();
    }

    long sendUnchecked(final long toUserId, final int toDeviceId, final byte[] payload)
    {
        if (payload.length > FrameWriter.MAX_PAYLOAD_LENGTH ||
            FrameWriter.SEND_FRAME_OVERHEAD + payload.length > ctx.maxFrameLength())
        {
            throw new IllegalArgumentException("payload too long: " + payload.length);
        }
        if (toDeviceId < 0 || toDeviceId > 0xFFFF)
        {
            throw new IllegalArgumentException("device id out of range: " + toDeviceId);
        }
        ensureOpen();
        // One lock so clientMsgId order, store order and wire order agree between sending threads.
        synchronized (sendLock)
        {
            final long clientMsgId = store.nextClientMsgId();
            final PendingSend send = store.addPending(clientMsgId, toUserId, toDeviceId, payload.clone());
            conductor.enqueueSend(send);
            return clientMsgId;
        }
    }

    /**
     * Persist a group send as pending, then write it if logged in (else on the next login); returns its
     * clientMsgId. As {@link #send}: resent with the same clientMsgId until the server's SentAck, which arrives as
     * {@link ClientListener#onSent} once the journal holds every member's copy; each member device's receipts
     * arrive as {@link ClientListener#onReceipt}. A refusal (UNKNOWN_GROUP, NOT_GROUP_MEMBER) arrives as
     * {@link ClientListener#onError} with the clientMsgId as request id.
     */
    public long sendGroup(final long groupId, final byte[] payload)
    {
        ensurePlaintextAllowed();
        return sendGroupUnchecked(groupId, payload);
    }

    long sendGroupUnchecked(final long groupId, final byte[] payload)
    {
        if (payload.length > FrameWriter.MAX_PAYLOAD_LENGTH ||
            FrameWriter.SEND_GROUP_FRAME_OVERHEAD + payload.length > ctx.maxFrameLength())
        {
            throw new IllegalArgumentException("payload too long: " + payload.length);
        }
        ensureOpen();
        synchronized (sendLock)
        {
            final long clientMsgId = store.nextClientMsgId();
            final PendingSend send = store.addPendingGroup(clientMsgId, groupId, payload.clone());
            conductor.enqueueSend(send);
            return clientMsgId;
        }
    }

    /**
     * Tell the group's online members that this user is composing, or has paused. Never answered, never queued:
     * dropped while not logged in, as {@link #sendTyping}.
     */
    public void sendGroupTyping(final long groupId, final boolean composing)
    {
        ensureOpen();
        final TypingState typingState = composing ? TypingState.COMPOSING : TypingState.PAUSED;
        conductor.enqueue(() -> conductor.groupTyping(groupId, typingState));
    }

    /**
     * Create a group named {@code name} with these members besides this user, who becomes its admin. Completes
     * with the group as the server holds it (also kept in the local store); fails with a
     * {@link SwitchboardException} (GROUP_FULL past the server's member limit, UNKNOWN_USER, ...).
     */
    public CompletableFuture<GroupInfo> createGroup(final String name, final Collection<Long> memberUserIds)
    {
        validateGroupName(name);
        final long[] members = userIds(memberUserIds, false);
        final int frameLength = groupFrameLength(members.length, name);
        final CompletableFuture<GroupInfo> future = new CompletableFuture<>();
        submit(new Request(
            requestIds.incrementAndGet(),
            GroupCreateEncoder.TEMPLATE_ID,
            true,
            (writer, buffer, offset, id) -> writer.groupCreate(buffer, offset, id, members, name),
            future,
            SwitchboardClient::noNumericResult,
            frameLength));
        return future;
    }

    /**
     * Add members (admins only; NOT_GROUP_ADMIN otherwise, GROUP_FULL past the limit); completes with the group.
     */
    public CompletableFuture<GroupInfo> addMembers(final long groupId, final Collection<Long> userIds)
    {
        return updateGroup(groupId, GroupChange.ADD_MEMBERS, userIds(userIds, true), "");
    }

    /**
     * Remove members (admins only); completes with the group.
     */
    public CompletableFuture<GroupInfo> removeMembers(final long groupId, final Collection<Long> userIds)
    {
        return updateGroup(groupId, GroupChange.REMOVE_MEMBERS, userIds(userIds, true), "");
    }

    /**
     * Make members admins (admins only); completes with the group.
     */
    public CompletableFuture<GroupInfo> promoteAdmins(final long groupId, final Collection<Long> userIds)
    {
        return updateGroup(groupId, GroupChange.PROMOTE_ADMINS, userIds(userIds, true), "");
    }

    /**
     * Make admins plain members again (admins only); completes with the group.
     */
    public CompletableFuture<GroupInfo> demoteAdmins(final long groupId, final Collection<Long> userIds)
    {
        return updateGroup(groupId, GroupChange.DEMOTE_ADMINS, userIds(userIds, true), "");
    }

    /**
     * Rename the group (admins only); completes with the group.
     */
    public CompletableFuture<GroupInfo> renameGroup(final long groupId, final String name)
    {
        validateGroupName(name);
        return updateGroup(groupId, GroupChange.RENAME, new long[0], name);
    }

    /**
     * Leave the group; the local store forgets it once the server acknowledges.
     */
    public CompletableFuture<Void> leaveGroup(final long groupId)
    {
        final CompletableFuture<Void> future = new CompletableFuture<>();
        submit(new Request(
            requestIds.incrementAndGet(),
            GroupLeaveEncoder.TEMPLATE_ID,
            true,
            (writer, buffer, offset, id) -> writer.groupLeave(buffer, offset, id, groupId),
            future,
            (ignore1, ignore2) -> future.complete(null)).groupId(groupId));
        return future;
    }

    /**
     * Ask the server for the group's members, roles and name; completes with them, also kept in the local store.
     * UNKNOWN_GROUP or NOT_GROUP_MEMBER fail the future and make the store forget the group.
     */
    public CompletableFuture<GroupInfo> groupInfo(final long groupId)
    {
        final CompletableFuture<GroupInfo> future = new CompletableFuture<>();
        submit(new Request(
            requestIds.incrementAndGet(),
            GroupInfoRequestEncoder.TEMPLATE_ID,
            true,
            (writer, buffer, offset, id) -> writer.groupInfoRequest(buffer, offset, id, groupId),
            future,
            SwitchboardClient::noNumericResult).groupId(groupId));
        return future;
    }

    /**
     * The groups this user belongs to as last known locally (kept across restarts), by group id.
     */
    public List<GroupInfo> groups()
    {
        return store.groups();
    }

    /**
     * The group as last known locally, or null if this user is not known to belong to it.
     */
    public GroupInfo group(final long groupId)
    {
        return store.group(groupId);
    }

    /**
     * Upload this device's public keys to the server's key directory: the first upload, a signed prekey rotation
     * or a top-up of one-time prekeys (see {@link KeyBundleUpload}). Completes on the server's RequestAck; fails
     * with a {@link SwitchboardException} (INVALID_FIELD, with the reason in its detail).
     */
    public CompletableFuture<Void> uploadKeyBundle(final KeyBundleUpload upload)
    {
        final int frameLength = upload.maxFrameLength();
        if (frameLength > ctx.maxFrameLength())
        {
            throw new IllegalArgumentException("too many prekeys for one frame: " + upload.preKeys().size());
        }
        final CompletableFuture<Void> future = new CompletableFuture<>();
        submit(new Request(
            requestIds.incrementAndGet(),
            KeyBundleUploadEncoder.TEMPLATE_ID,
            true,
            (writer, buffer, offset, id) -> writer.keyBundleUpload(buffer, offset, id, upload),
            future,
            (ignore1, ignore2) -> future.complete(null),
            frameLength));
        return future;
    }

    /**
     * Fetch the key bundles of a user's devices (deviceId 0: every device that uploaded keys, in device id order)
     * or of one device; each takes one one-time prekey from that device's stock on the server. Fails with a
     * {@link SwitchboardException}: UNKNOWN_USER, UNKNOWN_DEVICE, NO_KEY_BUNDLE, RATE_LIMITED.
     */
    public CompletableFuture<List<KeyBundle>> fetchKeyBundles(final long userId, final int deviceId)
    {
        if (deviceId < 0 || deviceId > 0xFFFF)
        {
            throw new IllegalArgumentException("device id out of range: " + deviceId);
        }
        final CompletableFuture<List<KeyBundle>> future = new CompletableFuture<>();
        submit(new Request(
            requestIds.incrementAndGet(),
            KeyBundleFetchEncoder.TEMPLATE_ID,
            true,
            (writer, buffer, offset, id) -> writer.keyBundleFetch(buffer, offset, id, userId, deviceId),
            future,
            (ignore1, ignore2) -> future.completeExceptionally(new IllegalStateException("unexpected answer"))));
        return future;
    }

    /**
     * Tell the sender of a displayed message that it was read (relayed as a READ receipt).
     */
    public void markRead(final long messageId, final long senderUserId, final int senderDeviceId)
    {
        ensureOpen();
        conductor.enqueue(() -> conductor.markRead(messageId, senderUserId, senderDeviceId));
    }

    /**
     * Which of these phone numbers are registered: phone -> user id for the registered ones, asked in batches of
     * {@link FrameWriter#MAX_LOOKUP_PHONES}. Looked-up users become contacts (for privacy settings). Fails with a
     * {@link SwitchboardException} (RATE_LIMITED past the server's daily allowance) if any batch is refused.
     */
    public CompletableFuture<Map<String, Long>> lookupContacts(final Collection<String> phones)
    {
        final List<String> unique = new ArrayList<>(new LinkedHashSet<>(phones));
        for (final String phone : unique)
        {
            if (null == phone || phone.isEmpty() ||
                phone.getBytes(StandardCharsets.UTF_8).length > FrameWriter.MAX_PHONE_LENGTH)
            {
                throw new IllegalArgumentException("not a phone number: " + phone);
            }
        }
        final List<CompletableFuture<Map<String, Long>>> batches = new ArrayList<>();
        for (int from = 0; from < unique.size(); from += FrameWriter.MAX_LOOKUP_PHONES)
        {
            final List<String> batch =
                List.copyOf(unique.subList(from, Math.min(unique.size(), from + FrameWriter.MAX_LOOKUP_PHONES)));
            final int frameLength = FrameWriter.contactLookupLength(batch);
            if (frameLength > ctx.maxFrameLength())
            {
                throw new IllegalArgumentException("phone numbers too long for one frame: " + frameLength);
            }
            final CompletableFuture<Map<String, Long>> future = new CompletableFuture<>();
            final Request request = new Request(
                requestIds.incrementAndGet(),
                ContactLookupEncoder.TEMPLATE_ID,
                true,
                (writer, buffer, offset, id) -> writer.contactLookup(buffer, offset, id, batch),
                future,
                (ignore1, ignore2) -> future.complete(Map.of()),
                frameLength);
            submit(request);
            batches.add(future);
        }
        return CompletableFuture.allOf(batches.toArray(new CompletableFuture<?>[0])).thenApply((ignore) ->
        {
            final Map<String, Long> contacts = new LinkedHashMap<>();
            for (final CompletableFuture<Map<String, Long>> batch : batches)
            {
                contacts.putAll(batch.join());
            }
            return contacts;
        });
    }

    /**
     * Follow a user's presence: {@link ClientListener#onPresence} now and on every change; kept across reconnects
     * until {@link #unsubscribePresence}. Completes when the server answers; UNKNOWN_USER ends the subscription.
     */
    public CompletableFuture<Void> subscribePresence(final long userId)
    {
        final CompletableFuture<Void> future = new CompletableFuture<>();
        final Request request = new Request(
            requestIds.incrementAndGet(),
            PresenceSubscribeEncoder.TEMPLATE_ID,
            true,
            (writer, buffer, offset, id) -> writer.presenceSubscribe(buffer, offset, id, userId),
            future,
            (ignore1, ignore2) -> future.complete(null));
        enqueue(() -> conductor.subscribePresence(request, userId), future);
        return future;
    }

    /**
     * Stop following a user's presence.
     */
    public CompletableFuture<Void> unsubscribePresence(final long userId)
    {
        final CompletableFuture<Void> future = new CompletableFuture<>();
        final Request request = new Request(
            requestIds.incrementAndGet(),
            PresenceUnsubscribeEncoder.TEMPLATE_ID,
            true,
            (writer, buffer, offset, id) -> writer.presenceUnsubscribe(buffer, offset, id, userId),
            future,
            (ignore1, ignore2) -> future.complete(null));
        enqueue(() -> conductor.unsubscribePresence(request, userId), future);
        return future;
    }

    /**
     * Tell every online device of a user that this user is composing, or has paused. Never answered, never queued:
     * dropped while not logged in; the server relays at most 5 a second per connection.
     */
    public void sendTyping(final long userId, final boolean composing)
    {
        ensureOpen();
        final TypingState typingState = composing ? TypingState.COMPOSING : TypingState.PAUSED;
        conductor.enqueue(() -> conductor.typing(userId, 0, typingState));
    }

    /**
     * Drop the user's messages, typing and presence requests to this user (they still see one tick).
     */
    public CompletableFuture<Void> block(final long userId)
    {
        return acknowledged(BlockEncoder.TEMPLATE_ID, (writer, buffer, offset, id) ->
            writer.block(buffer, offset, id, userId));
    }

    /**
     * Undo {@link #block}.
     */
    public CompletableFuture<Void> unblock(final long userId)
    {
        return acknowledged(UnblockEncoder.TEMPLATE_ID, (writer, buffer, offset, id) ->
            writer.unblock(buffer, offset, id, userId));
    }

    /**
     * Who may see this user's last seen and online state: everyone, contacts only, or nobody.
     */
    public CompletableFuture<Void> setPrivacy(final Visibility lastSeen, final Visibility online)
    {
        if (null == lastSeen || null == online || Visibility.NULL_VAL == lastSeen || Visibility.NULL_VAL == online)
        {
            throw new IllegalArgumentException("visibility required");
        }
        return acknowledged(PrivacySettingsEncoder.TEMPLATE_ID, (writer, buffer, offset, id) ->
            writer.privacySettings(buffer, offset, id, lastSeen, online));
    }

    /**
     * A ticket to upload one encrypted blob of {@code sizeBytes} to the server's media service; fails with
     * MEDIA_TOO_LARGE or MEDIA_UNAVAILABLE. {@link #sendMedia} asks for one itself.
     */
    public CompletableFuture<MediaTicket> requestMediaTicket(final long sizeBytes)
    {
        if (sizeBytes < 0)
        {
            throw new IllegalArgumentException("size must not be negative: " + sizeBytes);
        }
        final CompletableFuture<MediaTicket> future = new CompletableFuture<>();
        submit(new Request(
            requestIds.incrementAndGet(),
            MediaTicketRequestEncoder.TEMPLATE_ID,
            true,
            (writer, buffer, offset, id) -> writer.mediaTicketRequest(buffer, offset, id, sizeBytes),
            future,
            (ignore1, ignore2) -> future.completeExceptionally(new IllegalStateException("no ticket in the answer"))));
        return future;
    }

    /**
     * Encrypt a file with a fresh key, upload the ciphertext to the media service and send a media reference to a
     * user (device 0: every device); completes with the Send's client message id once the reference is queued.
     * The recipient's SDK downloads, checks and decrypts it ({@link MediaListener}).
     */
    public CompletableFuture<Long> sendMedia(
        final long toUserId, final int toDeviceId, final Path file, final String mimeType, final MediaProgress progress)
    {
        return MediaUploader.of(this).sendMedia(toUserId, toDeviceId, 0, file, mimeType, progress);
    }

    /**
     * As {@link #sendMedia} to every member of a group.
     */
    public CompletableFuture<Long> sendGroupMedia(
        final long groupId, final Path file, final String mimeType, final MediaProgress progress)
    {
        return MediaUploader.of(this).sendMedia(0, 0, groupId, file, mimeType, progress);
    }

    /**
     * Download, check, decrypt and store a received media file (what {@link ClientContext#autoDownloadMedia} does by
     * itself); fails with a {@link MediaException} naming a {@link MediaFailure}. Blocks: call off the I/O thread.
     */
    public Path downloadMedia(final MediaReference reference, final long messageId, final MediaProgress progress)
        throws IOException
    {
        return mediaDownloader.download(reference, messageId, progress);
    }

    synchronized MediaUploader mediaUploader()
    {
        ensureOpen();
        if (null == mediaUploader)
        {
            mediaUploader = new MediaUploader(this);
        }
        return mediaUploader;
    }

    /**
     * Place a call: every online device of the user rings ({@link ClientListener#onCallRinging}), or the call ends at
     * once ({@link ClientListener#onCallEnded} with UNAVAILABLE or BUSY; refusals to {@link ClientListener#onError}
     * with the call id). {@code sdp} is the WebRTC offer; with end-to-end encryption on it leaves sealed under a fresh
     * per-call key that goes to the callee's devices through their Signal sessions ({@link CallSealing}), so the
     * server never reads it. Never queued: when not logged in the call ends FAILED.
     *
     * @return the call's id, random, which every later callback of the call carries.
     */
    public long placeCall(final long toUserId, final CallMedia media, final byte[] sdp)
    {
        ensureOpen();
        if (null == media || CallMedia.NULL_VAL == media)
        {
            throw new IllegalArgumentException("media required");
        }
        checkBlob(sdp);
        long callId = 0;
        while (0 == callId)
        {
            callId = random.nextLong(); // random: a call id must not collide with another caller's
        }
        final long id = callId;
        final byte[] blob = null == e2e ? sdp.clone() : e2e.calls().sealOffer(id, toUserId, sdp);
        conductor.enqueue(() -> conductor.callFrame(id, blob.length + CallFrameWriter.FRAME_OVERHEAD,
            (writer, buffer, offset) -> writer.callOffer(buffer, offset, id, toUserId, media, blob)));
        return id;
    }

    /**
     * Answer a call ringing on this device ({@link ClientListener#onIncomingCall}) with the WebRTC answer (sealed under
     * the call's key when end-to-end encryption is on, which refuses a call it holds no key for with an
     * IllegalStateException); the first of the user's devices to answer takes the call, the others are told
     * ANSWERED_ELSEWHERE.
     */
    public void answer(final long callId, final byte[] sdp)
    {
        ensureOpen();
        checkBlob(sdp);
        final byte[] blob = null == e2e ? sdp.clone() : e2e.calls().sealAnswer(callId, sdp);
        conductor.enqueue(() -> conductor.callFrame(callId, blob.length + CallFrameWriter.FRAME_OVERHEAD,
            (writer, buffer, offset) -> writer.callAnswer(buffer, offset, callId, blob)));
    }

    /**
     * Decline a call ringing on this device: it stops ringing on all of the user's devices and the caller is told.
     */
    public void decline(final long callId)
    {
        endCall(callId, CallEndReason.DECLINED);
    }

    /**
     * Hang up a call this device placed or answered (or give up one still ringing).
     */
    public void hangup(final long callId)
    {
        endCall(callId, CallEndReason.ENDED);
    }

    /**
     * Send an ICE candidate to the other party of a call (sealed under the call's key, its sequence bound in, when
     * end-to-end encryption is on); relayed in the order sent.
     */
    public void sendIceCandidate(final long callId, final int sequence, final byte[] candidate)
    {
        ensureOpen();
        checkBlob(candidate);
        final byte[] blob = null == e2e ? candidate.clone() : e2e.calls().sealCandidate(callId, sequence, candidate);
        conductor.enqueue(() -> conductor.callFrame(callId, blob.length + CallFrameWriter.FRAME_OVERHEAD,
            (writer, buffer, offset) -> writer.callIceCandidate(buffer, offset, callId, sequence, blob)));
    }

    /**
     * Short-lived credentials for the server's TURN relays, for the WebRTC ICE servers of a call. Fails with a
     * {@link SwitchboardException} (TURN_UNAVAILABLE) when the server has no TURN server configured.
     */
    public CompletableFuture<TurnCredentials> turnCredentials()
    {
        final CompletableFuture<TurnCredentials> future = new CompletableFuture<>();
        submit(new Request(
            requestIds.incrementAndGet(),
            TurnCredentialsRequestEncoder.TEMPLATE_ID,
            true,
            (writer, buffer, offset, id) -> conductor.callFrameWriter().turnCredentialsRequest(buffer, offset, id),
            future,
            (ignore1, ignore2) -> future.completeExceptionally(new IllegalStateException("no credentials"))));
        return future;
    }

    /**
     * Leave a call this device cannot take part in (its signaling did not unseal).
     */
    void failCall(final long callId)
    {
        if (!closed)
        {
            endCall(callId, CallEndReason.FAILED);
        }
    }

    /**
     * Run a command on the I/O thread, where the listener's callbacks run; dropped once closed.
     */
    void onIoThread(final Runnable command)
    {
        if (!closed)
        {
            conductor.enqueue(command);
        }
    }

    private void endCall(final long callId, final CallEndReason reason)
    {
        ensureOpen();
        conductor.enqueue(() -> conductor.callFrame(callId, CallFrameWriter.FRAME_OVERHEAD,
            (writer, buffer, offset) -> writer.callHangup(buffer, offset, callId, reason)));
    }

    private void checkBlob(final byte[] bytes)
    {
        final int sealing = null == e2e ? 0 : CallSealing.OVERHEAD;
        if (null == bytes || bytes.length + sealing + CallFrameWriter.FRAME_OVERHEAD > ctx.maxFrameLength())
        {
            throw new IllegalArgumentException("call blob missing or too large for a frame");
        }
    }

    /**
     * Typing notices not sent because the client was not logged in.
     */
    public long typingDropped()
    {
        return conductor.typingDropped();
    }

    /**
     * End the session: stop reconnecting and close the connection once the server acknowledges.
     */
    public CompletableFuture<Void> logout()
    {
        final CompletableFuture<Void> future = new CompletableFuture<>();
        final long requestId = requestIds.incrementAndGet();
        final Request request = new Request(
            requestId,
            LogoutEncoder.TEMPLATE_ID,
            true,
            (writer, buffer, offset, id) -> writer.logout(buffer, offset, id),
            future,
            (templateId, ignore) -> future.complete(null));
        enqueue(() -> conductor.logout(request), future);
        return future;
    }

    public boolean isRegistered()
    {
        return store.isRegistered();
    }

    /**
     * This device's address, or null before registration.
     */
    public DeviceAddress self()
    {
        final DeviceIdentity identity = store.identity();
        return null == identity ? null : identity.address();
    }

    public boolean isConnected()
    {
        final ClientConductor.State state = conductor.state();
        return ClientConductor.State.DISCONNECTED != state && ClientConductor.State.CLOSED != state;
    }

    public boolean isLoggedIn()
    {
        return ClientConductor.State.LOGGED_IN == conductor.state();
    }

    /**
     * Sends persisted and not yet acknowledged by the server.
     */
    public int pendingSendCount()
    {
        return store.pendingCount();
    }

    /**
     * Deliveries and receipts dropped as already handed to the application (they are still acknowledged).
     */
    public long duplicatesDropped()
    {
        return conductor.duplicatesDropped();
    }

    /**
     * Malformed frames from the server, counted and dropped.
     */
    public long rejectedFrames()
    {
        return conductor.rejectedFrames();
    }

    /**
     * Unexpected failures on the I/O thread (each dropped the connection to start over).
     */
    public long internalErrors()
    {
        return conductor.internalErrors();
    }

    /**
     * Goodbyes received: the server shut down gracefully and the client reconnected after its retry hint.
     */
    public long goodbyes()
    {
        return conductor.goodbyes();
    }

    /**
     * Connections lost since open.
     */
    public long disconnects()
    {
        return conductor.reconnects();
    }

    /**
     * Round trip of the last Ping this client sent, or -1 if none was answered.
     */
    public long lastRttNs()
    {
        return conductor.lastRttNs();
    }

    public ClientContext context()
    {
        return ctx;
    }

    /**
     * Stop the I/O thread, close the connection (no logout) and the store; pending sends stay for the next open.
     */
    public void close()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        conductor.stop();
        CloseHelper.quietCloseAll(mediaReceiver, mediaUploader);
        if (Thread.currentThread() == ioThread)
        {
            // Closed from a callback: the I/O thread closes the store itself when its loop ends.
            conductor.closeOnExit(() -> CloseHelper.closeAll(store, null == e2e ? null : e2e.store()));
            return;
        }
        try
        {
            ioThread.join();
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        finally
        {
            CloseHelper.closeAll(store, null == e2e ? null : e2e.store());
        }
    }

    private CompletableFuture<GroupInfo> updateGroup(
        final long groupId, final GroupChange change, final long[] members, final String name)
    {
        final int frameLength = groupFrameLength(members.length, name);
        final CompletableFuture<GroupInfo> future = new CompletableFuture<>();
        submit(new Request(
            requestIds.incrementAndGet(),
            GroupUpdateEncoder.TEMPLATE_ID,
            true,
            (writer, buffer, offset, id) -> writer.groupUpdate(buffer, offset, id, groupId, change, members, name),
            future,
            SwitchboardClient::noNumericResult,
            frameLength).groupId(groupId));
        return future;
    }

    private int groupFrameLength(final int memberCount, final String name)
    {
        final int frameLength = FrameWriter.groupChangeLength(memberCount, name);
        if (frameLength > ctx.maxFrameLength())
        {
            throw new IllegalArgumentException("too many members for one frame: " + memberCount);
        }
        return frameLength;
    }

    private static void validateGroupName(final String name)
    {
        if (null == name || name.isBlank() ||
            name.getBytes(StandardCharsets.UTF_8).length > FrameWriter.MAX_GROUP_NAME_LENGTH)
        {
            throw new IllegalArgumentException("group name must be 1.." + FrameWriter.MAX_GROUP_NAME_LENGTH +
                " UTF-8 bytes: " + name);
        }
    }

    private static long[] userIds(final Collection<Long> userIds, final boolean required)
    {
        final LinkedHashSet<Long> unique = new LinkedHashSet<>(userIds);
        if (unique.contains(null) || (required && unique.isEmpty()) ||
            unique.size() > FrameWriter.MAX_GROUP_MEMBERS_PER_FRAME)
        {
            throw new IllegalArgumentException("user ids required, 1.." + FrameWriter.MAX_GROUP_MEMBERS_PER_FRAME);
        }
        final long[] ids = new long[unique.size()];
        int i = 0;
        for (final Long userId : unique)
        {
            ids[i++] = userId;
        }
        return ids;
    }

    private static void noNumericResult(final long value1, final long value2)
    {
        // Group answers are GroupInfo frames, which the conductor hands to the future itself.
        throw new IllegalStateException("unexpected answer to a group request");
    }

    /**
     * On the primary: a one-time link code for a new device of this account (shown here, typed there). The new
     * device's request then arrives as {@link ClientListener#onLinkRequest}.
     */
    public CompletableFuture<LinkCode> linkStart()
    {
        return answered(LinkStartEncoder.TEMPLATE_ID, (writer, buffer, offset, id) ->
            linkWriter.linkStart(buffer, offset, id));
    }

    /**
     * On a new device, in place of {@link #verify}: offer the primary's link code with a new device key. Completes
     * when the primary approves (the identity is then stored and this device can log in), or exceptionally when it
     * declines ({@code LINK_DECLINED}) or the code is refused; meanwhile {@link ClientListener#onLinkPending} gives
     * the fingerprint to compare with the primary's screen.
     */
    public CompletableFuture<DeviceAddress> linkDevice(final String code)
    {
        final CompletableFuture<DeviceAddress> future = new CompletableFuture<>();
        final KeyPair keyPair = DeviceIdentity.generateKeyPair();
        final byte[] loginKey = DeviceIdentity.rawPublicKey(keyPair.getPublic());
        final int registrationId = 1 + random.nextInt(MAX_REGISTRATION_ID);
        submit(new Request(
            requestIds.incrementAndGet(),
            LinkDeviceEncoder.TEMPLATE_ID,
            false,
            (writer, buffer, offset, id) -> linkWriter.linkDevice(buffer, offset, id, registrationId, code, loginKey),
            future,
            (userId, deviceId) ->
            {
                // a linked device does not know the phone number: the account is its primary's
                final DeviceIdentity identity = new DeviceIdentity(
                    userId, (int)deviceId, registrationId, "", keyPair.getPrivate(), loginKey);
                store.saveIdentity(identity);
                future.complete(identity.address());
            }));
        return future;
    }

    /**
     * On the primary: approve or decline the device a {@link ClientListener#onLinkRequest} named.
     */
    public CompletableFuture<Void> approveLink(final long linkId, final boolean approve)
    {
        return acknowledged(LinkApproveEncoder.TEMPLATE_ID, (writer, buffer, offset, id) ->
            linkWriter.linkApprove(buffer, offset, id, linkId, approve));
    }

    /**
     * The devices of this account, the primary first.
     */
    public CompletableFuture<List<LinkedDevice>> devices()
    {
        return answered(DeviceListRequestEncoder.TEMPLATE_ID, (writer, buffer, offset, id) ->
            linkWriter.deviceListRequest(buffer, offset, id));
    }

    /**
     * Remove a device of this account: on the primary any linked device, on a linked device itself (its connection
     * is then closed and it can no longer log in). The device's keys, presence and queue are dropped by the server.
     */
    public CompletableFuture<Void> unlink(final int deviceId)
    {
        return acknowledged(UnlinkEncoder.TEMPLATE_ID, (writer, buffer, offset, id) ->
            linkWriter.unlink(buffer, offset, id, deviceId));
    }

    /**
     * A request after login whose answer frame the I/O thread turns into the future's value itself; a plain
     * RequestAck instead would be a server fault.
     */
    private <T> CompletableFuture<T> answered(final int templateId, final Request.Encoding encoding)
    {
        final CompletableFuture<T> future = new CompletableFuture<>();
        submit(new Request(
            requestIds.incrementAndGet(),
            templateId,
            true,
            encoding,
            future,
            (ignore1, ignore2) -> future.completeExceptionally(
                new IllegalStateException("unexpected answer to template " + templateId))));
        return future;
    }

    private CompletableFuture<Void> acknowledged(final int templateId, final Request.Encoding encoding)
    {
        final CompletableFuture<Void> future = new CompletableFuture<>();
        submit(new Request(
            requestIds.incrementAndGet(),
            templateId,
            true,
            encoding,
            future,
            (ignore1, ignore2) -> future.complete(null)));
        return future;
    }

    private void submit(final Request request)
    {
        enqueue(() -> conductor.submit(request), request.future());
    }

    private void enqueue(final Runnable command, final CompletableFuture<?> future)
    {
        if (closed)
        {
            future.completeExceptionally(new IllegalStateException("client closed"));
            return;
        }
        conductor.enqueue(command);
    }

    private void ensureOpen()
    {
        if (closed)
        {
            throw new IllegalStateException("client closed");
        }
    }
}
