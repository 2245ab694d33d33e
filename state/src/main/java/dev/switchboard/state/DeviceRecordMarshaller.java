package dev.switchboard.state;

import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.hash.serialization.BytesReader;
import net.openhft.chronicle.hash.serialization.BytesWriter;
import net.openhft.chronicle.hash.serialization.impl.EnumMarshallable;

/**
 * Writes a {@link DeviceRecord} in its fixed layout and reads it into the caller's instance, allocating nothing.
 * <p>
 * Public only because Chronicle records the marshaller class in each table file and creates it again on open.
 */
public final class DeviceRecordMarshaller
    implements BytesReader<DeviceRecord>, BytesWriter<DeviceRecord>, EnumMarshallable<DeviceRecordMarshaller>
{
    /** The only instance. */
    public static final DeviceRecordMarshaller INSTANCE = new DeviceRecordMarshaller();

    private DeviceRecordMarshaller()
    {
    }

    /** {@inheritDoc} */
    public DeviceRecord read(final Bytes<?> in, final DeviceRecord using)
    {
        final DeviceRecord record = null == using ? new DeviceRecord() : using;
        in.read(record.loginKey, 0, DeviceRecord.LOGIN_KEY_LENGTH);
        record.registrationId = in.readInt();
        in.readSkip(4);
        return record;
    }

    /** {@inheritDoc} */
    public void write(final Bytes<?> out, final DeviceRecord toWrite)
    {
        out.write(toWrite.loginKey, 0, DeviceRecord.LOGIN_KEY_LENGTH);
        out.writeInt(toWrite.registrationId);
        out.writeInt(0);
    }

    /** {@inheritDoc} */
    public DeviceRecordMarshaller readResolve()
    {
        return INSTANCE;
    }
}
