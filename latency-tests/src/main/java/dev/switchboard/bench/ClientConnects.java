package dev.switchboard.bench;

import dev.switchboard.edge.NativeConnect;

/**
 * How the load generator opens its connections: by {@link NativeConnect} where it is available, the first frame
 * written at once, unless {@code -Dswitchboard.bench.connect=jdk} asks for the JDK's {@code SocketChannel}.
 */
final class ClientConnects
{
    static final String PROP_NAME = "switchboard.bench.connect";

    private ClientConnects()
    {
    }

    static NativeConnect nativeConnectOrNull()
    {
        return "jdk".equals(System.getProperty(PROP_NAME)) ? null : NativeConnect.openOrNull();
    }

    /**
     * For the results.
     */
    static String description()
    {
        if ("jdk".equals(System.getProperty(PROP_NAME)))
        {
            return "the JDK's SocketChannel (" + PROP_NAME + "=jdk)";
        }
        final String unavailableBecause = NativeConnect.unavailableBecause();
        return null == unavailableBecause ? "socket and connect through JNA, the first frame written at once" :
            "the JDK's SocketChannel (" + unavailableBecause + ")";
    }
}
