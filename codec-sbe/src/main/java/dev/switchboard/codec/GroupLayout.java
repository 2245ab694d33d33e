package dev.switchboard.codec;

/**
 * A repeating group: a dimension header (block length and count) followed by that many elements.
 */
final class GroupLayout
{
    private final String name;
    private final int sinceVersion;
    private final int headerLength;
    private final int blockLengthOffset;
    private final int blockLengthWidth;
    private final int numInGroupOffset;
    private final int numInGroupWidth;
    private final long maxNumInGroup;
    private final BlockLayout body;

    GroupLayout(
        final String name,
        final int sinceVersion,
        final int headerLength,
        final int blockLengthOffset,
        final int blockLengthWidth,
        final int numInGroupOffset,
        final int numInGroupWidth,
        final long maxNumInGroup,
        final BlockLayout body)
    {
        this.name = name;
        this.sinceVersion = sinceVersion;
        this.headerLength = headerLength;
        this.blockLengthOffset = blockLengthOffset;
        this.blockLengthWidth = blockLengthWidth;
        this.numInGroupOffset = numInGroupOffset;
        this.numInGroupWidth = numInGroupWidth;
        this.maxNumInGroup = maxNumInGroup;
        this.body = body;
    }

    String name()
    {
        return name;
    }

    int sinceVersion()
    {
        return sinceVersion;
    }

    int headerLength()
    {
        return headerLength;
    }

    int blockLengthOffset()
    {
        return blockLengthOffset;
    }

    int blockLengthWidth()
    {
        return blockLengthWidth;
    }

    int numInGroupOffset()
    {
        return numInGroupOffset;
    }

    int numInGroupWidth()
    {
        return numInGroupWidth;
    }

    long maxNumInGroup()
    {
        return maxNumInGroup;
    }

    BlockLayout body()
    {
        return body;
    }
}
