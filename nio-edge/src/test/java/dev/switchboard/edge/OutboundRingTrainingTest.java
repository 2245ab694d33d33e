package dev.switchboard.edge;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertTrue;

class OutboundRingTrainingTest
{
    @Test
    void shouldTakeTheRingAroundItsEndThousandsOfTimes()
    {
        final int wraps = OutboundRingTraining.train();

        assertTrue(wraps >= 1_000, "wrapped " + wraps + " times");
    }
}
