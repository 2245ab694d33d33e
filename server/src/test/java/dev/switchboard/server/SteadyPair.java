package dev.switchboard.server;

import dev.switchboard.codec.MaxFrame;
import dev.switchboard.codec.sbe.DeliverDecoder;
import dev.switchboard.codec.sbe.ErrorCode;
import dev.switchboard.codec.sbe.ErrorDecoder;
import dev.switchboard.codec.sbe.GroupEventDecoder;
import dev.switchboard.codec.sbe.IdentityChangedDecoder;
import dev.switchboard.codec.sbe.ReceiptDecoder;
import dev.switchboard.codec.sbe.ReceiptType;
import dev.switchboard.codec.sbe.SentAckDecoder;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.TimeUnit;

/**
 * A well-behaved sender and recipient, logged in, messaging at a steady rate on their own thread and acking
 * everything, checking as they go that every message the sender got a SentAck for reaches the recipient exactly once,
 * in order, under the id the SentAck named, and that its DELIVERED receipt comes from the recipient.
 * <p>
 * Each payload carries its sequence number; client message id = sequence number, so a resend after a retryable
 * error repeats the id and must be stored once. At most {@link #WINDOW} messages are unacknowledged or undelivered.
 */
final class SteadyPair implements Runnable
{
    static final int WINDOW = 64;
    private static final int RING = 1024;
    private static final int MASK = RING - 1;
    private static final int POLL_TIMEOUT_MS = 1;
    private static final int PAYLOAD_LENGTH = 64;

    private final TestConnection alice;
    private final TestConnection bob;
    private final long periodNs;
    private final long[] ackedSeq = new long[RING];
    private final long[] ackedId = new long[RING];
    private final long[] deliveredSeq = new long[RING];
    private final long[] deliveredId = new long[RING];
    private final boolean[] acked = new boolean[RING];
    private final byte[] payload = new byte[PAYLOAD_LENGTH];
    private final byte[] received = new byte[PAYLOAD_LENGTH];

    private volatile boolean stopSending;
    private volatile boolean finished;
    private volatile String failure;
    private volatile long recentMessageId;

    long sent;
    long sentAcks;
    long delivered;
    long resends;
    long deliveredReceipts;
    long foreignReadReceipts;
    long foreignDeliveries;
    long matchedIds;
    final long[] retryableErrors = new long[256];

    SteadyPair(final TestConnection alice, final TestConnection bob, final int messagesPerSecond)
    {
        this.alice = alice;
        this.bob = bob;
        this.periodNs = TimeUnit.SECONDS.toNanos(1) / messagesPerSecond;
    }

    /** The server id of a recent message from alice to bob: for a fuzzer to ack and read-mark as someone else. */
    long recentMessageId()
    {
        return recentMessageId;
    }

    void stopSending()
    {
        stopSending = true;
    }

    boolean isFinished()
    {
        return finished;
    }

    String failure()
    {
        return failure;
    }

    /** Whether everything sent was acknowledged, delivered and receipted. */
    boolean isDrained()
    {
        return sentAcks == sent && delivered == sent && deliveredReceipts == sent;
    }

    public void run()
    {
        try
        {
            alice.channel.socket().setSoTimeout(POLL_TIMEOUT_MS);
            bob.channel.socket().setSoTimeout(POLL_TIMEOUT_MS);
            long nextSendNs = System.nanoTime();
            while (null == failure && !(stopSending && isDrained()))
            {
                final long nowNs = System.nanoTime();
                if (!stopSending && nowNs - nextSendNs >= 0 && sent - sentAcks < WINDOW && sent - delivered < WINDOW)
                {
                    sendNext();
                    nextSendNs = nowNs - nextSendNs > TimeUnit.SECONDS.toNanos(1) ? nowNs : nextSendNs + periodNs;
                }
                pollAlice();
                pollBob();
            }
        }
        catch (final IOException | RuntimeException | AssertionError ex)
        {
            fail("pair failed: " + ex);
        }
        finally
        {
            finished = true;
        }
    }

    private void sendNext() throws IOException
    {
        sent++;
        send(sent);
    }

    private void send(final long seq) throws IOException
    {
        ByteBuffer.wrap(payload).putLong(0, seq);
        alice.send(seq, bob.userId, 0, payload);
    }

