package dev.switchboard.codec;

import org.agrona.DirectBuffer;

import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * One enum field at a fixed offset in a block and the raw values it may hold.
 */
final class EnumCheck
{
    private final String name;
    private final int offset;
    private final int width;
    private final boolean signed;
    private final int sinceVersion;
    private final int[] sortedValidValues;

    EnumCheck(
        final String name,
        final int offset,
        final int width,
        final boolean signed,
        final int sinceVersion,
        final int[] validValues)
    {
        if (width != 1 && width != 2 && width != 4)
        {
            throw new IllegalArgumentException("enum " + name + " has an unsupported width: " + width);
        }
        this.name = name;
        this.offset = offset;
        this.width = width;
        this.signed = signed;
        this.sinceVersion = sinceVersion;
        this.sortedValidValues = validValues.clone();
        Arrays.sort(this.sortedValidValues);
    }

    String name()
    {
        return name;
    }

    int offset()
    {
        return offset;
    }

    int width()
    {
        return width;
    }

    int sinceVersion()
    {
        return sinceVersion;
    }

    /**
     * The caller has checked that the block, and so this field, lies within the frame.
     */
    boolean isValid(final DirectBuffer buffer, final int blockOffset)
    {
        final int index = blockOffset + offset;
        final int value;
        if (1 == width)
        {
            value = signed ? buffer.getByte(index) : buffer.getByte(index) & 0xFF;
        }
        else if (2 == width)
        {
            final short raw = buffer.getShort(index, ByteOrder.LITTLE_ENDIAN);
            value = signed ? raw : raw & 0xFFFF;
        }
        else
        {
            value = buffer.getInt(index, ByteOrder.LITTLE_ENDIAN);
        }

        return Arrays.binarySearch(sortedValidValues, value) >= 0;
    }
}
