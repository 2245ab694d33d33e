package dev.switchboard.client;

import dev.switchboard.codec.FrameHandler;
import dev.switchboard.codec.Sofh;
import dev.switchboard.codec.sbe.ContactLookupResultDecoder;
import dev.switchboard.codec.sbe.DeliverDecoder;
import dev.switchboard.codec.sbe.ErrorCode;
import dev.switchboard.codec.sbe.ErrorDecoder;
import dev.switchboard.codec.sbe.GoodbyeDecoder;
import dev.switchboard.codec.sbe.GroupChange;
import dev.switchboard.codec.sbe.GroupEventDecoder;
import dev.switchboard.codec.sbe.GroupInfoDecoder;
import dev.switchboard.codec.sbe.GroupRole;
import dev.switchboard.codec.sbe.GroupTypingUpdateDecoder;
import dev.switchboard.codec.sbe.KeyBundleDecoder;
import dev.switchboard.codec.sbe.MediaTicketDecoder;
import dev.switchboard.codec.sbe.LoginAckDecoder;
import dev.switchboard.codec.sbe.LoginChallengeDecoder;
import dev.switchboard.codec.sbe.MessageHeaderDecoder;
import dev.switchboard.codec.sbe.PingDecoder;
import dev.switchboard.codec.sbe.PongDecoder;
import dev.switchboard.codec.sbe.PreKeyStockDecoder;
import dev.switchboard.codec.sbe.PresenceState;
import dev.switchboard.codec.sbe.PresenceUpdateDecoder;
import dev.switchboard.codec.sbe.ReceiptDecoder;
import dev.switchboard.codec.sbe.ReceiptType;
import dev.switchboard.codec.sbe.RegisterAckDecoder;
import dev.switchboard.codec.sbe.RequestAckDecoder;
import dev.switchboard.codec.sbe.SentAckDecoder;
import dev.switchboard.codec.sbe.TypingState;
import dev.switchboard.codec.sbe.TypingUpdateDecoder;
import dev.switchboard.codec.sbe.VerifyAckDecoder;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Validates and decodes frames a server sends and dispatches them to a {@link ServerMessageHandler}. A frame that is
 * malformed (bad header, schema, block length, or var data running past its end) is counted and dropped, never
 * thrown; valid frames of templates the handler has no method for are counted as ignored.
 */
public final class ServerMessageAdapter implements FrameHandler
{
    private static final int MIN_FRAME_LENGTH = Sofh.HEADER_LENGTH + MessageHeaderDecoder.ENCODED_LENGTH;

    private final ServerMessageHandler handler;
    private final CallMessageAdapter callAdapter;
    private final MessageHeaderDecoder headerDecoder = new MessageHeaderDecoder();
    private final RegisterAckDecoder registerAckDecoder = new RegisterAckDecoder();
    private final VerifyAckDecoder verifyAckDecoder = new VerifyAckDecoder();
    private final LoginChallengeDecoder loginChallengeDecoder = new LoginChallengeDecoder();
    private final LoginAckDecoder loginAckDecoder = new LoginAckDecoder();
    private final SentAckDecoder sentAckDecoder = new SentAckDecoder();
    private final DeliverDecoder deliverDecoder = new DeliverDecoder();
    private final ReceiptDecoder receiptDecoder = new ReceiptDecoder();
    private final PingDecoder pingDecoder = new PingDecoder();
    private final PongDecoder pongDecoder = new PongDecoder();
    private final GoodbyeDecoder goodbyeDecoder = new GoodbyeDecoder();
    private final RequestAckDecoder requestAckDecoder = new RequestAckDecoder();
    private final MediaTicketDecoder mediaTicketDecoder = new MediaTicketDecoder();
    private final ErrorDecoder errorDecoder = new ErrorDecoder();
    private final PresenceUpdateDecoder presenceUpdateDecoder = new PresenceUpdateDecoder();
    private final TypingUpdateDecoder typingUpdateDecoder = new TypingUpdateDecoder();
    private final ContactLookupResultDecoder contactLookupResultDecoder = new ContactLookupResultDecoder();
    private final GroupInfoDecoder groupInfoDecoder = new GroupInfoDecoder();
    private final GroupEventDecoder groupEventDecoder = new GroupEventDecoder();
    private final GroupTypingUpdateDecoder groupTypingUpdateDecoder = new GroupTypingUpdateDecoder();
    private final KeyBundleDecoder keyBundleDecoder = new KeyBundleDecoder();
    private final PreKeyStockDecoder preKeyStockDecoder = new PreKeyStockDecoder();
    private final UnsafeBuffer varData = new UnsafeBuffer(0, 0);
    private final LinkMessageAdapter linkAdapter;
    private long rejectedFrames;
    private long ignoredFrames;

