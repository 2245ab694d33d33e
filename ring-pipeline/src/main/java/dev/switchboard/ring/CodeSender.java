package dev.switchboard.ring;

/**
 * Delivers a registration code to the owner of a phone number (SMS, voice, ...). Called on the session stage's
 * thread: an implementation that does I/O must hand the work to a thread of its own.
 */
@FunctionalInterface
public interface CodeSender
{
    void send(CharSequence phone, CharSequence code);
}
