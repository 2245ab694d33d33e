package dev.switchboard.state;

/**
 * A reusable presence value for one device.
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                        Connection Id                          |
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                       Last Seen (epoch ms)                    |
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                         Open Epoch                            |
 *  +---------------------------------------------------------------+
 *  |                         Poller Index                          |
 *  +---------------------------------------------------------------+
 * </pre>
 * Open epoch is the process generation that set the device online; a record from an earlier generation reads as
 * offline, so a restart needs no scan to clear connections that died with the previous process. A connection id
 * of {@link Presence#NO_CONNECTION} means offline.
 */
final class PresenceRecord
{
    static final int LENGTH = 24;

    long connectionId = Presence.NO_CONNECTION;
    long lastSeenMs;
    int openEpoch;
    int pollerIndex = -1;
}
