package dev.switchboard.server;

import dev.switchboard.ring.RingConfiguration;

/**
 * The messaging flows again with the stages fused on a stage thread of their own, apart from the pollers (the layout
 * of hosts with a few cores more than the duty cycle's).
 */
class FusedStageThreadMessagingSystemTest extends MessagingSystemTest
{
    String[] serverProperties()
    {
        return new String[]
        {
            ThreadLayout.PROP_NAME + "=" + ThreadLayout.THREADS,
            RingConfiguration.FUSED_PROP_NAME + "=true"
        };
    }
}
