package dev.switchboard.client;

/**
 * To the primary: a new device offered this account's link code. Compare the fingerprint with the one the new device
 * shows, then answer with {@link SwitchboardClient#approveLink(long, boolean)}.
 *
 * @param linkId         names the link in the answer.
 * @param registrationId the new device's Signal registration id.
 * @param fingerprint    the first bytes of SHA-256 of the new device's login key.
 */
public record LinkRequest(long linkId, int registrationId, byte[] fingerprint)
{
    /**
     * The fingerprint as both screens show it: hex digits in groups of four.
     */
    public String fingerprintText()
    {
        return fingerprintText(fingerprint);
    }

    /**
     * Hex digits in groups of four, as {@link #fingerprintText()}.
     */
    public static String fingerprintText(final byte[] fingerprint)
    {
        final StringBuilder text = new StringBuilder(fingerprint.length * 3);
        for (int i = 0; i < fingerprint.length; i++)
        {
            if (i > 0 && 0 == i % 2)
            {
                text.append(' ');
            }
            text.append(Character.forDigit((fingerprint[i] >> 4) & 0xF, 16));
            text.append(Character.forDigit(fingerprint[i] & 0xF, 16));
        }
        return text.toString();
    }
}
