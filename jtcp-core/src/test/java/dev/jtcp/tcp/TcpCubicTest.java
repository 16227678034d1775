package dev.jtcp.tcp;

import dev.jtcp.sys.Mib;
import org.junit.jupiter.api.Test;

import java.util.EnumMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * CUBIC (tcp_cubic.c) against values computed by hand from the kernel's fixed-point formulas, on a virtual
 * clock at HZ=250. Constants: beta_scale = 8*(1024+717)/3/(1024-717) = 15; cube_factor = 2^40/410 =
 * 2681735677; cube_rtt_scale = 410.
 */
class TcpCubicTest {
    /** A virtual clock and counters, as the host gives them to the algorithm. */
    static final class FakeHost implements TcpCongestionOps.Host {
        long nowNs;
        final Jiffies jiffies = new Jiffies(250, false);
        final Map<Mib, Long> mib = new EnumMap<>(Mib.class);

        @Override
        public long nowNs() {
            return nowNs;
        }

        @Override
        public Jiffies jiffies() {
            return jiffies;
        }

        @Override
        public void mibAdd(Mib counter, long n) {
            mib.merge(counter, n, Long::sum);
        }

        void atMs(double ms) {
            nowNs = Math.round(ms * 1_000_000);
        }
    }

    private final FakeHost host = new FakeHost();
    private final TcpCubic cubic = new TcpCubic(host);
    private final TcpSock sk = newSock();

    private TcpSock newSock() {
        TcpSock s = new TcpSock(3, 16384, 131072);
        s.ca = cubic;
        s.mssCache = 1448;
        s.isCwndLimited = true;
        return s;
    }

    @Test
    void constantsAreTheKernels() {
        assertThat(TcpCubic.BETA_SCALE).isEqualTo(15);
        assertThat(TcpCubic.CUBE_FACTOR).isEqualTo(2_681_735_677L);
        assertThat(TcpCubic.CUBE_RTT_SCALE).isEqualTo(410);
    }

    @Test
    void cubeRootIsTheIntegerRoot() {
        assertThat(TcpCubic.cubicRoot(0)).isZero();
        assertThat(TcpCubic.cubicRoot(26)).isEqualTo(2);
        assertThat(TcpCubic.cubicRoot(27)).isEqualTo(3);
        // K for W_max - cwnd = 30: cbrt(30 * 2681735677) = cbrt(80452070310) = 4316.x (4.215 s in 1/1024 s)
        assertThat(TcpCubic.cubicRoot(80_452_070_310L)).isEqualTo(4316);
        for (long x = 1; x < 2_000_000L; x += 997) {
            long a = x * x * x;
            assertThat(TcpCubic.cubicRoot(a)).isEqualTo((int) x);
            assertThat(TcpCubic.cubicRoot(a - 1)).isEqualTo((int) x - 1);
        }
        assertThat(TcpCubic.cubicRoot(-1L)).isEqualTo(2_642_245);   // u64 max: floor(cbrt(2^64 - 1))
    }

    @Test
    void lossAtWmaxSetsSsthreshToBetaTimesCwnd_andFastConvergenceLowersWmax() {
        cubic.init(sk);
        sk.sndCwnd = 100;
        // cwnd * 717 / 1024 = 70.02 -> 70; W_max = 100 (no earlier loss)
        assertThat(cubic.ssthresh(sk)).isEqualTo(70);
        assertThat(cubic.lastMaxCwnd).isEqualTo(100);
        assertThat(cubic.epochStart).isZero();
        // A second loss below W_max: W_max = 80 * (1024 + 717) / 2048 = 68.0 -> 68; ssthresh 80*717/1024 = 56
        sk.sndCwnd = 80;
        assertThat(cubic.ssthresh(sk)).isEqualTo(56);
        assertThat(cubic.lastMaxCwnd).isEqualTo(68);
        // Never below 2.
        sk.sndCwnd = 2;
        assertThat(cubic.ssthresh(sk)).isEqualTo(2);
    }

