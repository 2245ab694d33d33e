package dev.switchboard.bench;

import java.util.Collection;
import java.util.Iterator;
import java.util.Map;

/**
 * A small JSON writer for the bench report: maps, collections, numbers, booleans and strings.
 */
final class Json
{
    private Json()
    {
    }

    static String write(final Object value)
    {
        final StringBuilder out = new StringBuilder();
        write(out, value, 0);
        return out.append('\n').toString();
    }

    private static void write(final StringBuilder out, final Object value, final int indent)
    {
        if (null == value)
        {
            out.append("null");
        }
        else if (value instanceof Map)
        {
            final Map<?, ?> map = (Map<?, ?>)value;
            if (map.isEmpty())
            {
                out.append("{}");
                return;
            }
            out.append("{\n");
            final Iterator<? extends Map.Entry<?, ?>> entries = map.entrySet().iterator();
            while (entries.hasNext())
            {
                final Map.Entry<?, ?> entry = entries.next();
                pad(out, indent + 1);
                string(out, String.valueOf(entry.getKey()));
                out.append(": ");
                write(out, entry.getValue(), indent + 1);
                out.append(entries.hasNext() ? ",\n" : "\n");
            }
            pad(out, indent);
            out.append('}');
        }
        else if (value instanceof Collection)
        {
            out.append('[');
            final Iterator<?> items = ((Collection<?>)value).iterator();
            while (items.hasNext())
            {
                write(out, items.next(), indent + 1);
                if (items.hasNext())
                {
                    out.append(", ");
                }
            }
            out.append(']');
        }
        else if (value instanceof Double || value instanceof Float)
        {
            final double number = ((Number)value).doubleValue();
            if (Double.isFinite(number))
            {
                out.append(Math.round(number * 1000.0) / 1000.0);
            }
            else
            {
                out.append("null");
            }
        }
        else if (value instanceof Number || value instanceof Boolean)
        {
            out.append(value);
        }
        else
        {
            string(out, value.toString());
        }
    }

    private static void pad(final StringBuilder out, final int indent)
    {
        out.append("  ".repeat(indent));
    }

    private static void string(final StringBuilder out, final String value)
    {
        out.append('"');
        for (int i = 0; i < value.length(); i++)
        {
            final char c = value.charAt(i);
            switch (c)
            {
                case '"':
                    out.append("\\\"");
                    break;
                case '\\':
                    out.append("\\\\");
                    break;
                case '\n':
                    out.append("\\n");
                    break;
                case '\t':
                    out.append("\\t");
                    break;
                default:
                    if (c < 0x20)
                    {
                        out.append(String.format("\\u%04x", (int)c));
                    }
                    else
                    {
                        out.append(c);
                    }
            }
        }
        out.append('"');
    }
}
