package dev.switchboard.edge;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

import static dev.switchboard.edge.Frames.assertFrames;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReceiptHoldTest
{
    private static final long HOLD_NS = TimeUnit.MILLISECONDS.toNanos(200);

    private EdgeFixture fixture;

    @AfterEach
    void tearDown()
    {
        if (null != fixture)
        {
            fixture.close();
        }
    }

    @Test
    void shouldHoldAFrameForTheConnectionsNextFrameAndWriteBothInOneCallInOrder() throws IOException
    {
        fixture = new EdgeFixture(new EdgeContext().receiptHoldNs(HOLD_NS));
        final TestClient[] client = new TestClient[1];
        final long id = fixture.connectAndOpen(client);
        final byte[] receipt = Frames.logout(1);
        final byte[] next = Frames.send(2, 100);
        final long writesBefore = fixture.poller().stats().socketWrites();

        sendHeld(id, receipt);
        fixture.workFor(50);

        assertEquals(0, client[0].receivedBytes(), "held");
        assertEquals(1, fixture.poller().stats().holdingConnections());
        assertEquals(1, fixture.poller().stats().framesHeld());

        send(id, next);
        fixture.awaitTrue(() -> client[0].frames().size() == 2);

        assertFrames(new byte[][]{ receipt, next }, client[0].frames());
        assertEquals(1, fixture.poller().stats().socketWrites() - writesBefore, "one write for both");
        assertEquals(0, fixture.poller().stats().holdingConnections());
        assertEquals(0, fixture.poller().stats().heldWrittenAlone());
    }

    @Test
    void shouldWriteHeldFramesAloneOnceTheHoldRunsOut() throws IOException
    {
        fixture = new EdgeFixture(new EdgeContext().receiptHoldNs(HOLD_NS));
        final TestClient[] client = new TestClient[1];
        final long id = fixture.connectAndOpen(client);
        final byte[][] receipts = { Frames.logout(1), Frames.logout(2) };
        sendHeld(id, receipts[0]);
        sendHeld(id, receipts[1]);
        fixture.workFor(20);
        assertEquals(1, fixture.poller().stats().holdingConnections());
        fixture.clock.update(fixture.clock.nanoTime() + HOLD_NS - 1_000_000);
        fixture.workFor(50);
        assertEquals(0, client[0].receivedBytes(), "still held inside the hold");

        fixture.clock.update(fixture.clock.nanoTime() + 2_000_000);
        fixture.awaitTrue(() -> client[0].frames().size() == 2);

        assertFrames(receipts, client[0].frames());
        assertEquals(1, fixture.poller().stats().heldWrittenAlone());
        assertEquals(0, fixture.poller().stats().holdingConnections());
    }

    @Test
    void shouldSendAHeldFrameWithOutputAlreadyStagedInTheSameCycle() throws IOException
    {
        fixture = new EdgeFixture(new EdgeContext().receiptHoldNs(HOLD_NS));
        final TestClient[] client = new TestClient[1];
        final long id = fixture.connectAndOpen(client);
        final byte[][] frames = { Frames.send(1, 50), Frames.logout(2) };
        send(id, frames[0]);
        sendHeld(id, frames[1]);

        fixture.awaitTrue(() -> client[0].frames().size() == 2);

        assertFrames(frames, client[0].frames());
        assertEquals(0, fixture.poller().stats().framesHeld());
    }

    @Test
    void shouldWriteWhatWasHeldFirstWhenTheSlotIsFull() throws IOException
    {
        fixture = new EdgeFixture(new EdgeContext().receiptHoldNs(HOLD_NS));
        final TestClient[] client = new TestClient[1];
        final long id = fixture.connectAndOpen(client);
        final int frameLength = Frames.logout(0).length;
        final int count = HeldFrames.SLOT_LENGTH / frameLength + 1;
        final byte[][] receipts = new byte[count][];
        for (int i = 0; i < count; i++)
        {
            receipts[i] = Frames.logout(i);
            sendHeld(id, receipts[i]);
        }

        fixture.awaitTrue(() -> client[0].frames().size() == count);

        assertFrames(receipts, client[0].frames());
        assertEquals(0, fixture.poller().stats().holdingConnections());
    }

    @Test
    void shouldWriteHeldFramesBeforeAClose() throws IOException
    {
        fixture = new EdgeFixture(new EdgeContext().receiptHoldNs(HOLD_NS));
        final TestClient[] client = new TestClient[1];
        final long id = fixture.connectAndOpen(client);
        final byte[] receipt = Frames.logout(1);
        sendHeld(id, receipt);
        fixture.workFor(20);
        assertTrue(fixture.edge.outboundFor(id).close(id));

        fixture.awaitTrue(() -> client[0].isEndOfStream());

        assertFrames(new byte[][]{ receipt }, client[0].frames());
        assertEquals(0, fixture.poller().stats().holdingConnections());
    }

    @Test
    void shouldGiveTheSlotBackWhenThePeerCloses() throws IOException
    {
        fixture = new EdgeFixture(new EdgeContext().receiptHoldNs(HOLD_NS));
        final TestClient[] client = new TestClient[1];
        final long id = fixture.connectAndOpen(client);
        sendHeld(id, Frames.logout(1));
        fixture.workFor(20);
        assertEquals(1, fixture.poller().stats().holdingConnections());

        client[0].close();
        fixture.awaitTrue(() -> 0 == fixture.poller().stats().connectionCount());

        assertEquals(0, fixture.poller().stats().holdingConnections());
        fixture.clock.update(fixture.clock.nanoTime() + 2 * HOLD_NS);
        fixture.workFor(20);
        assertEquals(0, fixture.poller().stats().heldWrittenAlone(), "nothing left to write for a closed connection");
    }

    @Test
    void shouldWriteAtOnceWhenTheHoldIsOff() throws IOException
    {
        fixture = new EdgeFixture(new EdgeContext().receiptHoldNs(0));
        final TestClient[] client = new TestClient[1];
        final long id = fixture.connectAndOpen(client);
        final byte[] receipt = Frames.logout(1);
        sendHeld(id, receipt);

        fixture.awaitTrue(() -> client[0].frames().size() == 1);

        assertArrayEquals(receipt, client[0].frames().get(0));
        assertEquals(0, fixture.poller().stats().framesHeld());
    }

    private void send(final long connectionId, final byte[] frame)
    {
        assertTrue(fixture.edge.outboundFor(connectionId).send(connectionId, new UnsafeBuffer(frame), 0, frame.length));
    }

    private void sendHeld(final long connectionId, final byte[] frame)
    {
        assertTrue(fixture.edge.outboundFor(connectionId)
            .sendHeld(connectionId, new UnsafeBuffer(frame), 0, frame.length));
    }
}
