package dev.switchboard.edge;

import dev.switchboard.codec.MaxFrame;
import dev.switchboard.codec.sbe.ErrorCode;
import dev.switchboard.codec.sbe.ErrorDecoder;
import dev.switchboard.codec.sbe.LogoutDecoder;
import dev.switchboard.codec.sbe.PingDecoder;
import dev.switchboard.codec.sbe.PongDecoder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EdgePollerTest
{
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
    void shouldDeliverFramesSplitAtEveryByteBoundary() throws IOException
    {
        fixture = new EdgeFixture();
        final TestClient[] client = new TestClient[1];
        final long connectionId = fixture.connectAndOpen(client);
        final byte[][] frames = {
            Frames.logout(1), Frames.register(2, "+447700900123"), Frames.logout(3) };
        final byte[] batch = Frames.concat(frames);
        final RecordingSink sink = fixture.sink;

        for (int split = 1; split < batch.length; split++)
        {
            final long bytesBefore = fixture.poller().stats().bytesIn();
            final int framesBefore = sink.frames.size();
            final int firstPart = split;
            client[0].send(batch, 0, firstPart);
            fixture.awaitTrue(() -> fixture.poller().stats().bytesIn() == bytesBefore + firstPart);
            client[0].send(batch, split, batch.length - split);
            fixture.awaitTrue(() -> sink.frames.size() == framesBefore + frames.length);

            for (int i = 0; i < frames.length; i++)
            {
                final RecordingSink.Frame frame = sink.frames.get(framesBefore + i);
                assertEquals(connectionId, frame.connectionId());
                assertArrayEquals(frames[i], frame.bytes(), "split at " + split + ", frame " + i);
            }
        }
        assertEquals(0, fixture.poller().stats().borrowedChunks());
        assertEquals(0, fixture.poller().stats().framesRejected());
    }

    @Test
    void shouldDeliverManyFramesBatchedInOneWriteInOrder() throws IOException
    {
        fixture = new EdgeFixture();
        final TestClient[] client = new TestClient[1];
        fixture.connectAndOpen(client);
        final int count = 2_000;
        final byte[][] frames = new byte[count][];
        for (int i = 0; i < count; i++)
        {
            frames[i] = 0 == (i & 1) ? Frames.logout(i) : Frames.register(i, "+1555" + i);
        }

        client[0].send(Frames.concat(frames));
        fixture.awaitTrue(() -> fixture.sink.frames.size() == count);

        for (int i = 0; i < count; i++)
        {
            assertArrayEquals(frames[i], fixture.sink.frames.get(i).bytes());
        }
        assertEquals(count, fixture.poller().stats().framesIn());
        assertEquals(0, fixture.poller().stats().borrowedChunks());
    }

    @Test
    void shouldReassembleLargeFramesArrivingInPieces() throws IOException
    {
        fixture = new EdgeFixture(new EdgeContext().readChunkLength(1024));
        final TestClient[] client = new TestClient[1];
        fixture.connectAndOpen(client);
        final byte[][] frames = {
            Frames.send(1, 100), Frames.send(2, 60_000), Frames.send(3, 3_000), Frames.logout(4) };
        final byte[] stream = Frames.concat(frames);
        final int[] pieces = { 50, 3, 900, 1_500, 20_000, 37_000, 20, 3_100, stream.length };

        int position = 0;
        for (final int piece : pieces)
        {
            final int length = Math.min(piece, stream.length - position);
            final long bytesBefore = fixture.poller().stats().bytesIn();
            client[0].send(stream, position, length);
            position += length;
            fixture.awaitTrue(() -> fixture.poller().stats().bytesIn() == bytesBefore + length);
        }
        fixture.awaitTrue(() -> frames.length == fixture.sink.frames.size());

        for (int i = 0; i < frames.length; i++)
        {
            assertArrayEquals(frames[i], fixture.sink.frames.get(i).bytes());
        }
        assertEquals(0, fixture.poller().stats().borrowedChunks());
    }

    @Test
    void shouldCloseAStreamDeclaringAFrameShorterThanItsHeader() throws IOException
    {
        fixture = new EdgeFixture();
        final TestClient[] client = new TestClient[1];
        final long connectionId = fixture.connectAndOpen(client);

        client[0].send(Frames.concat(Frames.logout(1), new byte[] { 0, 0, 0, 2, 0x5B, (byte)0xE0 }));
        fixture.awaitTrue(() -> client[0].isEndOfStream() && fixture.sink.closed.contains(connectionId));

        assertEquals(1, fixture.sink.frames.size());
        assertEquals(ErrorCode.MALFORMED_FRAME, Frames.errorCode(client[0].frames().get(0)));
    }

    @Test
    void shouldAnswerOversizeFrameWithFrameTooLargeAndClose() throws IOException
    {
        fixture = new EdgeFixture();
        final TestClient[] client = new TestClient[1];
        final long connectionId = fixture.connectAndOpen(client);
        final byte[] header = new byte[14];
        ByteBuffer.wrap(header).order(ByteOrder.BIG_ENDIAN).putInt(MaxFrame.DEFAULT_MAX_FRAME_LENGTH + 1)
            .putShort((short)0x5BE0);

        client[0].send(header);
        fixture.awaitTrue(() -> client[0].isEndOfStream() && fixture.sink.closed.contains(connectionId));

        final List<byte[]> received = client[0].frames();
        assertEquals(1, received.size());
        assertEquals(ErrorDecoder.TEMPLATE_ID, Frames.templateId(received.get(0)));
        assertEquals(ErrorCode.FRAME_TOO_LARGE, Frames.errorCode(received.get(0)));
        assertEquals(1, fixture.poller().stats().corruptStreams());
        assertEquals(0, fixture.poller().stats().connectionCount());
    }

    @Test
    void shouldAnswerALengthPrefixAtOrAbove2To31WithFrameTooLarge() throws IOException
    {
        fixture = new EdgeFixture();
        final TestClient[] client = new TestClient[1];
        final long connectionId = fixture.connectAndOpen(client);
        final byte[] header = new byte[14];
        ByteBuffer.wrap(header).order(ByteOrder.BIG_ENDIAN).putInt(0x8000_0000).putShort((short)0x5BE0);

        client[0].send(header);
        fixture.awaitTrue(() -> client[0].isEndOfStream() && fixture.sink.closed.contains(connectionId));

        final List<byte[]> received = client[0].frames();
        assertEquals(1, received.size());
        assertEquals(ErrorCode.FRAME_TOO_LARGE, Frames.errorCode(received.get(0)));
        assertEquals(0, Frames.error(received.get(0)).requestId());
    }

    @Test
    void shouldAnswerUnknownTemplateWithErrorAndKeepTheConnection() throws IOException
    {
        fixture = new EdgeFixture();
        final TestClient[] client = new TestClient[1];
        fixture.connectAndOpen(client);

        client[0].send(Frames.concat(Frames.unknownTemplate(77), Frames.logout(78)));
        fixture.awaitTrue(() -> 1 == fixture.sink.frames.size() && 1 == client[0].frames().size());

        final byte[] error = client[0].frames().get(0);
        assertEquals(ErrorDecoder.TEMPLATE_ID, Frames.templateId(error));
        final ErrorDecoder decoder = Frames.error(error);
        assertEquals(ErrorCode.UNKNOWN_TEMPLATE, decoder.code());
        assertEquals(999, decoder.templateId());
        assertEquals(0, decoder.requestId(), "an unknown template has no known correlation field");
        assertArrayEquals(Frames.logout(78), fixture.sink.frames.get(0).bytes());
        assertEquals(1, fixture.poller().stats().framesRejected());
        assertEquals(1, fixture.poller().stats().connectionCount());
    }

    @Test
    void shouldDisconnectAClientThatKeepsSendingGarbage() throws IOException
    {
        final int maxRejects = 4;
        fixture = new EdgeFixture(new EdgeContext().maxRejectsBeforeDisconnect(maxRejects));
        final TestClient[] client = new TestClient[1];
        final long connectionId = fixture.connectAndOpen(client);

        for (int i = 0; i < maxRejects + 3; i++)
        {
            client[0].send(Frames.unknownTemplate(i));
        }
        fixture.awaitTrue(() -> client[0].isEndOfStream() && fixture.sink.closed.contains(connectionId));

        final List<byte[]> errors = client[0].frames();
        assertEquals(maxRejects, errors.size());
        for (final byte[] error : errors)
        {
            assertEquals(ErrorCode.UNKNOWN_TEMPLATE, Frames.errorCode(error));
        }
        assertEquals(1, fixture.poller().stats().rejectDisconnects());
        assertEquals(0, fixture.sink.frames.size());
    }

    @Test
    void shouldAnswerPingWithPongWithoutBotheringTheSink() throws IOException
    {
        fixture = new EdgeFixture();
        final TestClient[] client = new TestClient[1];
        fixture.connectAndOpen(client);

        client[0].send(Frames.ping(123_456_789L));
        fixture.awaitTrue(() -> 1 == client[0].frames().size());

        final byte[] pong = client[0].frames().get(0);
        assertEquals(PongDecoder.TEMPLATE_ID, Frames.templateId(pong));
        assertEquals(123_456_789L, Frames.firstLong(pong));
        assertEquals(0, fixture.sink.frames.size());
        assertEquals(1, fixture.poller().stats().pingsIn());
    }

    @Test
    void shouldPingAnIdleConnectionThenCloseItWhenStillSilent() throws IOException
    {
        fixture = new EdgeFixture();
        final TestClient[] client = new TestClient[1];
        final long connectionId = fixture.connectAndOpen(client);

        fixture.clock.advance(EdgeFixture.IDLE_TIMEOUT_NS + 1);
        fixture.awaitTrue(() -> 1 == client[0].frames().size());
        final byte[] ping = client[0].frames().get(0);
        assertEquals(PingDecoder.TEMPLATE_ID, Frames.templateId(ping));
        assertEquals(fixture.clock.nanoTime(), Frames.firstLong(ping));
        assertEquals(1, fixture.poller().stats().connectionCount());

        fixture.clock.advance(EdgeFixture.DEAD_TIMEOUT_NS - EdgeFixture.IDLE_TIMEOUT_NS);
        fixture.awaitTrue(() -> client[0].isEndOfStream() && fixture.sink.closed.contains(connectionId));
        assertEquals(1, fixture.poller().stats().idleCloses());
        assertEquals(1, fixture.poller().stats().pingsOut());
    }

    @Test
    void shouldQueueEachOpenConnectionForItsIdleCheckAndDropItWhenClosed() throws IOException
    {
        fixture = new EdgeFixture();
        final TestClient[] clients = new TestClient[3];
        final TestClient[] holder = new TestClient[1];
        for (int i = 0; i < clients.length; i++)
        {
            fixture.connectAndOpen(holder);
            clients[i] = holder[0];
        }
        assertEquals(3, fixture.poller().stats().idleChecksQueued());

        clients[0].close();
        fixture.awaitTrue(() -> 2 == fixture.poller().stats().connectionCount());
        assertEquals(2, fixture.poller().stats().idleChecksQueued());

        fixture.clock.advance(EdgeFixture.IDLE_TIMEOUT_NS + 1);
        fixture.awaitTrue(() -> 1 == clients[1].frames().size() && 1 == clients[2].frames().size());
        assertEquals(PingDecoder.TEMPLATE_ID, Frames.templateId(clients[1].frames().get(0)));
        assertEquals(2, fixture.poller().stats().pingsOut());
        assertEquals(2, fixture.poller().stats().idleChecksQueued()); // each back in the queue for its next look

        fixture.clock.advance(EdgeFixture.DEAD_TIMEOUT_NS - EdgeFixture.IDLE_TIMEOUT_NS);
        fixture.awaitTrue(() -> 0 == fixture.poller().stats().connectionCount());
        assertEquals(2, fixture.poller().stats().idleCloses());
        assertEquals(0, fixture.poller().stats().idleChecksQueued());
    }

    @Test
    void shouldKeepAConnectionThatAnswersTheIdlePing() throws IOException
    {
        fixture = new EdgeFixture();
        final TestClient[] client = new TestClient[1];
        fixture.connectAndOpen(client);

        fixture.clock.advance(EdgeFixture.IDLE_TIMEOUT_NS + 1);
        fixture.awaitTrue(() -> 1 == client[0].frames().size());
        final long bytesBefore = fixture.poller().stats().bytesIn();
        client[0].send(Frames.pong(Frames.firstLong(client[0].frames().get(0))));
        fixture.awaitTrue(() -> fixture.poller().stats().bytesIn() > bytesBefore);

        fixture.clock.advance(EdgeFixture.DEAD_TIMEOUT_NS - EdgeFixture.IDLE_TIMEOUT_NS);
        fixture.workFor(50);
        assertEquals(0, fixture.poller().stats().idleCloses());
        assertEquals(1, fixture.poller().stats().connectionCount());
        assertEquals(0, fixture.sink.frames.size());
    }

    @ParameterizedTest(name = "accept4 {0}")
    @ValueSource(booleans = { true, false })
    void shouldCarryFramesBothWaysWhicheverCallAcceptedTheConnection(final boolean accept4) throws IOException
    {
        fixture = new EdgeFixture(new EdgeContext().accept4(accept4));
        assertEquals(accept4 && NativeAccept.isAvailable(), fixture.edge.acceptor().isAcceptingByAccept4());
        final TestClient[] client = new TestClient[1];
        fixture.connectAndOpen(client);

        final byte[] frame = Frames.logout(7);
        client[0].send(frame);
        fixture.awaitTrue(() -> 1 == fixture.sink.frames.size());
        assertArrayEquals(frame, fixture.sink.frames.get(0).bytes());

        // The edge answers a Ping itself: a frame written back on the accepted socket.
        client[0].send(Frames.ping(42L));
        fixture.awaitTrue(() -> 1 == client[0].frames().size());
        assertEquals(PongDecoder.TEMPLATE_ID, Frames.templateId(client[0].frames().get(0)));
    }

    @ParameterizedTest(name = "accept4 {0}")
    @ValueSource(booleans = { true, false })
    void shouldRefuseConnectionsPastTheMaximumCleanly(final boolean accept4) throws IOException
    {
        fixture = new EdgeFixture(new EdgeContext().maxConnections(2).accept4(accept4));
        final TestClient[] first = new TestClient[1];
        final TestClient[] second = new TestClient[1];
        fixture.connectAndOpen(first);
        fixture.connectAndOpen(second);

        final TestClient third = fixture.connect();
        fixture.awaitTrue(third::isEndOfStream);
        assertEquals(1, fixture.edge.acceptor().refused());
        assertEquals(1, third.frames().size());
        assertEquals(third.receivedBytes(), third.frames().get(0).length, "nothing but the Error frame");
        assertEquals(ErrorCode.SERVER_BUSY, Frames.errorCode(third.frames().get(0)));
        assertEquals(2, fixture.sink.opened.size());

        first[0].close();
        fixture.awaitTrue(() -> 1 == fixture.sink.closed.size());
        final TestClient[] fourth = new TestClient[1];
        fixture.connectAndOpen(fourth);
        assertEquals(3, fixture.sink.opened.size());
        assertEquals(2, fixture.edge.acceptor().openConnections());
    }

    @Test
    void shouldHoldABurstOfConnectsInTheBacklogWhileThePollerIsBehind() throws IOException
    {
        fixture = new EdgeFixture(new EdgeContext().acceptQueueCapacity(2));
        final int burst = 12;
        for (int i = 0; i < burst; i++)
        {
            fixture.connect();
        }

        // Only the acceptor runs: it fills the poller's queue, holds one more and then stops taking connections.
        for (int i = 0; i < 50; i++)
        {
            fixture.edge.acceptor().doWork();
        }
        assertTrue(fixture.edge.acceptor().handoffWaits() > 0, "the acceptor waited for room");
        assertTrue(fixture.edge.acceptor().openConnections() < burst, "the rest stay in the backlog");

        final long waitNs = TimeUnit.MILLISECONDS.toNanos(1);
        fixture.awaitTrue(() ->
        {
            fixture.clock.advance(waitNs);
            return burst == fixture.sink.opened.size();
        });
        assertEquals(0, fixture.edge.acceptor().refused());
        assertEquals(burst, fixture.edge.acceptor().openConnections());
        for (final TestClient client : fixture.clients)
        {
            assertFalse(client.isEndOfStream(), "no connection of the burst is closed");
        }
    }

    @Test
    void shouldHoldABurstInTheBacklogAndResumeWhenTheAcceptorRunsOnThePollersThread() throws IOException
    {
        fixture = new EdgeFixture(new EdgeContext()
            .acceptQueueCapacity(2)
            .selectTimeoutNs(TimeUnit.MILLISECONDS.toNanos(1))
            .acceptorThread(false));
        assertTrue(fixture.edge.acceptor().isWokenByPoller());
        // A full ring: the poller cannot hand on the first connection, so its queue fills and the acceptor holds one.
        fixture.sink.acceptAll(false);
        final int burst = 12;
        for (int i = 0; i < burst; i++)
        {
            fixture.connect();
        }
        fixture.awaitTrue(() -> fixture.edge.acceptor().handoffWaits() > 0);
        for (int i = 0; i < 50; i++)
        {
            fixture.edge.acceptor().doWork();
            fixture.poller().doWork();
        }
        assertTrue(fixture.edge.acceptor().openConnections() < burst, "the rest stay in the backlog");

        fixture.sink.acceptOpens = true;
        fixture.awaitTrue(() -> burst == fixture.sink.opened.size());
        assertEquals(0, fixture.edge.acceptor().refused());
        assertEquals(burst, fixture.edge.acceptor().openConnections());
    }

    @Test
    void shouldLoseNothingWhileTheSinkIsFull() throws IOException
    {
        fixture = new EdgeFixture();
        final RecordingSink sink = fixture.sink;
        sink.acceptAll(false);
        final TestClient client = fixture.connect();
        fixture.awaitTrue(() -> sink.refusals > 3);
        assertEquals(0, sink.opened.size());

        sink.acceptOpens = true;
        fixture.awaitTrue(() -> 1 == sink.opened.size());

        final int count = 500;
        final byte[][] frames = new byte[count][];
        for (int i = 0; i < count; i++)
        {
            frames[i] = Frames.register(i, "+4420" + i);
        }
        client.send(Frames.concat(frames));
        fixture.workFor(100);
        assertEquals(0, sink.frames.size());
        assertTrue(fixture.poller().stats().sinkFull() > 0);

        sink.acceptFrames = true;
        fixture.awaitTrue(() -> count == sink.frames.size());
        for (int i = 0; i < count; i++)
        {
            assertArrayEquals(frames[i], sink.frames.get(i).bytes());
        }

        client.close();
        fixture.awaitTrue(() -> 0 == fixture.poller().stats().connectionCount());
        fixture.workFor(20);
        assertEquals(0, sink.closed.size());
        assertEquals(1, fixture.poller().stats().pendingCloseNotices());
        sink.acceptCloses = true;
        fixture.awaitTrue(() -> 1 == sink.closed.size());
        assertEquals(sink.opened.get(0), sink.closed.get(0));
        assertEquals(0, fixture.poller().stats().borrowedChunks());
    }

    @Test
    void shouldResumeAStalledConnectionWithFramesSplitAcrossReads() throws IOException
    {
        fixture = new EdgeFixture();
        final RecordingSink sink = fixture.sink;
        final TestClient[] client = new TestClient[1];
        fixture.connectAndOpen(client);
        sink.acceptFrames = false;

        final byte[] first = Frames.concat(Frames.logout(1), Frames.logout(2));
        client[0].send(first);
        fixture.workFor(50);
        sink.acceptFrames = true;
        final byte[] second = Frames.logout(3);
        client[0].send(second, 0, 5);
        fixture.awaitTrue(() -> 2 == sink.frames.size());
        client[0].send(second, 5, second.length - 5);
        fixture.awaitTrue(() -> 3 == sink.frames.size());

        for (int i = 0; i < 3; i++)
        {
            assertEquals(i + 1, Frames.firstLong(sink.frames.get(i).bytes()));
            assertEquals(LogoutDecoder.TEMPLATE_ID, Frames.templateId(sink.frames.get(i).bytes()));
        }
        assertEquals(0, fixture.poller().stats().borrowedChunks());
    }

    @Test
    void shouldResumeEveryConnectionStalledAtOnceAndStallThemAgain() throws IOException
    {
        fixture = new EdgeFixture();
        final RecordingSink sink = fixture.sink;
        final int connections = 40;
        final TestClient[] clients = new TestClient[connections];
        final long[] ids = new long[connections];
        final TestClient[] holder = new TestClient[1];
        for (int c = 0; c < connections; c++)
        {
            ids[c] = fixture.connectAndOpen(holder);
            clients[c] = holder[0];
        }

        for (int round = 0; round < 2; round++)
        {
            sink.frames.clear();
            sink.acceptFrames = false;
            for (int c = 0; c < connections; c++)
            {
                clients[c].send(Frames.concat(
                    Frames.logout(c * 10L + 1), Frames.logout(c * 10L + 2), Frames.logout(c * 10L + 3)));
            }
            fixture.workFor(100);
            assertEquals(0, sink.frames.size(), "round " + round);

            sink.acceptFrames = true;
            fixture.awaitTrue(() -> connections * 3 == sink.frames.size());
            for (int c = 0; c < connections; c++)
            {
                long expected = c * 10L + 1;
                for (final RecordingSink.Frame frame : sink.frames)
                {
                    if (frame.connectionId() == ids[c])
                    {
                        assertEquals(expected++, Frames.firstLong(frame.bytes()), "round " + round);
                    }
                }
                assertEquals(c * 10L + 4, expected, "round " + round + ", connection " + c);
            }
        }
        assertEquals(0, fixture.poller().stats().borrowedChunks());
    }
}
