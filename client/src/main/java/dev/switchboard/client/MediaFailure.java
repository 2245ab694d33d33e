package dev.switchboard.client;

/**
 * Why a received media file was not stored; its bytes are never handed to the application.
 */
public enum MediaFailure
{
    /** The payload looked like a media reference but was not a well-formed one. */
    MALFORMED_REFERENCE,
    /** The media service has no such blob (never uploaded, or expired). */
    NOT_FOUND,
    /** The downloaded ciphertext does not have the digest the reference names. */
    DIGEST_MISMATCH,
    /** The ciphertext has the right digest but does not decrypt under the reference's key. */
    DECRYPT_FAILED,
    /** The media service could not be reached or the local disk failed; the download may be retried. */
    IO_ERROR
}
