package dev.switchboard.client;

/**
 * Progress of a media upload or download, called on the transferring thread after each chunk.
 */
@FunctionalInterface
public interface MediaProgress
{
    MediaProgress NONE = (done, total) ->
    {
    };

    void onProgress(long bytesDone, long bytesTotal);
}
