package dev.switchboard.state;

import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.hash.serialization.SizedReader;
import net.openhft.chronicle.hash.serialization.SizedWriter;
import net.openhft.chronicle.hash.serialization.impl.EnumMarshallable;

/**
 * Writes a {@link PartnerList} as its partners and reads it into the caller's instance, allocating nothing unless
 * the stored list is longer than any the instance has held.
 * <p>
 * Public only because Chronicle records the marshaller class in each table file and creates it again on open.
 */
public final class PartnerListMarshaller implements
    SizedReader<PartnerList>, SizedWriter<PartnerList>, EnumMarshallable<PartnerListMarshaller>
{
    /** The only instance. */
    public static final PartnerListMarshaller INSTANCE = new PartnerListMarshaller();

    private PartnerListMarshaller()
    {
    }

    /** {@inheritDoc} */
    public PartnerList read(final Bytes<?> in, final long size, final PartnerList using)
    {
        final PartnerList list = null == using ? new PartnerList() : using;
        final int count = (int)(size / Long.BYTES);
        list.ensureCapacity(count);
        final long[] partners = list.partners;
        for (int i = 0; i < count; i++)
        {
            partners[i] = in.readLong();
        }
        list.count = count;
        return list;
    }

    /** {@inheritDoc} */
    public long size(final PartnerList toWrite)
    {
        return (long)toWrite.count * Long.BYTES;
    }

    /** {@inheritDoc} */
    public void write(final Bytes<?> out, final long size, final PartnerList toWrite)
    {
        final long[] partners = toWrite.partners;
        for (int i = 0; i < toWrite.count; i++)
        {
            out.writeLong(partners[i]);
        }
    }

    /** {@inheritDoc} */
    public PartnerListMarshaller readResolve()
    {
        return INSTANCE;
    }
}
