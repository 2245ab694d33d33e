package dev.switchboard.client;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Stands in front of the application's {@link ClientListener} when a {@link MediaListener} is set: a message whose
 * payload is a media reference goes to the media listener (and, if downloads are automatic, is downloaded, checked,
 * decrypted and stored on the client's media thread); everything else passes through unchanged.
 */
final class MediaReceiver extends ForwardingClientListener implements AutoCloseable
{
    private final MediaListener media;
    private final MediaDownloader downloader;
    private final boolean autoDownload;
    private final ExecutorService executor = Executors.newSingleThreadExecutor((runnable) ->
    {
        final Thread thread = new Thread(runnable, "switchboard-media-receive");
        thread.setDaemon(true);
        return thread;
    });

    MediaReceiver(
        final ClientListener application,
        final MediaListener media,
        final MediaDownloader downloader,
        final boolean autoDownload)
    {
        super(application);
        this.media = media;
        this.downloader = downloader;
        this.autoDownload = autoDownload;
    }

    public void onMessage(final IncomingMessage message)
    {
        if (!MediaReference.isReference(message.payload()))
        {
            delegate.onMessage(message);
            return;
        }
        final MediaReference reference = MediaReference.decode(message.payload());
        if (null == reference)
        {
            media.onMediaFailed(message, null, MediaFailure.MALFORMED_REFERENCE, "unreadable media reference");
            return;
        }
        media.onMediaMessage(message, reference);
        if (autoDownload)
        {
            executor.execute(() -> download(message, reference));
        }
    }

    private void download(final IncomingMessage message, final MediaReference reference)
    {
        try
        {
            final Path file = downloader.download(reference, message.messageId(),
                (done, total) -> media.onMediaProgress(message, done, total));
            media.onMediaStored(message, reference, file);
        }
        catch (final MediaException ex)
        {
            media.onMediaFailed(message, reference, ex.failure(), ex.getMessage());
        }
        catch (final IOException | RuntimeException ex)
        {
            media.onMediaFailed(message, reference, MediaFailure.IO_ERROR, ex.toString());
        }
    }

    public void close()
    {
        executor.shutdownNow();
    }
}
