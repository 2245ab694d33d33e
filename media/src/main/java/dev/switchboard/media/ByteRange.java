package dev.switchboard.media;

/**
 * A single {@code Range: bytes=...} request against a blob of known length (RFC 9110 section 14): {@code a-b},
 * {@code a-} or the suffix {@code -n}. Several ranges, other units or a start past the end are unsatisfiable (416).
 */
final class ByteRange
{
    private static final String PREFIX = "bytes=";

    long first;
    long last;

    /**
     * Parse the header; false if it cannot be served (answer 416). A null header is the whole blob.
     */
    boolean parse(final String header, final long length)
    {
        if (null == header)
        {
            first = 0;
            last = length - 1;
            return true;
        }
        final String value = header.trim();
        if (!value.regionMatches(true, 0, PREFIX, 0, PREFIX.length()) || value.indexOf(',') >= 0)
        {
            return false;
        }
        final int dash = value.indexOf('-', PREFIX.length());
        if (dash < 0)
        {
            return false;
        }
        final long start = parseNumber(value, PREFIX.length(), dash);
        final long end = parseNumber(value, dash + 1, value.length());
        if (-2 == start || -2 == end)
        {
            return false;
        }
        if (-1 == start)
        {
            if (end <= 0 || 0 == length)
            {
                return false; // "-" alone, or a suffix of nothing
            }
            first = Math.max(0, length - end);
            last = length - 1;
            return true;
        }
        if (start >= length || (-1 != end && end < start))
        {
            return false;
        }
        first = start;
        last = -1 == end ? length - 1 : Math.min(end, length - 1);
        return true;
    }

    long length()
    {
        return last - first + 1;
    }

    /** -1: empty; -2: not a decimal number (or too long for one). */
    private static long parseNumber(final String value, final int from, final int to)
    {
        if (from == to)
        {
            return -1;
        }
        if (to - from > 18)
        {
            return -2;
        }
        long number = 0;
        for (int i = from; i < to; i++)
        {
            final char c = value.charAt(i);
            if (c < '0' || c > '9')
            {
                return -2;
            }
            number = number * 10 + (c - '0');
        }
        return number;
    }
}
