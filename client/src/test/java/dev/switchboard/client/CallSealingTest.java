package dev.switchboard.client;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * The sealed blob of a call's signaling: it opens only under its key, call, part and sequence, and any changed byte
 * makes it refuse; the call key travels in its own end-to-end content kind.
 */
class CallSealingTest
{
    private static final long CALL_ID = 0x1234_5678_9ABC_DEF0L;
    private static final byte[] SDP = "v=0\r\no=alice 1 2 IN IP4 192.0.2.1\r\n".getBytes(StandardCharsets.UTF_8);

    private final CallSealing sealing = new CallSealing(new ClientContext(), new ClientListener()
    {
    });
    private final byte[] key = newKey();

    @Test
    void shouldOpenWhatItSealedWithAFreshNonceEachTime()
    {
        final byte[] first = sealing.seal(key, CALL_ID, CallSealing.PART_OFFER, 0, SDP);
        final byte[] second = sealing.seal(key, CALL_ID, CallSealing.PART_OFFER, 0, SDP);
        assertEquals(SDP.length + CallSealing.OVERHEAD, first.length);
        assertEquals(CallSealing.VERSION, first[0]);
        assertFalse(Arrays.equals(first, second), "the same offer sealed twice must differ");
        assertArrayEquals(SDP, CallSealing.open(key, CALL_ID, CallSealing.PART_OFFER, 0, first));
        assertArrayEquals(SDP, CallSealing.open(key, CALL_ID, CallSealing.PART_OFFER, 0, second));
        assertArrayEquals(new byte[0], CallSealing.open(key, CALL_ID, CallSealing.PART_ANSWER, 0,
            sealing.seal(key, CALL_ID, CallSealing.PART_ANSWER, 0, new byte[0])));
    }

    @Test
    void shouldRefuseAnotherKeyCallPartOrSequence()
    {
        final byte[] sealed = sealing.seal(key, CALL_ID, CallSealing.PART_CALLER_ICE, 7, SDP);
        assertArrayEquals(SDP, CallSealing.open(key, CALL_ID, CallSealing.PART_CALLER_ICE, 7, sealed));
        assertNull(CallSealing.open(newKey(), CALL_ID, CallSealing.PART_CALLER_ICE, 7, sealed));
        assertNull(CallSealing.open(key, CALL_ID + 1, CallSealing.PART_CALLER_ICE, 7, sealed));
        assertNull(CallSealing.open(key, CALL_ID, CallSealing.PART_CALLEE_ICE, 7, sealed), "reflected to its sender");
        assertNull(CallSealing.open(key, CALL_ID, CallSealing.PART_OFFER, 0, sealed), "replayed as another part");
        assertNull(CallSealing.open(key, CALL_ID, CallSealing.PART_CALLER_ICE, 8, sealed), "reordered");
    }

    @Test
    void shouldRefuseEveryChangedByteAndAnythingTooShortOrOfAnotherVersion()
    {
        final byte[] sealed = sealing.seal(key, CALL_ID, CallSealing.PART_ANSWER, 0, SDP);
        for (int i = 0; i < sealed.length; i++)
        {
            final byte[] tampered = sealed.clone();
            tampered[i] ^= 0x01;
            assertNull(CallSealing.open(key, CALL_ID, CallSealing.PART_ANSWER, 0, tampered), "byte " + i);
        }
        assertNull(CallSealing.open(key, CALL_ID, CallSealing.PART_ANSWER, 0,
            Arrays.copyOf(sealed, CallSealing.OVERHEAD - 1)));
        assertNull(CallSealing.open(key, CALL_ID, CallSealing.PART_ANSWER, 0, SDP), "a plaintext offer");
        assertNull(CallSealing.open(key, CALL_ID, CallSealing.PART_ANSWER, 0, new byte[0]));
    }

    @Test
    void shouldCarryTheCallKeyInItsOwnContentKind()
    {
        final byte[] content = E2eEnvelope.callKey(CALL_ID, key);
        assertEquals(E2eEnvelope.KIND_CALL_KEY, E2eEnvelope.kind(content));
        assertEquals(CALL_ID, E2eEnvelope.prefix(content));
        assertArrayEquals(key, E2eEnvelope.payload(content));
        assertEquals(-1, E2eEnvelope.kind(Arrays.copyOf(content, E2eEnvelope.HEADER_LENGTH + 7)), "no call id");
    }

    private static byte[] newKey()
    {
        final byte[] bytes = new byte[CallSealing.KEY_LENGTH];
        new SecureRandom().nextBytes(bytes);
        return bytes;
    }
}
