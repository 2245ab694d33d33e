package dev.switchboard.server;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.agrona.SystemUtil;
import org.agrona.concurrent.status.CountersReader;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * An optional Prometheus endpoint, {@code GET /metrics} on its own port (off unless {@value #PORT_PROP_NAME} is set):
 * the counters and the service times of {@link PrometheusText}, read from the counters in place at each scrape, on a
 * thread of its own. Nothing on the hot path knows it exists.
 */
final class MetricsEndpoint implements AutoCloseable
{
    /** Port of the metrics endpoint; 0 (the default) leaves it off. */
    static final String PORT_PROP_NAME = "switchboard.metrics.port";
    static final int PORT_DEFAULT = 0;
    /** Address the endpoint listens on: loopback unless the scraper is elsewhere. */
    static final String BIND_PROP_NAME = "switchboard.metrics.bind";
    static final String BIND_DEFAULT = "127.0.0.1";
    static final String PATH = "/metrics";

    private final HttpServer server;
    private final ExecutorService executor;

    private MetricsEndpoint(final CountersReader reader, final String bindAddress, final int port)
    {
        try
        {
            server = HttpServer.create(new InetSocketAddress(bindAddress, port), 16);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("metrics endpoint on " + bindAddress + ":" + port, ex);
        }
        executor = Executors.newSingleThreadExecutor(runnable ->
        {
            final Thread thread = new Thread(runnable, "sb-metrics");
            thread.setDaemon(true);
            return thread;
        });
        server.setExecutor(executor);
        server.createContext(PATH, exchange -> serve(exchange, reader));
        server.start();
    }

    /** The endpoint if {@value #PORT_PROP_NAME} asks for one, else null. */
    static MetricsEndpoint fromSystemProperties(final CountersReader reader)
    {
        final int port = SystemUtil.getSizeAsInt(PORT_PROP_NAME, PORT_DEFAULT);
        if (port <= 0)
        {
            return null;
        }
        return new MetricsEndpoint(reader, System.getProperty(BIND_PROP_NAME, BIND_DEFAULT).trim(), port);
    }

    int port()
    {
        return server.getAddress().getPort();
    }

    private static void serve(final HttpExchange exchange, final CountersReader reader) throws IOException
    {
        try (exchange)
        {
            if (!"GET".equals(exchange.getRequestMethod()) && !"HEAD".equals(exchange.getRequestMethod()))
            {
                exchange.getResponseHeaders().set("Allow", "GET, HEAD");
                exchange.sendResponseHeaders(405, -1);
                return;
            }
            final byte[] body = PrometheusText.render(reader).getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", PrometheusText.CONTENT_TYPE);
            if ("HEAD".equals(exchange.getRequestMethod()))
            {
                exchange.sendResponseHeaders(200, -1);
                return;
            }
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody())
            {
                out.write(body);
            }
        }
    }

    public void close()
    {
        server.stop(0);
        executor.shutdownNow();
    }
}
