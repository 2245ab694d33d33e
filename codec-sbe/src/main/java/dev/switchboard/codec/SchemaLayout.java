package dev.switchboard.codec;

import java.io.IOException;
import java.io.InputStream;
import java.util.Collections;
import java.util.List;

/**
 * Every message template of the schema with its layout, looked up by template id without allocation.
 */
final class SchemaLayout
{
    /** The classpath resource the codecs are generated from, so the validator and the codecs cannot disagree. */
    static final String RESOURCE = "/switchboard-codecs.xml";

    private final int schemaId;
    private final int version;
    private final MessageLayout[] byTemplateId;
    private final List<MessageLayout> messages;

    SchemaLayout(final int schemaId, final int version, final List<MessageLayout> messages)
    {
        this.schemaId = schemaId;
        this.version = version;
        this.messages = Collections.unmodifiableList(messages);
        int maxTemplateId = 0;
        for (final MessageLayout message : messages)
        {
            maxTemplateId = Math.max(maxTemplateId, message.templateId());
        }
        byTemplateId = new MessageLayout[maxTemplateId + 1];
        for (final MessageLayout message : messages)
        {
            if (null != byTemplateId[message.templateId()])
            {
                throw new IllegalStateException("duplicate template id " + message.templateId());
            }
            byTemplateId[message.templateId()] = message;
        }
    }

    /**
     * Read the schema this module's codecs were generated from.
     */
    static SchemaLayout load()
    {
        try (InputStream in = SchemaLayout.class.getResourceAsStream(RESOURCE))
        {
            if (null == in)
            {
                throw new IllegalStateException("schema resource not found: " + RESOURCE);
            }
            return SchemaParser.parse(in);
        }
        catch (final IOException ex)
        {
            throw new IllegalStateException("cannot read schema resource " + RESOURCE, ex);
        }
    }

    int schemaId()
    {
        return schemaId;
    }

    int version()
    {
        return version;
    }

    List<MessageLayout> messages()
    {
        return messages;
    }

    /**
     * @return the layout, or null for an unknown template id.
     */
    MessageLayout message(final int templateId)
    {
        return templateId >= 0 && templateId < byTemplateId.length ? byTemplateId[templateId] : null;
    }
}
