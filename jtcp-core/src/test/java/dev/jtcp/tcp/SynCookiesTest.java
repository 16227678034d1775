package dev.jtcp.tcp;

import dev.jtcp.api.TcpSocket;
import dev.jtcp.stack.Ss;
import dev.jtcp.sys.Mib;
import dev.jtcp.sys.Sysctl;
import dev.jtcp.testkit.LadderPeer;
import dev.jtcp.testkit.LadderPeer.Remote;
import dev.jtcp.wire.TcpOption;
import dev.jtcp.wire.TcpOptions;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * SYN cookies as Linux 6.18 sends and checks them (/work/ref/listener/REPORT.md item 4): when they start,
 * what the SYN-ACK carries, what the returning ACK creates, and how forged or stale cookies are answered.
 * {@code tcp_timestamps=2} removes the per-connection TS offset so the encoded bits show on the wire.
 */
class SynCookiesTest {

    static Sysctl sysctl(String... kv) {
        Sysctl s = new Sysctl();
        for (int i = 0; i < kv.length; i += 2) {
            s.set(kv[i], kv[i + 1]);
        }
        return s;
    }

    /** listen(2) and three SYNs that fill the SYN queue (3 > 2): the next SYN gets a cookie. */
    static LadderPeer flooded(Sysctl s) {
        LadderPeer p = LadderPeer.with(s);
        p.listen(8080, 2);
        for (int i = 0; i < 3; i++) {
            Remote c = p.remote(40001 + i, 40_001_000 + 1000 * i);
            c.syn(0.010 * i);
            c.out(0.010 * i, "S.");
        }
        return p;
    }

    static long requests(LadderPeer p) {
        return p.k.stack().ss().stream().filter(e -> e.kind().equals("request")).count();
    }

    @Test
    void theFourthSynOnAListen2QueueGetsACookieAndNoRequest() {
        LadderPeer p = flooded(new Sysctl());
        Remote c4 = p.remote(40004, 40_004_000);
        c4.syn(0.030);
        c4.out(0.030, "S.").ack(1).win(65160).opts("mss 1460,sackOK,TS,nop,wscale 10");
        assertThat(requests(p)).isEqualTo(3);
        assertThat(p.mib(Mib.TcpExtSyncookiesSent)).isEqualTo(1);
        assertThat(p.mib(Mib.TcpExtTCPReqQFullDoCookies)).isEqualTo(1);
        assertThat(p.mib(Mib.TcpExtListenDrops)).isZero();
        // No SYN-ACK retransmission for a cookie: only the three requests' timers run.
        p.at(1.1);
        assertThat(p.drain()).hasSize(3).allSatisfy(o -> assertThat(o.tcp().dstPort()).isBetween(40001, 40003));
    }

    /** The cookie SYN-ACK for a SYN with these options: its options and the TS val's low 6 bits. */
    static LadderPeer.Expect cookieSynAck(TcpOptions synOpts) {
        LadderPeer p = flooded(sysctl("net.ipv4.tcp_timestamps", "2"));
        Remote c = p.remote(40004, 40_004_000);
        c.in(0.030, "S", 0, 0, 0, 65535, synOpts);
        return c.out(0.030, "S.").ack(1);
    }

    static TcpOptions opts(TcpOption... o) {
        return TcpOptions.of(o);
    }

    static final TcpOption MSS = new TcpOption.Mss(1460);
    static final TcpOption NOP = new TcpOption.Nop();
    static final TcpOption SACK_OK = new TcpOption.SackPermitted();
    static final TcpOption TS = new TcpOption.Timestamps(130, 0);

    static TcpOption ws(int s) {
        return new TcpOption.WindowScale(s);
    }

    @Test
    void withoutTimestampsTheCookieSynAckCarriesOnlyTheMss() {
        // SACK and window scale cannot be remembered without a timestamp to hold them.
        cookieSynAck(opts(MSS, NOP, ws(7), NOP, NOP, SACK_OK)).win(64240).opts("mss 1460");
        cookieSynAck(opts(MSS)).win(64240).opts("mss 1460");
        cookieSynAck(TcpOptions.NONE).win(64240).opts("mss 1460");
    }

    @Test
    void withTimestampsTheLowSixBitsOfTsValCarryWscaleAndSack() {
        int[][] cases = {
                // the client's wscale (0xf = none) | 0x10 for SACK-permitted
                {0x17, 7, 1}, {0x0f, -1, 0}, {0x1f, -1, 1}, {0x07, 7, 0}, {0x10, 0, 1}, {0x1e, 14, 1}};
        for (int[] c : cases) {
            TcpOptions syn = TcpOptions.synLinux(1460, c[2] == 1, true, 130, 0, c[1]);
            LadderPeer.Expect e = cookieSynAck(syn).win(65160);
            assertThat(e.o.tcp().options().tsVal() & 63).as("low bits for %s", syn.toTcpdump()).isEqualTo(c[0]);
            assertThat(e.o.tcp().options().sackPermitted()).isEqualTo(c[2] == 1);
            assertThat(e.o.tcp().options().windowScale()).isEqualTo(c[1] >= 0 ? 10 : -1);
        }
    }