    public ServerMessageAdapter(final ServerMessageHandler handler)
    {
        this.handler = handler;
        linkAdapter = new LinkMessageAdapter(handler);
        callAdapter = new CallMessageAdapter(handler);
    }

    /**
     * Frames refused as malformed since creation.
     */
    public long rejectedFrames()
    {
        return rejectedFrames;
    }

    /**
     * Well-formed frames of templates this adapter does not dispatch (client requests echoed, ...).
     */
    public long ignoredFrames()
    {
        return ignoredFrames;
    }

    /**
     * {@inheritDoc}
     */
    public void onFrame(final DirectBuffer buffer, final int offset, final int length)
    {
        if (!dispatch(buffer, offset, length))
        {
            rejectedFrames++;
        }
    }

    private boolean dispatch(final DirectBuffer buffer, final int offset, final int length)
    {
        if (length < MIN_FRAME_LENGTH || Sofh.encodingType(buffer, offset) != Sofh.SBE_LITTLE_ENDIAN_ENCODING)
        {
            return false;
        }
        final int headerOffset = offset + Sofh.HEADER_LENGTH;
        headerDecoder.wrap(buffer, headerOffset);
        if (headerDecoder.schemaId() != MessageHeaderDecoder.SCHEMA_ID || headerDecoder.version() < 1)
        {
            return false;
        }
        final int bodyOffset = headerOffset + MessageHeaderDecoder.ENCODED_LENGTH;
        final int blockLength = headerDecoder.blockLength();
        final int version = headerDecoder.version();
        final int end = offset + length;
        if (bodyOffset + blockLength > end)
        {
            return false;
        }

        switch (headerDecoder.templateId())
        {
            case RegisterAckDecoder.TEMPLATE_ID:
                return onRegisterAck(buffer, bodyOffset, blockLength, version);
            case VerifyAckDecoder.TEMPLATE_ID:
                return onVerifyAck(buffer, bodyOffset, blockLength, version);
            case LoginChallengeDecoder.TEMPLATE_ID:
                return onLoginChallenge(buffer, bodyOffset, blockLength, version, end);
            case LoginAckDecoder.TEMPLATE_ID:
                return onLoginAck(buffer, bodyOffset, blockLength, version);
            case SentAckDecoder.TEMPLATE_ID:
                return onSentAck(buffer, bodyOffset, blockLength, version);
            case DeliverDecoder.TEMPLATE_ID:
                return onDeliver(buffer, bodyOffset, blockLength, version, end);
            case ReceiptDecoder.TEMPLATE_ID:
                return onReceipt(buffer, bodyOffset, blockLength, version);
            case PingDecoder.TEMPLATE_ID:
                if (blockLength < PingDecoder.BLOCK_LENGTH)
                {
                    return false;
                }
                handler.onPing(pingDecoder.wrap(buffer, bodyOffset, blockLength, version).timestampNs());
                return true;
            case PongDecoder.TEMPLATE_ID:
                if (blockLength < PongDecoder.BLOCK_LENGTH)
                {
                    return false;
                }
                handler.onPong(pongDecoder.wrap(buffer, bodyOffset, blockLength, version).timestampNs());
                return true;
            case RequestAckDecoder.TEMPLATE_ID:
                return onRequestAck(buffer, bodyOffset, blockLength, version);
            case GoodbyeDecoder.TEMPLATE_ID:
                if (blockLength < GoodbyeDecoder.BLOCK_LENGTH)
                {
                    return false;
                }
                handler.onGoodbye(goodbyeDecoder.wrap(buffer, bodyOffset, blockLength, version).retryAfterMs());
                return true;
            case ErrorDecoder.TEMPLATE_ID:
                return onError(buffer, bodyOffset, blockLength, version, end);
            case PresenceUpdateDecoder.TEMPLATE_ID:
                return onPresenceUpdate(buffer, bodyOffset, blockLength, version);
            case TypingUpdateDecoder.TEMPLATE_ID:
                return onTypingUpdate(buffer, bodyOffset, blockLength, version);
            case ContactLookupResultDecoder.TEMPLATE_ID:
                return onContactLookupResult(buffer, bodyOffset, blockLength, version, end);
            case GroupInfoDecoder.TEMPLATE_ID:
                return onGroupInfo(buffer, bodyOffset, blockLength, version, end);
            case GroupEventDecoder.TEMPLATE_ID:
                return onGroupEvent(buffer, bodyOffset, blockLength, version, end);
            case GroupTypingUpdateDecoder.TEMPLATE_ID:
                return onGroupTypingUpdate(buffer, bodyOffset, blockLength, version);
            case MediaTicketDecoder.TEMPLATE_ID:
                return onMediaTicket(buffer, bodyOffset, blockLength, version, end);
            case KeyBundleDecoder.TEMPLATE_ID:
                return onKeyBundle(buffer, bodyOffset, blockLength, version, end);
            case PreKeyStockDecoder.TEMPLATE_ID:
                if (blockLength < PreKeyStockDecoder.BLOCK_LENGTH)
                {
                    return false;
                }
                handler.onPreKeyStock(preKeyStockDecoder.wrap(buffer, bodyOffset, blockLength, version).preKeyCount());
                return true;
            default:
                final int templateId = headerDecoder.templateId();
                if (LinkMessageAdapter.handles(templateId))
                {
                    return linkAdapter.dispatch(templateId, buffer, bodyOffset, blockLength, version, end);
                }
                if (CallMessageAdapter.isCallTemplate(templateId))
                {
                    return callAdapter.dispatch(templateId, buffer, bodyOffset, blockLength, version, end);
                }
                ignoredFrames++;
                return true;
        }
    }

