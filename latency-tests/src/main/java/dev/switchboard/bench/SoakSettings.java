package dev.switchboard.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a soak run does: how many senders and recipients, how often the server is killed, for how long, under which
 * journal sync policies, and where the server's classes come from. Fields are package-private and set directly by
 * {@link BenchCli} and by the test; the defaults are those of {@code switchboard bench soak}.
 */
final class SoakSettings
{
    static final List<String> SYNC_POLICIES = List.of("none", "batch", "always");

    int senders = 4;
    int recipients = 4;
    /** SIGKILLs per sync policy, at least (graceful stops instead when {@link #gracefulStops}). */
    int kills = 10;
    /** Stop the server with SIGTERM, its graceful shutdown (Goodbye to clients), instead of SIGKILL. */
    boolean gracefulStops;
    /** Sending lasts at least this long, and until every kill has happened. */
    long durationMs = 60_000;
    /** Sends per second over all senders; a quarter of it under sync always (see {@link #rateFor}). */
    int sendRate = 200;
    /** A sender with this many sends not yet acknowledged skips its turn, so a slow server is not buried. */
    int maxPendingPerSender = 1_000;
    List<String> syncPolicies = List.of("batch");
    String profile = "balanced";
    long seed = System.nanoTime();
    /** After a restart, once every running client has logged in again, the server serves at least this long. */
    long minUpMs = 100;
    /** A device closed by the churn stays closed up to this long. */
    long maxOfflineMs = 2_500;
    /** Mean time between two devices going offline. */
    long churnIntervalMs = 400;
    /** After sending stops, how long every device may take to get everything. */
    long drainTimeoutMs = 60_000;
    /** The drain ends after this long with no callback on any device. */
    long quietMs = 1_000;
    List<String> serverOptions = new ArrayList<>();
    /** The server's classpath and the JVM flags its JVM needs. */
    String serverClasspath;
    List<String> serverJvmFlags = new ArrayList<>();

    /**
     * Recipients with an odd index have a second device, linked to the first (their primary) with a link code.
     */
    int devicesOf(final int recipient)
    {
        return 1 == (recipient & 1) ? 2 : 1;
    }

    /**
     * The send rate under a sync policy: always forces every append and delete on its own (some 5 to 9 fsyncs per
     * message with receipts and two devices), so it gets a quarter of the rate to stay within a plain disk's reach.
     */
    int rateFor(final String syncPolicy)
    {
        return "always".equals(syncPolicy) ? Math.max(1, sendRate / 4) : sendRate;
    }

    void validate()
    {
        if (senders < 1 || recipients < 1 || kills < 0 || durationMs < 0 || sendRate < 1 || minUpMs < 0 ||
            maxPendingPerSender < 1)
        {
            throw new IllegalArgumentException("soak: senders, recipients and rate must be positive, kills and " +
                "duration not negative");
        }
        for (final String policy : syncPolicies)
        {
            if (!SYNC_POLICIES.contains(policy))
            {
                throw new IllegalArgumentException("soak: unknown sync policy " + policy + "; one of " +
                    SYNC_POLICIES + " or all");
            }
        }
        if (null == serverClasspath)
        {
            throw new IllegalArgumentException("soak: no server classpath");
        }
    }

    Map<String, Object> toMap()
    {
        final Map<String, Object> map = new LinkedHashMap<>();
        map.put("scenario", "soak");
        map.put("senders", senders);
        map.put("recipients", recipients);
        int recipientDevices = 0;
        for (int r = 0; r < recipients; r++)
        {
            recipientDevices += devicesOf(r);
        }
        map.put("recipientDevices", recipientDevices);
        map.put("killsPerPolicy", kills);
        map.put("stopSignal", gracefulStops ? "SIGTERM" : "SIGKILL");
        map.put("durationMs", durationMs);
        map.put("sendRatePerSecond", sendRate);
        map.put("sendRatePerSecondAlways", rateFor("always"));
        map.put("maxPendingPerSender", maxPendingPerSender);
        map.put("syncPolicies", syncPolicies);
        map.put("profile", profile);
        map.put("seed", seed);
        map.put("minUpMs", minUpMs);
        map.put("maxOfflineMs", maxOfflineMs);
        map.put("churnIntervalMs", churnIntervalMs);
        map.put("drainTimeoutMs", drainTimeoutMs);
        map.put("quietMs", quietMs);
        map.put("serverOptions", serverOptions);
        return map;
    }
}
