package dev.switchboard.codec;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Schema evolution as an old and a new reader see it, on a version-2 schema with a composite holding an enum, a
 * char enum, an optional enum and a field, a group added in version 2.
 */
class SchemaVersionTest
{
    private static final String SCHEMA = """
        <sbe:messageSchema xmlns:sbe="http://fixprotocol.io/2016/sbe" package="test" id="77" version="2"
                           byteOrder="littleEndian">
            <types>
                <composite name="messageHeader">
                    <type name="blockLength" primitiveType="uint16"/>
                    <type name="templateId" primitiveType="uint16"/>
                    <type name="schemaId" primitiveType="uint16"/>
                    <type name="version" primitiveType="uint16"/>
                </composite>
                <composite name="groupSizeEncoding">
                    <type name="blockLength" primitiveType="uint16"/>
                    <type name="numInGroup" primitiveType="uint16"/>
                </composite>
                <composite name="varDataEncoding">
                    <type name="length" primitiveType="uint16" maxValue="1000"/>
                    <type name="varData" primitiveType="uint8" length="0"/>
                </composite>
                <enum name="Colour" encodingType="uint8">
                    <validValue name="RED">1</validValue>
                    <validValue name="BLUE">2</validValue>
                </enum>
                <enum name="Letter" encodingType="char">
                    <validValue name="A">A</validValue>
                </enum>
                <composite name="Tagged">
                    <type name="id" primitiveType="uint32"/>
                    <ref name="colour" type="Colour"/>
                </composite>
            </types>
            <sbe:message name="Thing" id="5">
                <field name="requestId" id="1" type="uint64"/>
                <field name="tagged" id="2" type="Tagged"/>
                <field name="letter" id="3" type="Letter"/>
                <field name="extra" id="4" type="uint32" sinceVersion="2"/>
                <field name="shade" id="5" type="Colour" presence="optional" sinceVersion="2"/>
                <group name="items" id="6" dimensionType="groupSizeEncoding">
                    <field name="colour" id="7" type="Colour"/>
                </group>
                <group name="later" id="8" dimensionType="groupSizeEncoding" sinceVersion="2">
                    <field name="n" id="9" type="uint16"/>
                </group>
                <data name="note" id="10" type="varDataEncoding"/>
            </sbe:message>
        </sbe:messageSchema>
        """;

    private static final int V1_BLOCK = 14;
    private static final int V2_BLOCK = 19;

    private final SchemaLayout schema =
        SchemaParser.parse(new ByteArrayInputStream(SCHEMA.getBytes(StandardCharsets.UTF_8)));
    private final FrameValidator validator = new FrameValidator(1024, schema);

    @Test
    void shouldDeriveBlockLengthsPerVersionAndEnumsInsideComposites()
    {
        final MessageLayout thing = schema.message(5);

        assertEquals(V1_BLOCK, thing.body().blockLength(1));
        assertEquals(V2_BLOCK, thing.body().blockLength(2));
        assertEquals(0, thing.correlationOffset());
        assertEquals(3, thing.body().enums().length);
        assertEquals(12, thing.body().enums()[0].offset());
        assertEquals(13, thing.body().enums()[1].offset());
        assertEquals(18, thing.body().enums()[2].offset());
        assertEquals(2, thing.body().groups()[1].sinceVersion());
        assertEquals(1000, thing.body().varData()[0].maxLength());
    }

    @Test
    void shouldAcceptAVersionOneFrameWithoutTheLaterFieldsAndGroup()
    {
        final UnsafeBuffer frame = frame(1, V1_BLOCK, false, 0);

        assertEquals(FrameRejection.NONE, validator.validate(frame, 0, frame.capacity()));
        assertEquals(42L, validator.requestId());
    }

    @Test
    void shouldRejectAVersionOneFrameCarryingAVersionTwoGroup()
    {
        final UnsafeBuffer frame = frame(1, V1_BLOCK, true, 0);

        assertEquals(FrameRejection.LENGTH_MISMATCH, validator.validate(frame, 0, frame.capacity()));
    }

    @Test
    void shouldAcceptAVersionTwoFrameWithTheOptionalEnumNull()
    {
        final UnsafeBuffer frame = frame(2, V2_BLOCK, true, 0xFF);

        assertEquals(FrameRejection.NONE, validator.validate(frame, 0, frame.capacity()));
    }

