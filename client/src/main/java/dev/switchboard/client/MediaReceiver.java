package dev.switchboard.client;

import dev.switchboard.codec.sbe.CallEndReason;
import dev.switchboard.codec.sbe.CallMedia;
import dev.switchboard.codec.sbe.ErrorCode;
import dev.switchboard.codec.sbe.PresenceState;
import dev.switchboard.codec.sbe.ReceiptType;
import dev.switchboard.codec.sbe.TypingState;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Stands in front of the application's {@link ClientListener} when a {@link MediaListener} is set: a message whose
 * payload is a media reference goes to the media listener (and, if downloads are automatic, is downloaded, checked,
 * decrypted and stored on the client's media thread); everything else passes through unchanged.
 */
final class MediaReceiver implements ClientListener, AutoCloseable
{
    private final ClientListener application;
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
        this.application = application;
        this.media = media;
        this.downloader = downloader;
        this.autoDownload = autoDownload;
    }

    public void onMessage(final IncomingMessage message)
    {
        if (!MediaReference.isReference(message.payload()))
        {
            application.onMessage(message);
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

    public void onSent(final long clientMsgId, final long messageId, final long timestampMs)
    {
        application.onSent(clientMsgId, messageId, timestampMs);
    }

    public void onReceipt(
        final long originalMessageId,
        final long fromUserId,
        final int fromDeviceId,
        final ReceiptType type,
        final long timestampMs)
    {
        application.onReceipt(originalMessageId, fromUserId, fromDeviceId, type, timestampMs);
    }

    public void onError(final ErrorCode code, final long requestId, final int templateId, final String detail)
    {
        application.onError(code, requestId, templateId, detail);
    }

    public void onConnected()
    {
        application.onConnected();
    }

    public void onDisconnected()
    {
        application.onDisconnected();
    }

    public void onLoggedIn(final int pendingCount)
    {
        application.onLoggedIn(pendingCount);
    }

    public void onPresence(final long userId, final PresenceState state, final long lastSeenMs)
    {
        application.onPresence(userId, state, lastSeenMs);
    }

    public void onTyping(final long fromUserId, final int fromDeviceId, final TypingState state)
    {
        application.onTyping(fromUserId, fromDeviceId, state);
    }

    public void onGroupEvent(final GroupEvent event)
    {
        application.onGroupEvent(event);
    }

    public void onGroupTyping(
        final long groupId, final long fromUserId, final int fromDeviceId, final TypingState state)
    {
        application.onGroupTyping(groupId, fromUserId, fromDeviceId, state);
    }

    public void onPreKeyStock(final int preKeyCount)
    {
        application.onPreKeyStock(preKeyCount);
    }

    public void onLinkRequest(final LinkRequest request)
    {
        application.onLinkRequest(request);
    }

    public void onDecryptFailed(final IncomingMessage message, final String reason)
    {
        application.onDecryptFailed(message, reason);
    }

    public void onLinkPending(final String fingerprint, final long waitSeconds)
    {
        application.onLinkPending(fingerprint, waitSeconds);
    }

    public void onIdentityKeyChanged(final long userId, final int deviceId)
    {
        application.onIdentityKeyChanged(userId, deviceId);
    }

    public void onSentCopy(final long toUserId, final IncomingMessage message)
    {
        application.onSentCopy(toUserId, message);
    }

    public void onIdentityChanged(final long userId, final int deviceId, final long timestampMs)
    {
        application.onIdentityChanged(userId, deviceId, timestampMs);
    }

    public void onIncomingCall(
        final long callId, final long fromUserId, final int fromDeviceId, final CallMedia media, final byte[] sdp)
    {
        application.onIncomingCall(callId, fromUserId, fromDeviceId, media, sdp);
    }

    public void onCallRinging(final long callId, final int devices)
    {
        application.onCallRinging(callId, devices);
    }

    public void onCallAnswered(final long callId, final byte[] sdp)
    {
        application.onCallAnswered(callId, sdp);
    }

    public void onCallIceCandidate(final long callId, final int sequence, final byte[] candidate)
    {
        application.onCallIceCandidate(callId, sequence, candidate);
    }

    public void onCallEnded(final long callId, final CallEndReason reason)
    {
        application.onCallEnded(callId, reason);
    }

    public void onMissedCall(final MissedCall call)
    {
        application.onMissedCall(call);
    }

    public void onCallUnsealable(final long callId, final String reason)
    {
        application.onCallUnsealable(callId, reason);
    }
}
