package dev.switchboard.client;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Arrays;

/**
 * This device's registered identity: its address, phone number and Ed25519 login key pair.
 */
public final class DeviceIdentity
{
    /**
     * Length of a raw Ed25519 public key, the form sent as the login key.
     */
    public static final int RAW_PUBLIC_KEY_LENGTH = 32;

    private static final String ALGORITHM = "Ed25519";

    private final long userId;
    private final int deviceId;
    private final int registrationId;
    private final String phone;
    private final PrivateKey privateKey;
    private final byte[] rawPublicKey;
    private final LoginSigner signer;

    public DeviceIdentity(
        final long userId,
        final int deviceId,
        final int registrationId,
        final String phone,
        final PrivateKey privateKey,
        final byte[] rawPublicKey)
    {
        if (rawPublicKey.length != RAW_PUBLIC_KEY_LENGTH)
        {
            throw new IllegalArgumentException("raw Ed25519 public key must be 32 bytes: " + rawPublicKey.length);
        }
        this.userId = userId;
        this.deviceId = deviceId;
        this.registrationId = registrationId;
        this.phone = phone;
        this.privateKey = privateKey;
        this.rawPublicKey = rawPublicKey.clone();
        this.signer = LoginSigner.of(privateKey, rawPublicKey);
    }

    /**
     * A fresh Ed25519 key pair from the JDK provider.
     */
    public static KeyPair generateKeyPair()
    {
        try
        {
            return KeyPairGenerator.getInstance(ALGORITHM).generateKeyPair();
        }
        catch (final GeneralSecurityException ex)
        {
            throw new IllegalStateException("Ed25519 not available", ex);
        }
    }

    /**
     * The raw 32-byte key: an Ed25519 X.509 encoding ends with it after a fixed 12-byte prefix.
     */
    public static byte[] rawPublicKey(final PublicKey publicKey)
    {
        final byte[] encoded = publicKey.getEncoded();
        return Arrays.copyOfRange(encoded, encoded.length - RAW_PUBLIC_KEY_LENGTH, encoded.length);
    }

    /**
     * Restore a private key from its PKCS#8 encoding.
     */
    public static PrivateKey privateKey(final byte[] pkcs8)
    {
        try
        {
            return KeyFactory.getInstance(ALGORITHM).generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
        }
        catch (final GeneralSecurityException ex)
        {
            throw new IllegalStateException("unreadable Ed25519 private key", ex);
        }
    }

    /**
     * Ed25519 signature of {@code data} with the device key, as a login proof.
     */
    public byte[] sign(final byte[] data)
    {
        return signer.sign(data);
    }

    public DeviceAddress address()
    {
        return new DeviceAddress(userId, deviceId);
    }

    public long userId()
    {
        return userId;
    }

    public int deviceId()
    {
        return deviceId;
    }

    public int registrationId()
    {
        return registrationId;
    }

    public String phone()
    {
        return phone;
    }

    public PrivateKey privateKey()
    {
        return privateKey;
    }

    public byte[] rawPublicKey()
    {
        return rawPublicKey.clone();
    }
}