    @Test
    void theCookieTimestampIsTheClockRoundedDownTo64msNeverInTheFuture() {
        LadderPeer p = flooded(sysctl("net.ipv4.tcp_timestamps", "2"));
        for (int i = 0; i < 70; i++) {
            Remote c = p.remote(41000 + i, 1000 * i);
            c.syn(0.030 + 0.001 * i);
            int ts = c.out(0.030 + 0.001 * i, "S.").o.tcp().options().tsVal();
            int now = p.k.stack().tcp().tsNow(0);
            assertThat(now - ts).isBetween(0, 63);
            assertThat(ts & 63).isEqualTo(0x17);
        }
    }

    @Test
    void aValidCookieAckCreatesAnEstablishedChildStraightInTheAcceptQueue() {
        LadderPeer p = flooded(new Sysctl());
        Remote c4 = p.remote(40004, 40_004_000);
        c4.syn(0.030);
        c4.out(0.030, "S.");
        c4.ack(0.087);
        assertThat(p.mib(Mib.TcpExtSyncookiesRecv)).isEqualTo(1);
        assertThat(p.mib(Mib.TcpPassiveOpens)).isEqualTo(1);
        assertThat(requests(p)).isEqualTo(3);
        assertThat(Ss.format(p.k.stack().ss(), false).lines().toList().get(1))
                .isEqualTo("LISTEN   1      2            0.0.0.0:8080      0.0.0.0:*");
        SocketEntry child = p.k.stack().ss().stream().filter(e -> e.peer().port() == 40004).findFirst().orElseThrow();
        assertThat(child.state()).isEqualTo("ESTAB");
        assertThat(child.kind()).isEqualTo("sock");
    }

    @Test
    void dataOnTheCookieAckIsAcceptedAndAckedAtOnce() {
        LadderPeer p = flooded(new Sysctl());
        Remote c = p.remote(40007, 40_007_000);
        c.syn(0.030);
        c.out(0.030, "S.");
        c.in(0.080, "P.", 1, 5, 1, 502);
        // (Linux advertises 64 here, having grown rcv_ssthresh on this data; receive-window growth is
        // not modelled yet, so jtcp says 63.)
        c.out(0.080, ".").ack(6);
        assertThat(p.mib(Mib.TcpExtSyncookiesRecv)).isEqualTo(1);
    }

    @Test
    void theCookieRoundsTheMssDownToLinuxsTable() {
        int[][] cases = {{1460, 1460}, {8960, 1460}, {1440, 1440}, {1439, 1300}, {1400, 1300}, {1300, 1300},
                {1000, 536}, {536, 536}, {500, 536}};
        for (int[] c : cases) {
            LadderPeer p = flooded(new Sysctl());
            Remote r = p.remote(40004, 40_004_000);
            r.in(0.030, "S", 0, 0, 0, 65535, TcpOptions.synLinux(c[0], true, true, 130, 0, 7));
            r.out(0.030, "S.");
            r.ack(0.080);
            TcpSock child = p.k.stack().tcp().sockets().stream().filter(s -> s.remotePort() == 40004).findFirst().orElseThrow();
            // With timestamps the data MSS is the cookie's MSS minus the 12-byte option.
            assertThat(child.mssCache).as("SYN mss %d", c[0]).isEqualTo(c[1] - 12);
        }
    }

    @Test
    void theCookieEncodesTheMssIndexInItsLowBits() {
        // Same 4-tuple and client ISN within a minute: the ISN differs by exactly the MSS index (3 vs 0).
        LadderPeer p = flooded(new Sysctl());
        Remote r = p.remote(40004, 40_004_000);
        r.in(0.030, "S", 0, 0, 0, 65535, TcpOptions.synLinux(1460, true, true, 130, 0, 7));
        int isn1460 = r.out(0.030, "S.").o.tcp().seq();
        r.in(0.040, "S", 0, 0, 0, 65535, TcpOptions.synLinux(1460, true, true, 140, 0, 7));
        assertThat(r.out(0.040, "S.").o.tcp().seq()).isEqualTo(isn1460);
        r.in(0.050, "S", 0, 0, 0, 65535, TcpOptions.synLinux(1000, true, true, 150, 0, 7));
        assertThat(r.out(0.050, "S.").o.tcp().seq()).isEqualTo(isn1460 - 3);
    }

