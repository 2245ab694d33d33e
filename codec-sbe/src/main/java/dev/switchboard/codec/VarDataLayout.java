package dev.switchboard.codec;

/**
 * A variable-length field: a little-endian length header of 1, 2 or 4 bytes, then that many bytes.
 */
final class VarDataLayout
{
    private final String name;
    private final int sinceVersion;
    private final int lengthOffset;
    private final int lengthWidth;
    private final int headerLength;
    private final long maxLength;

    VarDataLayout(
        final String name,
        final int sinceVersion,
        final int lengthOffset,
        final int lengthWidth,
        final int headerLength,
        final long maxLength)
    {
        this.name = name;
        this.sinceVersion = sinceVersion;
        this.lengthOffset = lengthOffset;
        this.lengthWidth = lengthWidth;
        this.headerLength = headerLength;
        this.maxLength = maxLength;
    }

    String name()
    {
        return name;
    }

    int sinceVersion()
    {
        return sinceVersion;
    }

    int lengthOffset()
    {
        return lengthOffset;
    }

    int lengthWidth()
    {
        return lengthWidth;
    }

    int headerLength()
    {
        return headerLength;
    }

    long maxLength()
    {
        return maxLength;
    }
}
