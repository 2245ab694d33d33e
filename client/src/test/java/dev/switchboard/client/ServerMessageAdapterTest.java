package dev.switchboard.client;

import dev.switchboard.codec.Sofh;
import dev.switchboard.codec.sbe.DeliverEncoder;
import dev.switchboard.codec.sbe.ErrorCode;
import dev.switchboard.codec.sbe.ContactLookupResultEncoder;
import dev.switchboard.codec.sbe.ErrorEncoder;
import dev.switchboard.codec.sbe.GroupChange;
import dev.switchboard.codec.sbe.GroupEventEncoder;
import dev.switchboard.codec.sbe.GroupInfoEncoder;
import dev.switchboard.codec.sbe.GroupRole;
import dev.switchboard.codec.sbe.GroupTypingUpdateEncoder;
import dev.switchboard.codec.sbe.KeyBundleEncoder;
import dev.switchboard.codec.sbe.LoginChallengeEncoder;
import dev.switchboard.codec.sbe.LogoutEncoder;
import dev.switchboard.codec.sbe.MessageHeaderEncoder;
import dev.switchboard.codec.sbe.PresenceState;
import dev.switchboard.codec.sbe.PresenceUpdateEncoder;
import dev.switchboard.codec.sbe.ReceiptEncoder;
import dev.switchboard.codec.sbe.ReceiptType;
import dev.switchboard.codec.sbe.TypingState;
import dev.switchboard.codec.sbe.TypingUpdateEncoder;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ServerMessageAdapterTest
{
    private final List<String> events = new ArrayList<>();
    private final ServerMessageHandler handler = new ServerMessageHandler()
    {
        public void onDeliver(
            final long messageId,
            final long timestampMs,
            final long fromUserId,
            final int fromDeviceId,
            final long groupId,
            final DirectBuffer payload,
            final int offset,
            final int length)
        {
            final byte[] bytes = new byte[length];
            payload.getBytes(offset, bytes);
            events.add("deliver " + messageId + " " + fromUserId + "/" + fromDeviceId + " " + groupId + " " +
                new String(bytes));
        }

        public void onLoginChallenge(final long requestId, final DirectBuffer nonce, final int offset, final int length)
        {
            events.add("challenge " + requestId + " " + length);
        }

        public void onError(final long requestId, final int templateId, final ErrorCode code, final String detail)
        {
            events.add("error " + requestId + " " + templateId + " " + code + " " + detail);
        }

        public void onReceipt(
            final long messageId,
            final long originalMessageId,
            final long fromUserId,
            final int fromDeviceId,
            final ReceiptType receiptType,
            final long timestampMs)
        {
            events.add("receipt " + messageId + " " + originalMessageId + " " + receiptType);
        }

        public void onPresenceUpdate(final long userId, final PresenceState state, final long lastSeenMs)
        {
            events.add("presence " + userId + " " + state + " " + lastSeenMs);
        }

        public void onTypingUpdate(final long fromUserId, final int fromDeviceId, final TypingState state)
        {
            events.add("typing " + fromUserId + "/" + fromDeviceId + " " + state);
        }

        public void onContactLookupResult(final long requestId, final long[] userIds, final String[] phones)
        {
            events.add("contacts " + requestId + " " + Arrays.toString(userIds) + " " + Arrays.toString(phones));
        }

        public void onGroupInfo(final long requestId, final GroupInfo group)
        {
            events.add("groupInfo " + requestId + " " + group);
        }

        public void onGroupEvent(final GroupEvent event)
        {
            events.add("groupEvent " + event);
        }

        public void onGroupTypingUpdate(
            final long groupId, final long fromUserId, final int fromDeviceId, final TypingState state)
        {
            events.add("groupTyping " + groupId + " " + fromUserId + "/" + fromDeviceId + " " + state);
        }
    };
    private final ServerMessageAdapter adapter = new ServerMessageAdapter(handler);
    private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[4096]);

    @Test
    void shouldDispatchWellFormedFrames()
    {
        final DeliverEncoder deliver = new DeliverEncoder()
            .wrapAndApplyHeader(buffer, Sofh.HEADER_LENGTH, new MessageHeaderEncoder())
            .messageId(7)
            .timestampMs(1)
            .groupId(9);
        deliver.from().userId(3).deviceId(2);
        deliver.putPayload("hi".getBytes(), 0, 2);
        adapter.onFrame(buffer, 0, frame(deliver.encodedLength()));

        final LoginChallengeEncoder challenge = new LoginChallengeEncoder()
            .wrapAndApplyHeader(buffer, Sofh.HEADER_LENGTH, new MessageHeaderEncoder())
            .requestId(11)
            .putNonce(new byte[32], 0, 32);
        adapter.onFrame(buffer, 0, frame(challenge.encodedLength()));

        final ErrorEncoder error = new ErrorEncoder()
            .wrapAndApplyHeader(buffer, Sofh.HEADER_LENGTH, new MessageHeaderEncoder())
            .requestId(12)
            .templateId(10)
            .code(ErrorCode.QUEUE_FULL)
            .detail("full");
        adapter.onFrame(buffer, 0, frame(error.encodedLength()));

        assertEquals(List.of("deliver 7 3/2 9 hi", "challenge 11 32", "error 12 10 QUEUE_FULL full"), events);
        assertEquals(0, adapter.rejectedFrames());
    }

    @Test
    void shouldCountVarDataRunningPastTheFrameEnd()
    {
        final DeliverEncoder deliver = new DeliverEncoder()
            .wrapAndApplyHeader(buffer, Sofh.HEADER_LENGTH, new MessageHeaderEncoder())
            .messageId(7);
        deliver.putPayload(new byte[100], 0, 100);
        final int length = frame(deliver.encodedLength());

        adapter.onFrame(buffer, 0, length - 1);

        assertTrue(events.isEmpty());
        assertEquals(1, adapter.rejectedFrames());
    }

    @Test
    void shouldCountShortBlockWrongSchemaAndUnknownEnum()
    {
        final ReceiptEncoder receipt = new ReceiptEncoder()
            .wrapAndApplyHeader(buffer, Sofh.HEADER_LENGTH, new MessageHeaderEncoder())
            .messageId(1)
            .receiptType(ReceiptType.READ);
        final int length = frame(receipt.encodedLength());
        final int receiptTypeOffset = Sofh.HEADER_LENGTH + 8 + ReceiptEncoder.receiptTypeEncodingOffset();
        buffer.putByte(receiptTypeOffset, (byte)9);
        adapter.onFrame(buffer, 0, length);

        buffer.putByte(receiptTypeOffset, (byte)ReceiptType.READ.value());
        buffer.putShort(Sofh.HEADER_LENGTH, (short)4);
        adapter.onFrame(buffer, 0, length);

        buffer.putShort(Sofh.HEADER_LENGTH, (short)ReceiptEncoder.BLOCK_LENGTH);
        buffer.putShort(Sofh.HEADER_LENGTH + 4, (short)999);
        adapter.onFrame(buffer, 0, length);

        buffer.putShort(Sofh.HEADER_LENGTH + 4, (short)MessageHeaderEncoder.SCHEMA_ID);
        adapter.onFrame(buffer, 0, length);

        assertEquals(List.of("receipt 1 0 READ"), events);
        assertEquals(3, adapter.rejectedFrames());
    }

    @Test
    void shouldDispatchPresenceTypingAndContacts()
    {
        final PresenceUpdateEncoder presence = new PresenceUpdateEncoder()
            .wrapAndApplyHeader(buffer, Sofh.HEADER_LENGTH, new MessageHeaderEncoder())
            .userId(1)
            .state(PresenceState.OFFLINE)
            .lastSeenMs(99);
        adapter.onFrame(buffer, 0, frame(presence.encodedLength()));

        final TypingUpdateEncoder typing = new TypingUpdateEncoder()
            .wrapAndApplyHeader(buffer, Sofh.HEADER_LENGTH, new MessageHeaderEncoder());
        typing.from().userId(2).deviceId(3);
        typing.state(TypingState.COMPOSING);
        adapter.onFrame(buffer, 0, frame(typing.encodedLength()));

        final int contactsLength = contactLookupResult();
        adapter.onFrame(buffer, 0, frame(contactsLength));

        assertEquals(List.of(
            "presence 1 OFFLINE 99",
            "typing 2/3 COMPOSING",
            "contacts 5 [10, 11] [+15550000010, +15550000011]"), events);
        assertEquals(0, adapter.rejectedFrames());
    }

    @Test
    void shouldRejectContactResultsRunningPastTheFrameAndUnknownStates()
    {
        final int contactsLength = contactLookupResult();
        final int length = frame(contactsLength);
        for (int cut = 1; cut < contactsLength; cut++)
        {
            Sofh.write(buffer, 0, length - cut - Sofh.HEADER_LENGTH);
            adapter.onFrame(buffer, 0, length - cut);
        }
        final PresenceUpdateEncoder presence = new PresenceUpdateEncoder()
            .wrapAndApplyHeader(buffer, Sofh.HEADER_LENGTH, new MessageHeaderEncoder())
            .userId(1)
            .lastSeenMs(99);
        buffer.putByte(presence.offset() + PresenceUpdateEncoder.stateEncodingOffset(), (byte)7);
        adapter.onFrame(buffer, 0, frame(presence.encodedLength()));

        assertEquals(List.of(), events);
        assertEquals(contactsLength, adapter.rejectedFrames());
    }

    @Test
    void shouldDispatchGroupFrames()
    {
        adapter.onFrame(buffer, 0, frame(groupInfo(GroupRole.ADMIN)));
        adapter.onFrame(buffer, 0, frame(groupEvent(GroupChange.ADD_MEMBERS)));
        final GroupTypingUpdateEncoder typing = new GroupTypingUpdateEncoder()
            .wrapAndApplyHeader(buffer, Sofh.HEADER_LENGTH, new MessageHeaderEncoder())
            .groupId(9);
        typing.from().userId(3).deviceId(2);
        typing.state(TypingState.COMPOSING);
        adapter.onFrame(buffer, 0, frame(typing.encodedLength()));

        assertEquals(List.of(
            "groupInfo 1 GroupInfo[groupId=9, version=4, name=Family, members=[GroupMember[userId=3, role=ADMIN], " +
                "GroupMember[userId=5, role=MEMBER]]]",
            "groupEvent GroupEvent[messageId=70, timestampMs=8, groupId=9, version=5, change=ADD_MEMBERS, " +
                "actorUserId=3, actorDeviceId=2, memberUserIds=[5, 6], name=Family]",
            "groupTyping 9 3/2 COMPOSING"), events);
        assertEquals(0, adapter.rejectedFrames());
    }

    @Test
    void shouldRejectGroupFramesThatRunPastTheirEndOrCarryUnknownValues()
    {
        final int infoLength = frame(groupInfo(GroupRole.ADMIN));
        for (int length = infoLength - 1; length > Sofh.HEADER_LENGTH + MessageHeaderEncoder.ENCODED_LENGTH; length--)
        {
            adapter.onFrame(buffer, 0, length);
        }
        final int eventLength = frame(groupEvent(GroupChange.RENAME));
        for (int length = eventLength - 1; length > Sofh.HEADER_LENGTH + MessageHeaderEncoder.ENCODED_LENGTH; length--)
        {
            adapter.onFrame(buffer, 0, length);
        }
        final long truncations = adapter.rejectedFrames();

        final int infoBodyLength = groupInfo(GroupRole.MEMBER);
        buffer.putByte(Sofh.HEADER_LENGTH + MessageHeaderEncoder.ENCODED_LENGTH + GroupInfoEncoder.BLOCK_LENGTH + 4 + 8,
            (byte)7);
        adapter.onFrame(buffer, 0, frame(infoBodyLength));
        final int changeLength = groupEvent(GroupChange.CREATE);
        buffer.putByte(Sofh.HEADER_LENGTH + MessageHeaderEncoder.ENCODED_LENGTH +
            GroupEventEncoder.changeEncodingOffset(), (byte)99);
        adapter.onFrame(buffer, 0, frame(changeLength));

        assertEquals(List.of(), events);
        assertEquals(infoLength - 1 - (Sofh.HEADER_LENGTH + MessageHeaderEncoder.ENCODED_LENGTH) +
            eventLength - 1 - (Sofh.HEADER_LENGTH + MessageHeaderEncoder.ENCODED_LENGTH), truncations);
        assertEquals(truncations + 2, adapter.rejectedFrames());
    }

    @Test
    void shouldIgnoreTemplatesItDoesNotHandle()
    {
        final LogoutEncoder logout = new LogoutEncoder()
            .wrapAndApplyHeader(buffer, Sofh.HEADER_LENGTH, new MessageHeaderEncoder())
            .requestId(1);

        adapter.onFrame(buffer, 0, frame(logout.encodedLength()));

        assertEquals(1, adapter.ignoredFrames());
        assertEquals(0, adapter.rejectedFrames());
    }

    @Test
    void shouldDecodeKeyBundleAndRejectTruncatedOne()
    {
        final List<KeyBundle> bundles = new ArrayList<>();
        final ServerMessageAdapter keyAdapter = new ServerMessageAdapter(new ServerMessageHandler()
        {
            public void onKeyBundle(final long requestId, final KeyBundle bundle)
            {
                bundles.add(bundle);
            }
        });
        final KeyBundleEncoder keyBundle = new KeyBundleEncoder()
            .wrapAndApplyHeader(buffer, Sofh.HEADER_LENGTH, new MessageHeaderEncoder())
            .requestId(9)
            .registrationId(77)
            .signedPreKeyId(5)
            .preKeyId(6)
            .kyberPreKeyId(8);
        keyBundle.device().userId(42).deviceId(2);
        keyBundle.putIdentityKey(new byte[]{ 1, 2, 3 }, 0, 3);
        keyBundle.putSignedPreKeyPublic(new byte[]{ 4 }, 0, 1);
        keyBundle.putSignedPreKeySignature(new byte[]{ 5, 6 }, 0, 2);
        keyBundle.putPreKeyPublic(new byte[]{ 7 }, 0, 1);
        final byte[] kyberKey = new byte[1569];
        kyberKey[0] = 0x08;
        kyberKey[1568] = 9;
        keyBundle.putKyberPreKeyPublic(kyberKey, 0, kyberKey.length);
        keyBundle.putKyberPreKeySignature(new byte[]{ 10, 11 }, 0, 2);
        final int length = frame(keyBundle.encodedLength());

        keyAdapter.onFrame(buffer, 0, length);
        keyAdapter.onFrame(buffer, 0, length - 1);

        assertEquals(1, bundles.size());
        final KeyBundle bundle = bundles.get(0);
        assertEquals(42, bundle.userId());
        assertEquals(2, bundle.deviceId());
        assertEquals(77, bundle.registrationId());
        assertEquals(5, bundle.signedPreKeyId());
        assertEquals(6, bundle.preKeyId());
        assertArrayEquals(new byte[]{ 1, 2, 3 }, bundle.identityKey());
        assertArrayEquals(new byte[]{ 5, 6 }, bundle.signedPreKeySignature());
        assertEquals(8, bundle.kyberPreKeyId());
        assertArrayEquals(kyberKey, bundle.kyberPreKey());
        assertArrayEquals(new byte[]{ 10, 11 }, bundle.kyberPreKeySignature());
        assertTrue(bundle.hasKyberPreKey());
        assertArrayEquals(new byte[]{ 7 }, bundle.preKey());
        assertEquals(1, keyAdapter.rejectedFrames());
    }

    @Test
    void shouldNeverThrowOnRandomFrames()
    {
        final Random random = new Random(42);
        final byte[] bytes = new byte[256];
        final UnsafeBuffer randomBuffer = new UnsafeBuffer(bytes);
        for (int i = 0; i < 100_000; i++)
        {
            random.nextBytes(bytes);
            final int length = random.nextInt(bytes.length + 1);
            if (random.nextBoolean())
            {
                // Make most frames get past the header checks so the body checks are exercised.
                randomBuffer.putShort(Sofh.ENCODING_TYPE_OFFSET, (short)Sofh.SBE_LITTLE_ENDIAN_ENCODING,
                    java.nio.ByteOrder.BIG_ENDIAN);
                randomBuffer.putShort(Sofh.HEADER_LENGTH + 2, (short)(1 + random.nextInt(63)));
                randomBuffer.putShort(Sofh.HEADER_LENGTH + 4, (short)MessageHeaderEncoder.SCHEMA_ID);
                randomBuffer.putShort(Sofh.HEADER_LENGTH + 6, (short)1);
                randomBuffer.putShort(Sofh.HEADER_LENGTH, (short)random.nextInt(64));
            }
            adapter.onFrame(randomBuffer, 0, length);
        }
        assertTrue(adapter.rejectedFrames() > 0);
    }

    private int groupInfo(final GroupRole firstRole)
    {
        final GroupInfoEncoder encoder = new GroupInfoEncoder()
            .wrapAndApplyHeader(buffer, Sofh.HEADER_LENGTH, new MessageHeaderEncoder())
            .requestId(1)
            .groupId(9)
            .version(4);
        final GroupInfoEncoder.MembersEncoder members = encoder.membersCount(2);
        members.next().userId(3).role(firstRole);
        members.next().userId(5).role(GroupRole.MEMBER);
        encoder.name("Family");
        return encoder.encodedLength();
    }

    private int groupEvent(final GroupChange change)
    {
        final GroupEventEncoder encoder = new GroupEventEncoder()
            .wrapAndApplyHeader(buffer, Sofh.HEADER_LENGTH, new MessageHeaderEncoder())
            .messageId(70)
            .timestampMs(8)
            .groupId(9)
            .version(5)
            .change(change);
        encoder.actor().userId(3).deviceId(2);
        final GroupEventEncoder.MembersEncoder members = encoder.membersCount(2);
        members.next().userId(5);
        members.next().userId(6);
        encoder.name("Family");
        return encoder.encodedLength();
    }

    private int contactLookupResult()
    {
        final ContactLookupResultEncoder encoder = new ContactLookupResultEncoder()
            .wrapAndApplyHeader(buffer, Sofh.HEADER_LENGTH, new MessageHeaderEncoder())
            .requestId(5);
        final ContactLookupResultEncoder.ContactsEncoder contacts = encoder.contactsCount(2);
        contacts.next().userId(10).phone("+15550000010");
        contacts.next().userId(11).phone("+15550000011");
        return encoder.encodedLength();
    }

    private int frame(final int bodyLength)
    {
        final int messageLength = MessageHeaderEncoder.ENCODED_LENGTH + bodyLength;
        Sofh.write(buffer, 0, messageLength);
        return Sofh.HEADER_LENGTH + messageLength;
    }
}
