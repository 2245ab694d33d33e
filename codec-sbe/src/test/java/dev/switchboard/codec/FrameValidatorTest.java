package dev.switchboard.codec;

import dev.switchboard.codec.sbe.MessageHeaderDecoder;
import dev.switchboard.codec.sbe.ReceiptDecoder;
import dev.switchboard.codec.sbe.SendDecoder;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.nio.ByteOrder;

import static dev.switchboard.codec.Frames.BLOCK;
import static dev.switchboard.codec.Frames.HEADER;
import static dev.switchboard.codec.Frames.insert;
import static dev.switchboard.codec.Frames.putUint16;
import static dev.switchboard.codec.Frames.typical;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FrameValidatorTest
{
    private static final int TEMPLATE_ID_INDEX = HEADER + MessageHeaderDecoder.templateIdEncodingOffset();
    private static final int BLOCK_LENGTH_INDEX = HEADER + MessageHeaderDecoder.blockLengthEncodingOffset();
    private static final int SCHEMA_ID_INDEX = HEADER + MessageHeaderDecoder.schemaIdEncodingOffset();
    private static final int VERSION_INDEX = HEADER + MessageHeaderDecoder.versionEncodingOffset();
    private static final int SEND_PAYLOAD_LENGTH_INDEX = BLOCK + SendDecoder.BLOCK_LENGTH;

    private final FrameValidator validator = new FrameValidator(MaxFrame.DEFAULT_MAX_FRAME_LENGTH);

    @Test
    void shouldAcceptEveryTypicalFrame()
    {
        for (final TypicalFrames.Sample sample : TypicalFrames.all())
        {
            final UnsafeBuffer frame = Frames.write(sample.writer());
            assertEquals(FrameRejection.NONE, validator.validate(frame, 0, frame.capacity()), sample.message());
        }
    }

    @Test
    void shouldReportTemplateAndCorrelationIdOfAcceptedFrame()
    {
        final UnsafeBuffer frame = typical("Send");

        assertEquals(FrameRejection.NONE, validator.validate(frame, 0, frame.capacity()));
        assertEquals(SendDecoder.TEMPLATE_ID, validator.templateId());
        assertEquals(10L, validator.requestId());
    }

    @Test
    void shouldValidateAFrameInTheMiddleOfABuffer()
    {
        final UnsafeBuffer frame = typical("Send");
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[frame.capacity() + 100]);
        buffer.setMemory(0, buffer.capacity(), (byte)0x7F);
        buffer.putBytes(37, frame, 0, frame.capacity());

        assertEquals(FrameRejection.NONE, validator.validate(buffer, 37, frame.capacity()));
        assertEquals(FrameRejection.LENGTH_MISMATCH, validator.validate(buffer, 37, frame.capacity() + 1));
    }

    @Test
    void shouldRejectFramesShorterThanBothHeaders()
    {
        final UnsafeBuffer frame = typical("Ping");

        assertEquals(FrameRejection.TOO_SHORT, validator.validate(frame, 0, BLOCK - 1));
        assertEquals(FrameRejection.TOO_SHORT, validator.validate(frame, 0, 0));
        assertEquals(FrameRejection.TOO_SHORT, validator.validate(frame, 0, -5));
        assertEquals(0, validator.templateId());
    }

    @Test
    void shouldRejectFramesAboveTheConfiguredMaximum()
    {
        final UnsafeBuffer frame = typical("KeyBundleUpload");
        final FrameValidator small = new FrameValidator(frame.capacity() - 1);

        assertEquals(FrameRejection.TOO_LONG, small.validate(frame, 0, frame.capacity()));
        assertEquals(FrameRejection.NONE, new FrameValidator(frame.capacity()).validate(frame, 0, frame.capacity()));
    }

    @Test
    void shouldRefuseAMaximumBelowTheHeaders()
    {
        assertThrows(IllegalArgumentException.class, () -> new FrameValidator(BLOCK - 1));
    }

    @Test
    void shouldRejectAFramingLengthThatDisagrees()
    {
        final UnsafeBuffer frame = typical("Ping");
        frame.putInt(0, frame.capacity() + 1, ByteOrder.BIG_ENDIAN);

        assertEquals(FrameRejection.LENGTH_MISMATCH, validator.validate(frame, 0, frame.capacity()));
    }

    @Test
    void shouldRejectALengthBeyondTheBufferWithoutReadingIt()
    {
        final UnsafeBuffer frame = typical("Ping");

        assertEquals(FrameRejection.LENGTH_MISMATCH, validator.validate(frame, 1, frame.capacity()));
        assertEquals(FrameRejection.LENGTH_MISMATCH, validator.validate(frame, -1, frame.capacity()));
        assertEquals(FrameRejection.LENGTH_MISMATCH, validator.validate(frame, Integer.MAX_VALUE, frame.capacity()));
    }

    @Test
    void shouldRejectAnEncodingOtherThanSbeLittleEndian()
    {
        final UnsafeBuffer frame = typical("Ping");
        frame.putShort(Sofh.ENCODING_TYPE_OFFSET, (short)0x5BE1, ByteOrder.BIG_ENDIAN);

        assertEquals(FrameRejection.BAD_ENCODING_TYPE, validator.validate(frame, 0, frame.capacity()));
    }

    @Test
    void shouldRejectAnotherSchema()
    {
        final UnsafeBuffer frame = typical("Ping");
        putUint16(frame, SCHEMA_ID_INDEX, 4202);

        assertEquals(FrameRejection.WRONG_SCHEMA, validator.validate(frame, 0, frame.capacity()));
    }

    @Test
    void shouldRejectVersionZeroAndVersionsNewerThanTheSchemaButReportTheRequest()
    {
        final UnsafeBuffer frame = typical("GroupLeave");
        putUint16(frame, VERSION_INDEX, FrameValidator.SCHEMA_VERSION + 1);

        assertEquals(FrameRejection.UNSUPPORTED_VERSION, validator.validate(frame, 0, frame.capacity()));
        assertEquals(32, validator.templateId());
        assertEquals(32L, validator.requestId());

        putUint16(frame, VERSION_INDEX, 0);
        assertEquals(FrameRejection.UNSUPPORTED_VERSION, validator.validate(frame, 0, frame.capacity()));
    }

    @Test
    void shouldRejectAnUnknownTemplateAndReportItsId()
    {
        final UnsafeBuffer frame = typical("Ping");
        putUint16(frame, TEMPLATE_ID_INDEX, 999);

        assertEquals(FrameRejection.UNKNOWN_TEMPLATE, validator.validate(frame, 0, frame.capacity()));
        assertEquals(999, validator.templateId());
        assertEquals(0L, validator.requestId());

        putUint16(frame, TEMPLATE_ID_INDEX, 0);
        assertEquals(FrameRejection.UNKNOWN_TEMPLATE, validator.validate(frame, 0, frame.capacity()));
    }

    @Test
    void shouldRejectABlockShorterThanTheTemplate()
    {
        final UnsafeBuffer frame = typical("Send");
        putUint16(frame, BLOCK_LENGTH_INDEX, SendDecoder.BLOCK_LENGTH - 1);

        assertEquals(FrameRejection.BAD_BLOCK_LENGTH, validator.validate(frame, 0, frame.capacity()));
        assertEquals(10L, validator.requestId());
    }

    @Test
    void shouldRejectABlockRunningPastTheFrame()
    {
        final UnsafeBuffer frame = typical("Ping");
        putUint16(frame, BLOCK_LENGTH_INDEX, 9);

        assertEquals(FrameRejection.FIELD_OVERRUN, validator.validate(frame, 0, frame.capacity()));
    }

    @Test
    void shouldAcceptALongerBlockAsAnExtensionAndSkipIt()
    {
        final UnsafeBuffer frame = insert(typical("Send"), SEND_PAYLOAD_LENGTH_INDEX, new byte[]{ 1, 2, 3 });
        putUint16(frame, BLOCK_LENGTH_INDEX, SendDecoder.BLOCK_LENGTH + 3);

        assertEquals(FrameRejection.NONE, validator.validate(frame, 0, frame.capacity()));
        final SendDecoder send = new SendDecoder().wrap(frame, BLOCK, SendDecoder.BLOCK_LENGTH + 3, 1);
        assertEquals("Hello", new String(payload(send)));
    }

    @Test
    void shouldRejectVarDataRunningPastTheFrame()
    {
        final UnsafeBuffer frame = typical("Send");
        putUint16(frame, SEND_PAYLOAD_LENGTH_INDEX, 6);

        assertEquals(FrameRejection.FIELD_OVERRUN, validator.validate(frame, 0, frame.capacity()));
    }

    @Test
    void shouldRejectBytesAfterTheLastField()
    {
        final UnsafeBuffer frame = typical("Send");
        putUint16(frame, SEND_PAYLOAD_LENGTH_INDEX, 4);

        assertEquals(FrameRejection.LENGTH_MISMATCH, validator.validate(frame, 0, frame.capacity()));
        final UnsafeBuffer padded = insert(typical("Ping"), typical("Ping").capacity(), new byte[]{ 0 });
        assertEquals(FrameRejection.LENGTH_MISMATCH, validator.validate(padded, 0, padded.capacity()));
    }

    @Test
    void shouldRejectAVarDataLengthAboveItsMaximum()
    {
        final UnsafeBuffer frame = typical("Register");
        final byte[] filler = new byte[255 - TypicalFrames.PHONE.length()];
        final UnsafeBuffer longPhone = insert(frame, frame.capacity(), filler);
        longPhone.putByte(BLOCK + 8, (byte)255);

        assertEquals(FrameRejection.BAD_FIELD_VALUE, validator.validate(longPhone, 0, longPhone.capacity()));
    }

    @Test
    void shouldRejectEnumValuesOutsideTheSchemaIncludingTheNullValue()
    {
        final UnsafeBuffer frame = typical("Receipt");
        final int receiptType = BLOCK + ReceiptDecoder.receiptTypeEncodingOffset();
        for (final int value : new int[]{ 0, 3, 255 })
        {
            frame.putByte(receiptType, (byte)value);
            assertEquals(FrameRejection.BAD_FIELD_VALUE, validator.validate(frame, 0, frame.capacity()));
            assertEquals(90_002L, validator.requestId());
        }
        frame.putByte(receiptType, (byte)2);
        assertEquals(FrameRejection.NONE, validator.validate(frame, 0, frame.capacity()));
    }

    @Test
    void shouldRejectEnumValuesInsideGroupElements()
    {
        final UnsafeBuffer frame = typical("GroupInfo");
        final int firstRole = BLOCK + 20 + 4 + 8;
        frame.putByte(firstRole, (byte)7);

        assertEquals(FrameRejection.BAD_FIELD_VALUE, validator.validate(frame, 0, frame.capacity()));
    }

    @Test
    void shouldRejectAGroupCountThatOverrunsTheFrame()
    {
        final UnsafeBuffer frame = typical("GroupCreate");
        putUint16(frame, BLOCK + 8 + 2, 4);

        assertEquals(FrameRejection.FIELD_OVERRUN, validator.validate(frame, 0, frame.capacity()));
        putUint16(frame, BLOCK + 8 + 2, 65_534);
        assertEquals(FrameRejection.FIELD_OVERRUN, validator.validate(frame, 0, frame.capacity()));
        putUint16(frame, BLOCK + 8 + 2, 65_535);
        assertEquals(FrameRejection.BAD_GROUP, validator.validate(frame, 0, frame.capacity()));
    }

    @Test
    void shouldRejectAGroupBlockShorterThanItsFields()
    {
        final UnsafeBuffer frame = typical("GroupCreate");
        putUint16(frame, BLOCK + 8, 7);

        assertEquals(FrameRejection.BAD_GROUP, validator.validate(frame, 0, frame.capacity()));
    }

    @Test
    void shouldAcceptLongerGroupElementsAsExtensions()
    {
        final UnsafeBuffer frame = typical("GroupCreate");
        final int groupHeader = BLOCK + 8;
        final int elements = groupHeader + 4;
        final byte[] stretched = new byte[3 * 10];
        for (int i = 0; i < 3; i++)
        {
            frame.getBytes(elements + 8 * i, stretched, 10 * i, 8);
        }
        final byte[] tail = new byte[frame.capacity() - elements - 24];
        frame.getBytes(elements + 24, tail);
        final UnsafeBuffer grown = insert(frame, frame.capacity(), new byte[6]);
        grown.putBytes(elements, stretched);
        grown.putBytes(elements + 30, tail);
        putUint16(grown, groupHeader, 10);

        assertEquals(FrameRejection.NONE, validator.validate(grown, 0, grown.capacity()));
    }

    @Test
    void shouldNotAllocateWhileValidating()
    {
        final UnsafeBuffer accepted = typical("KeyBundleUpload");
        final UnsafeBuffer rejected = typical("Receipt");
        rejected.putByte(BLOCK + ReceiptDecoder.receiptTypeEncodingOffset(), (byte)9);
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        int accepts = 0;
        for (int i = 0; i < 20_000; i++)
        {
            accepts += validateBoth(accepted, rejected);
        }

        final long before = threads.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < 100_000; i++)
        {
            accepts += validateBoth(accepted, rejected);
        }
        final long allocated = threads.getCurrentThreadAllocatedBytes() - before;

        assertEquals(120_000, accepts);
        assertTrue(allocated < 64 * 1024, "allocated " + allocated + " bytes in 200,000 validations");
    }

    private int validateBoth(final UnsafeBuffer accepted, final UnsafeBuffer rejected)
    {
        final FrameRejection first = validator.validate(accepted, 0, accepted.capacity());
        final FrameRejection second = validator.validate(rejected, 0, rejected.capacity());

        return (FrameRejection.NONE == first ? 1 : 0) + (FrameRejection.NONE == second ? 1 : 0);
    }

    private static byte[] payload(final SendDecoder send)
    {
        final byte[] bytes = new byte[send.payloadLength()];
        send.getPayload(bytes, 0, bytes.length);

        return bytes;
    }
}
