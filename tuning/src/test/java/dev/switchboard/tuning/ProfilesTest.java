package dev.switchboard.tuning;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ProfilesTest
{
    private static final String KEY = "switchboard.ring.wait.strategy";

    @AfterEach
    void clear()
    {
        System.clearProperty(KEY);
        System.clearProperty("switchboard.ring.fused");
        System.clearProperty(Profiles.PROFILE_PROP_NAME);
    }

    @Test
    void shouldLoadEveryNamedProfile()
    {
        for (final String name : Profiles.NAMES)
        {
            final Properties properties = Profiles.load(name);
            assertFalse(properties.isEmpty(), name);
            assertFalse(properties.getProperty(KEY, "").isEmpty(), name);
        }
    }

    @Test
    void shouldLetSystemPropertyWinOverProfile()
    {
        System.setProperty(KEY, "yielding");
        Profiles.apply("latency");
        assertEquals("yielding", System.getProperty(KEY));
        assertEquals("auto", System.getProperty("switchboard.ring.fused"));
        assertEquals("latency", System.getProperty(Profiles.PROFILE_PROP_NAME));
    }

    @Test
    void shouldRefuseUnknownProfile()
    {
        assertThrows(IllegalArgumentException.class, () -> Profiles.load("fastest"));
    }
}
