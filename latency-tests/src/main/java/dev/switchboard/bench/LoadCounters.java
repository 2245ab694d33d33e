package dev.switchboard.bench;

import dev.switchboard.codec.sbe.ErrorCode;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What one poller saw, counted rather than thrown: connects, logins, traffic, errors by code.
 */
final class LoadCounters
{
    long connected;
    long connectFailures;
    long handshakeFailures;
    long registered;
    long loggedIn;
    long disconnects;
    long sends;
    long sendsRefused;
    long sentAcks;
    long delivers;
    long receipts;
    long acksDropped;
    long badFrames;
    long otherFrames;
    long callFrames;
    long missedCalls;
    private final long[] errorsByCode = new long[64];

    void onError(final int code)
    {
        errorsByCode[code >= 0 && code < errorsByCode.length ? code : 0]++;
    }

    long errors()
    {
        long total = 0;
        for (final long count : errorsByCode)
        {
            total += count;
        }
        return total;
    }

    /**
     * Error counts by code name, only the codes seen.
     */
    Map<String, Long> errorsByName()
    {
        final Map<String, Long> byName = new LinkedHashMap<>();
        for (int code = 0; code < errorsByCode.length; code++)
        {
            if (errorsByCode[code] > 0)
            {
                byName.put(ErrorCode.get(code).name(), errorsByCode[code]);
            }
        }
        return byName;
    }

    /**
     * Every counter by name, for the JSON report.
     */
    Map<String, Object> toMap()
    {
        final Map<String, Object> map = new LinkedHashMap<>();
        map.put("connected", connected);
        map.put("connectFailures", connectFailures);
        map.put("handshakeFailures", handshakeFailures);
        map.put("registered", registered);
        map.put("loggedIn", loggedIn);
        map.put("disconnects", disconnects);
        map.put("sends", sends);
        map.put("sendsRefused", sendsRefused);
        map.put("sentAcks", sentAcks);
        map.put("delivers", delivers);
        map.put("receipts", receipts);
        map.put("acksDropped", acksDropped);
        map.put("badFrames", badFrames);
        map.put("callFrames", callFrames);
        map.put("missedCalls", missedCalls);
        map.put("errors", errorsByName());
        return map;
    }
}
