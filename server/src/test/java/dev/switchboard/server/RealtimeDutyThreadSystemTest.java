package dev.switchboard.server;

import dev.switchboard.codec.sbe.DeliverDecoder;
import dev.switchboard.codec.sbe.SentAckDecoder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A server asked to run its duty thread in SCHED_FIFO: where the kernel lets it, exactly that thread is in the
 * real-time class at the asked priority and the compiler threads one above, every other thread as it was; where the
 * kernel refuses, the server says why and runs with every thread in the normal class. Messages flow either way.
 */
@Timeout(120)
@EnabledOnOs(OS.LINUX)
class RealtimeDutyThreadSystemTest
{
    private static final int PRIORITY = 2;
    private static final File SETPRIV = new File("/usr/bin/setpriv");
    private static final File PRLIMIT = new File("/usr/bin/prlimit");
    private static final Pattern APPLIED = Pattern.compile("\\(tid (\\d+)\\) in SCHED_FIFO " + PRIORITY + ", ");

    @TempDir
    File dataDir;

    private ChildServer server;

    @AfterEach
    void stop()
    {
        if (null != server)
        {
            server.close();
        }
    }

    @Test
    void shouldRunOnlyTheDutyThreadInFifoWithTheCompilerThreadsAboveIt() throws Exception
    {
        final int port = ChildServer.freePort();
        server = ChildServer.start(List.of(), dataDir, port, DutyThreadScheduling.PROP_NAME + "=" + PRIORITY);
        assertTrue(server.startLine("threads: layout duty-cycle").contains(
            "; duty thread in SCHED_FIFO " + PRIORITY + ", compiler threads " + (PRIORITY + 1)));
        shouldDeliver(port);

        final String outcome = outcomeLine();
        final Map<Integer, ThreadPolicies.Policy> threads = ThreadPolicies.of(server.process.pid());
        final Matcher applied = APPLIED.matcher(outcome);
        if (!applied.find())
        {
            assertTrue(outcome.contains("duty thread stays in the normal class: sched_setscheduler refused"), outcome);
            threads.values().forEach(thread -> assertEquals(DutyThreadScheduling.SCHED_OTHER, thread.policy,
                thread.toString()));
            return;
        }
        final int dutyThreadId = Integer.parseInt(applied.group(1));
        int compilers = 0;
        for (final Map.Entry<Integer, ThreadPolicies.Policy> entry : threads.entrySet())
        {
            final ThreadPolicies.Policy thread = entry.getValue();
            if (entry.getKey() == dutyThreadId)
            {
                assertTrue(thread.name.startsWith("[edge-poller-0"), thread.toString());
                assertEquals(DutyThreadScheduling.SCHED_FIFO, thread.policy, thread.toString());
                assertEquals(PRIORITY, thread.priority, thread.toString());
            }
            else if (thread.name.contains("CompilerThre"))
            {
                compilers++;
                assertEquals(DutyThreadScheduling.SCHED_FIFO, thread.policy, thread.toString());
                assertEquals(PRIORITY + 1, thread.priority, thread.toString());
            }
            else
            {
                assertEquals(DutyThreadScheduling.SCHED_OTHER, thread.policy, thread.toString());
            }
        }
        assertTrue(threads.containsKey(dutyThreadId), outcome);
        assertTrue(compilers > 0, threads.toString());
    }

    @Test
    void shouldSayWhyAndRunInTheNormalClassWhenTheKernelRefuses() throws Exception
    {
        assumeTrue(SETPRIV.canExecute() && PRLIMIT.canExecute(), "needs setpriv and prlimit (util-linux)");
        final int port = ChildServer.freePort();
        // no CAP_SYS_NICE and no real-time allowance: what an unprivileged service account has
        server = ChildServer.start(
            List.of(PRLIMIT.getPath(), "--rtprio=0", SETPRIV.getPath(), "--bounding-set=-sys_nice",
                "--inh-caps=-sys_nice"),
            dataDir, port, DutyThreadScheduling.PROP_NAME + "=" + PRIORITY);
        shouldDeliver(port);

        final String outcome = outcomeLine();
        assertTrue(outcome.contains("sched_setscheduler refused (errno 1, EPERM: needs CAP_SYS_NICE or an " +
            "RLIMIT_RTPRIO of at least " + (PRIORITY + 1) + "; systemd: LimitRTPRIO=" + (PRIORITY + 1) + ")"), outcome);
        ThreadPolicies.of(server.process.pid()).values().forEach(thread ->
            assertEquals(DutyThreadScheduling.SCHED_OTHER, thread.policy, thread.toString()));
    }

    private void shouldDeliver(final int port) throws IOException, InterruptedException
    {
        final TestConnection alice = ChildServer.registered(dataDir, port, "+15551290001");
        final TestConnection bob = ChildServer.registered(dataDir, port, "+15551290002");
        final byte[] payload = "sent while the duty thread runs real-time".getBytes(StandardCharsets.UTF_8);
        alice.send(1, bob.userId, 0, payload);
        alice.expect(SentAckDecoder.TEMPLATE_ID);
        final DeliverDecoder deliver = bob.expect(DeliverDecoder.TEMPLATE_ID).deliver();
        final byte[] received = new byte[deliver.payloadLength()];
        deliver.getPayload(received, 0, received.length);
        assertArrayEquals(payload, received);
        alice.close();
        bob.close();
    }

    /** The duty thread logs what it did before it runs its first cycle, so before the first message is through. */
    private String outcomeLine()
    {
        return List.copyOf(server.output).stream()
            .filter(line -> line.contains("DutyThreadScheduling - threads: "))
            .findFirst()
            .orElseThrow(() -> new AssertionError(String.join("\n", server.output)));
    }
}
