package dev.switchboard.bench;

import org.HdrHistogram.Histogram;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteOrder;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(30)
class OpenLoopRunTest
{
    @TempDir
    File dataDir;

    @Test
    void shouldCountMessagesOfALostConnectionAsLostAndKeepTheScheduleGoing() throws Exception
    {
        final DeviceBook book = bookOfTwo();
        final LoadConnection a = closedConnection(0, book);
        final LoadConnection b = closedConnection(1, book);

        final int rate = 2_000;
        final OpenLoopRun run = new OpenLoopRun(List.of(a, b), rate, 32, new Histogram(3), new Histogram(3),
            new CpuMeter(null));
        try (LoadPoller poller = pollerToNowhere(book, run))
        {
            run.run(poller, TimeUnit.MILLISECONDS.toNanos(100), TimeUnit.MILLISECONDS.toNanos(400));
        }

        // Every message due in the half second was skipped in turn, not held up behind the first one.
        assertEquals(0, run.sent());
        final long due = rate / 2;
        assertTrue(run.lost() > due * 0.9 && run.lost() <= due + 1, "lost " + run.lost() + ", due " + due);
    }

    @Test
    void shouldReportTheLoopIdleWhenItHasNothingToSendOrRead() throws Exception
    {
        final DeviceBook book = bookOfTwo();
        final OpenLoopRun run = new OpenLoopRun(
            List.of(closedConnection(0, book), closedConnection(1, book)), 1_000, 32, new Histogram(3),
            new Histogram(3), new CpuMeter(null));
        try (LoadPoller poller = pollerToNowhere(book, run))
        {
            run.run(poller, TimeUnit.MILLISECONDS.toNanos(50), TimeUnit.MILLISECONDS.toNanos(300));
        }
        final BenchResult result = new BenchResult("pingpong", "switchboard");
        run.cpu().addTo(result);

        // It spun the whole window (its CPU is a core) but did nothing in it.
        final double busyShare = ((Number)result.figures.get("loadBusyShare")).doubleValue();
        assertTrue(busyShare >= 0 && busyShare < 0.1, "busy share " + busyShare);
    }

    @Test
    void shouldRunAWarmUpWithNoMeasuredPeriodAsTheThroughputSearchDoesFirst() throws Exception
    {
        final DeviceBook book = bookOfTwo();
        final LoadConnection a = closedConnection(0, book);
        final LoadConnection b = closedConnection(1, book);
        final OpenLoopRun run = new OpenLoopRun(List.of(a, b), 1_000, 32, new Histogram(3), new Histogram(3),
            new CpuMeter(null));
        try (LoadPoller poller = pollerToNowhere(book, run))
        {
            run.run(poller, TimeUnit.MILLISECONDS.toNanos(100), 0);
        }

        final UnsafeBuffer payload = new UnsafeBuffer(new byte[32]);
        final long lateDueNs = System.nanoTime() - TimeUnit.MILLISECONDS.toNanos(50);
        payload.putLong(0, lateDueNs, ByteOrder.LITTLE_ENDIAN);
        run.onDeliver(b, 10, payload, 0, 32, lateDueNs + TimeUnit.MILLISECONDS.toNanos(5));
        assertEquals(0, run.measuredSent());
        assertEquals(0, run.lateTimeline().lateMessages());
    }

    @Test
    void shouldKeepWarmUpMessagesOutOfTheMeasuredFigures() throws Exception
    {
        final DeviceBook book = bookOfTwo();
        final LoadConnection a = closedConnection(0, book);
        final LoadConnection b = closedConnection(1, book);
        final Histogram deliver = new Histogram(3);
        final Histogram sentAck = new Histogram(3);
        final long warmupNs = TimeUnit.MILLISECONDS.toNanos(200);
        final OpenLoopRun run = new OpenLoopRun(List.of(a, b), 1_000, 32, deliver, sentAck, new CpuMeter(null));
        final long beforeNs = System.nanoTime();
        try (LoadPoller poller = pollerToNowhere(book, run))
        {
            run.run(poller, warmupNs, TimeUnit.MILLISECONDS.toNanos(100));
        }
        final long afterNs = System.nanoTime();

        // A message due early in the warm-up, and one due after the whole run (so inside the measured period).
        final long warmUpDueNs = beforeNs + warmupNs / 4;
        final long measuredDueNs = afterNs;
        final UnsafeBuffer payload = new UnsafeBuffer(new byte[32]);
        payload.putLong(0, warmUpDueNs, ByteOrder.LITTLE_ENDIAN);
        run.onDeliver(b, 10, payload, 0, 32, warmUpDueNs + 1_000);
        run.onSentAck(a, warmUpDueNs, warmUpDueNs + 1_000);
        assertEquals(0, deliver.getTotalCount());
        assertEquals(0, sentAck.getTotalCount());
        assertEquals(0, run.measuredDelivered());

        payload.putLong(0, measuredDueNs, ByteOrder.LITTLE_ENDIAN);
        run.onDeliver(b, 10, payload, 0, 32, measuredDueNs + 5_000);
        run.onSentAck(a, measuredDueNs, measuredDueNs + 3_000);
        assertEquals(1, deliver.getTotalCount());
        assertEquals(1, sentAck.getTotalCount());
        assertEquals(1, run.measuredDelivered());
        assertEquals(2, run.delivered());
    }

    /** Two registered devices, user ids 10 and 11. */
    private DeviceBook bookOfTwo() throws Exception
    {
        final DeviceBook book = DeviceBook.open(dataDir);
        final List<Device> devices = book.missing(2);
        for (int i = 0; i < devices.size(); i++)
        {
            devices.get(i).userId = 10 + i;
            devices.get(i).deviceId = 1;
        }
        book.addRegistered(devices);
        return book;
    }

    /** A connection already gone, so every send it is given counts as lost. */
    private static LoadConnection closedConnection(final int index, final DeviceBook book)
    {
        final LoadConnection connection = new LoadConnection(index, book.get(index), 256);
        connection.state = LoadConnection.State.CLOSED;
        return connection;
    }

    /** A poller aimed at port 1 of loopback, where nothing listens. */
    private static LoadPoller pollerToNowhere(final DeviceBook book, final OpenLoopRun run) throws Exception
    {
        return new LoadPoller(new InetSocketAddress(InetAddress.getLoopbackAddress(), 1),
            List.of(InetAddress.getLoopbackAddress()), book, null, run, 8);
    }
}
