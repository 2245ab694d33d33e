package dev.switchboard.client;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The SDK's listeners that stand between the connection and the application (media references taken out, end-to-end
 * decryption) must pass on every other callback: a callback added to {@link ClientListener} and not forwarded would
 * reach the interface's empty default and be lost without a trace.
 */
class ListenerForwardingTest
{
    @ParameterizedTest
    @ValueSource(classes = { MediaReceiver.class, E2eMessenger.class })
    void shouldImplementEveryCallbackOfClientListener(final Class<?> wrapper)
    {
        final List<String> missing = new ArrayList<>();
        for (final Method method : ClientListener.class.getMethods())
        {
            if (Modifier.isStatic(method.getModifiers()))
            {
                continue;
            }
            try
            {
                final Method own = wrapper.getMethod(method.getName(), method.getParameterTypes());
                if (own.getDeclaringClass() != wrapper)
                {
                    missing.add(method.getName());
                }
            }
            catch (final NoSuchMethodException ex)
            {
                missing.add(method.getName());
            }
        }
        assertEquals(List.of(), missing, wrapper.getSimpleName() + " leaves these callbacks to the empty default");
    }
}