    @Test
    void afterALossTheCubicTargetIsComputedFromK() {
        cubic.init(sk);
        sk.sndCwnd = 100;
        sk.sndSsthresh = cubic.ssthresh(sk);   // 70, W_max 100
        sk.sndCwnd = 70;
        host.atMs(10_000);
        cubic.pktsAcked(sk, 1, 100_000);   // delay_min 100 ms = 25 jiffies
        assertThat(cubic.delayMin).isEqualTo(100_000);

        // Epoch starts now: K = cbrt(2681735677 * 30) = 4316; t = (0 + 25) * 1024 / 250 = 102;
        // delta = 410 * (4316 - 102)^3 >> 40 = 27; target = 100 - 27 = 73; cnt = 70 / (73 - 70) = 23.
        cubic.congAvoid(sk, 0, 1);
        assertThat(cubic.bicK).isEqualTo(4316);
        assertThat(cubic.bicOriginPoint).isEqualTo(100);
        assertThat(cubic.epochStart).isEqualTo(host.jiffies32());
        assertThat(cubic.cnt).isEqualTo(23);

        // One second later (250 jiffies), cwnd still 70: t = 275 * 1024 / 250 = 1126; delta = 410 * 3190^3 >> 40
        // = 12; target 88; cnt = 70 / 18 = 3.
        host.atMs(11_000);
        cubic.update(70, 1);
        assertThat(cubic.cnt).isEqualTo(3);

        // At t + delay_min = K (4.216 s) the target is the origin, W_max: 1029 jiffies in, t = 1054 * 1024 / 250
        // = 4317, offs 1, delta 0, target 100. One segment short of it: cnt = 99 / (100 - 99) = 99.
        host.atMs(10_000 + 4116);
        cubic.update(99, 1);
        assertThat(cubic.cnt).isEqualTo(99);
        // At W_max itself no growth is wanted: cnt = 100 * cwnd (one jiffy later, so that cnt is recomputed).
        host.atMs(10_000 + 4120);
        cubic.update(100, 1);
        assertThat(cubic.cnt).isEqualTo(10_000);
    }

    @Test
    void cwndAfterALossFollowsTheCubicCurve_concaveThenPlateauThenConvex() {
        cubic.init(sk);
        sk.sndCwnd = 100;
        sk.sndSsthresh = cubic.ssthresh(sk);
        sk.sndCwnd = sk.sndSsthresh;
        double rttMs = 100;
        host.atMs(0);
        cubic.pktsAcked(sk, 1, 100_000);
        // An ACK clock: every RTT, one ACK per segment of the window, evenly spread.
        double t = 0;
        int[] at = new int[9];
        for (int sec = 0; sec < 9; sec++) {
            while (t < (sec + 1) * 1000.0) {
                int w = sk.sndCwnd;
                for (int i = 0; i < w; i++) {
                    host.atMs(t + i * rttMs / w);
                    cubic.congAvoid(sk, 0, 1);
                }
                t += rttMs;
            }
            at[sec] = sk.sndCwnd;
        }
        // RFC 9438's W_cubic(t) = 0.4 (t - K)^3 + 100, K = cbrt(30 / 0.4) = 4.217 s, evaluated one RTT ahead
        // (the kernel's t includes delay_min): the window tracks it within a couple of segments.
        for (int sec = 0; sec < 9; sec++) {
            double tt = sec + 1 + 0.1;
            double w = 0.4 * Math.pow(tt - Math.cbrt(75), 3) + 100;
            assertThat((double) at[sec]).as("cwnd at %d s", sec + 1).isCloseTo(w, within(3.0));
        }
        // The plateau: around K the window stays at W_max.
        assertThat(at[3]).isBetween(98, 100);
        assertThat(at[4]).isBetween(100, 101);
    }

    @Test
    void withSmallWindowsTheRenoEmulationLeads() {
        // W_max 10: the cubic curve is nearly flat (K = cbrt(3/0.4) = 1.96 s, growth of 3 segments),
        // while Reno-with-beta 0.7 (3*(1-0.7)/(1+0.7) = 0.53 segment per RTT) keeps growing.
        cubic.init(sk);
        sk.sndCwnd = 10;
        sk.sndSsthresh = cubic.ssthresh(sk);   // 7
        sk.sndCwnd = 7;
        host.atMs(0);
        cubic.pktsAcked(sk, 1, 100_000);
        double t = 0;
        while (t < 10_000) {
            int w = sk.sndCwnd;
            for (int i = 0; i < w; i++) {
                host.atMs(t + i * 100.0 / w);
                cubic.congAvoid(sk, 0, 1);
            }
            t += 100;
        }
        // 100 RTTs: Reno emulation adds about 8 segments per 15 RTTs of ACKs: (cwnd*15/8 ACKs per segment).
        assertThat(cubic.tcpCwnd).isGreaterThan(40);
        assertThat(sk.sndCwnd).isGreaterThanOrEqualTo(cubic.tcpCwnd - 1);
    }

