package dev.switchboard.codec;

import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Derives {@link MessageLayout}s from an SBE schema: offsets, block lengths per version, enum values, group and
 * var-data shapes. Runs once at start-up; the validator then only walks the resulting tables.
 */
final class SchemaParser
{
    private static final Set<String> CORRELATION_FIELDS = Set.of("requestId", "clientMsgId", "messageId", "callId");

    private final Map<String, Element> types = new HashMap<>();
    private final int schemaVersion;

    private SchemaParser(final Element root)
    {
        schemaVersion = intAttribute(root, "version", 0);
        for (final Element typesElement : children(root, "types"))
        {
            for (final Element type : children(typesElement, null))
            {
                types.put(type.getAttribute("name"), type);
            }
        }
    }

    static SchemaLayout parse(final InputStream in)
    {
        final Element root;
        try
        {
            final DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setNamespaceAware(true);
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            final Document document = factory.newDocumentBuilder().parse(in);
            root = document.getDocumentElement();
        }
        catch (final Exception ex)
        {
            throw new IllegalStateException("unreadable SBE schema", ex);
        }

        final SchemaParser parser = new SchemaParser(root);
        final List<MessageLayout> messages = new ArrayList<>();
        for (final Element message : children(root, "message"))
        {
            messages.add(parser.message(message));
        }

        return new SchemaLayout(intAttribute(root, "id", 0), parser.schemaVersion, messages);
    }

    private MessageLayout message(final Element message)
    {
        final String name = message.getAttribute("name");
        return new MessageLayout(
            name, intAttribute(message, "id", -1), correlationOffset(message), block(message, name));
    }

    /**
     * The first field when it is a plain uint64 at offset 0 named as a correlation id.
     */
    private int correlationOffset(final Element message)
    {
        final List<Element> fields = children(message, "field");
        if (fields.isEmpty())
        {
            return MessageLayout.NO_CORRELATION;
        }
        final Element first = fields.get(0);
        if (!CORRELATION_FIELDS.contains(first.getAttribute("name")))
        {
            return MessageLayout.NO_CORRELATION;
        }
        final String typeName = first.getAttribute("type");
        final Element type = types.get(typeName);
        final boolean isUint64 = "uint64".equals(typeName) || (null != type && "type".equals(type.getLocalName()) &&
            "uint64".equals(type.getAttribute("primitiveType")) && intAttribute(type, "length", 1) == 1);
        final boolean isConstant = "constant".equals(first.getAttribute("presence"));

        return isUint64 && !isConstant && intAttribute(first, "offset", 0) == 0 ? 0 : MessageLayout.NO_CORRELATION;
    }

    private BlockLayout block(final Element container, final String where)
    {
        final int[] blockLengthByVersion = new int[schemaVersion + 1];
        final List<EnumCheck> enums = new ArrayList<>();
        final List<GroupLayout> groups = new ArrayList<>();
        final List<VarDataLayout> varData = new ArrayList<>();
        int runningOffset = 0;
        for (final Element child : children(container, null))
        {
            final String kind = child.getLocalName();
            final String name = where + "." + child.getAttribute("name");
            final int sinceVersion = intAttribute(child, "sinceVersion", 0);
            if ("field".equals(kind))
            {
                if (!groups.isEmpty() || !varData.isEmpty())
                {
                    throw new IllegalStateException(name + ": fields must precede groups and data");
                }
                final boolean isConstant = "constant".equals(child.getAttribute("presence"));
                final int offset = intAttribute(child, "offset", runningOffset);
                final int size = isConstant ? 0 : sizeOf(child.getAttribute("type"));
                runningOffset = offset + size;
                for (int version = sinceVersion; version <= schemaVersion; version++)
                {
                    blockLengthByVersion[version] = Math.max(blockLengthByVersion[version], runningOffset);
                }
                if (!isConstant)
                {
                    final boolean optional = "optional".equals(child.getAttribute("presence"));
                    collectEnums(child.getAttribute("type"), name, offset, sinceVersion, optional, enums);
                }
            }
            else if ("group".equals(kind))
            {
                if (!varData.isEmpty())
                {
                    throw new IllegalStateException(name + ": groups must precede data");
                }
                groups.add(group(child, name, sinceVersion));
            }
            else if ("data".equals(kind))
            {
                varData.add(varData(child, name, sinceVersion));
            }
        }
        final int declaredBlockLength = intAttribute(container, "blockLength", 0);
        blockLengthByVersion[schemaVersion] = Math.max(blockLengthByVersion[schemaVersion], declaredBlockLength);

        return new BlockLayout(
            blockLengthByVersion,
            enums.toArray(new EnumCheck[0]),
            groups.toArray(new GroupLayout[0]),
            varData.toArray(new VarDataLayout[0]));
    }

