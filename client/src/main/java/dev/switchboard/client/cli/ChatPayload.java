package dev.switchboard.client.cli;

import java.nio.charset.StandardCharsets;

/**
 * The chat tool's message payload: UTF-8 text after a header line naming the sender's phone number, since the server
 * hands a recipient only the sender's user id. A real client puts this inside the end-to-end encrypted body; here
 * it is plain, so the number is only what the sender claims and is shown only for users not looked up.
 *
 * <pre>
 *   0x01 '+15551230001' '\n' text...
 * </pre>
 * A payload without the leading 0x01 (from {@code switchboard-chat}, say) is all text.
 */
record ChatPayload(String senderPhone, String text)
{
    private static final char MARKER = '\u0001';

    static byte[] encode(final String senderPhone, final String text)
    {
        return (MARKER + senderPhone + "\n" + text).getBytes(StandardCharsets.UTF_8);
    }

    static ChatPayload decode(final byte[] payload)
    {
        final String content = new String(payload, StandardCharsets.UTF_8);
        if (!content.isEmpty() && content.charAt(0) == MARKER)
        {
            final int newline = content.indexOf('\n');
            if (newline > 1 && newline <= 1 + ChatConsole.MAX_PHONE_LENGTH)
            {
                final String phone = content.substring(1, newline);
                if (ChatConsole.isPhone(phone))
                {
                    return new ChatPayload(phone, content.substring(newline + 1));
                }
            }
        }
        return new ChatPayload(null, content);
    }
}
