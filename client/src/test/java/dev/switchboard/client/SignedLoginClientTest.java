package dev.switchboard.client;

import dev.switchboard.codec.sbe.ErrorCode;
import dev.switchboard.codec.sbe.LoginProofDecoder;
import org.agrona.concurrent.CachedEpochClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.TimeUnit;

import static dev.switchboard.client.ClientFixture.TIMEOUT_S;
import static dev.switchboard.client.ClientFixture.await;
import static dev.switchboard.client.ClientFixture.failure;
import static dev.switchboard.client.ClientFixture.get;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Logging in again in one round trip (LoginSigned) once a LoginAck has told the server's clock, and the fall back to
 * the challenge.
 */
@Timeout(30)
class SignedLoginClientTest extends FakeServerClientTest
{
    @Test
    void shouldLogInByChallengeFirstThenAgainByOneSignedLoginAfterAReconnect() throws Exception
    {
        final SwitchboardClient client = loggedInClient();
        assertEquals(1, server.loginStarts.poll(TIMEOUT_S, TimeUnit.SECONDS));
        assertTrue(server.signedLogins.isEmpty(), "nothing to reckon the server's clock from before a LoginAck");

        server.dropConnection();

        final FakeServer.ReceivedSignedLogin signed = nextSignedLogin();
        assertTrue(signed.accepted());
        assertEquals(2, signed.connection());
        await(() -> 2 == listener.loggedIn.get());
        assertTrue(client.isLoggedIn());
        assertEquals(2, server.logins());
        assertNull(server.loginStarts.poll(), "no challenge on the second connection");
        assertEquals(client.self(), get(client.login()).device());
    }

    @Test
    void shouldSignTheServersTimeNotTheLocalTime() throws Exception
    {
        final long hourMs = TimeUnit.HOURS.toMillis(1);
        server.clockOffsetMs(hourMs);
        final SwitchboardClient client = loggedInClient();

        server.dropConnection();

        final FakeServer.ReceivedSignedLogin signed = nextSignedLogin();
        assertTrue(Math.abs(signed.timestampMs() - signed.serverTimeMs()) < 5_000,
            "signed " + signed.timestampMs() + ", server's clock " + signed.serverTimeMs());
        assertTrue(signed.timestampMs() - System.currentTimeMillis() > hourMs - 5_000);
        assertTrue(signed.accepted());
        await(() -> 2 == listener.loggedIn.get());
        assertTrue(client.isLoggedIn());
    }

    @Test
    void shouldFallBackToTheChallengeOnTheSameConnectionWhenASignedLoginIsRefused() throws Exception
    {
        final SwitchboardClient client = loggedInClient();
        get(client.logout());
        await(() -> !client.isConnected());
        server.loginStarts.clear();
        server.refuseSignedLogins(true);
        final int connections = server.connections();

        final LoginInfo info = get(client.login());

        assertEquals(client.self(), info.device());
        assertTrue(client.isLoggedIn());
        final FakeServer.ReceivedSignedLogin refused = nextSignedLogin();
        assertFalse(refused.accepted());
        assertEquals(connections + 1, refused.connection());
        assertEquals(refused.connection(), server.loginStarts.poll(TIMEOUT_S, TimeUnit.SECONDS));
        assertEquals(connections + 1, server.connections());
        assertTrue(listener.errors.isEmpty(), "a refused signed login is no error to report");

        // The challenge's LoginAck told the clock afresh: the next login is signed again.
        server.refuseSignedLogins(false);
        server.dropConnection();

        final FakeServer.ReceivedSignedLogin signed = nextSignedLogin();
        assertTrue(signed.accepted());
        assertTrue(signed.timestampMs() > refused.timestampMs());
        await(() -> 3 == listener.loggedIn.get());
        assertNull(server.loginStarts.poll());
    }

    @Test
    void shouldFailTheLoginWhenTheChallengeAfterARefusedSignedLoginFailsToo() throws Exception
    {
        final SwitchboardClient client = loggedInClient();
        get(client.logout());
        await(() -> !client.isConnected());
        server.refuseSignedLogins(true);
        server.refuseProofs(true);

        final SwitchboardException error = failure(client.login());

        assertEquals(ErrorCode.LOGIN_FAILED, error.code());
        assertEquals(LoginProofDecoder.TEMPLATE_ID, error.templateId());
        assertFalse(nextSignedLogin().accepted());
        assertNull(server.signedLogins.poll(), "the signed login is tried once");
        assertFalse(client.isLoggedIn());
    }

    @Test
    void shouldSignALaterTimeEachLoginEvenWhenTheLocalClockStepsBack() throws Exception
    {
        final CachedEpochClock localClock = new CachedEpochClock();
        localClock.update(System.currentTimeMillis());
        final SwitchboardClient client = loggedInClient(context().epochClock(localClock));

        server.dropConnection();
        final FakeServer.ReceivedSignedLogin first = nextSignedLogin();
        await(() -> 2 == listener.loggedIn.get());
        // Reckoned from this clock, the server's time is now two seconds before the login just made.
        localClock.update(localClock.time() - 2_000);
        server.dropConnection();
        final FakeServer.ReceivedSignedLogin second = nextSignedLogin();
        await(() -> 3 == listener.loggedIn.get());

        assertTrue(first.accepted());
        assertTrue(second.accepted());
        assertTrue(second.timestampMs() > first.timestampMs(), first + " then " + second);
        assertEquals(1, server.loginStarts.poll(TIMEOUT_S, TimeUnit.SECONDS));
        assertNull(server.loginStarts.poll(), "no challenge after the first login");
        assertTrue(client.isLoggedIn());
    }

    @Test
    void shouldAlwaysTakeTheChallengeWithSignedLoginOff() throws Exception
    {
        final SwitchboardClient client = loggedInClient(context().signedLogin(false));

        server.dropConnection();

        await(() -> 2 == listener.loggedIn.get());
        assertEquals(1, server.loginStarts.poll(TIMEOUT_S, TimeUnit.SECONDS));
        assertEquals(2, server.loginStarts.poll(TIMEOUT_S, TimeUnit.SECONDS));
        assertTrue(server.signedLogins.isEmpty());
        assertTrue(client.isLoggedIn());
    }

    @Test
    void shouldFallBackToTheChallengeWhenTheServerDoesNotKnowSignedLogin() throws Exception
    {
        server.knowsSignedLogin(false);
        final SwitchboardClient client = loggedInClient();

        server.dropConnection();

        await(() -> 2 == listener.loggedIn.get());
        assertTrue(client.isLoggedIn());
        assertEquals(1, server.loginStarts.poll(TIMEOUT_S, TimeUnit.SECONDS));
        assertEquals(2, server.loginStarts.poll(TIMEOUT_S, TimeUnit.SECONDS));
        assertEquals(2, server.connections());
        assertTrue(listener.errors.isEmpty());
    }

    private FakeServer.ReceivedSignedLogin nextSignedLogin() throws InterruptedException
    {
        final FakeServer.ReceivedSignedLogin signed = server.signedLogins.poll(TIMEOUT_S, TimeUnit.SECONDS);
        assertNotNull(signed, "no LoginSigned");
        return signed;
    }
}
