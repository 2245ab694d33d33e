package dev.switchboard.journal;

import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JournalCrashTest
{
    private static final int KILLS = 3;

    @TempDir
    File dir;

    private Process process;
    private Journal journal;

    @AfterEach
    void after()
    {
        if (null != process)
        {
            process.destroyForcibly();
        }
        CloseHelper.close(journal);
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void shouldKeepEveryReportedAppendExactlyOnceInOrderAfterKillMinusNine() throws Exception
    {
        final Random random = new Random();
        final Set<Long> appended = new HashSet<>();
        final Set<Long> deleted = new HashSet<>();
        long nextId = 1;
        for (int run = 0; run < KILLS; run++)
        {
            final long firstId = nextId;
            final List<String> lines = runAndKill(firstId, 300 + random.nextInt(1_200));
            assertTrue(lines.size() > 10, "child reported too little: " + lines);
            assertEquals("R " + (firstId - 1) + ";", lines.get(0));
            long lastAppended = firstId - 1;
            for (final String line : lines.subList(1, lines.size()))
            {
                final long id = Long.parseLong(line.substring(2, line.length() - 1));
                if (line.startsWith("A "))
                {
                    appended.add(id);
                    lastAppended = id;
                }
                else
                {
                    deleted.add(id);
                }
            }

            journal = Journal.open(new JournalContext()
                .dataDir(new File(dir, "journal"))
                .segmentLength(CrashingAppender.SEGMENT_LENGTH)
                .maxPayloadLength(1024)
                .syncPolicy(SyncPolicy.NONE));
            final String found = journal.recoveryReport().toString();
            assertTrue(journal.maxMessageId() >= lastAppended, journal.maxMessageId() + " < " + lastAppended + found);
            assertTrue(journal.maxMessageId() <= lastAppended + 1, journal.maxMessageId() + " > 1 + " + lastAppended +
                " in run " + run + found);
            verify(appended, deleted, lastAppended, journal.maxMessageId());
            assertEquals(journal.counters().liveEntries(), journal.segmentLiveRefs());

            // anything appended but not reported is now known to the journal and must count as appended
            for (long id = lastAppended + 1; id <= journal.maxMessageId(); id++)
            {
                appended.add(id);
            }
            // a delete in flight at the kill may or may not have landed: settle it as the journal says
            final long inFlight = lastAppended - 1;
            if (appended.contains(inFlight) && CrashingAppender.isAcked(inFlight) && !deleted.contains(inFlight) &&
                0 == countOf(inFlight))
            {
                deleted.add(inFlight);
            }
            nextId = journal.maxMessageId() + 1;
            journal.close();
            journal = null;
        }
    }

    private int countOf(final long id)
    {
        final int[] found = {0};
        journal.read(CrashingAppender.userOf(id), 1, id - 1, 1,
            (u, d, messageId, s, sd, c, t, k, b, o, l) ->
            {
                if (messageId == id)
                {
                    found[0]++;
                }
                return true;
            });
        return found[0];
    }

    private void verify(final Set<Long> appended, final Set<Long> deleted, final long lastAppended, final long maxId)
    {
        final Map<Long, List<Long>> byUser = new HashMap<>();
        final AtomicLong bad = new AtomicLong();
        journal.forEachRecord((user, device, messageId, s, sd, correlationId, t, k, buffer, offset, length) ->
        {
            byUser.computeIfAbsent(user, (u) -> new ArrayList<>()).add(messageId);
            if (!isIntact(buffer, offset, length, messageId) || correlationId != messageId || 1 != device)
            {
                bad.incrementAndGet();
            }
            return true;
        });
        assertEquals(0, bad.get(), "damaged records");

        final Set<Long> present = new HashSet<>();
        for (final Map.Entry<Long, List<Long>> entry : byUser.entrySet())
        {
            long previous = 0;
            for (final long id : entry.getValue())
            {
                final long before = previous;
                // messages built only on failure: the lists are long and this runs for every record
                assertTrue(id > before, () -> "out of order for user " + entry.getKey() + ": " + entry.getValue());
                assertEquals(entry.getKey(), CrashingAppender.userOf(id));
                assertTrue(present.add(id), () -> "twice: " + id);
                previous = id;
            }
        }

        for (final long id : appended)
        {
            final boolean ambiguous = id == lastAppended - 1;
            if (deleted.contains(id))
            {
                assertFalse(present.contains(id), "acknowledged but back: " + id);
            }
            else if (!ambiguous)
            {
                assertTrue(present.contains(id), "reported but lost: " + id);
            }
        }
        for (final long id : present)
        {
            assertTrue(appended.contains(id) || (id > lastAppended && id <= maxId), "never appended: " + id);
        }
        assertFalse(present.isEmpty());
        assertTrue(Arrays.stream(present.toArray(new Long[0])).anyMatch((id) -> id % 10 == 0));
    }

    private static boolean isIntact(final DirectBuffer buffer, final int offset, final int length, final long id)
    {
        return 200 == length && buffer.getLong(offset) == id && buffer.getLong(offset + 192) == ~id;
    }

    private List<String> runAndKill(final long firstId, final long killAfterMs) throws Exception
    {
        final List<String> command = new ArrayList<>();
        command.add(new File(System.getProperty("java.home"), "bin/java").getPath());
        command.addAll(Arrays.asList(System.getProperty("switchboard.jvm.flags", "").trim().split("\\s+")));
        command.add("-cp");
        command.add(System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")));
        command.add(CrashingAppender.class.getName());
        command.add(new File(dir, "journal").getPath());
        command.add(Long.toString(firstId));
        command.removeIf(String::isEmpty);

        final File reportFile = new File(dir, "report-" + firstId + ".txt");
        command.add(reportFile.getPath());
        process = new ProcessBuilder(command)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();

        // wait until the child runs, then let it go on for a random while before SIGKILL
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (reportFile.length() < 64 && System.nanoTime() - deadlineNs < 0 && process.isAlive())
        {
            Thread.sleep(5);
        }
        Thread.sleep(killAfterMs);
        process.destroyForcibly();
        assertTrue(process.waitFor(30, TimeUnit.SECONDS));
        process = null;

        // a line cut by the kill is not a report
        final List<String> whole = new ArrayList<>();
        for (final String line : Files.readAllLines(reportFile.toPath(), StandardCharsets.US_ASCII))
        {
            if (line.matches("[ARD] \\d+;"))
            {
                whole.add(line);
            }
        }
        Files.delete(reportFile.toPath());
        return whole;
    }

}
