package dev.switchboard.bench;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * The bench devices registered on one server data folder, kept in a file beside the server's own so that later runs
 * reuse them: registering thousands of devices is slow and is not what most scenarios measure.
 *
 * <pre>
 *   key &lt;pkcs8 private key hex&gt; &lt;raw 32-byte public key hex&gt;
 *   &lt;phone&gt; &lt;userId&gt; &lt;deviceId&gt;
 *   ...
 * </pre>
 * Every bench device shares one Ed25519 login key: the bench proves logins, it does not need distinct secrets.
 */
final class DeviceBook
{
    static final String FILE_NAME = "bench-devices.txt";
    private static final String PHONE_PREFIX = "+1999";

    private final File file;
    private final PrivateKey privateKey;
    private final byte[] rawPublicKey;
    private final List<Device> devices = new ArrayList<>();

    private DeviceBook(final File file, final PrivateKey privateKey, final byte[] rawPublicKey)
    {
        this.file = file;
        this.privateKey = privateKey;
        this.rawPublicKey = rawPublicKey;
    }

    /**
     * Load the book of a data folder, or start a new one with a fresh key.
     */
    static DeviceBook open(final File dataDir)
    {
        final File file = new File(dataDir, FILE_NAME);
        try
        {
            if (file.exists())
            {
                final List<String> lines = Files.readAllLines(file.toPath(), StandardCharsets.US_ASCII);
                final String[] keyLine = lines.get(0).split(" ");
                final PrivateKey privateKey = KeyFactory.getInstance("Ed25519")
                    .generatePrivate(new PKCS8EncodedKeySpec(HexFormat.of().parseHex(keyLine[1])));
                final DeviceBook book = new DeviceBook(file, privateKey, HexFormat.of().parseHex(keyLine[2]));
                for (int i = 1; i < lines.size(); i++)
                {
                    final String[] fields = lines.get(i).split(" ");
                    if (fields.length == 3)
                    {
                        book.devices.add(new Device(
                            fields[0], Long.parseLong(fields[1]), Integer.parseInt(fields[2])));
                    }
                }
                return book;
            }
            final KeyPair keyPair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
            final byte[] encoded = keyPair.getPublic().getEncoded();
            final byte[] raw = Arrays.copyOfRange(encoded, encoded.length - 32, encoded.length);
            Files.createDirectories(dataDir.toPath());
            Files.writeString(file.toPath(), "key " + HexFormat.of().formatHex(keyPair.getPrivate().getEncoded()) +
                " " + HexFormat.of().formatHex(raw) + "\n", StandardCharsets.US_ASCII);
            return new DeviceBook(file, keyPair.getPrivate(), raw);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        catch (final GeneralSecurityException ex)
        {
            throw new IllegalStateException(ex);
        }
    }

    static String phone(final int index)
    {
        return PHONE_PREFIX + String.format("%08d", index);
    }

    PrivateKey privateKey()
    {
        return privateKey;
    }

    byte[] rawPublicKey()
    {
        return rawPublicKey;
    }

    int size()
    {
        return devices.size();
    }

    Device get(final int index)
    {
        return devices.get(index);
    }

    /**
     * Devices to register so that the book holds {@code count}: new, unregistered entries with fresh phones.
     */
    List<Device> missing(final int count)
    {
        final List<Device> missing = new ArrayList<>();
        for (int i = devices.size(); i < count; i++)
        {
            missing.add(new Device(phone(i), 0, 0));
        }
        return missing;
    }

    /**
     * Append devices the server has verified, in order; stops at the first one that failed so indexes stay dense.
     */
    void addRegistered(final List<Device> registered)
    {
        final StringBuilder lines = new StringBuilder();
        for (final Device device : registered)
        {
            if (!device.isRegistered())
            {
                break;
            }
            devices.add(device);
            lines.append(device.phone).append(' ').append(device.userId).append(' ').append(device.deviceId)
                .append('\n');
        }
        try
        {
            Files.writeString(file.toPath(), lines, StandardCharsets.US_ASCII, StandardOpenOption.APPEND);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }
}