    private boolean onRegisterAck(final DirectBuffer buffer, final int offset, final int blockLength, final int version)
    {
        if (blockLength < RegisterAckDecoder.BLOCK_LENGTH)
        {
            return false;
        }
        final RegisterAckDecoder decoder = registerAckDecoder.wrap(buffer, offset, blockLength, version);
        handler.onRegisterAck(decoder.requestId(), decoder.codeTtlSeconds());
        return true;
    }

    private boolean onVerifyAck(final DirectBuffer buffer, final int offset, final int blockLength, final int version)
    {
        if (blockLength < VerifyAckDecoder.BLOCK_LENGTH)
        {
            return false;
        }
        final VerifyAckDecoder decoder = verifyAckDecoder.wrap(buffer, offset, blockLength, version);
        handler.onVerifyAck(decoder.requestId(), decoder.userId(), decoder.deviceId());
        return true;
    }

    private boolean onLoginChallenge(
        final DirectBuffer buffer, final int offset, final int blockLength, final int version, final int end)
    {
        if (blockLength < LoginChallengeDecoder.BLOCK_LENGTH)
        {
            return false;
        }
        final LoginChallengeDecoder decoder = loginChallengeDecoder.wrap(buffer, offset, blockLength, version);
        final int nonceLength = shortVarDataLength(buffer, decoder.limit(), end);
        if (nonceLength < 0)
        {
            return false;
        }
        decoder.wrapNonce(varData);
        handler.onLoginChallenge(decoder.requestId(), varData, 0, nonceLength);
        return true;
    }

    private boolean onLoginAck(final DirectBuffer buffer, final int offset, final int blockLength, final int version)
    {
        if (blockLength < LoginAckDecoder.BLOCK_LENGTH)
        {
            return false;
        }
        final LoginAckDecoder decoder = loginAckDecoder.wrap(buffer, offset, blockLength, version);
        handler.onLoginAck(
            decoder.requestId(),
            decoder.device().userId(),
            decoder.device().deviceId(),
            decoder.serverTimeMs(),
            decoder.pendingCount());
        return true;
    }

