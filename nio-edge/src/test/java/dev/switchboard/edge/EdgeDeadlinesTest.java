package dev.switchboard.edge;

import dev.switchboard.codec.sbe.ErrorCode;
import dev.switchboard.codec.sbe.ErrorDecoder;
import dev.switchboard.codec.sbe.LoginAckDecoder;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.ByteOrder;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The login, registration, frame and write deadlines, stepped on a fake clock.
 */
class EdgeDeadlinesTest
{
    private static final long LOGIN_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(10);
    private static final long REGISTRATION_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(600);
    private static final long FRAME_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(5);
    private static final long WRITE_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(30);
    private static final long ONE_MS = TimeUnit.MILLISECONDS.toNanos(1);

    private EdgeFixture fixture;

    @AfterEach
    void tearDown()
    {
        if (null != fixture)
        {
            fixture.close();
        }
    }

    private EdgeFixture newFixture(final EdgeContext ctx)
    {
        // Idle pings and the dead timeout far away, so only the deadline under test acts.
        return new EdgeFixture(ctx
            .idleTimeoutNs(TimeUnit.HOURS.toNanos(1))
            .deadTimeoutNs(TimeUnit.HOURS.toNanos(2))
            .loginTimeoutNs(LOGIN_TIMEOUT_NS)
            .registrationTimeoutNs(REGISTRATION_TIMEOUT_NS)
            .frameTimeoutNs(FRAME_TIMEOUT_NS)
            .writeTimeoutNs(WRITE_TIMEOUT_NS), true);
    }

    private void advance(final long nanos)
    {
        fixture.clock.advance(nanos);
        fixture.workFor(20);
    }

    private static void assertClosedWith(final TestClient client, final ErrorCode code)
    {
        final List<byte[]> frames = client.frames();
        assertEquals(1, frames.size());
        assertEquals(ErrorDecoder.TEMPLATE_ID, Frames.templateId(frames.get(0)));
        final ErrorDecoder error = Frames.error(frames.get(0));
        assertEquals(code, error.code());
        assertEquals(0, error.requestId());
    }

