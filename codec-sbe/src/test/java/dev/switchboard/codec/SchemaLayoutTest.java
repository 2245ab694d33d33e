package dev.switchboard.codec;

import dev.switchboard.codec.sbe.MessageHeaderDecoder;
import org.agrona.sbe.MessageDecoderFlyweight;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The layout table the validator walks must agree with every generated decoder.
 */
class SchemaLayoutTest
{
    private static final String CODEC_PACKAGE = "dev.switchboard.codec.sbe.";
    private static final int VERSION = FrameValidator.SCHEMA_VERSION;

    private final SchemaLayout schema = FrameValidator.schema();

    @Test
    void shouldMatchSchemaIdAndVersionOfGeneratedCodecs()
    {
        assertEquals(MessageHeaderDecoder.SCHEMA_ID, schema.schemaId());
        assertEquals(MessageHeaderDecoder.SCHEMA_VERSION, schema.version());
    }

    @Test
    void shouldHaveALayoutForEveryGeneratedMessageDecoder() throws IOException
    {
        final Set<String> generated;
        try (Stream<Path> files = Files.list(Path.of("target/classes/dev/switchboard/codec/sbe")))
        {
            generated = files.map(path -> path.getFileName().toString())
                .filter(name -> name.endsWith("Decoder.class") && !name.contains("$"))
                .map(name -> name.substring(0, name.length() - "Decoder.class".length()))
                .filter(SchemaLayoutTest::isMessage)
                .collect(Collectors.toCollection(TreeSet::new));
        }
        final Set<String> layouts = schema.messages().stream()
            .map(MessageLayout::name)
            .collect(Collectors.toCollection(TreeSet::new));

        assertEquals(generated, layouts);
        assertTrue(layouts.size() >= 39, "messages: " + layouts.size());
    }

    @Test
    void shouldMatchTemplateIdAndBlockLengthOfEveryDecoder() throws Exception
    {
        for (final MessageLayout message : schema.messages())
        {
            final Class<?> decoder = Class.forName(CODEC_PACKAGE + message.name() + "Decoder");
            assertEquals(decoder.getField("TEMPLATE_ID").getInt(null), message.templateId(), message.name());
            assertEquals(decoder.getField("BLOCK_LENGTH").getInt(null),
                message.body().blockLength(VERSION), message.name());
            assertSame(message, schema.message(message.templateId()));
            assertBody(decoder, message.body(), message.name());
        }
    }

    @Test
    void shouldFindCorrelationFieldAtTheStartOfEveryRequest()
    {
        final List<String> withoutCorrelation = schema.messages().stream()
            .filter(message -> MessageLayout.NO_CORRELATION == message.correlationOffset())
            .map(MessageLayout::name)
            .sorted()
            .collect(Collectors.toList());

        assertEquals(
            List.of("Goodbye", "GroupTyping", "GroupTypingUpdate", "LinkRequest", "Ping", "Pong", "PreKeyStock",
                "PresenceUpdate", "Typing", "TypingUpdate"),
            withoutCorrelation);
    }

    @Test
    void shouldReturnNullForUnknownTemplates()
    {
        assertNull(schema.message(0));
        assertNull(schema.message(-1));
        assertNull(schema.message(65_535));
        assertNotNull(schema.message(10));
    }

    private static void assertBody(final Class<?> decoder, final BlockLayout body, final String where)
        throws Exception
    {
        for (final EnumCheck check : body.enums())
        {
            final String field = check.name().substring(check.name().lastIndexOf('.') + 1);
            assertEquals(staticInt(decoder, field + "EncodingOffset"), check.offset(), check.name());
            assertEquals(staticInt(decoder, field + "EncodingLength"), check.width(), check.name());
        }
        for (final GroupLayout group : body.groups())
        {
            final String field = group.name().substring(group.name().lastIndexOf('.') + 1);
            final Class<?> groupDecoder = Class.forName(
                decoder.getName() + "$" + Character.toUpperCase(field.charAt(0)) + field.substring(1) + "Decoder");
            assertEquals(groupDecoder.getField("HEADER_SIZE").getInt(null), group.headerLength(), group.name());
            assertEquals(staticInt(groupDecoder, "sbeBlockLength"), group.body().blockLength(VERSION), group.name());
            assertEquals(staticInt(groupDecoder, "countMaxValue"), group.maxNumInGroup(), group.name());
            assertBody(groupDecoder, group.body(), group.name());
        }
        for (final VarDataLayout data : body.varData())
        {
            final String field = data.name().substring(data.name().lastIndexOf('.') + 1);
            assertEquals(staticInt(decoder, field + "HeaderLength"), data.headerLength(), data.name());
            assertNotEquals(0, data.maxLength(), data.name());
        }
        assertTrue(body.minEncodedLength(VERSION) >= body.blockLength(VERSION), where);
    }

    private static int staticInt(final Class<?> type, final String methodName) throws Exception
    {
        final Method method = type.getMethod(methodName);
        return ((Number)method.invoke(null)).intValue();
    }

    private static boolean isMessage(final String name)
    {
        try
        {
            return MessageDecoderFlyweight.class.isAssignableFrom(
                Class.forName(CODEC_PACKAGE + name + "Decoder"));
        }
        catch (final ClassNotFoundException ex)
        {
            return false;
        }
    }
}
