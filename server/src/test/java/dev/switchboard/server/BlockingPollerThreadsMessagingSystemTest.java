package dev.switchboard.server;

import dev.switchboard.edge.EdgeConfiguration;

/**
 * The messaging flows again in the layout balanced and density give a host of 4 cores or more: the poller on its own
 * thread, blocking in its selector, woken by the stage thread when it queues output.
 */
class BlockingPollerThreadsMessagingSystemTest extends MessagingSystemTest
{
    String[] serverProperties()
    {
        return new String[]
        {
            ThreadLayout.PROP_NAME + "=" + ThreadLayout.THREADS,
            EdgeConfiguration.SELECT_TIMEOUT_PROP_NAME + "=100ms"
        };
    }
}
