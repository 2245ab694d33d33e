package dev.switchboard.server;

import dev.switchboard.ring.CallPushGateway;
import dev.switchboard.ring.OfflineDeliveryListener;
import dev.switchboard.state.Devices;
import org.agrona.CloseHelper;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.SleepingMillisIdleStrategy;
import org.agrona.concurrent.SystemNanoClock;
import org.agrona.concurrent.ringbuffer.OneToOneRingBuffer;
import org.agrona.concurrent.status.AtomicCounter;
import org.agrona.concurrent.status.CountersManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.TimeUnit;

/**
 * Push notifications for offline devices: the queue from the delivery stage ({@link PushProxy}), the
 * {@link PushAgent} on its own thread, the gateway ({@link PushConfiguration#GATEWAY_PROP_NAME}), and their counters,
 * labelled {@code "push: requested"} and so on (type {@value #COUNTER_TYPE_ID}).
 */
final class PushNotifications implements AutoCloseable
{
    static final int COUNTER_TYPE_ID = 400;
    /**
     * The agent sleeps this long when idle: coalescing and rate limits are in hundreds of milliseconds, and each wake-up
     * costs an idle server CPU (at 5 ms the agent alone took 2% of a core). The queue holds a burst of this length.
     */
    private static final long IDLE_SLEEP_MS = 50;
    private static final Logger LOG = LoggerFactory.getLogger(PushNotifications.class);

    private final OneToOneRingBuffer queue;
    private final PushProxy proxy;
    private final PushGateway gateway;
    private final AtomicCounter[] counters;
    private final PushAgent.Counters agentCounters;
    private final String description;
    private AgentRunner runner;

    private PushNotifications(final CountersManager countersManager, final PushGateway gateway, final String name)
    {
        this.gateway = gateway;
        queue = PushProxy.newQueue(PushConfiguration.queueCapacity());
        final String[] labels =
            { "requested", "dropped", "coalesced", "deferred", "sent", "failed", "no-token", "calls-sent" };
        counters = new AtomicCounter[labels.length];
        for (int i = 0; i < labels.length; i++)
        {
            counters[i] = countersManager.newCounter("push: " + labels[i], COUNTER_TYPE_ID);
        }
        proxy = new PushProxy(queue, counters[0], counters[1]);
        agentCounters = new PushAgent.Counters(
            counters[2], counters[3], counters[4], counters[5], counters[6], counters[7]);
        description = "push: gateway " + name + ", queue " + queue.capacity() + " bytes, coalesce " +
            TimeUnit.NANOSECONDS.toMillis(PushConfiguration.coalesceNs()) + " ms, at most one per device per " +
            TimeUnit.NANOSECONDS.toMillis(PushConfiguration.minIntervalNs()) + " ms";
    }

    /** Push notifications as the system properties configure them, or null when they are off. */
    static PushNotifications fromSystemProperties(final CountersManager countersManager)
    {
        final String gateway = PushConfiguration.gateway();
        switch (gateway)
        {
            case PushConfiguration.GATEWAY_OFF:
                return null;
            case PushConfiguration.GATEWAY_LOG:
                return new PushNotifications(countersManager, new LoggingPushGateway(), "log (development)");
            case PushConfiguration.GATEWAY_FCM:
                final String url = PushConfiguration.url();
                if (null == url)
                {
                    throw new IllegalArgumentException(PushConfiguration.GATEWAY_PROP_NAME + "=fcm needs " +
                        PushConfiguration.URL_PROP_NAME);
                }
                return new PushNotifications(countersManager, new FcmPushGateway(url, PushConfiguration.retries(),
                    PushConfiguration.backoffNs(), PushConfiguration.timeoutNs()), "fcm " + url);
            default:
                throw new IllegalArgumentException("unknown " + PushConfiguration.GATEWAY_PROP_NAME + " '" + gateway +
                    "' (fcm, log, off)");
        }
    }

    /** For the call table: pushes for calls to users with no device online, through the same queue. */
    CallPushGateway callPushGateway()
    {
        return proxy;
    }

    /** For the ring: the delivery stage's side of the queue. */
    OfflineDeliveryListener listener()
    {
        return proxy;
    }

    /** Start the agent, reading push tokens through its own view of the devices. */
    void start(final Devices devices, final ErrorHandler errorHandler)
    {
        final PushAgent agent = new PushAgent(devices, queue, gateway, SystemNanoClock.INSTANCE,
            PushConfiguration.coalesceNs(), PushConfiguration.minIntervalNs(), agentCounters);
        runner = new AgentRunner(new SleepingMillisIdleStrategy(IDLE_SLEEP_MS), errorHandler, null, agent);
        AgentRunner.startOnThread(runner);
        LOG.info(description);
    }

    public void close()
    {
        if (null != runner)
        {
            CloseHelper.close(runner); // the agent closes the gateway
        }
        else
        {
            CloseHelper.quietClose(gateway);
        }
        for (final AtomicCounter counter : counters)
        {
            CloseHelper.quietClose(counter);
        }
    }
}
