package dev.switchboard.server;

import dev.switchboard.codec.sbe.DeliverDecoder;
import dev.switchboard.codec.sbe.GroupEventDecoder;
import dev.switchboard.codec.sbe.GroupChange;
import dev.switchboard.codec.sbe.GroupInfoDecoder;
import dev.switchboard.codec.sbe.SentAckDecoder;
import dev.switchboard.ring.RingConfiguration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The server runs in a child JVM killed with SIGKILL while group messages to offline members are still arriving;
 * after a restart every member gets every message the sender had a SENT ack for, once and in order, and the group
 * is still there.
 */
@Timeout(180)
class GroupCrashSystemTest
{
    private static final int MEMBERS = 24;
    private static final int MESSAGES = 1_500;
    private static final int ACKED_BEFORE_KILL = 300;

    @TempDir
    File dataDir;

    private ChildServer server;

    @AfterEach
    void stop()
    {
        if (null != server)
        {
            server.close();
        }
    }

    @Test
    void shouldLoseNoAcknowledgedGroupMessageToKillNine() throws Exception
    {
        final int port = ChildServer.freePort();
        final String codesPerAddress = RingConfiguration.CODES_PER_ADDRESS_PROP_NAME + "=" + MEMBERS;
        server = ChildServer.start(dataDir, port, codesPerAddress);

        final TestConnection alice = ChildServer.registered(dataDir, port, "+15551310000");
        final List<TestConnection> members = new ArrayList<>();
        final long[] memberUserIds = new long[MEMBERS - 1];
        for (int i = 1; i < MEMBERS; i++)
        {
            final TestConnection member = ChildServer.registered(dataDir, port, String.format("+155513%05d", i));
            member.close(); // offline throughout: everything goes to the journal
            members.add(member);
            memberUserIds[i - 1] = member.userId;
        }
        alice.groupCreate(1, "survivors", memberUserIds);
        final long groupId = alice.expect(GroupInfoDecoder.TEMPLATE_ID).groupInfo().groupId();

        // All sends go out at once; the kill lands while later ones are still being journaled or not yet read.
        for (int i = 0; i < MESSAGES; i++)
        {
            final byte[] payload = new byte[64];
            ByteBuffer.wrap(payload).putInt(i);
            alice.sendGroup(i + 1, groupId, payload);
        }
        int acked = 0;
        while (acked < ACKED_BEFORE_KILL)
        {
            assertEquals(++acked, alice.expect(SentAckDecoder.TEMPLATE_ID).sentAck().clientMsgId());
        }
        server.killNine();
        // SENT acks already on the wire before the kill count as acknowledged too
        try
        {
            while (true)
            {
                final TestConnection.Frame frame = alice.read();
                if (SentAckDecoder.TEMPLATE_ID == frame.templateId())
                {
                    assertEquals(++acked, frame.sentAck().clientMsgId());
                }
            }
        }
        catch (final java.io.IOException expected)
        {
            // the server is gone
        }
        alice.close();
        System.out.println("group crash: " + acked + " of " + MESSAGES + " group sends acknowledged before the kill");

        server = ChildServer.start(dataDir, port, codesPerAddress);
        for (final TestConnection member : members)
        {
            final TestConnection again = ChildServer.reconnect(port, member);
            again.login();
            final GroupEventDecoder created = again.expect(GroupEventDecoder.TEMPLATE_ID).groupEvent();
            assertEquals(GroupChange.CREATE, created.change());
            assertEquals(groupId, created.groupId());
            again.ack(created.messageId());

            int expected = 0;
            while (true)
            {
                final TestConnection.Frame frame;
                try
                {
                    frame = expected < acked ? again.read() : readWithin(again, 200);
                }
                catch (final java.net.SocketTimeoutException done)
                {
                    break;
                }
                final DeliverDecoder deliver = frame.deliver();
                assertEquals(DeliverDecoder.TEMPLATE_ID, frame.templateId(), frame.toString());
                assertEquals(groupId, deliver.groupId());
                final byte[] payload = new byte[deliver.payloadLength()];
                deliver.getPayload(payload, 0, payload.length);
                assertEquals(expected++, ByteBuffer.wrap(payload).getInt(), "once and in order");
                again.ack(deliver.messageId());
            }
            assertTrue(expected >= acked, "every acknowledged message: " + expected + " of " + acked);
            again.groupInfoRequest(2, groupId);
            assertEquals(MEMBERS, again.expect(GroupInfoDecoder.TEMPLATE_ID).groupInfo().members().count(),
                "the group table survived the kill");
            again.close();
        }
    }

    private static TestConnection.Frame readWithin(final TestConnection connection, final int timeoutMs)
        throws java.io.IOException
    {
        final int previous = connection.channel.socket().getSoTimeout();
        connection.channel.socket().setSoTimeout(timeoutMs);
        try
        {
            return connection.read();
        }
        finally
        {
            connection.channel.socket().setSoTimeout(previous);
        }
    }
}
