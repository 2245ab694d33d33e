package dev.switchboard.ring;

import org.agrona.concurrent.Agent;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.OneToOneConcurrentArrayQueue;

import java.lang.invoke.VarHandle;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Verifies login signatures on a thread of its own, so a reconnect storm (an Ed25519 verify takes 40 to 70 us) does
 * not stall every message behind it on the ring, and a second core can share the work. The session stage hands it a
 * {@link LoginCheck}; it publishes the verdict back into the ring as a control event, where
 * {@link LoginVerdictFlow} finishes the login in order with everything else the session stage does.
 * <p>
 * It parks when it has nothing to do and the session stage unparks it, so an idle server spends nothing here. Checks
 * come from a fixed pool owned by the session stage; when none is free the stage verifies inline, as before.
 */
final class LoginVerifierAgent implements Agent
{
    /** A bound on a missed unpark, and how soon a close is noticed. */
    static final long MAX_PARK_NS = TimeUnit.MILLISECONDS.toNanos(50);

    private final LoginCheck[] freeChecks;
    private int freeCount;
    private final OneToOneConcurrentArrayQueue<LoginCheck> pending;
    private final LoginVerifier verifier;
    private final RingPublisher publisher;
    private final IdleStrategy publishIdle = new BackoffIdleStrategy();
    private final IdleStrategy parkWhenIdle = new ParkWhenIdle();
    private volatile Runnable afterVerdicts = () -> {};
    private volatile Thread thread;
    private volatile boolean parked;

    LoginVerifierAgent(final int capacity, final RingPublisher publisher, final String loginSignatures)
    {
        this.publisher = publisher;
        verifier = new LoginVerifier(loginSignatures);
        pending = new OneToOneConcurrentArrayQueue<>(capacity);
        freeChecks = new LoginCheck[pending.capacity()];
        for (int i = 0; i < freeChecks.length; i++)
        {
            freeChecks[i] = new LoginCheck();
        }
        freeCount = freeChecks.length;
    }

    /**
     * A free check to fill, or null when every one is in flight; session stage only.
     */
    LoginCheck acquire()
    {
        return freeCount > 0 ? freeChecks[--freeCount] : null;
    }

    /**
     * Take back a check whose verdict the session stage has read; session stage only.
     */
    void release(final LoginCheck check)
    {
        check.clear();
        freeChecks[freeCount++] = check;
    }

    /**
     * Checks handed out and not yet taken back; read by tests from another thread, so only a hint there.
     */
    int inFlight()
    {
        return freeChecks.length - freeCount;
    }

    /**
     * Queue a filled check for verification and wake the verifier if it parks; session stage only. There is always
     * room: the queue holds as many checks as the pool.
     */
    void submit(final LoginCheck check)
    {
        pending.offer(check);
        // Orders the offer before the read of parked, mirroring the verifier's write of it before its last look.
        VarHandle.fullFence();
        if (parked)
        {
            LockSupport.unpark(thread);
        }
    }

    /**
     * What to run after publishing verdicts: wake the thread that runs the ring if it may block (the duty cycle's
     * selector). Set once the edge is up.
     */
    void afterVerdicts(final Runnable afterVerdicts)
    {
        this.afterVerdicts = afterVerdicts;
    }

    IdleStrategy idleStrategy()
    {
        return parkWhenIdle;
    }

    public void onStart()
    {
        thread = Thread.currentThread();
    }

    public int doWork()
    {
        int verdicts = 0;
        LoginCheck check;
        while (null != (check = pending.poll()))
        {
            check.verified = verifier.verify(check.loginKey, check.message, check.signature, check.signatureLength);
            publishIdle.reset();
            while (!publisher.publishLoginVerdict(check))
            {
                // The ring is full: the stages are draining it; the verdict must not be dropped or the login hangs.
                if (Thread.currentThread().isInterrupted())
                {
                    return verdicts; // closing: the stages are gone
                }
                publishIdle.idle();
            }
            verdicts++;
        }
        if (verdicts > 0)
        {
            afterVerdicts.run();
        }
        return verdicts;
    }

    public String roleName()
    {
        return "login-verifier";
    }

    /**
     * Park until unparked by {@link #submit}, or for {@link #MAX_PARK_NS} at most.
     */
    private final class ParkWhenIdle implements IdleStrategy
    {
        public void idle(final int workCount)
        {
            if (workCount <= 0)
            {
                idle();
            }
        }

        public void idle()
        {
            parked = true;
            VarHandle.fullFence();
            if (pending.isEmpty())
            {
                LockSupport.parkNanos(this, MAX_PARK_NS);
            }
            parked = false;
        }

        public void reset()
        {
        }
    }
}
