package dev.switchboard.codec;

import dev.switchboard.codec.sbe.MessageHeaderDecoder;
import org.agrona.DirectBuffer;
import org.agrona.sbe.MessageDecoderFlyweight;

/**
 * One generated decoder per template, found by the schema's message names, to decode any frame generically.
 */
final class Decoders
{
    private final MessageDecoderFlyweight[] byTemplateId = new MessageDecoderFlyweight[65_536];
    private final MessageHeaderDecoder header = new MessageHeaderDecoder();

    Decoders()
    {
        for (final MessageLayout message : FrameValidator.schema().messages())
        {
            try
            {
                byTemplateId[message.templateId()] = (MessageDecoderFlyweight)Class
                    .forName("dev.switchboard.codec.sbe." + message.name() + "Decoder")
                    .getConstructor()
                    .newInstance();
            }
            catch (final ReflectiveOperationException ex)
            {
                throw new IllegalStateException(message.name(), ex);
            }
        }
    }

    /**
     * Wrap the generated decoder for a validated frame starting at its framing header.
     */
    MessageDecoderFlyweight wrap(final DirectBuffer buffer, final int frameOffset)
    {
        header.wrap(buffer, frameOffset + Sofh.HEADER_LENGTH);
        final MessageDecoderFlyweight decoder = byTemplateId[header.templateId()];
        decoder.wrap(buffer, frameOffset + MaxFrame.MIN_FRAME_LENGTH, header.blockLength(), header.version());

        return decoder;
    }
}
