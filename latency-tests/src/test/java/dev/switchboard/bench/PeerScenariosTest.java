package dev.switchboard.bench;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Which peer runs which scenario, and why not.
 */
class PeerScenariosTest
{
    @Test
    void shouldListWhatEachPeerRuns()
    {
        assumeTrue(null != NatsServerProcess.executable() && null != MosquittoProcess.executable());
        for (final String scenario : new String[]{ "ping", "pingpong", "throughput" })
        {
            for (final String peer : Compare.PEERS)
            {
                assertNull(PeerScenarios.whyUnavailable(peer, scenario), peer + " " + scenario);
            }
        }
        assertNull(PeerScenarios.whyUnavailable("nats", "connections"));
        assertNull(PeerScenarios.whyUnavailable("nats", "login-storm"));
        assertNull(PeerScenarios.whyUnavailable("mosquitto", "connections"));
        assertNull(PeerScenarios.whyUnavailable("mosquitto", "drain"));
        assertNull(PeerScenarios.whyUnavailable("mosquitto", "login-storm"));
        assertTrue(PeerScenarios.whyUnavailable("nats", "drain").contains("no backlog"));
        assertTrue(PeerScenarios.whyUnavailable("mosquitto-qos0", "drain").contains("--target mosquitto"));
        assertTrue(PeerScenarios.whyUnavailable("nats-jetstream", "ping").contains("peers are"));
        assertTrue(PeerScenarios.whyUnavailable("mosquitto", "fanout").contains("mosquitto runs ping"));
    }

    @Test
    void shouldNameThePeersForAnUnknownOne()
    {
        assertTrue(PeerScenarios.whyUnavailable("kafka", "ping").contains("mosquitto"));
    }
}
