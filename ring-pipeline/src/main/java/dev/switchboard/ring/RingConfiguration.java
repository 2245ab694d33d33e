package dev.switchboard.ring;

import org.agrona.SystemUtil;

import java.util.concurrent.TimeUnit;

/**
 * Defaults of the ring and its stages, each overridable by a system property (a profile file sets them too).
 */
public final class RingConfiguration
{
    /** Housekeeping (code and journal expiry, stuck readers) runs this often. */
    public static final long TICK_INTERVAL_DEFAULT_NS = TimeUnit.MILLISECONDS.toNanos(100);

    public static final String RING_SIZE_PROP_NAME = "switchboard.ring.size";
    public static final int RING_SIZE_DEFAULT = 16 * 1024;

    public static final String SLOT_FRAME_LENGTH_PROP_NAME = "switchboard.ring.slot.frame.length";
    public static final int SLOT_FRAME_LENGTH_DEFAULT = 1024;

    public static final String LARGE_FRAME_BUFFERS_PROP_NAME = "switchboard.ring.large.frame.buffers";
    public static final int LARGE_FRAME_BUFFERS_DEFAULT = 64;

    public static final String WAIT_STRATEGY_PROP_NAME = "switchboard.ring.wait.strategy";
    public static final String WAIT_STRATEGY_DEFAULT = "phased";

    public static final String FUSED_PROP_NAME = "switchboard.ring.fused";
    public static final String FUSED_DEFAULT = "auto";
    /** Below this many cores the stages share one thread: three stage threads and a poller would fight for cores. */
    public static final int SEPARATE_STAGES_MIN_CORES = 6;

    public static final String DELIVERY_WINDOW_PROP_NAME = "switchboard.delivery.window";
    public static final int DELIVERY_WINDOW_DEFAULT = 64;

    public static final String STUCK_READER_TIMEOUT_PROP_NAME = "switchboard.delivery.stuck.timeout";
    public static final long STUCK_READER_TIMEOUT_DEFAULT_NS = TimeUnit.SECONDS.toNanos(60);

    public static final String CODE_TTL_PROP_NAME = "switchboard.registration.code.ttl";
    public static final long CODE_TTL_DEFAULT_NS = TimeUnit.MINUTES.toNanos(10);

    public static final String CODE_ATTEMPTS_PROP_NAME = "switchboard.registration.code.attempts";
    public static final int CODE_ATTEMPTS_DEFAULT = 5;

    public static final String CODE_INTERVAL_PER_PHONE_PROP_NAME = "switchboard.registration.phone.interval";
    public static final long CODE_INTERVAL_PER_PHONE_DEFAULT_NS = TimeUnit.SECONDS.toNanos(30);

    public static final String CODES_PER_ADDRESS_PROP_NAME = "switchboard.registration.address.codes.per.hour";
    public static final int CODES_PER_ADDRESS_DEFAULT = 20;

    public static final String FRAMES_PER_SECOND_PROP_NAME = "switchboard.session.frames.per.second";
    public static final int FRAMES_PER_SECOND_DEFAULT = 5_000;

    public static final String MAX_REJECTS_PROP_NAME = "switchboard.session.max.rejects";
    public static final int MAX_REJECTS_DEFAULT = 16;

    public static final String SERVICE_TIMES_PROP_NAME = "switchboard.ring.service.times";
    /**
     * Two clock reads per stage per event (System.nanoTime took about 27 ns on a 2-vCPU KVM guest): on unless an
     * operator wants every nanosecond back.
     */
    public static final boolean SERVICE_TIMES_DEFAULT = true;

    public static final String LOGIN_VERIFIER_PROP_NAME = "switchboard.login.verifier";
    /**
     * "thread": login signatures are verified on a thread of their own, which parks when idle; "inline": on the
     * session stage, which then does nothing else for a verify's 42 to 68 us; "auto": a thread when the process may
     * run on two CPUs or more, inline on one, where the thread would only add two hand-offs a login.
     */
    public static final String LOGIN_VERIFIER_DEFAULT = "auto";

    public static final String LOGIN_SIGNATURES_PROP_NAME = "switchboard.login.signatures";
    /**
     * "libsodium": login signatures are verified by libsodium where it is installed (about 42 us each), else by
     * Bouncy Castle; "bouncycastle": always by Bouncy Castle (about 68 us), no native code.
     */
    public static final String LOGIN_SIGNATURES_DEFAULT = LoginVerifier.LIBSODIUM;

    public static final String SIGNED_LOGIN_WINDOW_PROP_NAME = "switchboard.login.signed.window";
    /**
     * How far a LoginSigned's timestamp may be from the server's clock, either way: long enough for a device's clock
     * to drift between logins, short enough that the server remembers few signed logins to refuse replays.
     */
    public static final long SIGNED_LOGIN_WINDOW_DEFAULT_NS = TimeUnit.SECONDS.toNanos(30);

    public static long signedLoginWindowNs()
    {
        return SystemUtil.getDurationInNanos(SIGNED_LOGIN_WINDOW_PROP_NAME, SIGNED_LOGIN_WINDOW_DEFAULT_NS);
    }

    private RingConfiguration()
    {
    }

    public static int ringSize()
    {
        return SystemUtil.getSizeAsInt(RING_SIZE_PROP_NAME, RING_SIZE_DEFAULT);
    }

