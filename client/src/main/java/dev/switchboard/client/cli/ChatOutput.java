package dev.switchboard.client.cli;

import java.io.PrintStream;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

/**
 * Prints the chat tool's lines, one {@code println} each, from the input thread and the client's I/O thread. Callers
 * that must keep a group of actions and lines together (a send and its line before its tick) synchronize on this.
 */
final class ChatOutput
{
    static final String TICK_SENT = "\u2713 sent";
    static final String TICK_DELIVERED = "\u2713\u2713 delivered";
    static final String TICK_READ = "\u2713\u2713 read";

    private static final String BLUE = "\u001b[34m";
    private static final String RESET = "\u001b[0m";
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");
    private static final DateTimeFormatter DATE_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    private final PrintStream out;
    private final boolean colour;
    private final ZoneId zone;

    ChatOutput(final PrintStream out, final boolean colour, final ZoneId zone)
    {
        this.out = out;
        this.colour = colour;
        this.zone = zone;
    }

    synchronized void line(final String text)
    {
        out.println(text);
    }

    /**
     * A line stamped with a time of day: {@code [12:01:03] text}.
     */
    synchronized void stamped(final long timeMs, final String text)
    {
        out.println("[" + time(timeMs) + "] " + text);
    }

    /**
     * {@code [12:01:03] #17 ✓✓ read}; read ticks are blue on a terminal, as WhatsApp draws them.
     */
    synchronized void tick(final long timeMs, final String message, final String tick)
    {
        // A group message's "read by all" summary is blue too; "read 1/5" within a delivered summary is not.
        final String shown = colour && tick.startsWith(TICK_READ) ? BLUE + tick + RESET : tick;
        stamped(timeMs, message + " " + shown);
    }

    synchronized void problem(final String text)
    {
        out.println("! " + text);
    }

    String time(final long timeMs)
    {
        return TIME.format(Instant.ofEpochMilli(timeMs).atZone(zone));
    }

    /**
     * Time of day for today, date and time otherwise.
     */
    String lastSeen(final long timeMs, final long nowMs)
    {
        final Instant instant = Instant.ofEpochMilli(timeMs);
        final LocalDate day = instant.atZone(zone).toLocalDate();
        final LocalDate today = Instant.ofEpochMilli(nowMs).atZone(zone).toLocalDate();
        return day.equals(today) ? TIME.format(instant.atZone(zone)) : DATE_TIME.format(instant.atZone(zone));
    }
}
