package dev.switchboard.server;

import java.util.Set;
import java.util.TreeSet;

/**
 * The setting a misspelt key most likely meant: the known key fewest single-character edits away (Damerau-Levenshtein,
 * a swap of two neighbours counted as one edit), if it is near enough to be a slip rather than another key.
 */
final class NearestKey
{
    /** A key this far from a setting, in single-character edits, is taken for a misspelling of it. */
    static final int MAX_DISTANCE = 3;

    private NearestKey()
    {
    }

    /** The known key fewest single-character edits away, if within {@link #MAX_DISTANCE}. */
    static String of(final String key, final Set<String> known)
    {
        String nearest = null;
        int best = MAX_DISTANCE + 1;
        // In key order, so that of two keys as near the first is named, the same on every start.
        for (final String candidate : new TreeSet<>(known))
        {
            final int distance = editDistance(key, candidate, best);
            if (distance < best)
            {
                best = distance;
                nearest = candidate;
            }
        }
        return nearest;
    }

    /** Levenshtein distance, a transposition counted as one edit; any result at or above the bound is the bound. */
    static int editDistance(final String a, final String b, final int bound)
    {
        if (Math.abs(a.length() - b.length()) >= bound)
        {
            return bound;
        }
        final int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++)
        {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++)
        {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++)
        {
            for (int j = 1; j <= b.length(); j++)
            {
                final int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                int value = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1))
                {
                    value = Math.min(value, d[i - 2][j - 2] + 1);
                }
                d[i][j] = value;
            }
        }
        return Math.min(d[a.length()][b.length()], bound);
    }
}
