package dev.switchboard.bench.jmh;

import org.bouncycastle.math.ec.rfc7748.X25519Field;
import org.bouncycastle.math.ec.rfc8032.Ed25519;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.signal.libsignal.protocol.ecc.ECPublicKey;

import java.security.SecureRandom;
import java.util.concurrent.TimeUnit;

/**
 * One Ed25519 login-proof verify (a 32-byte nonce) by each implementation at hand:
 * <ul>
 *   <li>{@code bouncyCastle}: Bouncy Castle's RFC 8032 verify on the raw key, the server's fallback;</li>
 *   <li>{@code libsodium}: libsodium's {@code crypto_sign_verify_detached} through JNA's direct mapping, as the
 *   server calls it where the library is installed;</li>
 *   <li>{@code libsignal}: libsignal's XEdDSA verify, which checks an Ed25519 signature once the Edwards key is
 *   mapped to its Montgomery form (u = (1 + y) / (1 - y)) and the key's sign bit is carried in the signature's top
 *   bit. Measured for comparison only: the server does not ship libsignal's 125 MB native library.</li>
 * </ul>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class LoginVerifyBenchmark
{
    private final byte[] publicKey = new byte[32];
    private final byte[] message = new byte[32];
    private final byte[] signature = new byte[64];
    private final byte[] montgomery = new byte[33];
    private final byte[] xsig = new byte[64];

    @Setup
    public void setUp()
    {
        final SecureRandom random = new SecureRandom();
        final byte[] privateKey = new byte[32];
        random.nextBytes(privateKey);
        random.nextBytes(message);
        Ed25519.generatePublicKey(privateKey, 0, publicKey, 0);
        Ed25519.sign(privateKey, 0, publicKey, 0, message, 0, message.length, signature, 0);
        Sodium.sodium_init();
        if (!bouncyCastle() || !libsignal() || !libsodium())
        {
            throw new IllegalStateException("verify failed");
        }
    }

    @Benchmark
    public boolean bouncyCastle()
    {
        return Ed25519.verify(signature, 0, publicKey, 0, message, 0, message.length);
    }

    /** Bound like the server's {@code LibsodiumEd25519}. */
    static final class Sodium
    {
        static
        {
            com.sun.jna.Native.register("sodium");
        }

        static native int sodium_init();

        static native int crypto_sign_verify_detached(byte[] sig, byte[] m, long mlen, byte[] pk);
    }

    @Benchmark
    public boolean libsodium()
    {
        return 0 == Sodium.crypto_sign_verify_detached(signature, message, message.length, publicKey);
    }

    @Benchmark
    public boolean libsignal()
    {
        final int[] y = X25519Field.create();
        final int[] num = X25519Field.create();
        final int[] den = X25519Field.create();
        X25519Field.decode(publicKey, 0, y);
        X25519Field.one(num);
        X25519Field.add(num, y, num);
        X25519Field.one(den);
        X25519Field.sub(den, y, den);
        X25519Field.invVar(den, den);
        X25519Field.mul(num, den, num);
        X25519Field.normalize(num);
        montgomery[0] = 5;
        X25519Field.encode(num, montgomery, 1);
        System.arraycopy(signature, 0, xsig, 0, 64);
        xsig[63] |= (byte)(publicKey[31] & 0x80);
        try
        {
            return new ECPublicKey(montgomery).verifySignature(message, xsig);
        }
        catch (final Exception ex)
        {
            return false;
        }
    }
}
