package dev.switchboard.client;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Iterator;

/**
 * A small JPEG preview of an image file, through javax.imageio, to travel inside the media reference.
 */
final class Thumbnails
{
    static final int MAX_EDGE_PX = 64;
    private static final byte[] NONE = new byte[0];
    /** Larger images are not decoded just for a preview. */
    private static final long MAX_SOURCE_BYTES = 32L << 20;

    private Thumbnails()
    {
    }

    /**
     * The preview, or no bytes if the file is not an image ImageIO reads or the preview would be too big.
     */
    static byte[] of(final Path file, final String mimeType, final long sizeBytes)
    {
        if (null == mimeType || !mimeType.startsWith("image/") || sizeBytes > MAX_SOURCE_BYTES)
        {
            return NONE;
        }
        try
        {
            final BufferedImage image = ImageIO.read(file.toFile());
            if (null == image || image.getWidth() < 1 || image.getHeight() < 1)
            {
                return NONE;
            }
            final double scale = Math.min(1.0, (double)MAX_EDGE_PX / Math.max(image.getWidth(), image.getHeight()));
            final int width = Math.max(1, (int)Math.round(image.getWidth() * scale));
            final int height = Math.max(1, (int)Math.round(image.getHeight() * scale));
            final BufferedImage small = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
            final Graphics2D graphics = small.createGraphics();
            try
            {
                graphics.setRenderingHint(
                    RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
                graphics.drawImage(image, 0, 0, width, height, null);
            }
            finally
            {
                graphics.dispose();
            }
            final byte[] jpeg = jpeg(small);
            return jpeg.length <= MediaReference.MAX_THUMBNAIL_BYTES ? jpeg : NONE;
        }
        catch (final IOException | RuntimeException ex)
        {
            return NONE; // a preview is optional: an unreadable image still goes, without one
        }
    }

    private static byte[] jpeg(final BufferedImage image) throws IOException
    {
        final Iterator<ImageWriter> writers = ImageIO.getImageWritersByFormatName("jpeg");
        if (!writers.hasNext())
        {
            return NONE;
        }
        final ImageWriter writer = writers.next();
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (MemoryCacheImageOutputStream out = new MemoryCacheImageOutputStream(bytes))
        {
            writer.setOutput(out);
            final ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(0.7f);
            writer.write(null, new IIOImage(image, null, null), param);
        }
        finally
        {
            writer.dispose();
        }
        return bytes.toByteArray();
    }
}
