package dev.switchboard.ring;

import dev.switchboard.codec.Sofh;
import dev.switchboard.codec.sbe.ErrorCode;
import dev.switchboard.codec.sbe.KeyBundleEncoder;
import dev.switchboard.codec.sbe.KeyBundleFetchDecoder;
import dev.switchboard.codec.sbe.MessageHeaderEncoder;
import dev.switchboard.state.DeviceKeys;
import dev.switchboard.state.KeyBundleRecord;
import dev.switchboard.state.KeyDirectory;
import org.agrona.BitUtil;
import org.agrona.BufferUtil;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.ControlledMessageHandler;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.OneToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;

import java.util.concurrent.TimeUnit;

/**
 * KeyBundleFetch: the keys of one device of a user, or of every device (device id 0), for X3DH. Session: the
 * requester's quotas ({@link RingContext#keyFetchesPerMinute()}, {@link RingContext#keyFetchesPerDay()}: nobody
 * drains someone's prekeys), then each device's bundle read from the key directory with one one-time prekey
 * consumed (none left: preKeyId 0, an empty key) and its last-resort Kyber prekey (kept; none uploaded:
 * kyberPreKeyId 0, empty key and signature), encoded as KeyBundle frames; UNKNOWN_USER, UNKNOWN_DEVICE or
 * NO_KEY_BUNDLE when there is nothing. Delivery: the frames to the requester, and a PreKeyStock to each device whose
 * stock fell below the threshold, if it is online.
 * <p>
 * The frames are made where the prekeys are consumed, on the session stage, but may be written only by the delivery
 * stage, and a ring slot's reply buffer is too small for five bundles; so they go from one to the other through a
 * single-producer single-consumer ring of their own, each entry tagged with its request. Stages see events in ring
 * order, so the entry at the head is the current event's; an older one (its event failed on the route stage) is
 * dropped on the way.
 * <pre>
 *   entry: connectionId (8) | requestId (8) | frameBytes (4) | notices (4) | KeyBundle frames | notices x
 *          (userId (8), deviceId (4), preKeyCount (4))
 * </pre>
 */
final class KeyBundleFetchFlow extends Flow
{
    /** Bytes of the hand-off ring: a thousand five-device answers in flight. */
    static final int HANDOFF_CAPACITY = 1 << 20;
    /** The longest KeyBundle frame: its block and the six keys and signatures at the sizes the directory accepts. */
    static final int MAX_BUNDLE_FRAME_LENGTH = Sofh.HEADER_LENGTH + MessageHeaderEncoder.ENCODED_LENGTH +
        KeyBundleEncoder.BLOCK_LENGTH + 4 + 3 * KeyBundleRecord.PUBLIC_KEY_LENGTH + KeyBundleRecord.SIGNATURE_LENGTH +
        KeyBundleEncoder.kyberPreKeyPublicHeaderLength() + KeyBundleRecord.KYBER_PUBLIC_KEY_LENGTH +
        KeyBundleEncoder.kyberPreKeySignatureHeaderLength() + KeyBundleRecord.SIGNATURE_LENGTH;
    private static final int MAX_DEVICES = DeviceKeys.MAX_DEVICE_ID;
    private static final int ENTRY_HEADER_LENGTH = 24;
    private static final int NOTICE_LENGTH = 16;
    private static final int MAX_ENTRY_LENGTH =
        ENTRY_HEADER_LENGTH + MAX_DEVICES * (MAX_BUNDLE_FRAME_LENGTH + NOTICE_LENGTH);
    private static final int MSG_TYPE_ID = 1;
    private static final byte[] NO_KEY = new byte[0];
    private static final long MINUTE_NS = TimeUnit.MINUTES.toNanos(1);
    private static final long DAY_NS = TimeUnit.DAYS.toNanos(1);

    private final RingContext ctx;
    private final OneToOneRingBuffer handoff = new OneToOneRingBuffer(new UnsafeBuffer(
        BufferUtil.allocateDirectAligned(HANDOFF_CAPACITY + RingBufferDescriptor.TRAILER_LENGTH, 64)));

