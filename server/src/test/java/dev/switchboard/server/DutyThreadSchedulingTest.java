package dev.switchboard.server;

import dev.switchboard.edge.EdgeConfiguration;
import dev.switchboard.edge.EdgeContext;
import dev.switchboard.ring.RingContext;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.SleepingMillisIdleStrategy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DutyThreadSchedulingTest
{
    private DutyThreadScheduling scheduling;

    @AfterEach
    void restore()
    {
        System.clearProperty(DutyThreadScheduling.PROP_NAME);
        System.clearProperty(ThreadLayout.PROP_NAME);
        System.clearProperty(EdgeConfiguration.REPLY_WAIT_PROP_NAME);
        System.clearProperty(EdgeConfiguration.SELECT_SPIN_PROP_NAME);
        if (null != scheduling)
        {
            scheduling.restoreCompilerThreads();
        }
    }

    @Test
    void shouldBeOffByDefaultAndLeaveTheAgentAsItIs()
    {
        final DutyThreadScheduling off = DutyThreadScheduling.fromSystemProperties(true, false);
        final Agent agent = new CountingAgent();

        assertFalse(off.isRequested());
        assertEquals("", off.describe());
        assertSame(agent, off.onStartOf(agent));
    }

    @Test
    void shouldRefuseWhatIsNotAPriority()
    {
        for (final String value : new String[]{ "-1", "99", "fifo", "" })
        {
            System.setProperty(DutyThreadScheduling.PROP_NAME, value);
            final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
                () -> DutyThreadScheduling.fromSystemProperties(true, false), value);
            assertTrue(ex.getMessage().contains("1..98"), ex.getMessage());
        }
    }

    @Test
    void shouldRefuseASpinningIdleStrategy()
    {
        System.setProperty(DutyThreadScheduling.PROP_NAME, "1");
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
            () -> DutyThreadScheduling.fromSystemProperties(true, true));
        assertTrue(ex.getMessage().contains(IdleStrategies.PROP_NAME), ex.getMessage());
    }

    @Test
    void shouldRefuseAPollBeforeBlockingAskedFor()
    {
        System.setProperty(DutyThreadScheduling.PROP_NAME, "1");
        for (final String name : new String[]{
            EdgeConfiguration.REPLY_WAIT_PROP_NAME, EdgeConfiguration.SELECT_SPIN_PROP_NAME })
        {
            System.setProperty(name, "20us");
            final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
                () -> DutyThreadScheduling.fromSystemProperties(true, false), name);
            assertTrue(ex.getMessage().contains(name), ex.getMessage());

            System.setProperty(name, "0");
            assertTrue(DutyThreadScheduling.fromSystemProperties(true, false).isRequested(), name);
            System.clearProperty(name);
        }
    }

    @Test
    void shouldBlockWithoutAReplyWaitInTheRealTimeClassOnly()
    {
        System.setProperty(ThreadLayout.PROP_NAME, ThreadLayout.DUTY_CYCLE);
        assertEquals(EdgeConfiguration.REPLY_WAIT_DEFAULT_NS,
            ThreadLayout.fromSystemProperties().applyTo(new EdgeContext()).replyWaitNs());

        System.setProperty(DutyThreadScheduling.PROP_NAME, "1");
        final ThreadLayout realtime = ThreadLayout.fromSystemProperties();
        final EdgeContext edge = realtime.applyTo(new EdgeContext());
        assertEquals(0, edge.replyWaitNs());
        assertTrue(realtime.describe(edge, new RingContext()).contains("never polling for replies"));
    }

    @Test
    void shouldRefuseTheThreadsLayout()
    {
        System.setProperty(DutyThreadScheduling.PROP_NAME, "1");
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
            () -> DutyThreadScheduling.fromSystemProperties(false, false));
        assertTrue(ex.getMessage().contains(ThreadLayout.PROP_NAME), ex.getMessage());
    }

    @Test
    void shouldReadAThreadsPolicyPastANameWithSpacesAndParentheses()
    {
        final StringBuilder stat = new StringBuilder("4242 (C2 (Compiler) x) S");
        for (int field = 4; field <= 52; field++)
        {
            stat.append(' ').append(40 == field ? 7 : 41 == field ? 1 : 0);
        }
        final ThreadPolicies.Policy policy = ThreadPolicies.parse(stat.append('\n').toString());

        assertEquals("C2 (Compiler) x", policy.name);
        assertEquals(1, policy.policy);
        assertEquals(7, policy.priority);
    }

    @Test
    @Timeout(30)
    @EnabledOnOs(OS.LINUX)
    void shouldPutTheAgentsThreadInFifoWithTheCompilerThreadsOneAboveOrChangeNothing() throws Exception
    {
        System.setProperty(DutyThreadScheduling.PROP_NAME, "3");
        scheduling = DutyThreadScheduling.fromSystemProperties(true, false);
        final CountingAgent agent = new CountingAgent();
        final AgentRunner runner = new AgentRunner(
            new SleepingMillisIdleStrategy(1), Throwable::printStackTrace, null, scheduling.onStartOf(agent));
        AgentRunner.startOnThread(runner);
        try
        {
            final String tid = agent.threadId.get(10, TimeUnit.SECONDS);
            final Map<Integer, ThreadPolicies.Policy> threads = ThreadPolicies.of(ProcessHandle.current().pid());
            final ThreadPolicies.Policy duty = threads.get(Integer.parseInt(tid));
            final boolean applied = DutyThreadScheduling.SCHED_FIFO == duty.policy;
            for (final Map.Entry<Integer, ThreadPolicies.Policy> thread : threads.entrySet())
            {
                final ThreadPolicies.Policy policy = thread.getValue();
                final boolean compiler = DutyThreadScheduling.compilerThreadIds().contains(thread.getKey());
                if (!applied || (!compiler && thread.getKey() != Integer.parseInt(tid)))
                {
                    assertEquals(DutyThreadScheduling.SCHED_OTHER, policy.policy, policy.toString());
                }
                else
                {
                    assertEquals(DutyThreadScheduling.SCHED_FIFO, policy.policy, policy.toString());
                    assertEquals(compiler ? 4 : 3, policy.priority, policy.toString());
                }
            }
            assertFalse(DutyThreadScheduling.compilerThreadIds().isEmpty());
            assertEquals(DutyThreadScheduling.SCHED_OTHER, agent.childPolicy.get(10, TimeUnit.SECONDS).policy,
                "a thread the agent's thread starts begins in the normal class");
        }
        finally
        {
            runner.close();
        }
    }

    private static final class CountingAgent implements Agent
    {
        final CompletableFuture<String> threadId = new CompletableFuture<>();
        final CompletableFuture<ThreadPolicies.Policy> childPolicy = new CompletableFuture<>();
        private boolean started;

        public void onStart()
        {
            try
            {
                threadId.complete(Files.readSymbolicLink(Path.of("/proc/thread-self")).getFileName().toString());
            }
            catch (final Exception ex)
            {
                threadId.completeExceptionally(ex);
            }
        }

        public int doWork()
        {
            if (!started)
            {
                started = true;
                final Thread child = new Thread(() ->
                {
                    try
                    {
                        childPolicy.complete(ThreadPolicies.parse(Files.readString(Path.of("/proc/thread-self/stat"))));
                    }
                    catch (final Exception ex)
                    {
                        childPolicy.completeExceptionally(ex);
                    }
                });
                child.start();
            }
            return 0;
        }

        public String roleName()
        {
            return "counting";
        }
    }
}