    private void pollAlice() throws IOException
    {
        final TestConnection.Frame frame = poll(alice);
        if (null == frame)
        {
            return;
        }
        switch (frame.templateId())
        {
            case SentAckDecoder.TEMPLATE_ID:
                final SentAckDecoder sentAck = frame.sentAck();
                final long seq = sentAck.clientMsgId();
                final int slot = (int)(seq & MASK);
                if (seq < 1 || seq > sent || (acked[slot] && ackedSeq[slot] == seq))
                {
                    fail("SentAck for " + seq + " unexpected (sent " + sent + ")");
                    return;
                }
                acked[slot] = true;
                ackedSeq[slot] = seq;
                ackedId[slot] = sentAck.messageId();
                sentAcks++;
                recentMessageId = sentAck.messageId();
                match(seq);
                break;

            case ErrorDecoder.TEMPLATE_ID:
                final ErrorDecoder error = frame.error();
                final ErrorCode code = error.code();
                if (ErrorCode.SERVER_BUSY != code && ErrorCode.RATE_LIMITED != code && ErrorCode.QUEUE_FULL != code)
                {
                    fail("alice got " + code + " for " + error.requestId());
                    return;
                }
                retryableErrors[code.value()]++;
                resends++;
                send(error.requestId());
                break;

            case ReceiptDecoder.TEMPLATE_ID:
                final ReceiptDecoder receipt = frame.receipt();
                alice.ack(receipt.messageId());
                if (receipt.from().userId() == bob.userId && ReceiptType.DELIVERED == receipt.receiptType())
                {
                    deliveredReceipts++;
                }
                else if (ReceiptType.DELIVERED == receipt.receiptType())
                {
                    fail("DELIVERED receipt from " + receipt.from().userId() + ", who was not sent the message");
                }
                else
                {
                    // Anyone may read-mark an id they name: relayed as READ from them (see the report).
                    foreignReadReceipts++;
                }
                break;

            case DeliverDecoder.TEMPLATE_ID:
                foreignDeliveries++;
                alice.ack(frame.deliver().messageId());
                break;

            case GroupEventDecoder.TEMPLATE_ID:
            case IdentityChangedDecoder.TEMPLATE_ID:
                // a fuzzing client put alice in a group, or uploaded a new identity as her contact: acked, or it
                // would hold a slot of her delivery window
                foreignDeliveries++;
                alice.ack(frame.buffer.getLong(MaxFrame.MIN_FRAME_LENGTH, ByteOrder.LITTLE_ENDIAN));
                break;

            default:
                break;
        }
    }

    private void pollBob() throws IOException
    {
        final TestConnection.Frame frame = poll(bob);
        if (null == frame)
        {
            return;
        }
        switch (frame.templateId())
        {
            case DeliverDecoder.TEMPLATE_ID:
                final DeliverDecoder deliver = frame.deliver();
                final long messageId = deliver.messageId();
                if (deliver.from().userId() != alice.userId)
                {
                    foreignDeliveries++;
                    bob.ack(messageId);
                    return;
                }
                if (deliver.payloadLength() != PAYLOAD_LENGTH)
                {
                    fail("payload of " + deliver.payloadLength() + " bytes from alice");
                    return;
                }
                deliver.getPayload(received, 0, PAYLOAD_LENGTH);
                final long seq = ByteBuffer.wrap(received).getLong(0);
                if (seq != delivered + 1)
                {
                    fail("bob got message " + seq + " after " + delivered + " (a gap, a duplicate or out of order)");
                    return;
                }
                delivered++;
                final int slot = (int)(seq & MASK);
                deliveredSeq[slot] = seq;
                deliveredId[slot] = messageId;
                bob.ack(messageId);
                match(seq);
                break;

            case ErrorDecoder.TEMPLATE_ID:
                fail("bob, who only acks, got " + frame.error().code());
                break;

            case ReceiptDecoder.TEMPLATE_ID:
                foreignReadReceipts++;
                bob.ack(frame.receipt().messageId());
                break;

            case GroupEventDecoder.TEMPLATE_ID:
            case IdentityChangedDecoder.TEMPLATE_ID:
                foreignDeliveries++;
                bob.ack(frame.buffer.getLong(MaxFrame.MIN_FRAME_LENGTH, ByteOrder.LITTLE_ENDIAN));
                break;

            default:
                break;
        }
    }

    /**
     * Once both the SentAck and the delivery of a message are in, they must name the same server id.
     */
    private void match(final long seq)
    {
        final int slot = (int)(seq & MASK);
        if (acked[slot] && ackedSeq[slot] == seq && deliveredSeq[slot] == seq)
        {
            if (ackedId[slot] != deliveredId[slot])
            {
                fail("message " + seq + " acked as " + ackedId[slot] + " but delivered as " + deliveredId[slot]);
            }
            matchedIds++;
        }
    }

    private static TestConnection.Frame poll(final TestConnection connection) throws IOException
    {
        try
        {
            return connection.read();
        }
        catch (final SocketTimeoutException ex)
        {
            return null;
        }
    }

    private void fail(final String what)
    {
        if (null == failure)
        {
            failure = what;
        }
    }

    String summary()
    {
        return String.format("sent %,d, SentAcks %,d, delivered %,d in order (%,d ids matched), " +
            "DELIVERED receipts %,d, resends %,d, READ receipts from others %,d, deliveries from others %,d",
            sent, sentAcks, delivered, matchedIds, deliveredReceipts, resends, foreignReadReceipts, foreignDeliveries);
    }
}