    // session stage
    private final KeyBundleFetchDecoder decoder = new KeyBundleFetchDecoder();
    private final MessageHeaderEncoder header = new MessageHeaderEncoder();
    private final KeyBundleEncoder bundleEncoder = new KeyBundleEncoder();
    private final UnsafeBuffer entry = new UnsafeBuffer(BufferUtil.allocateDirectAligned(
        BitUtil.align(MAX_ENTRY_LENGTH, 64), 64));
    private final UnsafeBuffer frameView = new UnsafeBuffer(0, 0);
    private final int[] deviceIds = new int[MAX_DEVICES + 1];
    private final long[] noticeUserIds = new long[MAX_DEVICES];
    private final int[] noticeDeviceIds = new int[MAX_DEVICES];
    private final int[] noticeCounts = new int[MAX_DEVICES];
    private final FixedWindowQuota perMinute;
    private final FixedWindowQuota perDay;
    private long nextSweepNs;
    private KeyDirectory keys;

    // delivery stage
    private final PreKeyStockNotices notices;
    private final ControlledMessageHandler entryHandler = this::onEntry;
    private DeliveryStage deliveryStage;
    private RingEvent delivering;
    private boolean delivered;

    KeyBundleFetchFlow(final RingContext ctx, final PreKeyStockNotices notices)
    {
        super(AFTER_LOGIN, true);
        this.ctx = ctx;
        this.notices = notices;
        perMinute = new FixedWindowQuota(MINUTE_NS, ctx.keyFetchesPerMinute());
        perDay = new FixedWindowQuota(DAY_NS, ctx.keyFetchesPerDay());
    }

    void session(final RingEvent event, final Session session, final SessionStage stage)
    {
        if (null == keys)
        {
            // made on the session stage's thread, its only user
            keys = ctx.state().newKeyDirectory();
        }
        final InboundFrame frame = event.frame;
        frame.decode(decoder);
        final long userId = decoder.device().userId();
        final int deviceId = decoder.device().deviceId();

        final long nowNs = stage.nanoClock.nanoTime();
        if (nowNs - nextSweepNs >= 0)
        {
            nextSweepNs = nowNs + MINUTE_NS;
            perMinute.sweep(nowNs);
            perDay.sweep(nowNs);
        }
        if (!perMinute.tryTake(session.userId, 1, nowNs) || !perDay.tryTake(session.userId, 1, nowNs))
        {
            stage.counters.increment(RingCounters.RATE_LIMITED);
            stage.refuse(event, ErrorCode.RATE_LIMITED);
            return;
        }

        final int count;
        if (0 == deviceId)
        {
            count = stage.devices.deviceIds(userId, deviceIds);
        }
        else if (deviceId <= MAX_DEVICES && stage.devices.exists(userId, deviceId))
        {
            deviceIds[0] = deviceId;
            count = 1;
        }
        else
        {
            stage.refuse(event, stage.accounts.exists(userId) ? ErrorCode.UNKNOWN_DEVICE : ErrorCode.UNKNOWN_USER);
            return;
        }
        // room is checked before any prekey is consumed: none may be lost to a full hand-off
        if (handoff.capacity() - handoff.size() < 2 * (MAX_ENTRY_LENGTH + RingBufferDescriptor.TRAILER_LENGTH))
        {
            stage.refuse(event, ErrorCode.SERVER_BUSY);
            return;
        }

        int offset = ENTRY_HEADER_LENGTH;
        int noticeCount = 0;
        for (int i = 0; i < count; i++)
        {
            if (keys.take(userId, deviceIds[i]))
            {
                offset += encode(frame.requestId, userId, deviceIds[i], offset);
                final int left = keys.bundle().preKeyCount();
                if (0 == keys.takenPreKeyId())
                {
                    stage.counters.increment(RingCounters.PRE_KEYS_EXHAUSTED);
                }
                else if (notices.isLow(left))
                {
                    noticeUserIds[noticeCount] = userId;
                    noticeDeviceIds[noticeCount] = deviceIds[i];
                    noticeCounts[noticeCount++] = left;
                }
                stage.counters.increment(RingCounters.KEY_BUNDLES_FETCHED);
            }
        }
        if (ENTRY_HEADER_LENGTH == offset)
        {
            stage.refuse(event, 0 == count && !stage.accounts.exists(userId) ?
                ErrorCode.UNKNOWN_USER : ErrorCode.NO_KEY_BUNDLE);
            return;
        }

        final int frameBytes = offset - ENTRY_HEADER_LENGTH;
        for (int i = 0; i < noticeCount; i++, offset += NOTICE_LENGTH)
        {
            entry.putLong(offset, noticeUserIds[i]);
            entry.putInt(offset + 8, noticeDeviceIds[i]);
            entry.putInt(offset + 12, noticeCounts[i]);
        }
        entry.putLong(0, event.connectionId);
        entry.putLong(8, frame.requestId);
        entry.putInt(16, frameBytes);
        entry.putInt(20, noticeCount);
        if (!handoff.write(MSG_TYPE_ID, entry, 0, offset))
        {
            stage.refuse(event, ErrorCode.SERVER_BUSY); // not expected: room was checked above
        }
    }

