package dev.switchboard.client.cli;

import dev.switchboard.client.IncomingMessage;
import dev.switchboard.client.MediaException;
import dev.switchboard.client.MediaFailure;
import dev.switchboard.client.MediaListener;
import dev.switchboard.client.MediaProgress;
import dev.switchboard.client.MediaReference;
import dev.switchboard.client.SwitchboardClient;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Files in the chat tool: received references are listed by number ({@code /open N [FOLDER]} downloads, checks,
 * decrypts and saves one), transfers draw a progress bar in steps of a tenth.
 */
final class ChatMedia implements MediaListener
{
    static final int BAR_STEPS = 10;

    private final ChatOutput output;
    private final ContactBook contacts;
    private final List<Received> received = new ArrayList<>();

    private record Received(IncomingMessage message, MediaReference reference)
    {
    }

    ChatMedia(final ChatOutput output, final ContactBook contacts)
    {
        this.output = output;
        this.contacts = contacts;
    }

    public void onMediaMessage(final IncomingMessage message, final MediaReference reference)
    {
        final int number;
        synchronized (received)
        {
            received.add(new Received(message, reference));
            number = received.size();
        }
        output.stamped(message.timestampMs(), contacts.label(message.fromUserId()) + " sent a file [" + number + "] " +
            reference.fileName() + " (" + reference.mimeType() + ", " + size(reference.plaintextBytes()) +
            "): /open " + number + " to save it");
    }

    public void onMediaFailed(
        final IncomingMessage message, final MediaReference reference, final MediaFailure failure, final String detail)
    {
        output.problem("a file from " + contacts.label(message.fromUserId()) + " cannot be used: " + failure);
    }

    /**
     * {@code /open N [FOLDER]}: download received file N and copy it into the folder (default: the current one).
     */
    void open(final String rest, final SwitchboardClient client)
    {
        final String[] words = rest.isEmpty() ? new String[0] : rest.split("\\s+", 2);
        final Received file;
        synchronized (received)
        {
            final int number = words.length > 0 ? parseNumber(words[0]) : -1;
            if (number < 1 || number > received.size())
            {
                output.problem("/open N [FOLDER], N from 1 to " + received.size());
                return;
            }
            file = received.get(number - 1);
        }
        final MediaReference reference = file.reference();
        try
        {
            final Path stored = client.downloadMedia(reference, file.message().messageId(),
                bar("receiving " + reference.fileName()));
            final Path folder = Path.of(words.length > 1 ? words[1] : ".");
            Files.createDirectories(folder);
            final Path target = folder.resolve(stored.getFileName().toString());
            Files.copy(stored, target, StandardCopyOption.REPLACE_EXISTING);
            output.line("saved " + reference.fileName() + " to " + target);
        }
        catch (final MediaException ex)
        {
            output.problem("not saved: " + ex.failure() + (MediaFailure.DIGEST_MISMATCH == ex.failure() ?
                " (the file was altered on the way; nothing kept)" : ""));
        }
        catch (final IOException ex)
        {
            output.problem("not saved: " + ex.getMessage());
        }
    }

    /**
     * A progress bar: one line each time another tenth is done, {@code [#####.....]  50% label}.
     */
    MediaProgress bar(final String label)
    {
        final int[] shown = { -1 };
        return (done, total) ->
        {
            final int steps = total <= 0 ? BAR_STEPS : (int)(done * BAR_STEPS / total);
            if (steps > shown[0])
            {
                shown[0] = steps;
                output.line("[" + "#".repeat(steps) + ".".repeat(BAR_STEPS - steps) + "] " +
                    String.format("%3d%%", steps * 100 / BAR_STEPS) + " " + label);
            }
        };
    }

    static String size(final long bytes)
    {
        if (bytes < 1024)
        {
            return bytes + " B";
        }
        if (bytes < 1024 * 1024)
        {
            return String.format("%.1f KiB", bytes / 1024.0);
        }
        return String.format("%.1f MiB", bytes / (1024.0 * 1024.0));
    }

    private static int parseNumber(final String word)
    {
        try
        {
            return Integer.parseInt(word);
        }
        catch (final NumberFormatException ex)
        {
            return -1;
        }
    }
}
