package dev.switchboard.client.cli;

import dev.switchboard.client.LinkRequest;

/**
 * What the chat shows of linked devices as it happens: a device asking the primary to link, the wait on a new device,
 * a contact's new security code. Called on the client's I/O thread; the pending request is read by the command
 * thread.
 */
final class LinkEvents
{
    private final ChatOutput output;
    private final ContactBook contacts;
    private volatile LinkRequest pending;

    LinkEvents(final ChatOutput output, final ContactBook contacts)
    {
        this.output = output;
        this.contacts = contacts;
    }

    void onLinkRequest(final LinkRequest request)
    {
        pending = request;
        output.line("a new device asks to link to this account, fingerprint " + request.fingerprintText());
        output.line("if the new device shows the same fingerprint: /link yes, else /link no");
    }

    void onLinkPending(final String fingerprint, final long waitSeconds)
    {
        output.line("code accepted; this device's fingerprint is " + fingerprint);
        output.line("approve it on the primary within " + waitSeconds + " s if it shows the same");
    }

    void onIdentityChanged(final long userId, final int deviceId, final long timestampMs)
    {
        output.stamped(timestampMs, "the security code of " + contacts.label(userId) + " (device " + deviceId +
            ") changed: a new install or a new device key; check it with them before trusting it");
    }

    /**
     * The link request waiting for an answer, taken: null if none.
     */
    LinkRequest takePending()
    {
        final LinkRequest request = pending;
        pending = null;
        return request;
    }
}
