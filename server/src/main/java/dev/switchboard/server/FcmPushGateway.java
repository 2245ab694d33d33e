package dev.switchboard.server;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Posts an FCM-style (HTTP v1) request per push to a configured URL with the JDK's HTTP client:
 * <pre>
 * {"message":{"token":"...","android":{"priority":"high"},"apns":{"headers":{"apns-priority":"10"}},
 *  "data":{"kind":"wake"}}}
 * </pre>
 * No content, no sender: the app wakes and drains its queue over its own connection. A connection failure, a 429 or
 * a 5xx is retried with exponential backoff; any other status is final.
 */
final class FcmPushGateway implements PushGateway
{
    private final HttpClient client;
    private final URI uri;
    private final int retries;
    private final long backoffNs;
    private final Duration timeout;
    private long retriesDone;

    FcmPushGateway(final String url, final int retries, final long backoffNs, final long timeoutNs)
    {
        this.uri = URI.create(url);
        this.retries = retries;
        this.backoffNs = backoffNs;
        this.timeout = Duration.ofNanos(timeoutNs);
        this.client = HttpClient.newBuilder().connectTimeout(timeout).build();
    }

    public boolean push(final long userId, final int deviceId, final int platform, final String token)
    {
        return post(body(token));
    }

    public boolean pushCall(final long userId, final int deviceId, final int platform, final String token)
    {
        return post(callBody(token));
    }

    private boolean post(final String body)
    {
        final HttpRequest request = HttpRequest.newBuilder(uri)
            .timeout(timeout)
            .header("Content-Type", "application/json; charset=utf-8")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build();
        long waitNs = backoffNs;
        for (int attempt = 0; attempt <= retries; attempt++)
        {
            if (attempt > 0)
            {
                retriesDone++;
                if (!sleep(waitNs))
                {
                    return false;
                }
                waitNs *= 2;
            }
            try
            {
                final int status = client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
                if (status >= 200 && status < 300)
                {
                    return true;
                }
                if (429 != status && status < 500)
                {
                    return false; // refused (a bad or expired token): retrying will not help
                }
            }
            catch (final IOException ex)
            {
                // retried
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return false;
    }

    /** Retries made so far. Push agent thread only. */
    long retriesDone()
    {
        return retriesDone;
    }

    static String body(final String token)
    {
        return body(token, "wake");
    }

    /** A call push: the same request with {@code "kind":"call"}, so the app rings before it has connected. */
    static String callBody(final String token)
    {
        return body(token, "call");
    }

    private static String body(final String token, final String kind)
    {
        return "{\"message\":{\"token\":\"" + jsonEscape(token) + "\",\"android\":{\"priority\":\"high\"}," +
            "\"apns\":{\"headers\":{\"apns-priority\":\"10\"}},\"data\":{\"kind\":\"" + kind + "\"}}}";
    }

    private static String jsonEscape(final String text)
    {
        final StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++)
        {
            final char c = text.charAt(i);
            if ('"' == c || '\\' == c)
            {
                out.append('\\').append(c);
            }
            else if (c < 0x20)
            {
                out.append(String.format("\\u%04x", (int)c));
            }
            else
            {
                out.append(c);
            }
        }
        return out.toString();
    }

    private static boolean sleep(final long ns)
    {
        try
        {
            TimeUnit.NANOSECONDS.sleep(ns);
            return true;
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
