package dev.switchboard.client.cli;

import dev.switchboard.client.LinkCode;
import dev.switchboard.client.LinkRequest;
import dev.switchboard.client.LinkedDevice;
import dev.switchboard.client.SwitchboardClient;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The chat's device commands: {@code /link} on the primary shows a one-time code for a new device and, with
 * {@code yes} or {@code no}, answers the request that comes from it; {@code /devices} lists this account's devices
 * and {@code /devices unlink N} removes one.
 */
final class DeviceCommands
{
    static final String[] HELP = {
        "/link                (primary) show a code for a new device: run it with --link CODE, then /link yes|no",
        "/devices             this account's devices; /devices unlink N removes device N" };

    private final SwitchboardClient client;
    private final ChatOutput output;
    private final LinkEvents events;
    private final long waitS;
    private final Function<Throwable, String> describe;

    DeviceCommands(
        final SwitchboardClient client,
        final ChatOutput output,
        final LinkEvents events,
        final long waitS,
        final Function<Throwable, String> describe)
    {
        this.client = client;
        this.output = output;
        this.events = events;
        this.waitS = waitS;
        this.describe = describe;
    }

    void link(final String arguments)
    {
        try
        {
            if (arguments.isEmpty())
            {
                final LinkCode code = client.linkStart().get(waitS, TimeUnit.SECONDS);
                output.line("link code " + code.grouped() + " (valid " + code.ttlSeconds() + " s): on the new " +
                    "device run the client with --link " + code.code());
            }
            else if (arguments.equals("yes") || arguments.equals("no"))
            {
                final LinkRequest request = events.takePending();
                if (null == request)
                {
                    output.problem("no device is waiting to link");
                    return;
                }
                final boolean approve = arguments.equals("yes");
                client.approveLink(request.linkId(), approve).get(waitS, TimeUnit.SECONDS);
                output.line(approve ? "device linked" : "device declined");
            }
            else
            {
                output.problem("usage: /link, then /link yes|no");
            }
        }
        catch (final Exception ex)
        {
            output.problem("not done: " + describe.apply(ex));
        }
    }

    void devices(final String arguments)
    {
        try
        {
            if (arguments.isEmpty())
            {
                final List<LinkedDevice> devices = client.devices().get(waitS, TimeUnit.SECONDS);
                final int self = client.self().deviceId();
                for (final LinkedDevice device : devices)
                {
                    output.line("device " + device.deviceId() + (device.primary() ? " primary" : " linked") +
                        (device.online() ? ", online" : ", offline") +
                        (0 == device.lastSeenMs() ? "" : ", last seen " + Instant.ofEpochMilli(device.lastSeenMs())) +
                        (self == device.deviceId() ? " (this device)" : ""));
                }
            }
            else if (arguments.startsWith("unlink "))
            {
                final int deviceId = Integer.parseInt(arguments.substring("unlink ".length()).strip());
                client.unlink(deviceId).get(waitS, TimeUnit.SECONDS);
                output.line("device " + deviceId + " unlinked");
            }
            else
            {
                output.problem("usage: /devices, /devices unlink N");
            }
        }
        catch (final NumberFormatException ex)
        {
            output.problem("usage: /devices unlink N");
        }
        catch (final Exception ex)
        {
            output.problem("not done: " + describe.apply(ex));
        }
    }
}
