package dev.switchboard.server;

import dev.switchboard.ring.ServiceTimeHistogram;
import dev.switchboard.ring.ServiceTimeSnapshot;
import org.agrona.concurrent.status.CountersReader;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The counters and the per-stage service times in the Prometheus text exposition format (version 0.0.4).
 * <p>
 * Each counter becomes its own untyped metric named from its label, {@code "ring: messages-stored"} as
 * {@code switchboard_ring_messages_stored}, with the label as its help text (most are totals; a few, such as
 * {@code connections-open}, are gauges). The service-time histograms become one summary,
 * {@code switchboard_service_time_seconds{stage="ring: session service-time",quantile="0.99"}}, quantiles to bucket
 * precision (the same as {@code switchboard stat --histograms}), with {@code _count}; there is no {@code _sum}, as the
 * histograms keep buckets, not totals.
 */
final class PrometheusText
{
    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
    static final String PREFIX = "switchboard_";
    static final String SERVICE_TIME = PREFIX + "service_time_seconds";
    static final double[] QUANTILES = { 0.5, 0.9, 0.99, 0.999, 1.0 };

    private PrometheusText()
    {
    }

    /** Everything the reader holds now. */
    static String render(final CountersReader reader)
    {
        final StringBuilder out = new StringBuilder(16 * 1024);
        final Set<String> names = new HashSet<>();
        reader.forEach((counterId, typeId, keyBuffer, label) ->
        {
            if (ServiceTimeHistogram.HISTOGRAM_TYPE_ID == typeId || ServiceTimeHistogram.BUCKET_TYPE_ID == typeId)
            {
                return;
            }
            String name = metricName(label);
            if (!names.add(name))
            {
                name = name + "_" + counterId;
                names.add(name);
            }
            out.append("# HELP ").append(name).append(' ').append(escapeHelp(label)).append('\n')
                .append("# TYPE ").append(name).append(" untyped\n")
                .append(name).append(' ').append(reader.getCounterValue(counterId)).append('\n');
        });

        final List<ServiceTimeSnapshot> serviceTimes = ServiceTimeSnapshot.readAll(reader);
        if (!serviceTimes.isEmpty())
        {
            out.append("# HELP ").append(SERVICE_TIME)
                .append(" Service time per ring stage, quantiles to bucket precision\n")
                .append("# TYPE ").append(SERVICE_TIME).append(" summary\n");
            for (final ServiceTimeSnapshot snapshot : serviceTimes)
            {
                final String stage = escapeLabel(snapshot.name());
                for (final double quantile : QUANTILES)
                {
                    final long valueNs = 0 == snapshot.totalCount() ? 0 : snapshot.valueAtPercentile(quantile * 100);
                    out.append(SERVICE_TIME).append("{stage=\"").append(stage).append("\",quantile=\"")
                        .append(quantile).append("\"} ").append(valueNs / 1e9).append('\n');
                }
                out.append(SERVICE_TIME).append("_count{stage=\"").append(stage).append("\"} ")
                    .append(snapshot.totalCount()).append('\n');
            }
        }
        return out.toString();
    }

    /** {@code "edge-poller-0: frames-in"} as {@code switchboard_edge_poller_0_frames_in}. */
    static String metricName(final String label)
    {
        final StringBuilder name = new StringBuilder(PREFIX.length() + label.length()).append(PREFIX);
        boolean underscore = true;
        for (int i = 0; i < label.length(); i++)
        {
            final char c = Character.toLowerCase(label.charAt(i));
            if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
            {
                name.append(c);
                underscore = false;
            }
            else if (!underscore)
            {
                name.append('_');
                underscore = true;
            }
        }
        if (name.charAt(name.length() - 1) == '_')
        {
            name.setLength(name.length() - 1);
        }
        return name.toString();
    }

    private static String escapeHelp(final String text)
    {
        return text.replace("\\", "\\\\").replace("\n", "\\n");
    }

    private static String escapeLabel(final String text)
    {
        return escapeHelp(text).replace("\"", "\\\"");
    }
}
