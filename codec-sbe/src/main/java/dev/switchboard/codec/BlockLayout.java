package dev.switchboard.codec;

/**
 * The body of a message or of one group element: a fixed block, then groups, then variable-length fields, in
 * schema order.
 */
final class BlockLayout
{
    private final int[] blockLengthByVersion;
    private final EnumCheck[] enums;
    private final GroupLayout[] groups;
    private final VarDataLayout[] varData;
    private final int[] minEncodedLengthByVersion;

    BlockLayout(
        final int[] blockLengthByVersion,
        final EnumCheck[] enums,
        final GroupLayout[] groups,
        final VarDataLayout[] varData)
    {
        this.blockLengthByVersion = blockLengthByVersion;
        this.enums = enums;
        this.groups = groups;
        this.varData = varData;
        this.minEncodedLengthByVersion = new int[blockLengthByVersion.length];
        for (int version = 0; version < blockLengthByVersion.length; version++)
        {
            minEncodedLengthByVersion[version] = computeMinEncodedLength(version);
        }
    }

    /**
     * Smallest block a sender of {@code version} writes: the fields that existed at that version.
     */
    int blockLength(final int version)
    {
        return blockLengthByVersion[version];
    }

    EnumCheck[] enums()
    {
        return enums;
    }

    GroupLayout[] groups()
    {
        return groups;
    }

    VarDataLayout[] varData()
    {
        return varData;
    }

    /**
     * The fewest bytes one instance of this body takes at {@code version}: its block and its empty groups and
     * variable-length fields. Used to refuse an absurd group count before walking it.
     */
    int minEncodedLength(final int version)
    {
        return minEncodedLengthByVersion[version];
    }

    private int computeMinEncodedLength(final int version)
    {
        int length = blockLength(version);
        for (final GroupLayout group : groups)
        {
            if (group.sinceVersion() <= version)
            {
                length += group.headerLength();
            }
        }
        for (final VarDataLayout data : varData)
        {
            if (data.sinceVersion() <= version)
            {
                length += data.headerLength();
            }
        }

        return length;
    }
}