    private boolean onSentAck(final DirectBuffer buffer, final int offset, final int blockLength, final int version)
    {
        if (blockLength < SentAckDecoder.BLOCK_LENGTH)
        {
            return false;
        }
        final SentAckDecoder decoder = sentAckDecoder.wrap(buffer, offset, blockLength, version);
        handler.onSentAck(decoder.clientMsgId(), decoder.messageId(), decoder.timestampMs());
        return true;
    }

    private boolean onDeliver(
        final DirectBuffer buffer, final int offset, final int blockLength, final int version, final int end)
    {
        if (blockLength < DeliverDecoder.BLOCK_LENGTH)
        {
            return false;
        }
        final DeliverDecoder decoder = deliverDecoder.wrap(buffer, offset, blockLength, version);
        final int limit = decoder.limit();
        final int headerLength = DeliverDecoder.payloadHeaderLength();
        if (limit + headerLength > end)
        {
            return false;
        }
        final int payloadLength = buffer.getShort(limit, ByteOrder.LITTLE_ENDIAN) & 0xFFFF;
        if (limit + headerLength + payloadLength > end)
        {
            return false;
        }
        handler.onDeliver(
            decoder.messageId(),
            decoder.timestampMs(),
            decoder.from().userId(),
            decoder.from().deviceId(),
            decoder.groupId(),
            buffer,
            limit + headerLength,
            payloadLength);
        return true;
    }

    private boolean onReceipt(final DirectBuffer buffer, final int offset, final int blockLength, final int version)
    {
        if (blockLength < ReceiptDecoder.BLOCK_LENGTH)
        {
            return false;
        }
        final ReceiptDecoder decoder = receiptDecoder.wrap(buffer, offset, blockLength, version);
        final ReceiptType receiptType = receiptType(decoder.receiptTypeRaw());
        if (null == receiptType)
        {
            return false;
        }
        handler.onReceipt(
            decoder.messageId(),
            decoder.originalMessageId(),
            decoder.from().userId(),
            decoder.from().deviceId(),
            receiptType,
            decoder.timestampMs());
        return true;
    }

    private boolean onMediaTicket(
        final DirectBuffer buffer, final int offset, final int blockLength, final int version, final int end)
    {
        if (blockLength < MediaTicketDecoder.BLOCK_LENGTH ||
            offset + blockLength + MediaTicketDecoder.ticketHeaderLength() > end)
        {
            return false;
        }
        final MediaTicketDecoder decoder = mediaTicketDecoder.wrap(buffer, offset, blockLength, version);
        final int ticketLength = decoder.ticketLength();
        if (offset + blockLength + MediaTicketDecoder.ticketHeaderLength() + ticketLength > end)
        {
            return false;
        }
        final long requestId = decoder.requestId();
        final long maxBytes = decoder.maxBytes();
        final long expiresAtMs = decoder.expiresAtMs();
        final int mediaPort = decoder.mediaPort();
        final byte[] ticket = new byte[ticketLength];
        decoder.getTicket(ticket, 0, ticketLength);
        handler.onMediaTicket(requestId, maxBytes, expiresAtMs, mediaPort, ticket);
        return true;
    }

    private boolean onRequestAck(final DirectBuffer buffer, final int offset, final int blockLength, final int version)
    {
        if (blockLength < RequestAckDecoder.BLOCK_LENGTH)
        {
            return false;
        }
        final RequestAckDecoder decoder = requestAckDecoder.wrap(buffer, offset, blockLength, version);
        handler.onRequestAck(decoder.requestId(), decoder.templateId());
        return true;
    }

