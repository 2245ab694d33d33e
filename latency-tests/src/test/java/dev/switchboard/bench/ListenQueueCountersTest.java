package dev.switchboard.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

class ListenQueueCountersTest
{
    private static final String NAMES = "TcpExt: SyncookiesSent ListenOverflows ListenDrops TCPSynRetrans TCPOrigDataSent";
    private static final String IP_EXT = "IpExt: InNoRoutes InTruncatedPkts\nIpExt: 0 0\n";

    @TempDir
    Path dir;

    @Test
    void shouldReadTheOverflowsAndSynRetransmitsByName() throws Exception
    {
        final Path netstat = write(NAMES + "\nTcpExt: 3 10386 10386 5239 99\n" + IP_EXT);

        assertArrayEquals(new long[]{ 10386, 5239 }, ListenQueueCounters.read(netstat));
    }

    @Test
    void shouldReportTheDeltaOverAStorm() throws Exception
    {
        final Path netstat = write(NAMES + "\nTcpExt: 0 100 100 40 0\n" + IP_EXT);
        final ListenQueueCounters counters = new ListenQueueCounters(netstat);
        counters.start();
        Files.writeString(netstat, NAMES + "\nTcpExt: 0 926 926 866 0\n" + IP_EXT);
        counters.stop();
        final BenchResult result = new BenchResult("login-storm", "switchboard");
        counters.addTo(result);

        final Map<String, Object> figures = result.figures;
        assertEquals(826L, figures.get("listenOverflows"));
        assertEquals(826L, figures.get("synRetransmits"));
    }

    @Test
    void shouldLeaveTheFiguresOutWhereTheCountersCannotBeRead() throws Exception
    {
        assertNull(ListenQueueCounters.read(dir.resolve("absent")));
        assertNull(ListenQueueCounters.read(write("TcpExt: SyncookiesSent\nTcpExt: 1\n" + IP_EXT)));

        final ListenQueueCounters counters = new ListenQueueCounters(dir.resolve("absent"));
        counters.start();
        counters.stop();
        final BenchResult result = new BenchResult("login-storm", "mosquitto");
        counters.addTo(result);
        assertFalse(result.figures.containsKey("listenOverflows"));
    }

    private Path write(final String text) throws Exception
    {
        final Path file = dir.resolve("netstat");
        Files.writeString(file, text);
        return file;
    }
}
