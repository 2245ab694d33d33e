package dev.switchboard.bench;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The outcome of one soak run: the ledger's verdict, the journal records left after the final clean stop, and how
 * the run went. It passes when nothing acknowledged was lost, nothing was shown twice, nothing came out of order,
 * the journal is empty, nothing reached the wrong device and the final drain completed.
 */
final class SoakResult
{
    final String syncPolicy;
    final int kills;
    final int serverStarts;
    final SoakLedger.Verdict verdict;
    final long journalRecordsLeft;
    final boolean drained;
    final long durationMs;
    final Map<String, Object> details = new LinkedHashMap<>();

    SoakResult(
        final String syncPolicy,
        final int kills,
        final int serverStarts,
        final SoakLedger.Verdict verdict,
        final long journalRecordsLeft,
        final boolean drained,
        final long durationMs)
    {
        this.syncPolicy = syncPolicy;
        this.kills = kills;
        this.serverStarts = serverStarts;
        this.verdict = verdict;
        this.journalRecordsLeft = journalRecordsLeft;
        this.drained = drained;
        this.durationMs = durationMs;
    }

    boolean passed()
    {
        return 0 == verdict.lostMessages && 0 == verdict.duplicates() && 0 == verdict.reordered &&
            0 == journalRecordsLeft && 0 == verdict.misrouted && drained;
    }

    /**
     * One line: kills, messages sent, acknowledged, delivered, the four counts, duration and the outcome.
     */
    String summary()
    {
        return String.format("soak sync=%s: kills %d, sent %d, acknowledged %d, delivered %d (expected %d), " +
            "lost %d%s, duplicates %d, reordered %d, journal records left %d, %.1f s: %s",
            syncPolicy,
            kills,
            verdict.sent,
            verdict.acknowledged,
            verdict.delivered,
            verdict.expectedDeliveries,
            verdict.lostMessages,
            0 == verdict.lostStillInJournal ? "" : " (" + verdict.lostStillInJournal + " still in the journal)",
            verdict.duplicates(),
            verdict.reordered,
            journalRecordsLeft,
            durationMs / 1000.0,
            passed() ? "PASS" : "FAIL" + (drained ? "" : " (drain incomplete)") +
                (0 == verdict.misrouted ? "" : " (" + verdict.misrouted + " misrouted)"));
    }

    Map<String, Object> toMap()
    {
        final Map<String, Object> map = new LinkedHashMap<>();
        map.put("syncPolicy", syncPolicy);
        map.put("passed", passed());
        map.put("kills", kills);
        map.put("serverStarts", serverStarts);
        map.put("lostMessages", verdict.lostMessages);
        map.put("duplicates", verdict.duplicates());
        map.put("reordered", verdict.reordered);
        map.put("journalRecordsLeft", journalRecordsLeft);
        map.put("drained", drained);
        map.put("durationMs", durationMs);
        map.put("messages", verdict.toMap());
        map.putAll(details);
        return map;
    }
}
