package dev.switchboard.tuning;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The host's pool of reserved huge pages ({@code vm.nr_hugepages}) and whether a JVM's fixed heap fits in it.
 * <p>
 * Pages from the pool are off the kernel's LRU lists, so neither reclaim nor the DAMON monitor ever samples or
 * clears their accessed bits; on a paravirtualised host each such clear costs the process that owns the page too
 * (docs/performance.md, fifteenth pass). A JVM asked for them ({@code -XX:+UseLargePages -XX:+UseHugeTLBFS}) maps its
 * heap, its code cache and G1's marking bitmaps from the pool and reserves them at start. The launcher makes the same
 * choice for the JVMs it starts (its {@code reserved_huge_page_flags}); this class makes it for the servers
 * {@code switchboard bench} starts and for {@code switchboard tuning check}.
 */
public final class ReservedHugePages
{
    /** The flags that put a JVM's heap and code cache in the reserved pool (the last one overrides the default THP). */
    public static final List<String> JVM_FLAGS =
        List.of("-XX:+UseLargePages", "-XX:+UseHugeTLBFS", "-XX:-UseTransparentHugePages");
    /** The code cache the JVM reserves by default (ReservedCodeCacheSize), which it maps from the pool too. */
    static final long CODE_CACHE_BYTES = 240L * 1024 * 1024;
    /** Room beside the heap and code cache: G1's marking bitmaps (a 32nd of the heap) and a margin. */
    static final long SLACK_BYTES = 16L * 1024 * 1024;

    private static final Pattern HEAP_SIZE = Pattern.compile("([0-9]+)([kKmMgG]?)");

    /** Pages in the pool, not yet taken, promised to a mapping but not yet taken, and the page size. */
    public final long totalPages;
    public final long freePages;
    public final long reservedPages;
    public final long pageBytes;

    ReservedHugePages(final long totalPages, final long freePages, final long reservedPages, final long pageBytes)
    {
        this.totalPages = totalPages;
        this.freePages = freePages;
        this.reservedPages = reservedPages;
        this.pageBytes = pageBytes;
    }

    /** The pool as {@code /proc/meminfo} under a proc root says; an empty pool where it cannot be read. */
    public static ReservedHugePages read(final Path proc)
    {
        try
        {
            final String meminfo = Files.readString(proc.resolve("meminfo"), StandardCharsets.US_ASCII);
            return new ReservedHugePages(
                Math.max(0, HostCheck.meminfoField(meminfo, "HugePages_Total:")),
                Math.max(0, HostCheck.meminfoField(meminfo, "HugePages_Free:")),
                Math.max(0, HostCheck.meminfoField(meminfo, "HugePages_Rsvd:")),
                Math.max(0, HostCheck.meminfoField(meminfo, "Hugepagesize:")) * 1024);
        }
        catch (final IOException | RuntimeException ex)
        {
            return new ReservedHugePages(0, 0, 0, 0);
        }
    }

    /** Bytes of the pool no mapping holds or has been promised. */
    public long availableBytes()
    {
        return Math.max(0, freePages - reservedPages) * pageBytes;
    }

    /** What a JVM with this fixed heap takes from the pool: the heap, the code cache, the bitmaps and a margin. */
    public static long bytesNeeded(final long heapBytes)
    {
        return heapBytes + CODE_CACHE_BYTES + SLACK_BYTES;
    }

    /**
     * The flags for a JVM started with these options: {@link #JVM_FLAGS} when they fix the heap's size ({@code -Xmx})
     * and the pool has room for it, else none (the JVM keeps the transparent huge pages every Switchboard JVM asks
     * for). None either when the options already choose a page kind.
     */
    public List<String> jvmFlagsFor(final List<String> jvmOptions)
    {
        long heapBytes = -1;
        for (final String option : jvmOptions)
        {
            if (option.contains("UseLargePages") || option.contains("UseHugeTLBFS") ||
                option.contains("UseTransparentHugePages"))
            {
                return List.of();
            }
            if (option.startsWith("-Xmx"))
            {
                heapBytes = heapBytes(option.substring(4));
            }
        }
        return heapBytes > 0 && availableBytes() >= bytesNeeded(heapBytes) ? JVM_FLAGS : List.of();
    }

    /** A JVM size such as 256m or 2g in bytes; -1 when it is not one. */
    static long heapBytes(final String size)
    {
        final Matcher matcher = HEAP_SIZE.matcher(size);
        if (!matcher.matches())
        {
            return -1;
        }
        final long value = Long.parseLong(matcher.group(1));
        return switch (matcher.group(2).toLowerCase(Locale.ROOT))
        {
            case "k" -> value << 10;
            case "m" -> value << 20;
            case "g" -> value << 30;
            default -> value;
        };
    }

    public String toString()
    {
        return totalPages + " pages of " + (pageBytes >> 10) + " KiB, " + freePages + " free, " + reservedPages +
            " promised";
    }
}