    public static int slotFrameLength()
    {
        return SystemUtil.getSizeAsInt(SLOT_FRAME_LENGTH_PROP_NAME, SLOT_FRAME_LENGTH_DEFAULT);
    }

    public static int largeFrameBuffers()
    {
        return Integer.getInteger(LARGE_FRAME_BUFFERS_PROP_NAME, LARGE_FRAME_BUFFERS_DEFAULT);
    }

    public static String waitStrategy()
    {
        return System.getProperty(WAIT_STRATEGY_PROP_NAME, WAIT_STRATEGY_DEFAULT);
    }

    /**
     * true, false, or auto (the default): fused on hosts with fewer than {@link #SEPARATE_STAGES_MIN_CORES} cores.
     */
    public static boolean fused()
    {
        final String value = System.getProperty(FUSED_PROP_NAME, FUSED_DEFAULT).trim();
        if ("auto".equals(value))
        {
            return Runtime.getRuntime().availableProcessors() < SEPARATE_STAGES_MIN_CORES;
        }
        return Boolean.parseBoolean(value);
    }

    public static int deliveryWindow()
    {
        return Integer.getInteger(DELIVERY_WINDOW_PROP_NAME, DELIVERY_WINDOW_DEFAULT);
    }

    public static long stuckReaderTimeoutNs()
    {
        return SystemUtil.getDurationInNanos(STUCK_READER_TIMEOUT_PROP_NAME, STUCK_READER_TIMEOUT_DEFAULT_NS);
    }

    public static long codeTtlNs()
    {
        return SystemUtil.getDurationInNanos(CODE_TTL_PROP_NAME, CODE_TTL_DEFAULT_NS);
    }

    public static int codeAttempts()
    {
        return Integer.getInteger(CODE_ATTEMPTS_PROP_NAME, CODE_ATTEMPTS_DEFAULT);
    }

    public static long codeIntervalPerPhoneNs()
    {
        return SystemUtil.getDurationInNanos(CODE_INTERVAL_PER_PHONE_PROP_NAME, CODE_INTERVAL_PER_PHONE_DEFAULT_NS);
    }

    public static int codesPerAddressPerHour()
    {
        return Integer.getInteger(CODES_PER_ADDRESS_PROP_NAME, CODES_PER_ADDRESS_DEFAULT);
    }

    public static int framesPerSecond()
    {
        return Integer.getInteger(FRAMES_PER_SECOND_PROP_NAME, FRAMES_PER_SECOND_DEFAULT);
    }

    public static int maxRejects()
    {
        return Integer.getInteger(MAX_REJECTS_PROP_NAME, MAX_REJECTS_DEFAULT);
    }

    /**
     * Whether login signatures are verified off the ring, on a thread of their own, in a process that may run on
     * this many CPUs.
     */
    public static boolean loginVerifierThread(final int cpus)
    {
        final String value = System.getProperty(LOGIN_VERIFIER_PROP_NAME, LOGIN_VERIFIER_DEFAULT);
        switch (value)
        {
            case "thread":
                return true;
            case "inline":
                return false;
            case "auto":
                return cpus >= 2;
            default:
                throw new IllegalArgumentException(
                    LOGIN_VERIFIER_PROP_NAME + " must be auto, thread or inline: " + value);
        }
    }

    /**
     * {@link #loginVerifierThread(int)} for the CPUs this process may run on.
     */
    public static boolean loginVerifierThread()
    {
        return loginVerifierThread(Runtime.getRuntime().availableProcessors());
    }

    public static String loginSignatures()
    {
        return checkLoginSignatures(System.getProperty(LOGIN_SIGNATURES_PROP_NAME, LOGIN_SIGNATURES_DEFAULT));
    }

    static String checkLoginSignatures(final String value)
    {
        if (!LoginVerifier.LIBSODIUM.equals(value) && !LoginVerifier.BOUNCY_CASTLE.equals(value))
        {
            throw new IllegalArgumentException(
                LOGIN_SIGNATURES_PROP_NAME + " must be " + LoginVerifier.LIBSODIUM + " or " +
                LoginVerifier.BOUNCY_CASTLE + ": " + value);
        }
        return value;
    }

    /**
     * What verifies login signatures in this process for a value of {@link #LOGIN_SIGNATURES_PROP_NAME}: "libsodium",
     * or "Bouncy Castle" with the reason libsodium is not used when it was asked for.
     */
    public static String loginSignaturesVerifiedBy(final String loginSignatures)
    {
        if (LoginVerifier.usesLibsodium(loginSignatures))
        {
            return "libsodium";
        }
        return LoginVerifier.LIBSODIUM.equals(loginSignatures) ?
            "Bouncy Castle (" + LibsodiumEd25519.unavailableBecause() + ")" : "Bouncy Castle";
    }

    /**
     * Whether libsodium could verify login signatures in this process.
     */
    public static boolean libsodiumLoaded()
    {
        return LibsodiumEd25519.isAvailable();
    }

    public static boolean serviceTimes()
    {
        return Boolean.parseBoolean(System.getProperty(SERVICE_TIMES_PROP_NAME, String.valueOf(SERVICE_TIMES_DEFAULT)));
    }
}
