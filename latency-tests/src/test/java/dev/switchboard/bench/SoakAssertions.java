package dev.switchboard.bench;

import org.junit.jupiter.api.function.Executable;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What every soak must show, however the server was stopped: enough stops and sends, everyone drained, nothing lost,
 * doubled, reordered or misrouted, and an empty journal at the end.
 */
final class SoakAssertions
{
    private SoakAssertions()
    {
    }

    static void assertNothingLost(
        final SoakResult result, final int minStops, final long minAcknowledged, final Executable... more)
    {
        final SoakLedger.Verdict verdict = result.verdict;
        final String why = result.summary() + "\n" + String.join("\n", verdict.examples) + "\n" + result.details;
        final List<Executable> checks = new ArrayList<>(List.of(
            () -> assertTrue(result.kills >= minStops, "stops: " + why),
            () -> assertTrue(verdict.acknowledged >= minAcknowledged, "acknowledged: " + why),
            () -> assertTrue(result.drained, "drained: " + why),
            () -> assertEquals(0, verdict.lostMessages, "lost: " + why),
            () -> assertEquals(0, verdict.duplicates(), "duplicates: " + why),
            () -> assertEquals(0, verdict.reordered, "reordered: " + why),
            () -> assertEquals(0, result.journalRecordsLeft, "journal records left: " + why),
            () -> assertEquals(0, verdict.misrouted, "misrouted: " + why)));
        checks.addAll(List.of(more));
        assertAll(checks);
    }
}
