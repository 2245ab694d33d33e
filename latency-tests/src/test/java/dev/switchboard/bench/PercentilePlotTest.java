package dev.switchboard.bench;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PercentilePlotTest
{
    @Test
    void shouldDrawOneLinePerSeriesRisingWithThePercentile()
    {
        final Map<String, Histogram> series = new LinkedHashMap<>();
        final Histogram fast = BenchResult.newHistogram();
        final Histogram slow = BenchResult.newHistogram();
        for (int i = 1; i <= 10_000; i++)
        {
            fast.recordValue(10_000 + i);
            slow.recordValue(1_000_000 + 100L * i);
        }
        series.put("fast", fast);
        series.put("slow", slow);
        series.put("empty", BenchResult.newHistogram());

        final String svg = PercentilePlot.svg("pingpong latency by percentile", series);

        assertTrue(svg.startsWith("<svg"));
        assertEquals(2, count(svg, "<polyline"), "a line per non-empty series");
        assertTrue(svg.contains(">fast<") && svg.contains(">slow<") && svg.contains(">empty<"), "legend");
        assertTrue(svg.contains(">99.9%<") && svg.contains(">10 us<") && svg.contains(">1 ms<"), "axes");
        // y grows downwards in SVG: a later point of a latency line never sits lower on the page than an earlier one.
        final Matcher points = Pattern.compile("points=\"([^\"]*)\"").matcher(svg);
        while (points.find())
        {
            double lastY = Double.MAX_VALUE;
            for (final String point : points.group(1).trim().split(" "))
            {
                final double y = Double.parseDouble(point.split(",")[1]);
                assertTrue(y <= lastY + 0.01, "latency must not fall as the percentile rises");
                lastY = y;
            }
        }
    }

    private static int count(final String text, final String needle)
    {
        int count = 0;
        for (int at = text.indexOf(needle); at >= 0; at = text.indexOf(needle, at + 1))
        {
            count++;
        }
        return count;
    }
}
