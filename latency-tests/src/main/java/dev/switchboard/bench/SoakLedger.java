package dev.switchboard.bench;

import dev.switchboard.codec.sbe.ErrorCode;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The soak run's books: what each sender sent, what the server acknowledged (SentAck), and what each recipient
 * device's application was handed, and from them the figures a run is judged by. Thread safe: senders' and devices'
 * client I/O threads record into it while the run goes on.
 * <p>
 * Every message names itself in its payload, so the books need nothing from the server but what the SDK hands the
 * application:
 * <pre>
 *   0        4        8        12       16                24
 *   +--------+--------+--------+--------+-----------------+-----------------+
 *   | magic  | sender | recip. | 0      | sequence        | send time (ms)  |
 *   +--------+--------+--------+--------+-----------------+-----------------+
 * </pre>
 * The sequence counts from 1 per sender -> recipient pair; one {@code SwitchboardClient.send} call is one sequence
 * number and one clientMsgId, so "the same (sender, clientMsgId)" and "the same (sender, sequence)" are one thing.
 */
final class SoakLedger
{
    static final int PAYLOAD_LENGTH = 32;
    static final int MAGIC = 0x4B414F53;
    private static final int MAX_EXAMPLES = 10;

    private final int senderCount;
    private final long[] senderUserIds;
    private final SenderBook[] senders;
    private final DeviceBook[][] devices;
    private final Map<MessageKey, Set<Long>> idsByKey = new HashMap<>();

    SoakLedger(final int senderCount, final int[] devicesPerRecipient)
    {
        this.senderCount = senderCount;
        senderUserIds = new long[senderCount];
        senders = new SenderBook[senderCount];
        for (int s = 0; s < senderCount; s++)
        {
            senders[s] = new SenderBook();
        }
        devices = new DeviceBook[devicesPerRecipient.length][];
        for (int r = 0; r < devicesPerRecipient.length; r++)
        {
            devices[r] = new DeviceBook[devicesPerRecipient[r]];
            for (int d = 0; d < devicesPerRecipient[r]; d++)
            {
                devices[r][d] = new DeviceBook(r, d, senderCount);
            }
        }
    }

    /**
     * The payload that names a message: who sent it to whom, and its place in that pair's sequence.
     */
    static byte[] payload(final int sender, final int recipient, final long sequence, final long sendTimeMs)
    {
        final ByteBuffer buffer = ByteBuffer.allocate(PAYLOAD_LENGTH).order(ByteOrder.LITTLE_ENDIAN);
        buffer.putInt(MAGIC).putInt(sender).putInt(recipient).putInt(0).putLong(sequence).putLong(sendTimeMs);
        return buffer.array();
    }

    synchronized void senderUserId(final int sender, final long userId)
    {
        senderUserIds[sender] = userId;
    }

    /**
     * The application called send and got this clientMsgId back.
     */
    synchronized void sent(final int sender, final long clientMsgId, final int recipient, final long sequence)
    {
        senders[sender].sent.put(clientMsgId, new MessageKey(sender, recipient, sequence));
    }

    /**
     * The sender's SDK reported a SentAck (one tick) for this clientMsgId with this server id.
     */
    synchronized void acknowledged(final int sender, final long clientMsgId, final long messageId)
    {
        final Long previous = senders[sender].acknowledged.put(clientMsgId, messageId);
        if (null != previous)
        {
            // The SDK hands each tick to the application once: a second one is a duplicate the user would see.
            senders[sender].doubleAcks++;
            example(senders[sender].examples, "sender " + sender + " clientMsgId " + clientMsgId + " ticked twice: " +
                previous + " then " + messageId);
        }
    }

    /**
     * The server refused a send for good (the SDK dropped it from its pending sends).
     */
    synchronized void refused(final int sender, final long clientMsgId, final ErrorCode code)
    {
        senders[sender].refused.put(clientMsgId, code);
    }

    synchronized void receipt(final int sender)
    {
        senders[sender].receipts++;
    }