    private boolean onKeyBundle(
        final DirectBuffer buffer, final int offset, final int blockLength, final int version, final int end)
    {
        if (blockLength < KeyBundleDecoder.BLOCK_LENGTH)
        {
            return false;
        }
        final KeyBundleDecoder decoder = keyBundleDecoder.wrap(buffer, offset, blockLength, version);
        // Six var-data fields: check each length against the frame end before the decoder reads them.
        int position = decoder.limit();
        for (int i = 0; i < 6; i++)
        {
            // the fifth, the Kyber prekey, has a two-byte length
            final int length = 4 == i ? varDataLength(buffer, position, end) : shortVarDataLength(buffer, position, end);
            if (length < 0)
            {
                return false;
            }
            position += (4 == i ? 2 : 1) + length;
        }
        final long requestId = decoder.requestId();
        final long userId = decoder.device().userId();
        final int deviceId = decoder.device().deviceId();
        final int registrationId = (int)decoder.registrationId();
        final int signedPreKeyId = (int)decoder.signedPreKeyId();
        final int preKeyId = (int)decoder.preKeyId();
        final byte[] identityKey = new byte[decoder.identityKeyLength()];
        decoder.getIdentityKey(identityKey, 0, identityKey.length);
        final byte[] signedPreKey = new byte[decoder.signedPreKeyPublicLength()];
        decoder.getSignedPreKeyPublic(signedPreKey, 0, signedPreKey.length);
        final byte[] signature = new byte[decoder.signedPreKeySignatureLength()];
        decoder.getSignedPreKeySignature(signature, 0, signature.length);
        final byte[] preKey = new byte[decoder.preKeyPublicLength()];
        decoder.getPreKeyPublic(preKey, 0, preKey.length);
        final int kyberPreKeyId = (int)decoder.kyberPreKeyId();
        final byte[] kyberPreKey = new byte[decoder.kyberPreKeyPublicLength()];
        decoder.getKyberPreKeyPublic(kyberPreKey, 0, kyberPreKey.length);
        final byte[] kyberSignature = new byte[decoder.kyberPreKeySignatureLength()];
        decoder.getKyberPreKeySignature(kyberSignature, 0, kyberSignature.length);
        handler.onKeyBundle(requestId, new KeyBundle(userId, deviceId, registrationId, signedPreKeyId, preKeyId,
            identityKey, signedPreKey, signature, preKey, kyberPreKeyId, kyberPreKey, kyberSignature));
        return true;
    }

    private boolean onError(
        final DirectBuffer buffer, final int offset, final int blockLength, final int version, final int end)
    {
        if (blockLength < ErrorDecoder.BLOCK_LENGTH)
        {
            return false;
        }
        final ErrorDecoder decoder = errorDecoder.wrap(buffer, offset, blockLength, version);
        if (shortVarDataLength(buffer, decoder.limit(), end) < 0)
        {
            return false;
        }
        final long requestId = decoder.requestId();
        final int templateId = decoder.templateId();
        final ErrorCode code = errorCode(decoder.codeRaw());
        handler.onError(requestId, templateId, code, decoder.detail());
        return true;
    }

    private boolean onPresenceUpdate(
        final DirectBuffer buffer, final int offset, final int blockLength, final int version)
    {
        if (blockLength < PresenceUpdateDecoder.BLOCK_LENGTH)
        {
            return false;
        }
        final PresenceUpdateDecoder decoder = presenceUpdateDecoder.wrap(buffer, offset, blockLength, version);
        final PresenceState state = presenceState(decoder.stateRaw());
        if (null == state)
        {
            return false;
        }
        handler.onPresenceUpdate(decoder.userId(), state, decoder.lastSeenMs());
        return true;
    }

    private boolean onTypingUpdate(final DirectBuffer buffer, final int offset, final int blockLength, final int version)
    {
        if (blockLength < TypingUpdateDecoder.BLOCK_LENGTH)
        {
            return false;
        }
        final TypingUpdateDecoder decoder = typingUpdateDecoder.wrap(buffer, offset, blockLength, version);
        final TypingState state = typingState(decoder.stateRaw());
        if (null == state)
        {
            return false;
        }
        handler.onTypingUpdate(decoder.from().userId(), decoder.from().deviceId(), state);
        return true;
    }

