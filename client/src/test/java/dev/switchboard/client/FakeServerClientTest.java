package dev.switchboard.client;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;

/**
 * Tests of the SDK against a fresh {@link FakeServer} each: a {@link ClientFixture} opened before and closed after.
 */
abstract class FakeServerClientTest
{
    @TempDir
    File storeDir;

    ClientFixture fixture;
    FakeServer server;
    RecordingListener listener;

    @BeforeEach
    void openFixture() throws IOException
    {
        fixture = new ClientFixture(storeDir);
        server = fixture.server;
        listener = fixture.listener;
    }

    @AfterEach
    void closeFixture() throws IOException
    {
        fixture.close();
    }

    ClientContext context()
    {
        return fixture.context();
    }

    SwitchboardClient open(final ClientContext ctx)
    {
        return fixture.open(ctx);
    }

    SwitchboardClient loggedInClient() throws Exception
    {
        return fixture.loggedInClient(context());
    }

    SwitchboardClient loggedInClient(final ClientContext ctx) throws Exception
    {
        return fixture.loggedInClient(ctx);
    }
}