    private GroupLayout group(final Element group, final String name, final int sinceVersion)
    {
        final String dimensionType = group.hasAttribute("dimensionType") ?
            group.getAttribute("dimensionType") : "groupSizeEncoding";
        final Element dimension = composite(dimensionType, name);
        final Element blockLength = member(dimension, "blockLength", name);
        final Element numInGroup = member(dimension, "numInGroup", name);

        return new GroupLayout(
            name,
            sinceVersion,
            sizeOfElement(dimension),
            memberOffset(dimension, "blockLength"),
            sizeOfElement(blockLength),
            memberOffset(dimension, "numInGroup"),
            sizeOfElement(numInGroup),
            maxValue(numInGroup),
            block(group, name));
    }

    private VarDataLayout varData(final Element data, final String name, final int sinceVersion)
    {
        final Element encoding = composite(data.getAttribute("type"), name);
        final Element length = member(encoding, "length", name);
        final int lengthOffset = memberOffset(encoding, "length");
        final int lengthWidth = sizeOfElement(length);

        return new VarDataLayout(
            name, sinceVersion, lengthOffset, lengthWidth, lengthOffset + lengthWidth, maxValue(length));
    }

    private void collectEnums(
        final String typeName,
        final String name,
        final int offset,
        final int sinceVersion,
        final boolean optional,
        final List<EnumCheck> enums)
    {
        final Element type = types.get(typeName);
        if (null != type)
        {
            collectEnums(type, name, offset, sinceVersion, optional, enums);
        }
    }

    private void collectEnums(
        final Element type,
        final String name,
        final int offset,
        final int sinceVersion,
        final boolean optional,
        final List<EnumCheck> enums)
    {
        final String kind = type.getLocalName();
        if ("enum".equals(kind))
        {
            enums.add(enumCheck(type, name, offset, sinceVersion, optional));
        }
        else if ("ref".equals(kind))
        {
            collectEnums(type.getAttribute("type"), name, offset, sinceVersion, optional, enums);
        }
        else if ("composite".equals(kind))
        {
            int runningOffset = 0;
            for (final Element member : children(type, null))
            {
                final int memberOffset = intAttribute(member, "offset", runningOffset);
                final boolean memberOptional = optional || "optional".equals(member.getAttribute("presence"));
                if (!"constant".equals(member.getAttribute("presence")))
                {
                    collectEnums(
                        member, name + "." + member.getAttribute("name"), offset + memberOffset,
                        sinceVersion, memberOptional, enums);
                }
                runningOffset = memberOffset + sizeOfElement(member);
            }
        }
    }

    private EnumCheck enumCheck(
        final Element type, final String name, final int offset, final int sinceVersion, final boolean optional)
    {
        final String primitive = primitiveOf(type.getAttribute("encodingType"));
        final boolean isChar = "char".equals(primitive);
        final List<Element> validValues = children(type, "validValue");
        final int[] values = new int[validValues.size() + (optional ? 1 : 0)];
        for (int i = 0; i < validValues.size(); i++)
        {
            final String text = validValues.get(i).getTextContent().trim();
            values[i] = isChar ? text.charAt(0) : Integer.parseInt(text);
        }
        if (optional)
        {
            values[values.length - 1] = (int)nullValue(primitive);
        }

        return new EnumCheck(name, offset, sizeOf(primitive), primitive.startsWith("int"), sinceVersion, values);
    }

    private Element composite(final String typeName, final String where)
    {
        final Element type = types.get(typeName);
        if (null == type || !"composite".equals(type.getLocalName()))
        {
            throw new IllegalStateException(where + ": no composite type " + typeName);
        }

        return type;
    }