    private int encode(final long requestId, final long userId, final int deviceId, final int offset)
    {
        final KeyBundleRecord bundle = keys.bundle();
        final int takenPreKeyId = keys.takenPreKeyId();
        final byte[] preKey = 0 == takenPreKeyId ? NO_KEY : keys.takenPreKey();
        final MutableDirectBuffer buffer = frameView;
        frameView.wrap(entry, offset, MAX_BUNDLE_FRAME_LENGTH);
        bundleEncoder.wrapAndApplyHeader(buffer, Sofh.HEADER_LENGTH, header).requestId(requestId);
        bundleEncoder.device().userId(userId).deviceId(deviceId);
        bundleEncoder
            .registrationId(bundle.registrationId() & 0xFFFF_FFFFL)
            .signedPreKeyId(bundle.signedPreKeyId() & 0xFFFF_FFFFL)
            .preKeyId(takenPreKeyId & 0xFFFF_FFFFL)
            .kyberPreKeyId(bundle.kyberPreKeyId() & 0xFFFF_FFFFL)
            .putIdentityKey(bundle.identityKey(), 0, KeyBundleRecord.PUBLIC_KEY_LENGTH)
            .putSignedPreKeyPublic(bundle.signedPreKey(), 0, KeyBundleRecord.PUBLIC_KEY_LENGTH)
            .putSignedPreKeySignature(bundle.signature(), 0, KeyBundleRecord.SIGNATURE_LENGTH)
            .putPreKeyPublic(preKey, 0, preKey.length);
        final boolean hasKyber = 0 != bundle.kyberPreKeyId();
        bundleEncoder
            .putKyberPreKeyPublic(hasKyber ? bundle.kyberPreKey() : NO_KEY, 0,
                hasKyber ? KeyBundleRecord.KYBER_PUBLIC_KEY_LENGTH : 0)
            .putKyberPreKeySignature(hasKyber ? bundle.kyberSignature() : NO_KEY, 0,
                hasKyber ? KeyBundleRecord.SIGNATURE_LENGTH : 0);
        final int messageLength = MessageHeaderEncoder.ENCODED_LENGTH + bundleEncoder.encodedLength();
        Sofh.write(buffer, 0, messageLength);
        return Sofh.HEADER_LENGTH + messageLength;
    }

    void deliver(final RingEvent event, final DeliveryStage stage)
    {
        deliveryStage = stage;
        delivering = event;
        delivered = false;
        try
        {
            // a read stops at the end of the buffer: an entry that wrapped to its start takes a second one
            for (int reads = 0; reads < 2 && !delivered; reads++)
            {
                handoff.controlledRead(entryHandler);
            }
        }
        finally
        {
            deliveryStage = null;
            delivering = null;
        }
    }

    private ControlledMessageHandler.Action onEntry(
        final int msgTypeId, final MutableDirectBuffer buffer, final int index, final int length)
    {
        final RingEvent event = delivering;
        if (buffer.getLong(index) != event.connectionId || buffer.getLong(index + 8) != event.frame.requestId)
        {
            return ControlledMessageHandler.Action.CONTINUE; // left by an event that failed after its session step
        }
        final DeliveryStage stage = deliveryStage;
        final int end = index + ENTRY_HEADER_LENGTH + buffer.getInt(index + 16);
        final int noticeCount = buffer.getInt(index + 20);
        int offset = index + ENTRY_HEADER_LENGTH;
        while (offset < end)
        {
            final int frameLength = Sofh.frameLength(buffer, offset);
            if (!stage.outbound.send(event.pollerIndex, event.connectionId, buffer, offset, frameLength))
            {
                stage.counters.increment(RingCounters.OUTBOUND_FULL);
            }
            offset += frameLength;
        }
        for (int i = 0; i < noticeCount; i++, offset += NOTICE_LENGTH)
        {
            final DeviceDelivery device = stage.delivery(buffer.getLong(offset), buffer.getInt(offset + 8));
            if (null != device)
            {
                notices.send(stage, device.pollerIndex, device.connectionId, buffer.getInt(offset + 12));
            }
        }
        delivered = true;
        return ControlledMessageHandler.Action.BREAK;
    }
}
