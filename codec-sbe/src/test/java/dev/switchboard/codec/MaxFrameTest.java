package dev.switchboard.codec;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MaxFrameTest
{
    @AfterEach
    void tearDown()
    {
        System.clearProperty(MaxFrame.MAX_FRAME_LENGTH_PROP_NAME);
        System.clearProperty(MaxFrame.REMOVED_EDGE_PROP_NAME);
    }

    @Test
    void shouldDefaultTo66048AndReadTheCodecProperty()
    {
        assertEquals(66_048, MaxFrame.maxFrameLength());
        System.setProperty(MaxFrame.MAX_FRAME_LENGTH_PROP_NAME, "1k");
        assertEquals(1024, MaxFrame.maxFrameLength());
    }

    @Test
    void shouldRefuseAValueBelowTheMinimum()
    {
        System.setProperty(MaxFrame.MAX_FRAME_LENGTH_PROP_NAME, "1000");
        final IllegalStateException ex = assertThrows(IllegalStateException.class, MaxFrame::maxFrameLength);
        assertTrue(ex.getMessage().contains("below 1024"), ex.getMessage());
    }

    @Test
    void shouldRefuseTheRemovedEdgeProperty()
    {
        System.setProperty(MaxFrame.REMOVED_EDGE_PROP_NAME, "1000");
        final IllegalStateException ex = assertThrows(IllegalStateException.class, MaxFrame::maxFrameLength);
        assertTrue(ex.getMessage().contains(MaxFrame.MAX_FRAME_LENGTH_PROP_NAME), ex.getMessage());
    }
}
