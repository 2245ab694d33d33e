package dev.switchboard.server;

import dev.switchboard.media.MediaConfiguration;
import dev.switchboard.media.MediaContext;
import dev.switchboard.media.MediaService;
import dev.switchboard.ring.RingContext;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.status.CountersManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.File;
import java.util.concurrent.TimeUnit;

/**
 * Starts the media service beside the message port, in {@code <data folder>/media}, and tells the ring what its
 * tickets need: the service's port, its secret, its size limit and the ticket lifetime.
 */
final class MediaLauncher
{
    static final String MEDIA_FOLDER = "media";
    private static final Logger LOG = LoggerFactory.getLogger(MediaLauncher.class);

    private MediaLauncher()
    {
    }

    /**
     * The service of the given context, or of the system properties ({@link MediaConfiguration#PORT_PROP_NAME} 0:
     * none, and null returned).
     */
    static MediaService launch(
        final File dataDir,
        final MediaContext given,
        final CountersManager countersManager,
        final ErrorHandler errorHandler)
    {
        final MediaContext ctx = null == given ? new MediaContext() : given;
        if (null == given && 0 == ctx.port())
        {
            LOG.info("media: off ({} 0)", MediaConfiguration.PORT_PROP_NAME);
            return null;
        }
        if (null == ctx.dataDir())
        {
            ctx.dataDir(new File(dataDir, MEDIA_FOLDER));
        }
        final MediaService media = MediaService.launch(ctx.countersManager(countersManager), errorHandler);
        LOG.info("media: http://" + ctx.bindAddress() + ":" + media.port() + "/ (tus 1.0 uploads " +
            "at /files/, downloads at /media/<sha-256>; max " + ctx.maxBytes() + " bytes, quota " +
            ctx.quotaBytesPerDay() + " bytes a user a day, expiry " + TimeUnit.NANOSECONDS.toDays(ctx.expiryNs()) +
            " days, " + ctx.threads() + " threads)");
        return media;
    }

    static RingContext applyTo(final MediaService media, final RingContext ringContext)
    {
        if (null == media)
        {
            return ringContext.mediaPort(0).mediaTicketSecret(null);
        }
        final MediaContext ctx = media.context();
        return ringContext
            .mediaPort(media.port())
            .mediaTicketSecret(ctx.secret())
            .mediaMaxBytes(ctx.maxBytes())
            .mediaTicketTtlNs(ctx.ticketTtlNs());
    }
}
