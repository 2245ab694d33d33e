package dev.switchboard.client;

/**
 * A one-time link code from {@link SwitchboardClient#linkStart()}: show it on the primary, type it on the new device
 * ({@link SwitchboardClient#linkDevice(String)}) within {@code ttlSeconds}.
 */
public record LinkCode(String code, long ttlSeconds)
{
    /**
     * The code in groups of four, as people read it: {@code K7QM-2XWD-9RTA}; the server ignores the dashes.
     */
    public String grouped()
    {
        final StringBuilder text = new StringBuilder(code.length() + 4);
        for (int i = 0; i < code.length(); i++)
        {
            if (i > 0 && 0 == i % 4)
            {
                text.append('-');
            }
            text.append(code.charAt(i));
        }
        return text.toString();
    }
}
