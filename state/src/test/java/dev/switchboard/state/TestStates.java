package dev.switchboard.state;

import java.nio.file.Path;

final class TestStates
{
    private TestStates()
    {
    }

    static StateContext context(final Path dir)
    {
        return new StateContext()
            .dataDir(dir.toFile())
            .maxAccounts(10_000)
            .maxDevicesPerAccount(4)
            .averageDevicesPerAccount(2.0);
    }

    static SwitchboardState open(final Path dir)
    {
        return SwitchboardState.open(context(dir));
    }

    static byte[] key(final int seed)
    {
        // the seed's own bytes lead, so distinct seeds always give distinct keys
        final byte[] key = new byte[Devices.LOGIN_KEY_LENGTH];
        for (int i = 0; i < key.length; i++)
        {
            key[i] = i < Integer.BYTES ? (byte)(seed >>> (i * Byte.SIZE)) : (byte)(seed * 31 + i);
        }
        return key;
    }
}
