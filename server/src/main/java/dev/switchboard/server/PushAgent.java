package dev.switchboard.server;

import dev.switchboard.state.Devices;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.collections.Long2ObjectHashMap;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.MessageHandler;
import org.agrona.concurrent.ringbuffer.OneToOneRingBuffer;
import org.agrona.concurrent.status.AtomicCounter;

import java.nio.charset.StandardCharsets;
import java.util.Iterator;

/**
 * Turns push requests from the delivery stage into pushes, on a thread of its own: coalesced per device (the first
 * request of a burst waits {@code coalesce} for the rest, and the burst makes one push), rate limited per device (at
 * most one push per {@code minInterval}; a burst inside it waits for the next slot), and only for a device that has a
 * push token. The gateway's calls may block: only this thread waits for them.
 */
final class PushAgent implements Agent
{
    private static final int MAX_REQUESTS_PER_CYCLE = 1024;

    /** What the agent knows of one device's pushes. */
    private static final class DevicePush
    {
        final long userId;
        final int deviceId;
        boolean pending;
        /** The pending push is for a ringing call: sent at once, and any message push pending merges into it. */
        boolean call;
        long dueNs;
        boolean pushedOnce;
        long lastPushNs;

        DevicePush(final long userId, final int deviceId)
        {
            this.userId = userId;
            this.deviceId = deviceId;
        }
    }

    private final Devices devices;
    private final OneToOneRingBuffer queue;
    private final PushGateway gateway;
    private final NanoClock clock;
    private final long coalesceNs;
    private final long minIntervalNs;
    private final Counters counters;
    private final Long2ObjectHashMap<DevicePush> byDevice = new Long2ObjectHashMap<>();
    private final byte[] token = new byte[Devices.MAX_PUSH_TOKEN_LENGTH];
    private final int[] deviceIds;
    private final MessageHandler requestHandler = this::onRequest;
    private long nowNs;

    /** The agent's counters; it is their only writer. */
    static final class Counters
    {
        final AtomicCounter coalesced;
        final AtomicCounter deferred;
        final AtomicCounter sent;
        final AtomicCounter failed;
        final AtomicCounter noToken;
        final AtomicCounter callsSent;

        Counters(
            final AtomicCounter coalesced,
            final AtomicCounter deferred,
            final AtomicCounter sent,
            final AtomicCounter failed,
            final AtomicCounter noToken,
            final AtomicCounter callsSent)
        {
            this.callsSent = callsSent;
            this.coalesced = coalesced;
            this.deferred = deferred;
            this.sent = sent;
            this.failed = failed;
            this.noToken = noToken;
        }
    }

    PushAgent(
        final Devices devices,
        final OneToOneRingBuffer queue,
        final PushGateway gateway,
        final NanoClock clock,
        final long coalesceNs,
        final long minIntervalNs,
        final Counters counters)
    {
        this.devices = devices;
        this.queue = queue;
        this.gateway = gateway;
        this.clock = clock;
        this.coalesceNs = coalesceNs;
        this.minIntervalNs = minIntervalNs;
        this.counters = counters;
        this.deviceIds = new int[devices.maxDevicesPerAccount()];
    }

    public String roleName()
    {
        return "push-agent";
    }

    public int doWork()
    {
        nowNs = clock.nanoTime();
        int workCount = queue.read(requestHandler, MAX_REQUESTS_PER_CYCLE);
        for (final Iterator<DevicePush> it = byDevice.values().iterator(); it.hasNext(); )
        {
            final DevicePush push = it.next();
            if (push.pending && push.dueNs - nowNs <= 0)
            {
                send(push);
                workCount++;
            }
            else if (!push.pending && (!push.pushedOnce || nowNs - push.lastPushNs - minIntervalNs > 0))
            {
                it.remove(); // nothing pending and its rate limit is over: forget the device
            }
        }
        return workCount;
    }

    private void onRequest(final int msgTypeId, final DirectBuffer buffer, final int index, final int length)
    {
        final long userId = buffer.getLong(index + PushProxy.USER_ID_OFFSET);
        if (PushProxy.CALL_MSG_TYPE_ID == msgTypeId)
        {
            for (int i = 0, count = devices.deviceIds(userId, deviceIds); i < count; i++)
            {
                requestCall(device(userId, deviceIds[i]));
            }
            return;
        }
        final DevicePush push = device(userId, buffer.getInt(index + PushProxy.DEVICE_ID_OFFSET));
        if (push.pending)
        {
            counters.coalesced.incrementRelease();
            return;
        }
        push.pending = true;
        push.dueNs = nowNs + coalesceNs;
        if (push.pushedOnce && push.lastPushNs + minIntervalNs - push.dueNs > 0)
        {
            push.dueNs = push.lastPushNs + minIntervalNs;
            counters.deferred.incrementRelease();
        }
    }

    /**
     * A call rings now: no coalescing wait and no rate-limit deferral (the call rate limit bounds these), and a
     * message push pending for the device merges into this one, so the device gets one push.
     */
    private void requestCall(final DevicePush push)
    {
        if (push.pending)
        {
            counters.coalesced.incrementRelease();
        }
        push.pending = true;
        push.call = true;
        push.dueNs = nowNs;
    }

    private DevicePush device(final long userId, final int deviceId)
    {
        final long key = (userId << 16) | (deviceId & 0xFFFF);
        DevicePush push = byDevice.get(key);
        if (null == push)
        {
            push = new DevicePush(userId, deviceId);
            byDevice.put(key, push);
        }
        return push;
    }

    private void send(final DevicePush push)
    {
        push.pending = false;
        final boolean call = push.call;
        push.call = false;
        final byte platform = devices.pushPlatform(push.userId, push.deviceId);
        final int length = Devices.PUSH_NONE == platform ? 0 : devices.pushToken(push.userId, push.deviceId, token);
        if (length <= 0)
        {
            counters.noToken.incrementRelease();
            return;
        }
        push.pushedOnce = true;
        push.lastPushNs = nowNs;
        final String pushToken = new String(token, 0, length, StandardCharsets.UTF_8);
        final boolean accepted = call ?
            gateway.pushCall(push.userId, push.deviceId, platform, pushToken) :
            gateway.push(push.userId, push.deviceId, platform, pushToken);
        (accepted ? counters.sent : counters.failed).incrementRelease();
        if (accepted && call)
        {
            counters.callsSent.incrementRelease();
        }
    }

    public void onClose()
    {
        CloseHelper.quietClose(gateway);
    }
}
