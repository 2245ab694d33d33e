package dev.switchboard.server;

/**
 * The messaging flows under the balanced profile's settings (the default: phased waits, a backoff poller), as {@code switchboard server --profile balanced}
 * applies them.
 */
class BalancedProfileMessagingSystemTest extends MessagingSystemTest
{
    String[] serverProperties()
    {
        return profile("balanced");
    }
}
