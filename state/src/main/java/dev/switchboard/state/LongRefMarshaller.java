package dev.switchboard.state;

import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.hash.serialization.BytesReader;
import net.openhft.chronicle.hash.serialization.BytesWriter;
import net.openhft.chronicle.hash.serialization.impl.EnumMarshallable;

/**
 * Writes a {@link LongRef} as 8 bytes and reads it back into the caller's instance, allocating nothing.
 * <p>
 * Public only because Chronicle records the marshaller class in each table file and creates it again on open.
 */
public final class LongRefMarshaller
    implements BytesReader<LongRef>, BytesWriter<LongRef>, EnumMarshallable<LongRefMarshaller>
{
    /** The only instance. */
    public static final LongRefMarshaller INSTANCE = new LongRefMarshaller();

    private LongRefMarshaller()
    {
    }

    /** {@inheritDoc} */
    public LongRef read(final Bytes<?> in, final LongRef using)
    {
        final LongRef ref = null == using ? new LongRef() : using;
        ref.value = in.readLong();
        return ref;
    }

    /** {@inheritDoc} */
    public void write(final Bytes<?> out, final LongRef toWrite)
    {
        out.writeLong(toWrite.value);
    }

    /** {@inheritDoc} */
    public LongRefMarshaller readResolve()
    {
        return INSTANCE;
    }
}
