package dev.switchboard.state;

import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.hash.serialization.BytesReader;
import net.openhft.chronicle.hash.serialization.BytesWriter;
import net.openhft.chronicle.hash.serialization.impl.EnumMarshallable;

/**
 * Writes a {@link LongPair} as 16 bytes and reads it back into the caller's instance, allocating nothing.
 * <p>
 * Public only because Chronicle records the marshaller class in each table file and creates it again on open.
 */
public final class LongPairMarshaller
    implements BytesReader<LongPair>, BytesWriter<LongPair>, EnumMarshallable<LongPairMarshaller>
{
    /** The only instance. */
    public static final LongPairMarshaller INSTANCE = new LongPairMarshaller();

    private LongPairMarshaller()
    {
    }

    /** {@inheritDoc} */
    public LongPair read(final Bytes<?> in, final LongPair using)
    {
        final LongPair pair = null == using ? new LongPair() : using;
        pair.first = in.readLong();
        pair.second = in.readLong();
        return pair;
    }

    /** {@inheritDoc} */
    public void write(final Bytes<?> out, final LongPair toWrite)
    {
        out.writeLong(toWrite.first);
        out.writeLong(toWrite.second);
    }

    /** {@inheritDoc} */
    public LongPairMarshaller readResolve()
    {
        return INSTANCE;
    }
}
