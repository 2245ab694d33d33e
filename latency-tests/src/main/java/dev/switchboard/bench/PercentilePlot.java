package dev.switchboard.bench;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;

import java.util.List;
import java.util.Map;

/**
 * An SVG percentile plot of latency series: x is the percentile on the usual log scale (1 / (1 - p), so 90%, 99%,
 * 99.9% are evenly spaced), y is latency in microseconds on a log scale.
 */
final class PercentilePlot
{
    private static final String[] COLOURS =
        { "#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#7f7f7f" };
    private static final int WIDTH = 900;
    private static final int HEIGHT = 540;
    private static final int LEFT = 80;
    private static final int RIGHT = 260;
    private static final int TOP = 40;
    private static final int BOTTOM = 60;
    private static final double MAX_NINES = 6.0;

    private PercentilePlot()
    {
    }

    /**
     * Render every named series (nanoseconds) into one SVG document.
     */
    static String svg(final String title, final Map<String, Histogram> series)
    {
        double minUs = Double.MAX_VALUE;
        double maxUs = 0;
        for (final Histogram histogram : series.values())
        {
            if (histogram.getTotalCount() > 0)
            {
                minUs = Math.min(minUs, Math.max(0.1, histogram.getMinValue() / 1000.0));
                maxUs = Math.max(maxUs, histogram.getMaxValue() / 1000.0);
            }
        }
        if (maxUs == 0)
        {
            minUs = 1;
            maxUs = 10;
        }
        final double yLow = Math.floor(Math.log10(minUs));
        final double yHigh = Math.max(yLow + 1, Math.ceil(Math.log10(maxUs)));
        final int plotWidth = WIDTH - LEFT - RIGHT;
        final int plotHeight = HEIGHT - TOP - BOTTOM;

        final StringBuilder svg = new StringBuilder();
        svg.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(WIDTH).append("\" height=\"")
            .append(HEIGHT).append("\" font-family=\"sans-serif\" font-size=\"12\">\n");
        svg.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
        svg.append("<text x=\"").append(WIDTH / 2).append("\" y=\"22\" text-anchor=\"middle\" font-size=\"15\">")
            .append(escape(title)).append("</text>\n");

        for (int nines = 0; nines <= MAX_NINES; nines++)
        {
            final double x = LEFT + plotWidth * nines / MAX_NINES;
            svg.append(line(x, TOP, x, TOP + plotHeight, "#dddddd"));
            svg.append("<text x=\"").append(fmt(x)).append("\" y=\"").append(TOP + plotHeight + 18)
                .append("\" text-anchor=\"middle\">").append(percentileLabel(nines)).append("</text>\n");
        }
        for (double decade = yLow; decade <= yHigh; decade++)
        {
            final double y = TOP + plotHeight - plotHeight * (decade - yLow) / (yHigh - yLow);
            svg.append(line(LEFT, y, LEFT + plotWidth, y, "#dddddd"));
            svg.append("<text x=\"").append(LEFT - 6).append("\" y=\"").append(fmt(y + 4))
                .append("\" text-anchor=\"end\">").append(microsLabel(Math.pow(10, decade))).append("</text>\n");
        }
        svg.append("<text x=\"").append(LEFT + plotWidth / 2).append("\" y=\"").append(HEIGHT - 15)
            .append("\" text-anchor=\"middle\">percentile</text>\n");
        svg.append("<text x=\"18\" y=\"").append(TOP + plotHeight / 2).append("\" text-anchor=\"middle\" ")
            .append("transform=\"rotate(-90 18 ").append(TOP + plotHeight / 2).append(")\">latency (us, log)</text>\n");

        int colour = 0;
        for (final Map.Entry<String, Histogram> entry : series.entrySet())
        {
            final Histogram histogram = entry.getValue();
            final String stroke = COLOURS[colour % COLOURS.length];
            final double legendY = TOP + 10 + colour * 20;
            svg.append(line(WIDTH - RIGHT + 15, legendY, WIDTH - RIGHT + 40, legendY, stroke));
            svg.append("<text x=\"").append(WIDTH - RIGHT + 46).append("\" y=\"").append(fmt(legendY + 4))
                .append("\">").append(escape(entry.getKey())).append("</text>\n");
            colour++;
            if (histogram.getTotalCount() == 0)
            {
                continue;
            }
            svg.append("<polyline fill=\"none\" stroke-width=\"2\" stroke=\"").append(stroke).append("\" points=\"");
            for (final HistogramIterationValue value : histogram.percentiles(5))
            {
                final double percentile = Math.min(value.getPercentileLevelIteratedTo(), 99.9999);
                final double nines = Math.min(MAX_NINES, Math.log10(100.0 / (100.0 - percentile)));
                final double us = Math.max(Math.pow(10, yLow), value.getValueIteratedTo() / 1000.0);
                final double x = LEFT + plotWidth * nines / MAX_NINES;
                final double y = TOP + plotHeight - plotHeight * (Math.log10(us) - yLow) / (yHigh - yLow);
                svg.append(fmt(x)).append(',').append(fmt(y)).append(' ');
            }
            svg.append("\"/>\n");
        }
        svg.append("<rect x=\"").append(LEFT).append("\" y=\"").append(TOP).append("\" width=\"").append(plotWidth)
            .append("\" height=\"").append(plotHeight).append("\" fill=\"none\" stroke=\"black\"/>\n");
        svg.append("</svg>\n");
        return svg.toString();
    }

    static List<String> percentileLabels()
    {
        return List.of(percentileLabel(0), percentileLabel(1), percentileLabel(2), percentileLabel(3));
    }

    private static String percentileLabel(final int nines)
    {
        switch (nines)
        {
            case 0:
                return "0%";
            case 1:
                return "90%";
            case 2:
                return "99%";
            default:
                return "99." + "9".repeat(nines - 2) + "%";
        }
    }

    private static String microsLabel(final double us)
    {
        if (us >= 1_000_000)
        {
            return fmtNumber(us / 1_000_000) + " s";
        }
        if (us >= 1_000)
        {
            return fmtNumber(us / 1_000) + " ms";
        }
        return fmtNumber(us) + " us";
    }

    private static String fmtNumber(final double value)
    {
        return value >= 1 ? Long.toString(Math.round(value)) : Double.toString(value);
    }

    private static String line(final double x1, final double y1, final double x2, final double y2, final String colour)
    {
        return "<line x1=\"" + fmt(x1) + "\" y1=\"" + fmt(y1) + "\" x2=\"" + fmt(x2) + "\" y2=\"" + fmt(y2) +
            "\" stroke=\"" + colour + "\"/>\n";
    }

    private static String fmt(final double value)
    {
        return String.format(java.util.Locale.ROOT, "%.1f", value);
    }

    private static String escape(final String text)
    {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