    private boolean onContactLookupResult(
        final DirectBuffer buffer, final int offset, final int blockLength, final int version, final int end)
    {
        if (blockLength < ContactLookupResultDecoder.BLOCK_LENGTH)
        {
            return false;
        }
        final ContactLookupResultDecoder decoder =
            contactLookupResultDecoder.wrap(buffer, offset, blockLength, version);
        final int groupHeaderLength = ContactLookupResultDecoder.ContactsDecoder.sbeHeaderSize();
        int position = decoder.limit();
        if (position + groupHeaderLength > end)
        {
            return false;
        }
        final int elementBlockLength = buffer.getShort(position, ByteOrder.LITTLE_ENDIAN) & 0xFFFF;
        final int count = buffer.getShort(position + 2, ByteOrder.LITTLE_ENDIAN) & 0xFFFF;
        if (elementBlockLength < ContactLookupResultDecoder.ContactsDecoder.sbeBlockLength())
        {
            return false;
        }
        position += groupHeaderLength;
        // Walk the elements first so the decoder below never reads past the frame.
        for (int i = 0; i < count; i++)
        {
            final int phoneLength = shortVarDataLength(buffer, position + elementBlockLength, end);
            if (phoneLength < 0)
            {
                return false;
            }
            position += elementBlockLength + 1 + phoneLength;
        }

        final long[] userIds = new long[count];
        final String[] phones = new String[count];
        final ContactLookupResultDecoder.ContactsDecoder contacts = decoder.contacts();
        for (int i = 0; i < count; i++)
        {
            contacts.next();
            userIds[i] = contacts.userId();
            phones[i] = contacts.phone();
        }
        handler.onContactLookupResult(decoder.requestId(), userIds, phones);
        return true;
    }

    private boolean onGroupInfo(
        final DirectBuffer buffer, final int offset, final int blockLength, final int version, final int end)
    {
        if (blockLength < GroupInfoDecoder.BLOCK_LENGTH)
        {
            return false;
        }
        final GroupInfoDecoder decoder = groupInfoDecoder.wrap(buffer, offset, blockLength, version);
        final int start = decoder.limit();
        final int nameAt = groupEnd(buffer, start, end, GroupInfoDecoder.MembersDecoder.sbeBlockLength());
        if (nameAt < 0)
        {
            return false;
        }
        final int elementBlockLength = buffer.getShort(start, ByteOrder.LITTLE_ENDIAN) & 0xFFFF;
        final int count = buffer.getShort(start + 2, ByteOrder.LITTLE_ENDIAN) & 0xFFFF;
        final List<GroupMember> members = new ArrayList<>(count);
        int position = start + GroupInfoDecoder.MembersDecoder.sbeHeaderSize();
        for (int i = 0; i < count; i++)
        {
            final short role = (short)(buffer.getByte(position + 8) & 0xFF);
            if (GroupRole.MEMBER.value() != role && GroupRole.ADMIN.value() != role)
            {
                return false;
            }
            members.add(new GroupMember(buffer.getLong(position, ByteOrder.LITTLE_ENDIAN), GroupRole.get(role)));
            position += elementBlockLength;
        }
        final String name = shortVarString(buffer, nameAt, end);
        if (null == name)
        {
            return false;
        }
        handler.onGroupInfo(
            decoder.requestId(),
            new GroupInfo(decoder.groupId(), decoder.version(), name, members));
        return true;
    }

    private boolean onGroupEvent(
        final DirectBuffer buffer, final int offset, final int blockLength, final int version, final int end)
    {
        if (blockLength < GroupEventDecoder.BLOCK_LENGTH)
        {
            return false;
        }
        final GroupEventDecoder decoder = groupEventDecoder.wrap(buffer, offset, blockLength, version);
        final GroupChange change = groupChange(decoder.changeRaw());
        if (null == change)
        {
            return false;
        }
        final int start = decoder.limit();
        final int nameAt = groupEnd(buffer, start, end, GroupEventDecoder.MembersDecoder.sbeBlockLength());
        if (nameAt < 0)
        {
            return false;
        }
        final int elementBlockLength = buffer.getShort(start, ByteOrder.LITTLE_ENDIAN) & 0xFFFF;
        final int count = buffer.getShort(start + 2, ByteOrder.LITTLE_ENDIAN) & 0xFFFF;
        final List<Long> members = new ArrayList<>(count);
        int position = start + GroupEventDecoder.MembersDecoder.sbeHeaderSize();
        for (int i = 0; i < count; i++)
        {
            members.add(buffer.getLong(position, ByteOrder.LITTLE_ENDIAN));
            position += elementBlockLength;
        }
        final String name = shortVarString(buffer, nameAt, end);
        if (null == name)
        {
            return false;
        }
        handler.onGroupEvent(new GroupEvent(
            decoder.messageId(),
            decoder.timestampMs(),
            decoder.groupId(),
            decoder.version(),
            change,
            decoder.actor().userId(),
            decoder.actor().deviceId(),
            members,
            name));
        return true;
    }

