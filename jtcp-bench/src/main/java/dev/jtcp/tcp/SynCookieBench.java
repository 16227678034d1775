package dev.jtcp.tcp;

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

import java.util.concurrent.TimeUnit;

/**
 * The cost of a SYN cookie: making one for a SYN-ACK (two keyed SipHash-2-4 of the 4-tuple), checking
 * a returning ACK (the same two hashes), and encoding the options in a timestamp. A forged cookie costs
 * the check, which is what an ACK flood makes the listener pay.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class SynCookieBench {
    private final SynCookies cookies = new SynCookies(0x0123456789abcdefL, 0x0fedcba987654321L, 42, 4242);
    private int saddr;
    private int sport;
    private int seq;
    private int validAck;

    @Setup
    public void setup() {
        saddr = 0xc6120001;   // 198.18.0.1
        sport = 40000;
        seq = 123_456_789;
        validAck = cookies.make(saddr, 0x0a000002, sport, 80, seq, 3, 7) + 1;
    }

    /** cookie_v4_init_sequence(): the ISN of a cookie SYN-ACK. */
    @Benchmark
    public int make() {
        seq++;
        return cookies.make(saddr, 0x0a000002, sport, 80, seq, 3, 7);
    }

    /** __cookie_v4_check() of a valid cookie ACK: returns its MSS. */
    @Benchmark
    public int checkValid() {
        return cookies.checkAck(validAck, seq + 1, saddr, 0x0a000002, sport, 80, 7);
    }

    /** __cookie_v4_check() of a forged ACK (an ACK flood): returns 0. */
    @Benchmark
    public int checkForged() {
        seq++;
        return cookies.checkAck(seq * 31, seq, saddr, 0x0a000002, sport, 80, 7);
    }

    /** cookie_init_timestamp(): wscale and SACK in the low bits of the TS val. */
    @Benchmark
    public int timestamp() {
        seq++;
        return SynCookies.timestamp(seq, true, 7, true, false);
    }
}
