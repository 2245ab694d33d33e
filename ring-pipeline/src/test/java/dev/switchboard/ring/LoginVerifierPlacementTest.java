package dev.switchboard.ring;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Where login signatures are verified: {@code switchboard.login.verifier} and, for {@code auto}, the CPUs.
 */
class LoginVerifierPlacementTest
{
    @AfterEach
    void clearSetting()
    {
        System.clearProperty(RingConfiguration.LOGIN_VERIFIER_PROP_NAME);
    }

    @Test
    void shouldVerifyInlineOnOneCpuAndOnAThreadOnMoreByDefault()
    {
        assertFalse(RingConfiguration.loginVerifierThread(1));
        assertTrue(RingConfiguration.loginVerifierThread(2));
        assertTrue(RingConfiguration.loginVerifierThread(64));
    }

    @Test
    void shouldFollowAnExplicitSettingWhateverTheCpus()
    {
        System.setProperty(RingConfiguration.LOGIN_VERIFIER_PROP_NAME, "thread");
        assertTrue(RingConfiguration.loginVerifierThread(1));
        System.setProperty(RingConfiguration.LOGIN_VERIFIER_PROP_NAME, "inline");
        assertFalse(RingConfiguration.loginVerifierThread(8));
        System.setProperty(RingConfiguration.LOGIN_VERIFIER_PROP_NAME, "auto");
        assertFalse(RingConfiguration.loginVerifierThread(1));
    }

    @Test
    void shouldRefuseAnUnknownSetting()
    {
        System.setProperty(RingConfiguration.LOGIN_VERIFIER_PROP_NAME, "threads");
        final IllegalArgumentException ex =
            assertThrows(IllegalArgumentException.class, () -> RingConfiguration.loginVerifierThread(2));
        assertTrue(ex.getMessage().contains("auto, thread or inline"), ex.getMessage());
    }
}