    @Test
    void theCheckUsesSegSeqMinusOneSoAnAckOffByOneDecodesANeighbouringMss() {
        LadderPeer p = flooded(new Sysctl());
        Remote r = p.remote(40013, 40_013_000);
        r.in(0.030, "S", 0, 0, 0, 65535, TcpOptions.synLinux(1400, true, true, 130, 0, 7));
        r.out(0.030, "S.");
        r.in(0.080, ".", 0, 0, 1, 502);   // seq one too low: index 1 (1300) reads as 2 (1440)
        TcpSock child = p.k.stack().tcp().sockets().stream().filter(s -> s.remotePort() == 40013).findFirst().orElseThrow();
        assertThat(child.mssCache).isEqualTo(1440 - 12);
    }

    @Test
    void aCookieAckOnAFullAcceptQueueIsCountedAndDroppedSilently() {
        LadderPeer p = LadderPeer.with(sysctl("net.ipv4.tcp_syncookies", "2"));
        p.listen(8080, 1);
        Remote[] r = new Remote[3];
        for (int i = 0; i < 3; i++) {
            r[i] = p.remote(40001 + i, 1000 * i);
            r[i].syn(0.01 * i);
            r[i].out(0.01 * i, "S.");
        }
        r[0].ack(0.05);
        r[1].ack(0.06);
        r[2].ack(0.07);   // the queue holds 2 > 1
        p.none(0.07);
        assertThat(p.mib(Mib.TcpExtSyncookiesRecv)).isEqualTo(3);
        assertThat(p.mib(Mib.TcpExtListenOverflows)).isEqualTo(1);
        assertThat(p.mib(Mib.TcpExtListenDrops)).isEqualTo(1);
        assertThat(p.mib(Mib.TcpPassiveOpens)).isEqualTo(2);
        // A SYN now: the cookie decision comes first, then the full accept queue drops it.
        p.remote(40004, 3000).syn(0.08);
        p.none(0.08);
        assertThat(p.mib(Mib.TcpExtTCPReqQFullDoCookies)).isEqualTo(4);
        assertThat(p.mib(Mib.TcpExtSyncookiesSent)).isEqualTo(3);
        assertThat(p.mib(Mib.TcpExtListenOverflows)).isEqualTo(2);
    }

    @Test
    void aForgedCookieAfterARecentOverflowIsCountedAndAnsweredWithTheClosedPortRst() {
        LadderPeer p = flooded(new Sysctl());
        p.remote(40004, 40_004_000).syn(0.030);
        p.drain();
        Remote forger = p.remote(40030, 40_030_000);
        forger.localIsn = 0x12345678;
        forger.in(0.5, ".", 1, 0, 1, 502);
        forger.out(0.5, "R").seq(1).win(0).opts("");
        assertThat(p.mib(Mib.TcpExtSyncookiesFailed)).isEqualTo(1);
        assertThat(p.mib(Mib.TcpOutRsts)).isEqualTo(1);
    }

    @Test
    void withoutARecentOverflowTheCookieIsNotEvenChecked() {
        LadderPeer p = LadderPeer.linuxDefaults();
        p.listen(8080, 2);
        Remote forger = p.remote(40030, 40_030_000);
        forger.localIsn = 0x12345678;
        forger.in(0.5, ".", 1, 0, 1, 502);
        forger.out(0.5, "R").seq(1);
        assertThat(p.mib(Mib.TcpExtSyncookiesFailed)).isZero();
        assertThat(p.mib(Mib.TcpOutRsts)).isEqualTo(1);
    }

    @Test
    void aCookieIsValidForTwoMinutesOfItsCounter() {
        // The counter advances every 60 s; a cookie from the first minute is good in the second,
        // not in the third (and by then the listener's overflow stamp is over 120 s old anyway).
        LadderPeer p = LadderPeer.with(sysctl("net.ipv4.tcp_syncookies", "2"));
        p.listen(8080, 8);
        Remote a = p.remote(40001, 1000);
        Remote b = p.remote(40002, 2000);
        a.syn(1.0);
        a.out(1.0, "S.");
        b.syn(1.0);
        b.out(1.0, "S.");
        a.ack(100.0);
        assertThat(p.mib(Mib.TcpPassiveOpens)).isEqualTo(1);
        p.remote(40009, 9000).syn(110.0);   // keeps the overflow stamp fresh
        p.drain();
        b.ack(121.0);
        b.out(121.0, "R");
        assertThat(p.mib(Mib.TcpExtSyncookiesFailed)).isEqualTo(1);
    }