    @Test
    void hystartDelayDetection_exitsSlowStartAfterEightSamplesAboveMinRttPlusAnEighth() {
        // The ladder of Linux's cubic-hystart-delay-rtt-jumps-upward.pkt (min RTT 200 ms, then 240 ms).
        host.atMs(200);
        sk.sndNxt = 1;
        sk.sndUna = 1;
        cubic.init(sk);
        sk.sndNxt = 10_001;
        host.atMs(400);
        sk.sndUna = 10_001;
        cubic.pktsAcked(sk, 10, 200_000);
        cubic.congAvoid(sk, 0, 10);
        assertThat(sk.sndCwnd).isEqualTo(20);
        sk.sndNxt = 30_001;
        int una = 10_001;
        double t = 640;
        for (int i = 1; i <= 9; i++) {
            host.atMs(t);
            una += 2000;
            sk.sndUna = una;
            cubic.pktsAcked(sk, 2, 240_000);
            cubic.congAvoid(sk, 0, 2);
            if (i < 9) {
                assertThat(sk.sndSsthresh).as("ssthresh after ACK %d", i).isEqualTo(Integer.MAX_VALUE);
                assertThat(sk.sndCwnd).isEqualTo(20 + 2 * i);
            }
            t += 1;
        }
        // The ninth sample: curr_rtt 240 ms > 200 ms + clamp(200/8, 4, 16) ms = 216 ms.
        assertThat(sk.sndSsthresh).isEqualTo(36);
        assertThat(sk.sndCwnd).isEqualTo(36);
        assertThat(cubic.found).isTrue();
        assertThat(host.mib).containsEntry(Mib.TcpExtTCPHystartDelayDetect, 1L).containsEntry(Mib.TcpExtTCPHystartDelayCwnd, 36L)
                .doesNotContainKey(Mib.TcpExtTCPHystartTrainDetect);
    }

    @Test
    void hystartDelayThresholdIsClampedTo4ms() {
        // min RTT 10 ms: delay_min/8 = 1.25 ms is clamped up to HYSTART_DELAY_MIN (4 ms): 13.9 ms does not
        // trigger, 14.1 ms does (the train test cannot fire: ACKs are 3 ms apart, beyond hystart_ack_delta_us).
        runRound(10_000, 13_900, 3.0);
        assertThat(cubic.found).isFalse();
        TcpCubic other = new TcpCubic(host);
        TcpSock s2 = newSock();
        s2.ca = other;
        runRound(other, s2, 10_000, 14_100, 3.0);
        assertThat(other.found).isTrue();
        assertThat(s2.sndSsthresh).isEqualTo(16 + 8);
    }

    @Test
    void hystartAckTrain_exitsWhenATrainOfCloseAcksLastsHalfTheMinRtt() {
        // min RTT 10 ms, ACKs 1 ms apart with no delay increase: the train's threshold is
        // (delay_min + hystart_ack_delay) / 2 = (10000 + 1000) / 2 = 5500 us (the ack delay is capped at 1 ms:
        // 4 * 64 KiB at twice cwnd/srtt is far longer). The ACK 6 ms into the round (the 7th) finds it.
        sk.srttUs = 10_000 << 3;
        runRound(10_000, 10_000, 1.0);
        assertThat(cubic.found).isTrue();
        assertThat(sk.sndSsthresh).isEqualTo(22);
        assertThat(host.mib).containsEntry(Mib.TcpExtTCPHystartTrainDetect, 1L).containsEntry(Mib.TcpExtTCPHystartTrainCwnd, 22L);
    }

