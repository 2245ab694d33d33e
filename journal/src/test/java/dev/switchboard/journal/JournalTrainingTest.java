package dev.switchboard.journal;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.File;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JournalTrainingTest
{
    @ParameterizedTest
    @EnumSource(SyncPolicy.class)
    void shouldRollReclaimAndReadBehindTheTailHundredsOfTimes(final SyncPolicy syncPolicy)
    {
        final Set<String> before = trainingFolders();

        final JournalTraining.Report report = JournalTraining.train(syncPolicy);

        assertTrue(report.reclaimedSegments >= 100, "reclaimed " + report.reclaimedSegments + " segments");
        assertTrue(report.tailAlone >= 1_000, "the tail alone after " + report.tailAlone + " records");
        assertTrue(report.segmentsCreatedInline >= 1, "made " + report.segmentsCreatedInline + " segments inline");
        assertEquals(JournalTraining.RECORDS, report.recordsRead);
        assertEquals(JournalTraining.RECORDS, report.deletes);
        assertTrue(report.resendsFound >= JournalTraining.RECORDS / 2, "found " + report.resendsFound + " resends");
        assertEquals(before, trainingFolders(), "the scratch folder is deleted");
    }

    private static Set<String> trainingFolders()
    {
        final String[] names = new File(System.getProperty("java.io.tmpdir"))
            .list((dir, name) -> name.startsWith(JournalTraining.FOLDER_PREFIX));
        return null == names ? Set.of() : new HashSet<>(Arrays.asList(names));
    }
}