    private void serverSends(final long connectionId, final byte[] frame)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(frame);
        assertTrue(fixture.edge.outboundFor(connectionId).send(connectionId, buffer, 0, frame.length));
    }

    @Test
    void shouldCloseAConnectionThatDoesNotLogInWithinTheLoginTimeout() throws IOException
    {
        fixture = newFixture(new EdgeContext());
        final TestClient[] client = new TestClient[1];
        final long connectionId = fixture.connectAndOpen(client);
        assertEquals(1, fixture.poller().stats().awaitingLogin());

        advance(LOGIN_TIMEOUT_NS - ONE_MS);
        assertFalse(client[0].isEndOfStream());
        assertEquals(0, fixture.poller().stats().loginTimeouts());

        advance(2 * ONE_MS);
        fixture.awaitTrue(() -> client[0].isEndOfStream() && fixture.sink.closed.contains(connectionId));
        assertClosedWith(client[0], ErrorCode.NOT_AUTHENTICATED);
        assertEquals(1, fixture.poller().stats().loginTimeouts());
        assertEquals(0, fixture.poller().stats().awaitingLogin());
    }

    @Test
    void shouldKeepAConnectionTheServerLoggedIn() throws IOException
    {
        fixture = newFixture(new EdgeContext());
        final TestClient[] client = new TestClient[1];
        final long connectionId = fixture.connectAndOpen(client);

        advance(LOGIN_TIMEOUT_NS / 2);
        serverSends(connectionId, Frames.loginAck(1));
        fixture.awaitTrue(() -> 1 == client[0].frames().size());
        assertEquals(LoginAckDecoder.TEMPLATE_ID, Frames.templateId(client[0].frames().get(0)));
        assertEquals(0, fixture.poller().stats().awaitingLogin());

        advance(10 * LOGIN_TIMEOUT_NS);
        assertFalse(client[0].isEndOfStream());
        assertEquals(1, fixture.poller().stats().connectionCount());
        assertEquals(0, fixture.poller().stats().loginTimeouts());
    }

    @Test
    void shouldGiveARegisteringConnectionTheRegistrationWindowOnceThenTheLoginTimeoutAfterVerify() throws IOException
    {
        fixture = newFixture(new EdgeContext());
        final TestClient[] client = new TestClient[1];
        final long connectionId = fixture.connectAndOpen(client);

        serverSends(connectionId, Frames.registerAck(1));
        fixture.awaitTrue(() -> 1 == client[0].frames().size());
        advance(REGISTRATION_TIMEOUT_NS / 2);
        assertFalse(client[0].isEndOfStream(), "a person reading a texted code has the registration window");

        serverSends(connectionId, Frames.registerAck(2)); // does not renew the window
        fixture.awaitTrue(() -> 2 == client[0].frames().size());
        advance(REGISTRATION_TIMEOUT_NS / 2 - ONE_MS);
        serverSends(connectionId, Frames.verifyAck(3)); // verified: now log in promptly
        fixture.awaitTrue(() -> 3 == client[0].frames().size());
        advance(LOGIN_TIMEOUT_NS - ONE_MS);
        assertFalse(client[0].isEndOfStream());

        advance(2 * ONE_MS);
        fixture.awaitTrue(() -> client[0].isEndOfStream() && fixture.sink.closed.contains(connectionId));
        assertEquals(4, client[0].frames().size());
        final ErrorDecoder error = Frames.error(client[0].frames().get(3));
        assertEquals(ErrorCode.NOT_AUTHENTICATED, error.code());
        assertEquals(0, error.requestId());
        assertEquals(1, fixture.poller().stats().loginTimeouts());
    }

    @Test
    void shouldGiveALinkingDeviceTheRegistrationWindowWhileThePrimaryApproves() throws IOException
    {
        fixture = newFixture(new EdgeContext());
        final TestClient[] client = new TestClient[1];
        final long connectionId = fixture.connectAndOpen(client);

        serverSends(connectionId, Frames.linkPending(1));
        fixture.awaitTrue(() -> 1 == client[0].frames().size());
        advance(REGISTRATION_TIMEOUT_NS - ONE_MS);
        assertFalse(client[0].isEndOfStream(), "a person approving on the primary has the registration window");
        serverSends(connectionId, Frames.verifyAck(1)); // approved: now log in promptly
        fixture.awaitTrue(() -> 2 == client[0].frames().size());
        advance(LOGIN_TIMEOUT_NS - ONE_MS);
        assertFalse(client[0].isEndOfStream());
        advance(2 * ONE_MS);
        fixture.awaitTrue(() -> client[0].isEndOfStream());
        assertEquals(1, fixture.poller().stats().loginTimeouts());
    }

    @Test
    void shouldCloseARegisteringConnectionAtTheEndOfItsWindow() throws IOException
    {
        fixture = newFixture(new EdgeContext());
        final TestClient[] client = new TestClient[1];
        final long connectionId = fixture.connectAndOpen(client);
        serverSends(connectionId, Frames.registerAck(1));
        fixture.awaitTrue(() -> 1 == client[0].frames().size());

        advance(REGISTRATION_TIMEOUT_NS - ONE_MS);
        assertFalse(client[0].isEndOfStream());
        advance(2 * ONE_MS);
        fixture.awaitTrue(() -> client[0].isEndOfStream());
        assertEquals(ErrorCode.NOT_AUTHENTICATED, Frames.errorCode(client[0].frames().get(1)));
        assertEquals(1, fixture.poller().stats().loginTimeouts());
    }

    @Test
    void shouldCloseAConnectionThatLeavesAFramePartialPastTheFrameTimeout() throws IOException
    {
        fixture = newFixture(new EdgeContext());
        final TestClient[] client = new TestClient[1];
        final long connectionId = fixture.connectAndOpen(client);
        serverSends(connectionId, Frames.loginAck(1));
        fixture.awaitTrue(() -> 1 == client[0].frames().size());
        final byte[] frame = Frames.register(2, "+447700900123");

        client[0].send(frame, 0, 9);
        fixture.awaitTrue(() -> 9 == fixture.poller().stats().bytesIn());
        advance(FRAME_TIMEOUT_NS - ONE_MS);
        assertFalse(client[0].isEndOfStream());
        advance(2 * ONE_MS);

        fixture.awaitTrue(() -> client[0].isEndOfStream() && fixture.sink.closed.contains(connectionId));
        assertEquals(2, client[0].frames().size());
        final ErrorDecoder error = Frames.error(client[0].frames().get(1));
        assertEquals(ErrorCode.MALFORMED_FRAME, error.code());
        assertEquals(0, error.requestId());
        assertEquals(1, fixture.poller().stats().frameTimeouts());
        assertEquals(0, fixture.sink.frames.size());
        assertEquals(0, fixture.poller().stats().borrowedChunks());
    }

    @Test
    void shouldRestartTheFrameDeadlineForEachFrameAndStopItWhenNoneIsPartial() throws IOException
    {
        fixture = newFixture(new EdgeContext());
        final TestClient[] client = new TestClient[1];
        final long connectionId = fixture.connectAndOpen(client);
        serverSends(connectionId, Frames.loginAck(1));
        fixture.awaitTrue(() -> 1 == client[0].frames().size());
        final byte[] frame = Frames.register(2, "+447700900123");
        final byte[] two = Frames.concat(frame, frame);

        client[0].send(two, 0, 5);
        fixture.awaitTrue(() -> 5 == fixture.poller().stats().bytesIn());
        advance(FRAME_TIMEOUT_NS - ONE_MS);
        // The first frame completes and part of the second arrives: the second has a whole timeout of its own.
        client[0].send(two, 5, frame.length);
        fixture.awaitTrue(() -> 1 == fixture.sink.frames.size());
        advance(FRAME_TIMEOUT_NS - ONE_MS);
        assertFalse(client[0].isEndOfStream());
        client[0].send(two, 5 + frame.length, two.length - 5 - frame.length);
        fixture.awaitTrue(() -> 2 == fixture.sink.frames.size());

        advance(10 * FRAME_TIMEOUT_NS);
        assertFalse(client[0].isEndOfStream(), "nothing partial, nothing to time out");
        assertEquals(0, fixture.poller().stats().frameTimeouts());
        assertEquals(1, fixture.poller().stats().connectionCount());
    }

    @Test
    void shouldCloseAConnectionWhoseSocketTakesNoOutputWithinTheWriteTimeout() throws IOException
    {
        fixture = newFixture(new EdgeContext()
            .maxPendingWriteBytes(8 * 1024 * 1024)
            .socketSendBufferLength(8192));
        final TestClient neverReads = fixture.connect(4096);
        fixture.awaitTrue(() -> 1 == fixture.sink.opened.size());
        final long connectionId = fixture.sink.opened.get(0);
        serverSends(connectionId, Frames.loginAck(1));
        final EdgeOutbound outbound = fixture.edge.outboundFor(connectionId);
        final UnsafeBuffer frame = new UnsafeBuffer(new byte[1024]);
        frame.putBytes(0, Frames.pong(9));
        frame.putInt(0, 1024, ByteOrder.BIG_ENDIAN);

        // Fill the kernel's buffers until output waits in the edge.
        int sent = 0;
        while (fixture.poller().stats().borrowedChunks() < 2)
        {
            if (outbound.send(connectionId, frame, 0, frame.capacity()))
            {
                sent++;
            }
            fixture.work();
            assertTrue(sent < 10_000, "output never backed up");
        }
        advance(WRITE_TIMEOUT_NS - ONE_MS);
        assertEquals(1, fixture.poller().stats().connectionCount());

        advance(2 * ONE_MS);
        fixture.awaitTrue(() -> fixture.sink.closed.contains(connectionId));
        assertEquals(1, fixture.poller().stats().writeTimeouts());
        assertEquals(0, fixture.poller().stats().slowConsumerCloses());
        assertEquals(0, fixture.poller().stats().borrowedChunks());
        assertFalse(neverReads.isEndOfStream() && neverReads.frames().isEmpty());
    }
}