    private static Element member(final Element composite, final String memberName, final String where)
    {
        for (final Element member : children(composite, null))
        {
            if (memberName.equals(member.getAttribute("name")))
            {
                return member;
            }
        }
        throw new IllegalStateException(where + ": " + composite.getAttribute("name") + " has no " + memberName);
    }

    private int memberOffset(final Element composite, final String memberName)
    {
        int runningOffset = 0;
        for (final Element member : children(composite, null))
        {
            final int offset = intAttribute(member, "offset", runningOffset);
            if (memberName.equals(member.getAttribute("name")))
            {
                return offset;
            }
            runningOffset = offset + sizeOfElement(member);
        }
        throw new IllegalStateException(composite.getAttribute("name") + " has no " + memberName);
    }

    private long maxValue(final Element type)
    {
        final String primitive = primitiveOf(type.getAttribute("primitiveType"));
        if (type.hasAttribute("maxValue"))
        {
            return Long.parseLong(type.getAttribute("maxValue"));
        }
        switch (primitive)
        {
            case "uint8":
                return 254;
            case "uint16":
                return 65_534;
            case "uint32":
                return 1_073_741_824L;
            default:
                throw new IllegalStateException("unsupported length or count type " + primitive);
        }
    }

    private static long nullValue(final String primitive)
    {
        switch (primitive)
        {
            case "char":
                return 0;
            case "int8":
                return Byte.MIN_VALUE;
            case "uint8":
                return 0xFF;
            case "int16":
                return Short.MIN_VALUE;
            case "uint16":
                return 0xFFFF;
            case "int32":
                return Integer.MIN_VALUE;
            case "uint32":
                return 0xFFFF_FFFFL;
            default:
                throw new IllegalStateException("unsupported enum encoding " + primitive);
        }
    }

    private String primitiveOf(final String typeName)
    {
        if (primitiveSize(typeName) > 0)
        {
            return typeName;
        }
        final Element type = types.get(typeName);
        if (null == type || !"type".equals(type.getLocalName()))
        {
            throw new IllegalStateException("not a primitive type: " + typeName);
        }

        return type.getAttribute("primitiveType");
    }

    private int sizeOf(final String typeName)
    {
        final int primitiveSize = primitiveSize(typeName);
        if (primitiveSize > 0)
        {
            return primitiveSize;
        }
        final Element type = types.get(typeName);
        if (null == type)
        {
            throw new IllegalStateException("unknown type " + typeName);
        }

        return sizeOfElement(type);
    }

    private int sizeOfElement(final Element type)
    {
        if ("constant".equals(type.getAttribute("presence")))
        {
            return 0;
        }
        switch (type.getLocalName())
        {
            case "type":
                return primitiveSize(type.getAttribute("primitiveType")) * intAttribute(type, "length", 1);
            case "enum":
            case "set":
                return sizeOf(type.getAttribute("encodingType"));
            case "ref":
                return sizeOf(type.getAttribute("type"));
            case "composite":
                int runningOffset = 0;
                int end = 0;
                for (final Element member : children(type, null))
                {
                    runningOffset = intAttribute(member, "offset", runningOffset) + sizeOfElement(member);
                    end = Math.max(end, runningOffset);
                }
                return end;
            default:
                throw new IllegalStateException("unsupported type element " + type.getLocalName());
        }
    }

    private static int primitiveSize(final String primitive)
    {
        switch (primitive)
        {
            case "char":
            case "int8":
            case "uint8":
                return 1;
            case "int16":
            case "uint16":
                return 2;
            case "int32":
            case "uint32":
            case "float":
                return 4;
            case "int64":
            case "uint64":
            case "double":
                return 8;
            default:
                return -1;
        }
    }

    private static int intAttribute(final Element element, final String name, final int defaultValue)
    {
        return element.hasAttribute(name) ? Integer.parseInt(element.getAttribute(name).trim()) : defaultValue;
    }

    private static List<Element> children(final Element parent, final String localName)
    {
        final List<Element> result = new ArrayList<>();
        for (Node node = parent.getFirstChild(); null != node; node = node.getNextSibling())
        {
            if (node instanceof Element && (null == localName || localName.equals(node.getLocalName())))
            {
                result.add((Element)node);
            }
        }

        return result;
    }
}