    private boolean onGroupTypingUpdate(
        final DirectBuffer buffer, final int offset, final int blockLength, final int version)
    {
        if (blockLength < GroupTypingUpdateDecoder.BLOCK_LENGTH)
        {
            return false;
        }
        final GroupTypingUpdateDecoder decoder = groupTypingUpdateDecoder.wrap(buffer, offset, blockLength, version);
        final TypingState state = typingState(decoder.stateRaw());
        if (null == state)
        {
            return false;
        }
        handler.onGroupTypingUpdate(decoder.groupId(), decoder.from().userId(), decoder.from().deviceId(), state);
        return true;
    }

    /**
     * Where a repeating group of fixed-size elements at {@code position} ends, or -1 if its header or elements run
     * past the frame or its elements are shorter than {@code minElementLength}.
     */
    private static int groupEnd(
        final DirectBuffer buffer, final int position, final int end, final int minElementLength)
    {
        final int headerLength = GroupInfoDecoder.MembersDecoder.sbeHeaderSize();
        if (position + headerLength > end)
        {
            return -1;
        }
        final int elementBlockLength = buffer.getShort(position, ByteOrder.LITTLE_ENDIAN) & 0xFFFF;
        final int count = buffer.getShort(position + 2, ByteOrder.LITTLE_ENDIAN) & 0xFFFF;
        if (elementBlockLength < minElementLength)
        {
            return -1;
        }
        final long groupEnd = (long)position + headerLength + (long)elementBlockLength * count;
        return groupEnd > end ? -1 : (int)groupEnd;
    }

    /**
     * The one-byte-prefixed UTF-8 string at {@code limit}, or null if it runs past the frame end.
     */
    private static String shortVarString(final DirectBuffer buffer, final int limit, final int end)
    {
        final int length = shortVarDataLength(buffer, limit, end);
        if (length < 0)
        {
            return null;
        }
        final byte[] bytes = new byte[length];
        buffer.getBytes(limit + 1, bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /**
     * Length of the two-byte-prefixed (little-endian) var data at {@code limit}, or -1 if it runs past the frame end.
     */
    private static int varDataLength(final DirectBuffer buffer, final int limit, final int end)
    {
        if (limit + 2 > end)
        {
            return -1;
        }
        final int length = buffer.getShort(limit, ByteOrder.LITTLE_ENDIAN) & 0xFFFF;
        return limit + 2 + length > end ? -1 : length;
    }

    /**
     * Length of the one-byte-prefixed var data at {@code limit}, or -1 if it runs past the frame end.
     */
    private static int shortVarDataLength(final DirectBuffer buffer, final int limit, final int end)
    {
        if (limit + 1 > end)
        {
            return -1;
        }
        final int length = buffer.getByte(limit) & 0xFF;
        return limit + 1 + length > end ? -1 : length;
    }

    private static ReceiptType receiptType(final short value)
    {
        switch (value)
        {
            case 1:
                return ReceiptType.DELIVERED;
            case 2:
                return ReceiptType.READ;
            default:
                return null;
        }
    }

    private static PresenceState presenceState(final short value)
    {
        switch (value)
        {
            case 0:
                return PresenceState.OFFLINE;
            case 1:
                return PresenceState.ONLINE;
            case 2:
                return PresenceState.HIDDEN;
            default:
                return null;
        }
    }

    private static TypingState typingState(final short value)
    {
        switch (value)
        {
            case 0:
                return TypingState.PAUSED;
            case 1:
                return TypingState.COMPOSING;
            default:
                return null;
        }
    }

    private static GroupChange groupChange(final short value)
    {
        for (final GroupChange change : GroupChange.values())
        {
            if (change.value() == value && GroupChange.NULL_VAL != change)
            {
                return change;
            }
        }
        return null;
    }

    private static ErrorCode errorCode(final int value)
    {
        for (final ErrorCode code : ErrorCode.values())
        {
            if (code.value() == value && code != ErrorCode.NULL_VAL)
            {
                return code;
            }
        }
        return ErrorCode.NULL_VAL;
    }
}
