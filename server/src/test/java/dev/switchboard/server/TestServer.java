package dev.switchboard.server;

import dev.switchboard.edge.EdgeContext;
import org.agrona.CloseHelper;

import java.io.File;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A server on loopback for one test, with the connections the test opened: all closed together.
 */
final class TestServer implements AutoCloseable
{
    private static final String KEY_DIRECTORY_CAPACITY = "switchboard.state.key.directory.capacity";

    final CapturingCodeSender codes = new CapturingCodeSender();
    private final List<AutoCloseable> connections = new ArrayList<>();
    private final File dataDir;
    private final String[] properties;
    private SwitchboardServer server;

    private TestServer(final File dataDir, final EdgeContext edgeContext, final String... properties)
    {
        this.dataDir = dataDir;
        this.properties = properties;
        launch(edgeContext, properties);
    }

    /**
     * A server on an ephemeral loopback port with default settings but those given as "name=value" pairs, which are
     * system properties only while the server starts.
     */
    static TestServer launch(final File dataDir, final String... properties)
    {
        // The context is made once the properties are set, so edge properties count too.
        return new TestServer(dataDir, null, properties);
    }

    static TestServer launch(final File dataDir, final EdgeContext edgeContext, final String... properties)
    {
        return new TestServer(dataDir, edgeContext, properties);
    }

    static EdgeContext loopback()
    {
        return new EdgeContext().port(0).bindAddress("127.0.0.1");
    }

    private void launch(final EdgeContext edgeContext, final String... properties)
    {
        // No media service unless the test asks for one: the default port is the same for every server.
        System.setProperty("switchboard.media.port", "0");
        // A key directory for a few thousand devices, not a quarter of a million accounts: with its 1,637-byte Kyber
        // prekeys the full-size file is reserved on disk at about 1 GiB, per test server.
        System.setProperty(KEY_DIRECTORY_CAPACITY, "10000");
        for (final String property : properties)
        {
            final int equals = property.indexOf('=');
            System.setProperty(property.substring(0, equals), property.substring(equals + 1));
        }
        try
        {
            server = SwitchboardServer.launch(
                dataDir,
                null == edgeContext ? loopback() : edgeContext,
                codes);
        }
        finally
        {
            for (final String property : properties)
            {
                System.clearProperty(property.substring(0, property.indexOf('=')));
            }
            System.clearProperty("switchboard.media.port");
            System.clearProperty(KEY_DIRECTORY_CAPACITY);
        }
    }

    /**
     * Stop the server and start another with the same settings on the same data folder, as after a clean restart.
     */
    void restart()
    {
        CloseHelper.closeAll(connections);
        connections.clear();
        server.close();
        launch((EdgeContext)null, properties);
    }

    int port()
    {
        return server.port();
    }

    SwitchboardServer server()
    {
        return server;
    }

    TestConnection connect() throws IOException
    {
        final TestConnection connection = new TestConnection(server.port());
        connections.add(connection);
        return connection;
    }

    /**
     * A new device: registered, verified and logged in.
     */
    TestConnection device(final String phone) throws IOException
    {
        final TestConnection connection = connect();
        connection.registerAndLogin(phone, codes);
        return connection;
    }

    /**
     * A further device of the primary's account, linked with a code the primary approves, and logged in.
     */
    TestConnection linked(final TestConnection primary) throws IOException
    {
        return LinkFrames.link(this, primary);
    }

    /**
     * A device that registered before, logged in again on a new connection.
     */
    TestConnection again(final TestConnection device) throws IOException
    {
        final TestConnection connection = connect();
        connection.keyPair = device.keyPair;
        connection.userId = device.userId;
        connection.deviceId = device.deviceId;
        connection.login();
        return connection;
    }

    public void close()
    {
        CloseHelper.closeAll(connections);
        CloseHelper.close(server);
    }
}
