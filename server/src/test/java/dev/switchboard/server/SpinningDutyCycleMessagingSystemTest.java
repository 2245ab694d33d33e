package dev.switchboard.server;

/**
 * The messaging flows again with the duty cycle spinning instead of blocking in its selector (the latency profile's
 * way), the acceptor then sharing its thread.
 */
class SpinningDutyCycleMessagingSystemTest extends MessagingSystemTest
{
    String[] serverProperties()
    {
        return new String[]
        {
            ThreadLayout.PROP_NAME + "=" + ThreadLayout.DUTY_CYCLE,
            IdleStrategies.PROP_NAME + "=yielding"
        };
    }
}
