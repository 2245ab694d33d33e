package dev.switchboard.state;

import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.hash.serialization.BytesReader;
import net.openhft.chronicle.hash.serialization.BytesWriter;
import net.openhft.chronicle.hash.serialization.impl.EnumMarshallable;

/**
 * Writes a {@link PresenceRecord} in its fixed layout and reads it into the caller's instance, allocating nothing.
 * <p>
 * Public only because Chronicle records the marshaller class in each table file and creates it again on open.
 */
public final class PresenceRecordMarshaller
    implements BytesReader<PresenceRecord>, BytesWriter<PresenceRecord>, EnumMarshallable<PresenceRecordMarshaller>
{
    /** The only instance. */
    public static final PresenceRecordMarshaller INSTANCE = new PresenceRecordMarshaller();

    private PresenceRecordMarshaller()
    {
    }

    /** {@inheritDoc} */
    public PresenceRecord read(final Bytes<?> in, final PresenceRecord using)
    {
        final PresenceRecord record = null == using ? new PresenceRecord() : using;
        record.connectionId = in.readLong();
        record.lastSeenMs = in.readLong();
        record.openEpoch = in.readInt();
        record.pollerIndex = in.readInt();
        return record;
    }

    /** {@inheritDoc} */
    public void write(final Bytes<?> out, final PresenceRecord toWrite)
    {
        out.writeLong(toWrite.connectionId);
        out.writeLong(toWrite.lastSeenMs);
        out.writeInt(toWrite.openEpoch);
        out.writeInt(toWrite.pollerIndex);
    }

    /** {@inheritDoc} */
    public PresenceRecordMarshaller readResolve()
    {
        return INSTANCE;
    }
}
