package dev.switchboard.bench;

import dev.switchboard.codec.sbe.CallAnswerDecoder;
import dev.switchboard.codec.sbe.CallEndReason;
import dev.switchboard.codec.sbe.CallHangupDecoder;
import dev.switchboard.codec.sbe.CallIncomingDecoder;
import org.HdrHistogram.Histogram;

import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code bench calls}: call signaling with N calls always in progress. Each of N pairs of logged-in devices runs calls
 * back to back: the caller offers (a {@value #SDP_LENGTH}-byte opaque SDP), the callee answers the moment CallIncoming
 * arrives, the caller hangs up the moment the answer is relayed to it and offers the next call at once (the ring
 * keeps one connection's frames in order, so the hangup is served before the next offer). With {@code --call-rate}
 * the offers are paced to that many a second over all pairs (a pair still in a call skips its turn). Measured: setups
 * a second (offer to answer relayed back, for calls offered within the measured period), and the latency of offer to
 * CallIncoming at the callee and of offer to answer at the caller, from the moment the offer was written.
 */
final class CallScenario implements LoadListener
{
    /** About the size of a real WebRTC offer once sealed: the server relays it unread. */
    static final int SDP_LENGTH = 400;

    private static final int HANDSHAKES_IN_FLIGHT = 256;
    private static final byte IDLE = 0;
    private static final byte OFFERED = 1;
    private static final byte ANSWERED = 2;

    private final LoadPoller poller;
    private final List<LoadConnection> sides;
    private final int pairs;
    // Indexed by isMeasured(offerNs): [0] the warm-up's, thrown away, [1] the measured period's.
    private final Histogram[] offerToIncoming;
    private final Histogram[] offerToAnswer;
    private final long[] callIds;
    private final long[] offerNs;
    private final byte[] states;
    private long measureStartNs = Long.MAX_VALUE;
    private long measureEndNs = Long.MAX_VALUE;
    private long setups;
    private long measuredSetups;
    private long failedCalls;
    private long framesOfEndedCalls;
    private double offerPeriodNs;
    private long offerStartNs;
    private long offers;

    private CallScenario(
        final LoadPoller poller, final List<LoadConnection> sides, final BenchResult result)
    {
        this.poller = poller;
        this.sides = sides;
        this.pairs = sides.size() / 2;
        this.offerToIncoming = new Histogram[] { BenchResult.newHistogram(), result.series("offer-to-incoming") };
        this.offerToAnswer = new Histogram[] { BenchResult.newHistogram(), result.series("offer-to-answer") };
        this.callIds = new long[pairs];
        this.offerNs = new long[pairs];
        this.states = new byte[pairs];
        for (int pair = 0; pair < pairs; pair++)
        {
            // Call ids are the caller's to choose and unique while a call lasts: the pair in the high half.
            callIds[pair] = (long)(pair + 1) << 32;
        }
    }

    static BenchResult run(final LoadRig rig, final BenchSettings settings)
    {
        final int pairs = settings.pairsOr(1000);
        final BenchResult result = new BenchResult("calls", "switchboard");
        result.figure("serverVersion", rig.serverVersion());
        result.figure("serverSettings", rig.serverSettings());
        rig.ensureDevices(2 * pairs);
        try (LoadPoller poller = rig.newPoller(LoadListener.NONE, HANDSHAKES_IN_FLIGHT, 2 * pairs))
        {
            final List<LoadConnection> sides = rig.loginAll(
                poller, 0, 2 * pairs, 4096, TimeUnit.MINUTES.toNanos(2)).subList(0, 2 * pairs);
            final CallScenario calls = new CallScenario(poller, sides, result);
            calls.offerPeriodNs = settings.callRate > 0 ? 1e9 / settings.callRate : 0;
            poller.listener(calls);
            final CpuMeter cpu = new CpuMeter(rig.process());
            calls.run(cpu, TimeUnit.SECONDS.toNanos(settings.warmupSeconds),
                TimeUnit.SECONDS.toNanos(settings.durationSeconds));
            result.figure("concurrentCalls", pairs);
            result.figure("sdpBytes", SDP_LENGTH);
            result.figure("setupsPerSecond", calls.measuredSetups * 1e9 / TimeUnit.SECONDS.toNanos(
                settings.durationSeconds));
            result.figure("setups", calls.setups);
            result.figure("failedCalls", calls.failedCalls);
            result.figure("callRate", settings.callRate);
            result.figure("framesOfEndedCalls", calls.framesOfEndedCalls);
            final double windowS = TimeUnit.NANOSECONDS.toMillis(cpu.windowNs()) / 1000.0;
            result.figure("serverCpuCores", cpu.serverCpuNs() / 1e9 / windowS);
            result.figure("loadCpuCores", cpu.loadCpuNs() / 1e9 / windowS);
            result.figure("serverCpuUsPerSetup", cpu.serverCpuNs() / 1000.0 / Math.max(1, calls.measuredSetups));
            result.figure("clientCounters", poller.counters().toMap());
        }
        return result;
    }

    private void run(final CpuMeter cpu, final long warmupNs, final long durationNs)
    {
        final long startNs = System.nanoTime();
        offerStartNs = startNs;
        // The warm-up runs the same loop and records into histograms of its own, so the JIT sees the measured code
        // from the start.
        runUntil(startNs + warmupNs);
        measureStartNs = System.nanoTime();
        measureEndNs = measureStartNs + durationNs;
        cpu.start(measureStartNs, 0);
        runUntil(measureEndNs);
        cpu.stop(System.nanoTime(), measuredSetups);
        LoadRig.pollUntil(poller, this::allIdle, TimeUnit.SECONDS.toNanos(10));
    }

    private void runUntil(final long untilNs)
    {
        while (true)
        {
            final long nowNs = System.nanoTime();
            if (nowNs - untilNs >= 0)
            {
                return;
            }
            for (int pair = 0; pair < pairs; pair++)
            {
                if (IDLE == states[pair] && isOfferDue(nowNs))
                {
                    offer(pair, nowNs);
                }
                else if (ANSWERED == states[pair] &&
                    poller.callHangup(sides.get(2 * pair), callIds[pair], CallEndReason.ENDED))
                {
                    states[pair] = IDLE; // the hangup found no room when the answer came
                }
            }
            if (poller.poll(nowNs) == 0)
            {
                Thread.yield();
            }
        }
    }

    private boolean isOfferDue(final long nowNs)
    {
        return 0 == offerPeriodNs || offers < (nowNs - offerStartNs) / offerPeriodNs;
    }

    private void offer(final int pair, final long nowNs)
    {
        final long callId = callIds[pair] + 1;
        if (poller.callOffer(sides.get(2 * pair), callId, sides.get(2 * pair + 1).device, SDP_LENGTH))
        {
            callIds[pair] = callId;
            offerNs[pair] = nowNs;
            offers++;
            states[pair] = OFFERED;
        }
    }

    private boolean allIdle()
    {
        for (final byte state : states)
        {
            if (IDLE != state)
            {
                return false;
            }
        }
        return true;
    }

    public void onCallFrame(final LoadConnection connection, final int templateId, final long callId, final long nowNs)
    {
        final int pair = connection.index / 2;
        final boolean caller = (connection.index & 1) == 0;
        if (pair >= pairs || callId != callIds[pair])
        {
            framesOfEndedCalls++; // the callee hears the hangup after the caller has offered its next call
            return;
        }
        switch (templateId)
        {
            case CallIncomingDecoder.TEMPLATE_ID:
                if (!caller && OFFERED == states[pair])
                {
                    BenchResult.record(offerToIncoming[isMeasured(pair)], nowNs - offerNs[pair]);
                    poller.callAnswer(connection, callId, SDP_LENGTH);
                }
                break;
            case CallAnswerDecoder.TEMPLATE_ID:
                if (caller && OFFERED == states[pair])
                {
                    final int measured = isMeasured(pair);
                    BenchResult.record(offerToAnswer[measured], nowNs - offerNs[pair]);
                    states[pair] = ANSWERED;
                    setups++;
                    measuredSetups += measured;
                    if (poller.callHangup(connection, callId, CallEndReason.ENDED))
                    {
                        states[pair] = IDLE;
                    }
                }
                break;
            case CallHangupDecoder.TEMPLATE_ID:
                if (caller && OFFERED == states[pair])
                {
                    // Ended by the server before an answer (unavailable, busy, timeout): the next call may go.
                    failedCalls++;
                    states[pair] = IDLE;
                }
                break;
            default:
                break; // CallRinging: the offer rings the callee's device
        }
    }

    /** 1 for a call offered inside the measured period, 0 for one of the warm-up (or after), without a branch. */
    private int isMeasured(final int pair)
    {
        final long offeredNs = offerNs[pair];
        return (int)((~(offeredNs - measureStartNs) & (offeredNs - measureEndNs)) >>> 63);
    }
}
