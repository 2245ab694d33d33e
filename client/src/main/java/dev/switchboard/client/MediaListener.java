package dev.switchboard.client;

import java.nio.file.Path;

/**
 * Callbacks for received media (set with {@link ClientContext#mediaListener}): a message whose payload is a
 * {@link MediaReference} goes here instead of {@link ClientListener#onMessage}. {@link #onMediaMessage} runs on the
 * I/O thread; the others on the client's media thread.
 */
public interface MediaListener
{
    /** A media reference arrived; if downloads are automatic, the file follows. */
    default void onMediaMessage(final IncomingMessage message, final MediaReference reference)
    {
    }

    default void onMediaProgress(final IncomingMessage message, final long bytesDone, final long bytesTotal)
    {
    }

    /** The file was downloaded, its digest checked, decrypted and stored at {@code file}. */
    default void onMediaStored(final IncomingMessage message, final MediaReference reference, final Path file)
    {
    }

    /**
     * The file could not be stored (reference null when it could not be read); nothing of it is kept.
     */
    default void onMediaFailed(
        final IncomingMessage message, final MediaReference reference, final MediaFailure failure, final String detail)
    {
    }
}
