package dev.switchboard.bench.jmh;

import dev.switchboard.codec.FrameDecoder;
import dev.switchboard.codec.FrameHandler;
import dev.switchboard.codec.FrameRejection;
import dev.switchboard.codec.FrameValidator;
import dev.switchboard.codec.MaxFrame;
import dev.switchboard.codec.Sofh;
import dev.switchboard.codec.sbe.MessageHeaderDecoder;
import dev.switchboard.codec.sbe.MessageHeaderEncoder;
import dev.switchboard.codec.sbe.SendDecoder;
import dev.switchboard.codec.sbe.SendEncoder;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;

/**
 * What an edge poller does with each inbound frame of a read: cut it from the stream, validate it against the schema
 * and decode a Send's fields. One operation is one 66-byte Send frame (32-byte payload) out of a read of 64.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class FrameDecodeBenchmark
{
    private static final int FRAMES = 64;
    private static final int PAYLOAD_LENGTH = 32;

    private final UnsafeBuffer stream = new UnsafeBuffer(ByteBuffer.allocateDirect(64 * 1024));
    private final FrameDecoder decoder = new FrameDecoder(MaxFrame.DEFAULT_MAX_FRAME_LENGTH);
    private final FrameValidator validator = new FrameValidator(MaxFrame.DEFAULT_MAX_FRAME_LENGTH);
    private final MessageHeaderDecoder headerDecoder = new MessageHeaderDecoder();
    private final SendDecoder sendDecoder = new SendDecoder();
    private final FrameHandler handler = this::onFrame;
    private int streamLength;
    private long checksum;

    @Setup
    public void setup()
    {
        final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
        final SendEncoder encoder = new SendEncoder();
        final byte[] payload = new byte[PAYLOAD_LENGTH];
        int offset = 0;
        for (int i = 0; i < FRAMES; i++)
        {
            encoder.wrapAndApplyHeader(stream, offset + Sofh.HEADER_LENGTH, headerEncoder).clientMsgId(i + 1);
            encoder.to().userId(1_000_000 + i).deviceId(1);
            encoder.putPayload(payload, 0, payload.length);
            final int messageLength = MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength();
            Sofh.write(stream, offset, messageLength);
            offset += Sofh.HEADER_LENGTH + messageLength;
        }
        streamLength = offset;
    }

    /**
     * Cut, validate and decode one read's worth of Send frames; returns a checksum so nothing is eliminated.
     */
    @Benchmark
    @OperationsPerInvocation(FRAMES)
    public long decodeAndValidateSend()
    {
        checksum = 0;
        decoder.decode(stream, 0, streamLength, handler);
        return checksum;
    }

    private void onFrame(final DirectBuffer buffer, final int offset, final int length)
    {
        if (validator.validate(buffer, offset, length) != FrameRejection.NONE)
        {
            checksum--;
            return;
        }
        headerDecoder.wrap(buffer, offset + Sofh.HEADER_LENGTH);
        sendDecoder.wrap(buffer, offset + Sofh.HEADER_LENGTH + MessageHeaderDecoder.ENCODED_LENGTH,
            headerDecoder.blockLength(), headerDecoder.version());
        checksum += sendDecoder.clientMsgId() + sendDecoder.to().userId() + sendDecoder.payloadLength();
    }
}
