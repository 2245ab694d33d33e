package dev.switchboard.bench.jmh;

import dev.switchboard.ring.LoginVerifierBenchFixture;
import org.bouncycastle.math.ec.rfc7748.X25519Field;
import org.bouncycastle.math.ec.rfc8032.Ed25519;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
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
 *   <li>{@code server}: the server's own login verifier, with {@code switchboard.login.signatures} set to
 *   {@code libsodium} (libsodium through JNA's direct mapping; the run fails where libsodium is not installed) or
 *   {@code bouncycastle} (Bouncy Castle's RFC 8032 verify on the raw key);</li>
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
    @Param({ "libsodium", "bouncycastle" })
    public String implementation;

    private LoginVerifierBenchFixture verifier;
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
        verifier = new LoginVerifierBenchFixture(implementation);
        if (!server() || !libsignal())
        {
            throw new IllegalStateException("verify failed");
        }
    }

    @Benchmark
    public boolean server()
    {
        return verifier.verify(publicKey, message, signature);
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
