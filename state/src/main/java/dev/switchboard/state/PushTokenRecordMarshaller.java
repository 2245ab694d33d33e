package dev.switchboard.state;

import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.hash.serialization.SizedReader;
import net.openhft.chronicle.hash.serialization.SizedWriter;
import net.openhft.chronicle.hash.serialization.impl.EnumMarshallable;

/**
 * Writes a {@link PushTokenRecord} as platform then token and reads it into the caller's instance, allocating
 * nothing.
 * <p>
 * Public only because Chronicle records the marshaller class in each table file and creates it again on open.
 */
public final class PushTokenRecordMarshaller implements
    SizedReader<PushTokenRecord>, SizedWriter<PushTokenRecord>, EnumMarshallable<PushTokenRecordMarshaller>
{
    /** The only instance. */
    public static final PushTokenRecordMarshaller INSTANCE = new PushTokenRecordMarshaller();

    private PushTokenRecordMarshaller()
    {
    }

    /** {@inheritDoc} */
    public PushTokenRecord read(final Bytes<?> in, final long size, final PushTokenRecord using)
    {
        final PushTokenRecord record = null == using ? new PushTokenRecord() : using;
        record.platform = in.readByte();
        // a file written with a longer limit must not overrun the buffer: keep what fits, skip the rest
        final int stored = (int)(size - 1);
        final int length = Math.min(stored, record.token.length);
        in.read(record.token, 0, length);
        in.readSkip(stored - length);
        record.tokenLength = length;
        return record;
    }

    /** {@inheritDoc} */
    public long size(final PushTokenRecord toWrite)
    {
        return 1L + toWrite.tokenLength;
    }

    /** {@inheritDoc} */
    public void write(final Bytes<?> out, final long size, final PushTokenRecord toWrite)
    {
        out.writeByte(toWrite.platform);
        out.write(toWrite.token, 0, toWrite.tokenLength);
    }

    /** {@inheritDoc} */
    public PushTokenRecordMarshaller readResolve()
    {
        return INSTANCE;
    }
}
