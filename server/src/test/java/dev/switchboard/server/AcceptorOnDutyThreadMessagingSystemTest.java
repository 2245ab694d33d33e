package dev.switchboard.server;

import dev.switchboard.edge.EdgeConfiguration;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The messaging flows again in the layout a one-CPU host gets: the balanced profile's duty cycle, blocking in its
 * selector, with the acceptor on that thread too, woken by the same selector when a client connects.
 */
class AcceptorOnDutyThreadMessagingSystemTest extends MessagingSystemTest
{
    String[] serverProperties()
    {
        final List<String> properties = new ArrayList<>(Arrays.asList(profile("balanced")));
        properties.add(ThreadLayout.PROP_NAME + "=" + ThreadLayout.DUTY_CYCLE);
        properties.add(EdgeConfiguration.ACCEPTOR_PROP_NAME + "=poller");
        return properties.toArray(new String[0]);
    }
}
