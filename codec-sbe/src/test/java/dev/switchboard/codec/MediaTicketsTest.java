package dev.switchboard.codec;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MediaTicketsTest
{
    private static final byte[] SECRET = new byte[MediaTickets.SECRET_LENGTH];
    private static final byte[] OTHER_SECRET = new byte[MediaTickets.SECRET_LENGTH];

    static
    {
        SECRET[0] = 1;
        OTHER_SECRET[0] = 2;
    }

    @Test
    void shouldVerifyAnIssuedTicketAndReadItsFields()
    {
        final MediaTickets tickets = new MediaTickets(SECRET);
        final byte[] ticket = new byte[MediaTickets.LENGTH + 3];
        assertEquals(MediaTickets.LENGTH, tickets.issue(42, 3, 5 << 20, 1_795_000_000_000L, 99, ticket, 3));

        final MediaTickets verifier = new MediaTickets(SECRET);
        assertTrue(verifier.verify(ticket, 3, MediaTickets.LENGTH));
        assertEquals(42, verifier.userId());
        assertEquals(3, verifier.deviceId());
        assertEquals(5 << 20, verifier.maxBytes());
        assertEquals(1_795_000_000_000L, verifier.expiresAtMs());
    }

    @Test
    void shouldRefuseATicketOfAnotherSecretOrWithAnyByteChanged()
    {
        final byte[] ticket = new byte[MediaTickets.LENGTH];
        new MediaTickets(SECRET).issue(42, 1, 100, 1_795_000_000_000L, 7, ticket, 0);
        assertFalse(new MediaTickets(OTHER_SECRET).verify(ticket, 0, MediaTickets.LENGTH));

        final MediaTickets verifier = new MediaTickets(SECRET);
        for (int i = 0; i < MediaTickets.LENGTH; i++)
        {
            ticket[i] ^= 1;
            assertFalse(verifier.verify(ticket, 0, MediaTickets.LENGTH), "byte " + i);
            ticket[i] ^= 1;
        }
        assertFalse(verifier.verify(ticket, 0, MediaTickets.LENGTH - 1));
        assertTrue(verifier.verify(ticket, 0, MediaTickets.LENGTH));
    }
}
