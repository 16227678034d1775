package dev.jtcp.wire;

import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/** Generators shared by the property tests. */
final class WireGenerators {

    private WireGenerators() {
    }

    static Arbitrary<Integer> u16() {
        return Arbitraries.integers().between(0, 0xFFFF);
    }

    static Arbitrary<SackBlock> sackBlock() {
        return Combinators.combine(Arbitraries.integers(), Arbitraries.integers()).as(SackBlock::new);
    }

    /** Kinds this package does not interpret: anything but EOL, NOP, MSS, WS, SACK_PERM, SACK, TS. */
    static Arbitrary<Integer> unknownKind() {
        return Arbitraries.integers().between(6, 255).filter(k -> k != TcpOption.KIND_TIMESTAMPS);
    }

    /** Any option except EOL (which ends the list and so cannot appear mid-list on the wire). */
    @SuppressWarnings("unchecked")
    static Arbitrary<TcpOption> option() {
        return Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.just(new TcpOption.Nop())),
                Tuple.of(2, u16().map(TcpOption.Mss::new)),
                Tuple.of(2, Arbitraries.integers().between(0, 255).map(TcpOption.WindowScale::new)),
                Tuple.of(2, Arbitraries.just(new TcpOption.SackPermitted())),
                Tuple.of(2, Combinators.combine(Arbitraries.integers(), Arbitraries.integers()).as(TcpOption.Timestamps::new)),
                Tuple.of(2, sackBlock().list().ofMinSize(1).ofMaxSize(4).map(TcpOption.Sack::new)),
                Tuple.of(2, Combinators.combine(unknownKind(), Arbitraries.bytes().array(byte[].class).ofMaxSize(12))
                        .as(TcpOption.Unknown::new)));
    }

    /** A random option list, cut so that it fits the 40-byte option space. */
    static Arbitrary<TcpOptions> options() {
        return option().list().ofMaxSize(16).map(WireGenerators::fitting);
    }

    static TcpOptions fitting(List<TcpOption> candidates) {
        List<TcpOption> kept = new ArrayList<>();
        int raw = 0;
        for (TcpOption o : candidates) {
            int n = raw + o.encodedLength();
            if ((n + 3) / 4 * 4 <= TcpOptions.MAX_LENGTH) {
                kept.add(o);
                raw = n;
            }
        }
        return new TcpOptions(kept);
    }

    /** A random header, checksum 0. */
    static Arbitrary<TcpHeader> header() {
        return Combinators.combine(u16(), u16(), Arbitraries.integers(), Arbitraries.integers(),
                        Arbitraries.integers().between(0, TcpFlags.ALL), u16(), u16(), options())
                .as((sp, dp, seq, ack, flags, win, urg, opts) -> new TcpHeader(sp, dp, seq, ack, flags, win, 0, urg, opts));
    }

    static Arbitrary<byte[]> payload() {
        return Arbitraries.bytes().array(byte[].class).ofMaxSize(300);
    }

    /**
     * Sequence numbers, favouring the places where wraparound bites: just below 2^32 (0xFFFFFFFF is
     * -1), just around the int sign boundary (0x7FFFFFFF / 0x80000000) and just above 0.
     */
    @SuppressWarnings("unchecked")
    static Arbitrary<Integer> seq() {
        return Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.integers()),
                Tuple.of(3, Arbitraries.integers().between(-2000, -1)),
                Tuple.of(3, Arbitraries.integers().between(Integer.MAX_VALUE - 2000, Integer.MAX_VALUE)),
                Tuple.of(1, Arbitraries.integers().between(Integer.MIN_VALUE, Integer.MIN_VALUE + 2000)),
                Tuple.of(1, Arbitraries.integers().between(0, 2000)));
    }
}
