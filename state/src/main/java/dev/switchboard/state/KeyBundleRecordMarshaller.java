package dev.switchboard.state;

import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.hash.serialization.SizedReader;
import net.openhft.chronicle.hash.serialization.SizedWriter;
import net.openhft.chronicle.hash.serialization.impl.EnumMarshallable;

/**
 * Writes a {@link KeyBundleRecord} in its stored layout and reads it into the caller's instance, allocating nothing.
 * <p>
 * Public only because Chronicle records the marshaller class in each table file and creates it again on open.
 */
public final class KeyBundleRecordMarshaller implements
    SizedReader<KeyBundleRecord>, SizedWriter<KeyBundleRecord>, EnumMarshallable<KeyBundleRecordMarshaller>
{
    /** The only instance. */
    public static final KeyBundleRecordMarshaller INSTANCE = new KeyBundleRecordMarshaller();

    private KeyBundleRecordMarshaller()
    {
    }

    /** {@inheritDoc} */
    public KeyBundleRecord read(final Bytes<?> in, final long size, final KeyBundleRecord using)
    {
        final KeyBundleRecord record = null == using ?
            new KeyBundleRecord(StateConfiguration.MAX_PRE_KEYS_PER_DEVICE_LIMIT) : using;
        record.registrationId = in.readInt();
        in.read(record.identityKey, 0, KeyBundleRecord.PUBLIC_KEY_LENGTH);
        record.signedPreKeyId = in.readInt();
        in.read(record.signedPreKey, 0, KeyBundleRecord.PUBLIC_KEY_LENGTH);
        in.read(record.signature, 0, KeyBundleRecord.SIGNATURE_LENGTH);
        final int stored = in.readUnsignedShort();
        // a file written with a larger stock limit must not overrun the arrays: keep what fits, skip the rest
        final int count = Math.min(stored, record.preKeyIds.length);
        for (int i = 0; i < count; i++)
        {
            record.preKeyIds[i] = in.readInt();
            in.read(record.preKeys, i * KeyBundleRecord.PUBLIC_KEY_LENGTH, KeyBundleRecord.PUBLIC_KEY_LENGTH);
        }
        in.readSkip((long)(stored - count) * KeyBundleRecord.PRE_KEY_LENGTH);
        record.preKeyCount = count;
        // an entry stored before the Kyber prekey existed ends here
        final long kyberOffset = KeyBundleRecord.FIXED_LENGTH + (long)stored * KeyBundleRecord.PRE_KEY_LENGTH;
        if (size - kyberOffset >= KeyBundleRecord.KYBER_LENGTH)
        {
            record.kyberPreKeyId = in.readInt();
            in.read(record.kyberPreKey, 0, KeyBundleRecord.KYBER_PUBLIC_KEY_LENGTH);
            in.read(record.kyberSignature, 0, KeyBundleRecord.SIGNATURE_LENGTH);
        }
        else
        {
            record.kyberPreKeyId = 0;
        }
        return record;
    }

    /** {@inheritDoc} */
    public long size(final KeyBundleRecord toWrite)
    {
        return KeyBundleRecord.FIXED_LENGTH + (long)toWrite.preKeyCount * KeyBundleRecord.PRE_KEY_LENGTH +
            (0 == toWrite.kyberPreKeyId ? 0 : KeyBundleRecord.KYBER_LENGTH);
    }

    /** {@inheritDoc} */
    public void write(final Bytes<?> out, final long size, final KeyBundleRecord toWrite)
    {
        out.writeInt(toWrite.registrationId);
        out.write(toWrite.identityKey, 0, KeyBundleRecord.PUBLIC_KEY_LENGTH);
        out.writeInt(toWrite.signedPreKeyId);
        out.write(toWrite.signedPreKey, 0, KeyBundleRecord.PUBLIC_KEY_LENGTH);
        out.write(toWrite.signature, 0, KeyBundleRecord.SIGNATURE_LENGTH);
        out.writeUnsignedShort(toWrite.preKeyCount);
        for (int i = 0; i < toWrite.preKeyCount; i++)
        {
            out.writeInt(toWrite.preKeyIds[i]);
            out.write(toWrite.preKeys, i * KeyBundleRecord.PUBLIC_KEY_LENGTH, KeyBundleRecord.PUBLIC_KEY_LENGTH);
        }
        if (0 != toWrite.kyberPreKeyId)
        {
            out.writeInt(toWrite.kyberPreKeyId);
            out.write(toWrite.kyberPreKey, 0, KeyBundleRecord.KYBER_PUBLIC_KEY_LENGTH);
            out.write(toWrite.kyberSignature, 0, KeyBundleRecord.SIGNATURE_LENGTH);
        }
    }

    /** {@inheritDoc} */
    public KeyBundleRecordMarshaller readResolve()
    {
        return INSTANCE;
    }
}