    @Test
    void syncookies2AnswersEverySynWithACookie() {
        LadderPeer p = LadderPeer.with(sysctl("net.ipv4.tcp_syncookies", "2"));
        TcpSocket l = p.listen(8080, 128);
        Remote[] r = new Remote[15];
        for (int i = 0; i < 15; i++) {
            r[i] = p.remote(40001 + i, 1000 * i);
            r[i].syn(0.01 * i);
            r[i].out(0.01 * i, "S.");
            assertThat(requests(p)).isZero();
        }
        for (int i = 0; i < 15; i++) {
            r[i].ack(0.5 + 0.01 * i);
        }
        assertThat(p.mib(Mib.TcpExtSyncookiesSent)).isEqualTo(15);
        assertThat(p.mib(Mib.TcpExtTCPReqQFullDoCookies)).isEqualTo(15);
        assertThat(p.mib(Mib.TcpExtSyncookiesRecv)).isEqualTo(15);
        assertThat(p.mib(Mib.TcpPassiveOpens)).isEqualTo(15);
        assertThat(l.acceptQueueLength()).isEqualTo(15);
    }

    @Test
    void anAckWithoutTimestampsToACookieWithTimestampsGivesAConnectionWithoutOptions() {
        LadderPeer p = flooded(new Sysctl());
        Remote r = p.remote(40012, 40_012_000);
        r.syn(0.030);
        r.out(0.030, "S.");
        r.in(0.080, ".", 1, 0, 1, 65535, TcpOptions.NONE);
        TcpSock child = p.k.stack().tcp().sockets().stream().filter(s -> s.remotePort() == 40012).findFirst().orElseThrow();
        assertThat(child.tstampOk).isFalse();
        assertThat(child.sackOk).isFalse();
        assertThat(child.wscaleOk).isFalse();
        assertThat(child.mssCache).isEqualTo(1460);
    }

    @Test
    void theChildsFirstRttSampleComesFromTheEchoedCookieTimestamp() {
        LadderPeer p = flooded(sysctl("net.ipv4.tcp_timestamps", "2"));
        Remote r = p.remote(40004, 40_004_000);
        r.syn(0.030);
        int cookieTs = r.out(0.030, "S.").o.tcp().options().tsVal();
        r.ack(0.087);
        TcpSock child = p.k.stack().tcp().sockets().stream().filter(s -> s.remotePort() == 40004).findFirst().orElseThrow();
        int nowTs = p.k.stack().tcp().tsNow(0);
        // Up to 63 ms older than the SYN-ACK: the sample is the real 57 ms plus the rounding.
        assertThat(child.srttUs >> 3).isEqualTo((nowTs - cookieTs) * 1000L);
        assertThat(nowTs - cookieTs).isBetween(57, 57 + 63);
    }

    // ================================================================ the cookie arithmetic itself

    @Property(tries = 300)
    void aCookieChecksForItsOwnTupleAndFailsForAnyOther(@ForAll int saddr, @ForAll int daddr,
            @ForAll @IntRange(min = 1, max = 65535) int sport, @ForAll @IntRange(min = 1, max = 65535) int dport,
            @ForAll int sseq, @ForAll @IntRange(min = 0, max = 3) int mssIndex, @ForAll @IntRange(min = 0, max = 1000) int count) {
        SynCookies c = new SynCookies(1, 2, 3, 4);
        int cookie = c.make(saddr, daddr, sport, dport, sseq, mssIndex, count);
        assertThat(c.check(cookie, saddr, daddr, sport, dport, sseq, count)).isEqualTo(mssIndex);
        assertThat(c.check(cookie, saddr, daddr, sport, dport, sseq, count + 1)).isEqualTo(mssIndex);
        assertThat(c.check(cookie, saddr, daddr, sport, dport, sseq, count + 2)).isEqualTo(-1);
        int other = c.check(cookie, saddr, daddr, sport ^ 1, dport, sseq, count);
        assertThat(other < 0 || other >= 4).as("another port decodes to no MSS index (%d)", other).isTrue();
    }

    @Test
    void timestampOptionBitsRoundTrip() {
        for (int ws = 0; ws <= 14; ws++) {
            for (int sack = 0; sack <= 1; sack++) {
                int ts = SynCookies.timestamp(1_000_000, true, ws, sack == 1, false);
                assertThat(SynCookies.decodeTimestamp(ts, true, true, true)).containsExactly(sack, 1, ws);
                assertThat(ts).isLessThanOrEqualTo(1_000_000);
            }
        }
        int none = SynCookies.timestamp(1_000_000, false, 0, false, false);
        assertThat(SynCookies.decodeTimestamp(none, true, true, true)).containsExactly(0, 0, 0);
        // Options the host has since disabled make the cookie unusable.
        assertThat(SynCookies.decodeTimestamp(SynCookies.timestamp(1_000_000, true, 7, true, false), true, false, true)).isNull();
        assertThat(SynCookies.decodeTimestamp(SynCookies.timestamp(1_000_000, true, 7, false, false), true, true, false)).isNull();
        assertThat(List.of(SynCookies.MSS_TABLE[0], SynCookies.MSS_TABLE[3])).containsExactly(536, 1460);
    }
}