    @Test
    void hystartIsOffBelowTheLowWindow() {
        host.atMs(0);
        cubic.init(sk);
        sk.sndCwnd = 15;
        host.atMs(100);
        cubic.pktsAcked(sk, 1, 10_000);
        for (int i = 1; i < 20; i++) {
            host.atMs(100 + i * 0.5);
            cubic.pktsAcked(sk, 1, 30_000);
        }
        assertThat(cubic.found).isFalse();
        assertThat(sk.sndSsthresh).isEqualTo(Integer.MAX_VALUE);
    }

    private void runRound(long minRttUs, long roundRttUs, double spacingMs) {
        runRound(cubic, sk, minRttUs, roundRttUs, spacingMs);
    }

    /**
     * A first sample at the minimum RTT while cwnd is below hystart_low_window, then a round of 1-segment ACKs
     * in slow start from cwnd 16.
     */
    private void runRound(TcpCubic c, TcpSock s, long minRttUs, long roundRttUs, double spacingMs) {
        host.atMs(0);
        s.sndNxt = 1;
        s.sndUna = 1;
        c.init(s);
        s.sndCwnd = 15;
        host.atMs(40);
        c.pktsAcked(s, 1, minRttUs);
        s.sndCwnd = 16;
        s.sndNxt = 100_001;
        host.atMs(50);
        s.sndUna = 1001;
        c.pktsAcked(s, 1, roundRttUs);   // a new round starts (snd_una is past end_seq); sample 1
        c.congAvoid(s, 0, 1);
        for (int i = 1; i < 12 && !c.found; i++) {
            host.atMs(50 + i * spacingMs);
            s.sndUna += 1000;
            c.pktsAcked(s, 1, roundRttUs);
            c.congAvoid(s, 0, 1);
        }
    }

    @Test
    void idleShiftsTheEpochSoGrowthResumesOnTheCurve() {
        cubic.init(sk);
        sk.sndCwnd = 100;
        sk.sndSsthresh = cubic.ssthresh(sk);
        sk.sndCwnd = 70;
        host.atMs(1000);
        cubic.congAvoid(sk, 0, 1);
        int epoch = cubic.epochStart;
        sk.lsndtimeNs = 1_200_000_000L;   // last data sent at 1.2 s
        host.atMs(3200);                  // 2 s (500 jiffies) of idle, then data again
        cubic.cwndEvent(sk, TcpCongestionOps.CA_EVENT_TX_START);
        assertThat(cubic.epochStart).isEqualTo(epoch + 500);
        // Never into the future.
        sk.lsndtimeNs = 0;
        cubic.cwndEvent(sk, TcpCongestionOps.CA_EVENT_TX_START);
        assertThat(cubic.epochStart).isEqualTo(host.jiffies32());
    }

    @Test
    void enteringLossResetsTheCurveAndHystart() {
        cubic.init(sk);
        sk.sndCwnd = 100;
        cubic.ssthresh(sk);
        host.atMs(500);
        cubic.pktsAcked(sk, 1, 50_000);
        cubic.setState(sk, TcpSock.CA_LOSS);
        assertThat(cubic.lastMaxCwnd).isZero();
        assertThat(cubic.delayMin).isZero();
        assertThat(cubic.found).isFalse();
        assertThat(cubic.roundStart).isEqualTo(500_000);
    }

    @Test
    void renoHalvesAndGrowsOnePerWindow() {
        TcpReno reno = new TcpReno();
        sk.ca = reno;
        sk.sndCwnd = 20;
        assertThat(reno.ssthresh(sk)).isEqualTo(10);
        sk.sndSsthresh = 10;
        sk.sndCwnd = 10;
        for (int i = 0; i < 10; i++) {
            reno.congAvoid(sk, 0, 1);
        }
        assertThat(sk.sndCwnd).isEqualTo(11);
        sk.sndSsthresh = 20;
        sk.sndCwnd = 15;
        reno.congAvoid(sk, 0, 8);   // slow start to 20, then 3 toward the next increment
        assertThat(sk.sndCwnd).isEqualTo(20);
        assertThat(sk.sndCwndCnt).isEqualTo(3);
        sk.priorCwnd = 30;
        assertThat(reno.undoCwnd(sk)).isEqualTo(30);
    }
}
