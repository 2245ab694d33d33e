package dev.switchboard.server;

import dev.switchboard.ring.RingConfiguration;

/**
 * The messaging flows again with every ring stage on its own thread, whatever the host's core count (small hosts
 * run the stages in the poller's duty cycle by default).
 */
class SeparateStagesMessagingSystemTest extends MessagingSystemTest
{
    String[] serverProperties()
    {
        return new String[]
        {
            ThreadLayout.PROP_NAME + "=" + ThreadLayout.THREADS,
            RingConfiguration.FUSED_PROP_NAME + "=false"
        };
    }
}
