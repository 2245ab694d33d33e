package dev.switchboard.bench;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Which peers a compare runs beside Switchboard.
 */
class CompareTest
{
    @Test
    void shouldRunThePeersNamedInTheirUsualOrderOnceEach()
    {
        assertEquals(List.of("mosquitto"), Compare.chosenPeers(List.of("mosquitto")));
        assertEquals(
            List.of("nats", "mosquitto"), Compare.chosenPeers(List.of("mosquitto", "nats", "mosquitto")));
        assertEquals(Compare.PEERS, Compare.chosenPeers(Compare.PEERS));
        assertEquals(List.of(), Compare.chosenPeers(List.of()), "Switchboard alone");
    }

    @Test
    void shouldRefuseANameThatIsNoPeerBeforeAnythingRuns()
    {
        final IllegalArgumentException ex =
            assertThrows(IllegalArgumentException.class, () -> Compare.chosenPeers(List.of("mosquitto", "kafka")));
        assertTrue(ex.getMessage().contains("kafka") && ex.getMessage().contains("mosquitto-qos0"), ex.getMessage());
    }
}
