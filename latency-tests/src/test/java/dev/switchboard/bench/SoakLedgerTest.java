package dev.switchboard.bench;

import dev.switchboard.codec.sbe.ErrorCode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The soak's checker finds each kind of failure it is meant to count, and nothing in a clean run.
 */
class SoakLedgerTest
{
    private static final long ALICE = 1001;
    private static final long CAROL = 1002;

    // Two senders; recipient 0 has one device, recipient 1 two.
    private final SoakLedger ledger = new SoakLedger(2, new int[]{ 1, 2 });

    @BeforeEach
    void senders()
    {
        ledger.senderUserId(0, ALICE);
        ledger.senderUserId(1, CAROL);
    }

    @Test
    void shouldCountNothingWhenEverySendReachesEveryDeviceOnceInOrder()
    {
        send(0, 11, 1, 1, 500);
        send(0, 12, 1, 2, 501);
        send(1, 11, 0, 1, 502);
        deliver(1, 0, 500, 0, 1);
        deliver(1, 1, 500, 0, 1);
        deliver(1, 0, 501, 0, 2);
        deliver(1, 1, 501, 0, 2);
        deliver(0, 0, 502, 1, 1);

        final SoakLedger.Verdict verdict = ledger.verdict();
        assertTrue(ledger.isComplete());
        assertEquals(3, verdict.sent);
        assertEquals(3, verdict.acknowledged);
        assertEquals(5, verdict.delivered);
        assertEquals(5, verdict.expectedDeliveries);
        assertEquals(0, verdict.lostMessages);
        assertEquals(0, verdict.duplicates());
        assertEquals(0, verdict.reordered);
        assertEquals(0, verdict.misrouted);
        assertEquals(0, verdict.unacknowledged);
    }

    @Test
    void shouldCountAnAcknowledgedMessageMissingOnOneDeviceAsLost()
    {
        send(0, 11, 1, 1, 500);
        deliver(1, 0, 500, 0, 1);

        final SoakLedger.Verdict verdict = ledger.verdict();
        assertFalse(ledger.isComplete());
        assertEquals(1, verdict.lostMessages);
        assertEquals(1, verdict.lostDeliveries);
    }

    @Test
    void shouldTellLostMessagesTheJournalStillHoldsFromThoseItDoesNot()
    {
        send(0, 11, 0, 1, 500);
        send(0, 12, 0, 2, 501);

        final SoakLedger.Verdict verdict = ledger.verdict(java.util.Set.of(SoakLedger.sendRef(0, 12)));
        assertEquals(2, verdict.lostMessages);
        assertEquals(1, verdict.lostStillInJournal);
    }

    @Test
    void shouldNotCountAnUnacknowledgedOrRefusedSendAsLost()
    {
        ledger.sent(0, 11, 0, 1);
        ledger.sent(0, 12, 0, 2);
        ledger.refused(0, 12, ErrorCode.QUEUE_FULL);

        final SoakLedger.Verdict verdict = ledger.verdict();
        assertTrue(ledger.isComplete());
        assertEquals(0, verdict.lostMessages);
        assertEquals(1, verdict.unacknowledged);
        assertEquals(1, verdict.refused);
    }

    @Test
    void shouldMatchATickThatArrivesBeforeSendReturns()
    {
        ledger.acknowledged(0, 11, 500);
        ledger.sent(0, 11, 0, 1);
        deliver(0, 0, 500, 0, 1);

        assertTrue(ledger.isComplete());
        assertEquals(0, ledger.verdict().acksForUnknownSends);
    }

    @Test
    void shouldCountTheSameServerIdHandedTwiceToOneDevice()
    {
        send(0, 11, 0, 1, 500);
        deliver(0, 0, 500, 0, 1);
        deliver(0, 0, 500, 0, 1);

        final SoakLedger.Verdict verdict = ledger.verdict();
        assertEquals(1, verdict.duplicateIds);
        assertEquals(1, verdict.duplicates());
    }

    @Test
    void shouldCountAResendStoredUnderANewServerIdAsADuplicate()
    {
        // Delivered as 500, the tick lost with the server; the SDK resends and the restarted server stores it as 700.
        ledger.sent(0, 11, 1, 1);
        deliver(1, 0, 500, 0, 1);
        deliver(1, 1, 500, 0, 1);
        ledger.acknowledged(0, 11, 700);
        deliver(1, 0, 700, 0, 1);
        deliver(1, 1, 700, 0, 1);

        final SoakLedger.Verdict verdict = ledger.verdict();
        assertEquals(2, verdict.duplicateResends);
        assertEquals(2, verdict.duplicates());
        assertEquals(1, verdict.storedTwice);
        assertEquals(0, verdict.lostMessages);
        assertEquals(0, verdict.reordered);
    }

    @Test
    void shouldCountALaterSequenceHandedBeforeAnEarlierOneAsReordered()
    {
        send(0, 11, 0, 1, 500);
        send(0, 12, 0, 2, 501);
        send(1, 11, 0, 1, 502);
        deliver(0, 0, 501, 0, 2);
        deliver(0, 0, 502, 1, 1);
        deliver(0, 0, 500, 0, 1);

        final SoakLedger.Verdict verdict = ledger.verdict();
        assertEquals(1, verdict.reordered);
        assertEquals(0, verdict.lostMessages);
        assertEquals(0, verdict.duplicates());
    }

    @Test
    void shouldKeepOrderPerSenderToEachDevice()
    {
        // Interleaving two senders is not a reorder, nor is one device being behind another.
        send(0, 11, 1, 1, 500);
        send(1, 11, 1, 1, 501);
        send(0, 12, 1, 2, 502);
        deliver(1, 0, 501, 1, 1);
        deliver(1, 0, 500, 0, 1);
        deliver(1, 0, 502, 0, 2);
        deliver(1, 1, 500, 0, 1);
        deliver(1, 1, 502, 0, 2);
        deliver(1, 1, 501, 1, 1);

        assertEquals(0, ledger.verdict().reordered);
    }

    @Test
    void shouldCountAMessageForSomeoneElseOrFromAnotherUserAsMisrouted()
    {
        send(0, 11, 0, 1, 500);
        ledger.delivered(1, 0, 500, ALICE, SoakLedger.payload(0, 0, 1, 0));
        ledger.delivered(0, 0, 500, CAROL, SoakLedger.payload(0, 0, 1, 0));
        ledger.delivered(0, 0, 501, ALICE, new byte[]{ 1, 2, 3 });

        final SoakLedger.Verdict verdict = ledger.verdict();
        assertEquals(3, verdict.misrouted);
        assertEquals(1, verdict.lostMessages);
    }

    private void send(final int sender, final long clientMsgId, final int recipient, final long sequence,
        final long messageId)
    {
        ledger.sent(sender, clientMsgId, recipient, sequence);
        ledger.acknowledged(sender, clientMsgId, messageId);
    }

    private void deliver(final int recipient, final int device, final long messageId, final int sender,
        final long sequence)
    {
        ledger.delivered(recipient, device, messageId, 0 == sender ? ALICE : CAROL,
            SoakLedger.payload(sender, recipient, sequence, 0));
    }
}
