package dev.switchboard.server;

import dev.switchboard.ring.CodeSender;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Keeps the registration codes the server sends, so a test can play the phone's owner.
 */
final class CapturingCodeSender implements CodeSender
{
    private final Map<String, String> codeByPhone = new ConcurrentHashMap<>();

    public void send(final CharSequence phone, final CharSequence code)
    {
        codeByPhone.put(phone.toString(), code.toString());
    }

    String await(final String phone)
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() - deadlineNs < 0)
        {
            final String code = codeByPhone.get(phone);
            if (null != code)
            {
                return code;
            }
            Thread.onSpinWait();
        }
        throw new AssertionError("no code was sent to " + phone);
    }
}