    /**
     * The device's application was handed a message (after the SDK's own dedupe by server id).
     */
    synchronized void delivered(
        final int recipient, final int device, final long messageId, final long fromUserId, final byte[] payload)
    {
        final DeviceBook book = devices[recipient][device];
        book.deliveries++;
        final ByteBuffer buffer = ByteBuffer.wrap(payload).order(ByteOrder.LITTLE_ENDIAN);
        if (payload.length != PAYLOAD_LENGTH || buffer.getInt(0) != MAGIC)
        {
            book.misrouted++;
            example(book.examples, book + " got a payload that is not a soak message, id " + messageId);
            return;
        }
        final int sender = buffer.getInt(4);
        final int to = buffer.getInt(8);
        final long sequence = buffer.getLong(16);
        if (sender < 0 || sender >= senderCount || to != recipient || senderUserIds[sender] != fromUserId)
        {
            book.misrouted++;
            example(book.examples, book + " got id " + messageId + " meant for recipient " + to + " from sender " +
                sender + " with fromUserId " + fromUserId);
            return;
        }

        final MessageKey key = new MessageKey(sender, recipient, sequence);
        idsByKey.computeIfAbsent(key, (k) -> new HashSet<>(2)).add(messageId);
        if (!book.messageIds.add(messageId))
        {
            book.duplicateIds++;
            example(book.examples, book + " handed server id " + messageId + " twice (sender " + sender + " seq " +
                sequence + ")");
            return;
        }
        final Long firstId = book.firstIdByKey.putIfAbsent(key, messageId);
        if (null != firstId)
        {
            book.duplicateResends++;
            example(book.examples, book + " handed " + key + " twice, as server ids " + firstId + " and " + messageId);
            return;
        }
        if (sequence < book.maxSequenceBySender[sender])
        {
            book.reordered++;
            example(book.examples, book + " handed " + key + " (id " + messageId + ") after seq " +
                book.maxSequenceBySender[sender]);
        }
        else
        {
            book.maxSequenceBySender[sender] = sequence;
        }
    }

    /**
     * Whether every acknowledged message has reached every device of its recipient.
     */
    synchronized boolean isComplete()
    {
        for (int s = 0; s < senderCount; s++)
        {
            for (final Map.Entry<Long, Long> ack : senders[s].acknowledged.entrySet())
            {
                final MessageKey key = senders[s].sent.get(ack.getKey());
                if (null == key)
                {
                    return false;
                }
                for (final DeviceBook book : devices[key.recipient])
                {
                    if (!book.firstIdByKey.containsKey(key))
                    {
                        return false;
                    }
                }
            }
        }
        return true;
    }

    /**
     * Count what the books hold: the four figures a run is judged by and what explains them.
     */
    synchronized Verdict verdict()
    {
        return verdict(Set.of());
    }

    /**
     * As {@link #verdict()}, telling apart lost messages the journal still holds (undelivered: slow, or a drain
     * that ended too soon) from those it does not (gone). {@code journaled} holds {@link #sendRef} values.
     */
    synchronized Verdict verdict(final Set<Long> journaled)
    {
        final Verdict verdict = new Verdict();
        for (int s = 0; s < senderCount; s++)
        {
            final SenderBook book = senders[s];
            verdict.sent += book.sent.size();
            verdict.acknowledged += book.acknowledged.size();
            verdict.refused += book.refused.size();
            verdict.receipts += book.receipts;
            verdict.duplicateAcks += book.doubleAcks;
            verdict.examples.addAll(book.examples);
            for (final Map.Entry<Long, MessageKey> sent : book.sent.entrySet())
            {
                if (!book.acknowledged.containsKey(sent.getKey()) && !book.refused.containsKey(sent.getKey()))
                {
                    verdict.unacknowledged++;
                }
            }
            for (final Map.Entry<Long, Long> ack : book.acknowledged.entrySet())
            {
                final MessageKey key = book.sent.get(ack.getKey());
                if (null == key)
                {
                    verdict.acksForUnknownSends++;
                    example(verdict.examples, "sender " + s + " got a tick for clientMsgId " + ack.getKey() +
                        " it never sent");
                    continue;
                }
                boolean lost = false;
                for (final DeviceBook device : devices[key.recipient])
                {
                    verdict.expectedDeliveries++;
                    if (!device.firstIdByKey.containsKey(key))
                    {
                        verdict.lostDeliveries++;
                        lost = true;
                        example(verdict.examples, "lost: " + key + " (clientMsgId " + ack.getKey() + ", id " +
                            ack.getValue() + ") never reached " + device);
                    }
                }
                if (lost)
                {
                    verdict.lostMessages++;
                    if (journaled.contains(sendRef(s, ack.getKey())))
                    {
                        verdict.lostStillInJournal++;
                    }
                }
            }
        }

        for (final DeviceBook[] recipientDevices : devices)
        {
            for (final DeviceBook device : recipientDevices)
            {
                verdict.delivered += device.deliveries;
                verdict.duplicateIds += device.duplicateIds;
                verdict.duplicateResends += device.duplicateResends;
                verdict.reordered += device.reordered;
                verdict.misrouted += device.misrouted;
                verdict.examples.addAll(device.examples);
            }
        }
        // A send the server stored under two ids, whichever copy each device saw first.
        for (final Set<Long> ids : idsByKey.values())
        {
            if (ids.size() > 1)
            {
                verdict.storedTwice++;
            }
        }
        if (verdict.examples.size() > 4 * MAX_EXAMPLES)
        {
            verdict.examples.subList(4 * MAX_EXAMPLES, verdict.examples.size()).clear();
        }
        return verdict;
    }

