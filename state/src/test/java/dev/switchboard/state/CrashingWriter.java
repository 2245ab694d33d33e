package dev.switchboard.state;

import java.io.File;

/**
 * Run in a child JVM: writes an account, a device and an online presence, then halts without closing anything,
 * as a process killed by kill -9 would.
 */
final class CrashingWriter
{
    static final String PHONE = "+14155550123";
    static final long CONNECTION_ID = 900;
    static final long ONLINE_AT_MS = 12_345;

    private CrashingWriter()
    {
    }

    public static void main(final String[] args)
    {
        final SwitchboardState state = SwitchboardState.open(
            TestStates.context(new File(args[0]).toPath()));
        final long userId = state.newAccounts().create(PHONE);
        final int deviceId = state.newDevices().addDevice(userId, TestStates.key(1), 1);
        state.newPresence().online(userId, deviceId, 0, CONNECTION_ID, ONLINE_AT_MS);
        Runtime.getRuntime().halt(0);
    }
}
