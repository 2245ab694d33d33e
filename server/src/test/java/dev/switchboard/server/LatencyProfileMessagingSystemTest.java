package dev.switchboard.server;

/**
 * The messaging flows under the latency profile's settings (busy-spinning stages and poller), as {@code switchboard server --profile latency}
 * applies them.
 */
class LatencyProfileMessagingSystemTest extends MessagingSystemTest
{
    String[] serverProperties()
    {
        return profile("latency");
    }
}
