package dev.switchboard.server;

/**
 * The messaging flows under the density profile's settings (a small ring of small slots, blocking waits, small socket buffers), as {@code switchboard server --profile density}
 * applies them.
 */
class DensityProfileMessagingSystemTest extends MessagingSystemTest
{
    String[] serverProperties()
    {
        return profile("density");
    }
}
