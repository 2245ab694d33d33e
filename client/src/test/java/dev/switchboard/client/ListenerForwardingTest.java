package dev.switchboard.client;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The SDK's listeners that stand between the connection and the application (media references taken out, end-to-end
 * decryption) must pass on every other callback: a callback added to {@link ClientListener} and not forwarded would
 * reach the interface's empty default and be lost without a trace. They extend {@link ForwardingClientListener},
 * which must forward every callback, each to the same callback with the same arguments.
 */
class ListenerForwardingTest
{
    private static List<Method> callbacks()
    {
        final List<Method> callbacks = new ArrayList<>();
        for (final Method method : ClientListener.class.getMethods())
        {
            if (!Modifier.isStatic(method.getModifiers()))
            {
                callbacks.add(method);
            }
        }
        assertTrue(callbacks.size() > 20, "callbacks found: " + callbacks.size());
        return callbacks;
    }

    @Test
    void shouldForwardEveryCallbackWithItsArgumentsToTheDelegate() throws Exception
    {
        final List<String> calls = new ArrayList<>();
        final List<Object[]> arguments = new ArrayList<>();
        final ClientListener recorder = (ClientListener)Proxy.newProxyInstance(
            ClientListener.class.getClassLoader(),
            new Class<?>[]{ ClientListener.class },
            (proxy, method, args) ->
            {
                calls.add(method.getName());
                arguments.add(null == args ? new Object[0] : args);
                return null;
            });
        final ForwardingClientListener forwarding = new ForwardingClientListener(recorder)
        {
        };

        for (final Method callback : callbacks())
        {
            calls.clear();
            arguments.clear();
            final Object[] args = sampleArguments(callback);
            callback.invoke(forwarding, args);
            assertEquals(List.of(callback.getName()), calls, callback + " was not forwarded");
            assertArrayEquals(args, arguments.get(0), callback + " forwarded other arguments");
        }
    }

    @ParameterizedTest
    @ValueSource(classes = { MediaReceiver.class, E2eMessenger.class })
    void shouldLeaveNoCallbackToTheInterfaceDefault(final Class<?> wrapper) throws Exception
    {
        assertTrue(ForwardingClientListener.class.isAssignableFrom(wrapper), wrapper + " forwards by hand");
        final List<String> missing = new ArrayList<>();
        for (final Method callback : callbacks())
        {
            final Method own = wrapper.getMethod(callback.getName(), callback.getParameterTypes());
            if (ClientListener.class == own.getDeclaringClass())
            {
                missing.add(callback.getName());
            }
        }
        assertEquals(List.of(), missing, wrapper.getSimpleName() + " leaves these callbacks to the empty default");
    }

    /** Distinct values per parameter, so a forward that swaps or drops one is seen; objects as null. */
    private static Object[] sampleArguments(final Method callback)
    {
        final Class<?>[] types = callback.getParameterTypes();
        final Object[] args = new Object[types.length];
        for (int i = 0; i < types.length; i++)
        {
            final Class<?> type = types[i];
            final int value = 11 + i;
            if (long.class == type)
            {
                args[i] = (long)value;
            }
            else if (int.class == type)
            {
                args[i] = value;
            }
            else if (boolean.class == type)
            {
                args[i] = true;
            }
            else if (byte[].class == type)
            {
                args[i] = new byte[]{ (byte)value };
            }
            else if (String.class == type)
            {
                args[i] = "arg" + value;
            }
            else if (type.isEnum())
            {
                final Object[] constants = type.getEnumConstants();
                args[i] = constants[i % constants.length];
            }
            else
            {
                assertNotEquals(void.class, type);
                args[i] = null;
            }
        }
        return Arrays.copyOf(args, args.length);
    }
}
