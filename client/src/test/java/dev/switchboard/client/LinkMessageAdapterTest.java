package dev.switchboard.client;

import dev.switchboard.codec.Sofh;
import dev.switchboard.codec.sbe.DeviceListEncoder;
import dev.switchboard.codec.sbe.IdentityChangedEncoder;
import dev.switchboard.codec.sbe.LinkCodeEncoder;
import dev.switchboard.codec.sbe.LinkPendingEncoder;
import dev.switchboard.codec.sbe.LinkRequestEncoder;
import dev.switchboard.codec.sbe.MessageHeaderEncoder;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LinkMessageAdapterTest
{
    private final List<String> events = new ArrayList<>();
    private final ServerMessageHandler handler = new ServerMessageHandler()
    {
        public void onLinkCode(final long requestId, final long codeTtlSeconds, final String code)
        {
            events.add("code " + requestId + " " + codeTtlSeconds + " " + code);
        }

        public void onLinkPending(final long requestId, final long waitSeconds, final byte[] fingerprint)
        {
            events.add("pending " + requestId + " " + waitSeconds + " " + LinkRequest.fingerprintText(fingerprint));
        }

        public void onLinkRequest(final LinkRequest request)
        {
            events.add("request " + request.linkId() + " " + request.registrationId() + " " +
                request.fingerprintText());
        }

        public void onDeviceList(final long requestId, final List<LinkedDevice> devices)
        {
            events.add("devices " + requestId + " " + devices);
        }

        public void onIdentityChanged(
            final long messageId, final long timestampMs, final long userId, final int deviceId)
        {
            events.add("identity " + messageId + " " + timestampMs + " " + userId + "/" + deviceId);
        }
    };
    private final ServerMessageAdapter adapter = new ServerMessageAdapter(handler);
    private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[1024]);

    private int frame(final int bodyLength)
    {
        final int messageLength = MessageHeaderEncoder.ENCODED_LENGTH + bodyLength;
        Sofh.write(buffer, 0, messageLength);
        return Sofh.HEADER_LENGTH + messageLength;
    }

    @Test
    void shouldDispatchEveryLinkFrame()
    {
        final LinkCodeEncoder code = new LinkCodeEncoder()
            .wrapAndApplyHeader(buffer, Sofh.HEADER_LENGTH, new MessageHeaderEncoder())
            .requestId(5).codeTtlSeconds(300).code("K7QM2XWD9RTA");
        adapter.onFrame(buffer, 0, frame(code.encodedLength()));

        final LinkPendingEncoder pending = new LinkPendingEncoder()
            .wrapAndApplyHeader(buffer, Sofh.HEADER_LENGTH, new MessageHeaderEncoder())
            .requestId(6).waitSeconds(299).putFingerprint(new byte[]{ 0x1a, 0x2b, 0x3c, 0x4d, 0x5e }, 0, 5);
        adapter.onFrame(buffer, 0, frame(pending.encodedLength()));

        final LinkRequestEncoder request = new LinkRequestEncoder()
            .wrapAndApplyHeader(buffer, Sofh.HEADER_LENGTH, new MessageHeaderEncoder())
            .linkId(9).registrationId(4242).putFingerprint(new byte[]{ 0x1a, 0x2b, 0x3c, 0x4d, 0x5e }, 0, 5);
        adapter.onFrame(buffer, 0, frame(request.encodedLength()));

        final DeviceListEncoder list = new DeviceListEncoder()
            .wrapAndApplyHeader(buffer, Sofh.HEADER_LENGTH, new MessageHeaderEncoder())
            .requestId(7);
        final DeviceListEncoder.DevicesEncoder devices = list.devicesCount(2);
        devices.next().deviceId(1).registrationId(11).primary((short)1).online((short)1).lastSeenMs(100);
        devices.next().deviceId(3).registrationId(33).primary((short)0).online((short)0).lastSeenMs(0);
        adapter.onFrame(buffer, 0, frame(list.encodedLength()));

        final IdentityChangedEncoder changed = new IdentityChangedEncoder()
            .wrapAndApplyHeader(buffer, Sofh.HEADER_LENGTH, new MessageHeaderEncoder())
            .messageId(8).timestampMs(123);
        changed.device().userId(42).deviceId(2);
        adapter.onFrame(buffer, 0, frame(changed.encodedLength()));

        assertEquals(List.of(
            "code 5 300 K7QM2XWD9RTA",
            "pending 6 299 1a2b 3c4d 5e",
            "request 9 4242 1a2b 3c4d 5e",
            "devices 7 [LinkedDevice[deviceId=1, registrationId=11, primary=true, online=true, lastSeenMs=100], " +
                "LinkedDevice[deviceId=3, registrationId=33, primary=false, online=false, lastSeenMs=0]]",
            "identity 8 123 42/2"), events);
        assertEquals(0, adapter.rejectedFrames());
        assertEquals(0, adapter.ignoredFrames());
    }

    @Test
    void shouldRejectAFingerprintOrDeviceGroupRunningPastTheFrameEnd()
    {
        final LinkRequestEncoder request = new LinkRequestEncoder()
            .wrapAndApplyHeader(buffer, Sofh.HEADER_LENGTH, new MessageHeaderEncoder())
            .linkId(9).registrationId(4242).putFingerprint(new byte[10], 0, 10);
        adapter.onFrame(buffer, 0, frame(request.encodedLength()) - 1);

        final DeviceListEncoder list = new DeviceListEncoder()
            .wrapAndApplyHeader(buffer, Sofh.HEADER_LENGTH, new MessageHeaderEncoder())
            .requestId(7);
        list.devicesCount(3).next().deviceId(1).next().deviceId(2).next().deviceId(3);
        adapter.onFrame(buffer, 0, frame(list.encodedLength()) - 1);

        assertTrue(events.isEmpty(), events.toString());
        assertEquals(2, adapter.rejectedFrames());
    }

    @Test
    void shouldShowCodesInGroupsOfFour()
    {
        assertEquals("K7QM-2XWD-9RTA", new LinkCode("K7QM2XWD9RTA", 300).grouped());
    }
}
