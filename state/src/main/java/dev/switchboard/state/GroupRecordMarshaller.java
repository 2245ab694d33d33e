package dev.switchboard.state;

import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.hash.serialization.SizedReader;
import net.openhft.chronicle.hash.serialization.SizedWriter;
import net.openhft.chronicle.hash.serialization.impl.EnumMarshallable;

import java.util.Arrays;

/**
 * Writes a {@link GroupRecord} in its stored layout and reads it into the caller's instance, allocating nothing
 * unless the stored group has more members than the instance holds (a table made with a larger member limit).
 * <p>
 * Public only because Chronicle records the marshaller class in each table file and creates it again on open.
 */
public final class GroupRecordMarshaller implements
    SizedReader<GroupRecord>, SizedWriter<GroupRecord>, EnumMarshallable<GroupRecordMarshaller>
{
    /** The only instance. */
    public static final GroupRecordMarshaller INSTANCE = new GroupRecordMarshaller();

    private GroupRecordMarshaller()
    {
    }

    /** {@inheritDoc} */
    public GroupRecord read(final Bytes<?> in, final long size, final GroupRecord using)
    {
        final GroupRecord record =
            null == using ? new GroupRecord(StateConfiguration.GROUP_MAX_MEMBERS_DEFAULT) : using;
        record.version = in.readInt();
        final int memberCount = in.readUnsignedShort();
        final int nameLength = in.readUnsignedByte();
        in.read(record.name, 0, nameLength);
        record.nameLength = nameLength;
        if (memberCount > record.members.length)
        {
            record.members = Arrays.copyOf(record.members, memberCount);
        }
        final long[] members = record.members;
        for (int i = 0; i < memberCount; i++)
        {
            members[i] = in.readLong();
        }
        record.memberCount = memberCount;
        return record;
    }

    /** {@inheritDoc} */
    public long size(final GroupRecord toWrite)
    {
        return toWrite.storedLength();
    }

    /** {@inheritDoc} */
    public void write(final Bytes<?> out, final long size, final GroupRecord toWrite)
    {
        out.writeInt(toWrite.version);
        out.writeUnsignedShort(toWrite.memberCount);
        out.writeUnsignedByte(toWrite.nameLength);
        out.write(toWrite.name, 0, toWrite.nameLength);
        final long[] members = toWrite.members;
        for (int i = 0, count = toWrite.memberCount; i < count; i++)
        {
            out.writeLong(members[i]);
        }
    }

    /** {@inheritDoc} */
    public GroupRecordMarshaller readResolve()
    {
        return INSTANCE;
    }
}
