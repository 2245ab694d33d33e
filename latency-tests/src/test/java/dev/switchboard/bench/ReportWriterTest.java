package dev.switchboard.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReportWriterTest
{
    @TempDir
    File dir;

    @Test
    void shouldWriteAnHgrmPerSeriesTheJsonThePlotAndTheTable() throws Exception
    {
        final BenchResult result = new BenchResult("pingpong", "switchboard");
        for (int i = 1; i <= 1000; i++)
        {
            BenchResult.record(result.series("deliver"), i * 1_000L);
            BenchResult.record(result.series("sent-ack"), i * 500L);
        }
        result.figure("deliveredPerSecond", 19_990.5);
        final File json = new File(dir, "out.json");
        final File plot = new File(dir, "out.svg");

        final List<File> written = ReportWriter.write(
            List.of(result), Map.of("rate", 20000), Map.of(), dir, json, plot);

        assertEquals(4, written.size());
        final String hgrm = Files.readString(new File(dir, "switchboard-pingpong-deliver.hgrm").toPath());
        assertTrue(hgrm.contains("#[Max     =     1000.447"), hgrm);
        final String report = Files.readString(json.toPath());
        assertTrue(report.contains("\"p99Us\": 990.207"), report);
        assertTrue(report.contains("\"hgrm\": \"switchboard-pingpong-sent-ack.hgrm\""), report);
        assertTrue(report.contains("\"cores\": "), report);
        assertTrue(report.contains("\"deliveredPerSecond\": 19990.5"), report);
        assertTrue(Files.readString(plot.toPath()).contains("switchboard pingpong sent-ack"));

        final ByteArrayOutputStream table = new ByteArrayOutputStream();
        ReportWriter.printTable(new PrintStream(table, true, StandardCharsets.UTF_8), List.of(result));
        final String text = table.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("switchboard pingpong deliver"), text);
        assertTrue(text.contains("1000.4"), text);
    }
}