    /**
     * Index of the sender with this user id, or -1.
     */
    synchronized int senderIndexOf(final long userId)
    {
        for (int s = 0; s < senderCount; s++)
        {
            if (senderUserIds[s] == userId)
            {
                return s;
            }
        }
        return -1;
    }

    /**
     * One value for (sender index, clientMsgId): client message ids of a soak run stay far below 2^48.
     */
    static long sendRef(final int sender, final long clientMsgId)
    {
        return ((long)sender << 48) | clientMsgId;
    }

    private static void example(final List<String> examples, final String text)
    {
        if (examples.size() < MAX_EXAMPLES)
        {
            examples.add(text);
        }
    }

    /**
     * One send: sender index, recipient index and the pair's sequence number.
     */
    record MessageKey(int sender, int recipient, long sequence)
    {
        public String toString()
        {
            return "s" + sender + "->r" + recipient + " seq " + sequence;
        }
    }

    /**
     * The figures of a run. {@link #duplicates()} counts both kinds of message the application would show twice;
     * a second tick for one send is counted apart.
     */
    static final class Verdict
    {
        long sent;
        long acknowledged;
        long refused;
        long unacknowledged;
        long receipts;
        long delivered;
        long expectedDeliveries;
        long lostMessages;
        long lostDeliveries;
        long lostStillInJournal;
        long duplicateIds;
        long duplicateResends;
        long duplicateAcks;
        long storedTwice;
        long reordered;
        long misrouted;
        long acksForUnknownSends;
        final List<String> examples = new ArrayList<>();

        long duplicates()
        {
            return duplicateIds + duplicateResends;
        }

        Map<String, Object> toMap()
        {
            final Map<String, Object> map = new LinkedHashMap<>();
            map.put("sent", sent);
            map.put("acknowledged", acknowledged);
            map.put("refused", refused);
            map.put("unacknowledgedAtEnd", unacknowledged);
            map.put("delivered", delivered);
            map.put("expectedDeliveries", expectedDeliveries);
            map.put("lostMessages", lostMessages);
            map.put("lostDeliveries", lostDeliveries);
            map.put("lostStillInJournal", lostStillInJournal);
            map.put("duplicates", duplicates());
            map.put("duplicateSameServerId", duplicateIds);
            map.put("duplicateNewServerId", duplicateResends);
            map.put("duplicateSentAcks", duplicateAcks);
            map.put("sendsStoredTwice", storedTwice);
            map.put("reordered", reordered);
            map.put("misrouted", misrouted);
            map.put("acksForUnknownSends", acksForUnknownSends);
            map.put("receipts", receipts);
            map.put("examples", examples);
            return map;
        }
    }

    private static final class SenderBook
    {
        final Map<Long, MessageKey> sent = new HashMap<>();
        final Map<Long, Long> acknowledged = new HashMap<>();
        final Map<Long, ErrorCode> refused = new HashMap<>();
        final List<String> examples = new ArrayList<>();
        long receipts;
        long doubleAcks;
    }

    private static final class DeviceBook
    {
        final int recipient;
        final int device;
        final Set<Long> messageIds = new HashSet<>();
        final Map<MessageKey, Long> firstIdByKey = new HashMap<>();
        final long[] maxSequenceBySender;
        final List<String> examples = new ArrayList<>();
        long deliveries;
        long duplicateIds;
        long duplicateResends;
        long reordered;
        long misrouted;

        DeviceBook(final int recipient, final int device, final int senderCount)
        {
            this.recipient = recipient;
            this.device = device;
            maxSequenceBySender = new long[senderCount];
        }

        public String toString()
        {
            return "recipient " + recipient + " device " + (device + 1);
        }
    }
}