    @Test
    void shouldCheckTheVersionTwoEnumOnlyInVersionTwoFrames()
    {
        assertEquals(FrameRejection.BAD_FIELD_VALUE, validate(frame(2, V2_BLOCK, true, 7)));
        assertEquals(FrameRejection.NONE, validate(frame(1, V2_BLOCK, false, 7)));
    }

    @Test
    void shouldRequireTheVersionTwoBlockFromAVersionTwoSender()
    {
        assertEquals(FrameRejection.BAD_BLOCK_LENGTH, validate(frame(2, V1_BLOCK, true, 0)));
    }

    @Test
    void shouldRejectAVersionNewerThanTheSchema()
    {
        assertEquals(FrameRejection.UNSUPPORTED_VERSION, validate(frame(3, V2_BLOCK, true, 0)));
    }

    @Test
    void shouldCheckCharEnumsAndEnumsInsideComposites()
    {
        final UnsafeBuffer badLetter = frame(1, V1_BLOCK, false, 0);
        badLetter.putByte(Frames.BLOCK + 13, (byte)'B');
        assertEquals(FrameRejection.BAD_FIELD_VALUE, validate(badLetter));

        final UnsafeBuffer badColour = frame(1, V1_BLOCK, false, 0);
        badColour.putByte(Frames.BLOCK + 12, (byte)3);
        assertEquals(FrameRejection.BAD_FIELD_VALUE, validate(badColour));
    }

    @Test
    void shouldHonourAVarDataMaximumFromTheSchema()
    {
        final UnsafeBuffer frame = frame(1, V1_BLOCK, false, 0);
        final int noteLength = frame.capacity() - 4;
        frame.putShort(noteLength, (short)1001, ByteOrder.LITTLE_ENDIAN);

        assertEquals(FrameRejection.BAD_FIELD_VALUE, validate(frame));
    }

    private FrameRejection validate(final UnsafeBuffer frame)
    {
        return validator.validate(frame, 0, frame.capacity());
    }

    /**
     * A Thing frame: the block (zero-filled past the version-1 fields but for shade), one item, the later group
     * with one element if asked, and a 2-byte note.
     */
    private static UnsafeBuffer frame(final int version, final int blockLength, final boolean later, final int shade)
    {
        final int length = Frames.BLOCK + blockLength + 4 + 1 + (later ? 4 + 2 : 0) + 2 + 2;
        final UnsafeBuffer frame = new UnsafeBuffer(new byte[length]);
        Sofh.write(frame, 0, length - Sofh.HEADER_LENGTH);
        frame.putShort(6, (short)blockLength, ByteOrder.LITTLE_ENDIAN);
        frame.putShort(8, (short)5, ByteOrder.LITTLE_ENDIAN);
        frame.putShort(10, (short)77, ByteOrder.LITTLE_ENDIAN);
        frame.putShort(12, (short)version, ByteOrder.LITTLE_ENDIAN);
        int position = Frames.BLOCK;
        frame.putLong(position, 42L, ByteOrder.LITTLE_ENDIAN);
        frame.putInt(position + 8, 9, ByteOrder.LITTLE_ENDIAN);
        frame.putByte(position + 12, (byte)2);
        frame.putByte(position + 13, (byte)'A');
        if (blockLength >= V2_BLOCK)
        {
            frame.putByte(position + 18, (byte)shade);
        }
        position += blockLength;
        frame.putShort(position, (short)1, ByteOrder.LITTLE_ENDIAN);
        frame.putShort(position + 2, (short)1, ByteOrder.LITTLE_ENDIAN);
        frame.putByte(position + 4, (byte)1);
        position += 5;
        if (later)
        {
            frame.putShort(position, (short)2, ByteOrder.LITTLE_ENDIAN);
            frame.putShort(position + 2, (short)1, ByteOrder.LITTLE_ENDIAN);
            position += 6;
        }
        frame.putShort(position, (short)2, ByteOrder.LITTLE_ENDIAN);
        frame.putBytes(position + 2, "hi".getBytes(StandardCharsets.US_ASCII));

        return frame;
    }
}
