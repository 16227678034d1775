package dev.jtcp.tcp;

import dev.jtcp.sys.Mib;
import dev.jtcp.wire.Seq;

/**
 * CUBIC with HyStart as Linux 6.18 runs it (net/ipv4/tcp_cubic.c, RFC 9438's algorithm in the kernel's
 * fixed-point arithmetic): beta 717/1024, fast convergence, the TCP-friendly (Reno-emulation) region,
 * the cube root by table and one Newton-Raphson step, K and the cubic target in units of 1/1024 s
 * computed from the jiffies clock, and HyStart's ACK-train and delay detection on the microsecond clock.
 * All the kernel's u32/u64 wrap-around arithmetic is kept: fields are u32 values held in Java ints.
 *
 * <p>Module parameters are the kernel's defaults: fast_convergence=1, beta=717, initial_ssthresh=0,
 * bic_scale=41, tcp_friendliness=1, hystart=1, hystart_detect=3, hystart_low_window=16,
 * hystart_ack_delta_us=2000.
 */
final class TcpCubic implements TcpCongestionOps {
    static final String NAME = "cubic";

    /** BICTCP_BETA_SCALE: scale of beta. */
    static final int BICTCP_BETA_SCALE = 1024;
    /** BICTCP_HZ: time in the cubic function is in units of 2^-10 s. */
    static final int BICTCP_HZ = 10;
    static final int HYSTART_ACK_TRAIN = 0x1;
    static final int HYSTART_DELAY = 0x2;
    /** HYSTART_MIN_SAMPLES: RTT samples per round before the delay test. */
    static final int HYSTART_MIN_SAMPLES = 8;
    static final int HYSTART_DELAY_MIN_US = 4000;
    static final int HYSTART_DELAY_MAX_US = 16000;

    static final boolean FAST_CONVERGENCE = true;
    static final int BETA = 717;
    static final int BIC_SCALE = 41;
    static final boolean TCP_FRIENDLINESS = true;
    static final boolean HYSTART = true;
    static final int HYSTART_DETECT = HYSTART_ACK_TRAIN | HYSTART_DELAY;
    static final int HYSTART_LOW_WINDOW = 16;
    static final int HYSTART_ACK_DELTA_US = 2000;
    private static final long USEC_PER_SEC = 1_000_000L;
    private static final long USEC_PER_MSEC = 1_000L;

    /** cubictcp_register(): 8*(1024+beta)/3/(1024-beta), the Reno-emulation increase. */
    static final int BETA_SCALE = 8 * (BICTCP_BETA_SCALE + BETA) / 3 / (BICTCP_BETA_SCALE - BETA);
    /** 1024*c/rtt with c = bic_scale/1024 and rtt = 100 ms. */
    static final int CUBE_RTT_SCALE = BIC_SCALE * 10;
    /** 2^40 / (bic_scale * 10): turns (W_max - cwnd) into K^3 in units of 2^-30 s^3. */
    static final long CUBE_FACTOR = (1L << (10 + 3 * BICTCP_HZ)) / (BIC_SCALE * 10);

    private final Host host;

    // struct bictcp (u32 values)
    int cnt;
    int lastMaxCwnd;
    int lastCwnd;
    int lastTime;
    int bicOriginPoint;
    int bicK;
    int delayMin;
    int epochStart;
    int ackCnt;
    int tcpCwnd;
    int sampleCnt;
    boolean found;
    int roundStart;
    int endSeq;
    int lastAck;
    int currRtt;

    TcpCubic(Host host) {
        this.host = host;
    }

    @Override
    public String name() {
        return NAME;
    }

    /** bictcp_reset(): everything up to 'unused' in struct bictcp, and found. */
    private void reset() {
        cnt = 0;
        lastMaxCwnd = 0;
        lastCwnd = 0;
        lastTime = 0;
        bicOriginPoint = 0;
        bicK = 0;
        delayMin = 0;
        epochStart = 0;
        ackCnt = 0;
        tcpCwnd = 0;
        found = false;
    }

    /** bictcp_hystart_reset(): a new round starts now and ends when snd_nxt is acknowledged. */
    private void hystartReset(TcpSock sk) {
        roundStart = host.clockUs();
        lastAck = roundStart;
        endSeq = sk.sndNxt;
        currRtt = -1;   // ~0U
        sampleCnt = 0;
    }

    /** cubictcp_init(). */
    @Override
    public void init(TcpSock sk) {
        reset();
        if (HYSTART) {
            hystartReset(sk);
        }
    }

    /** cubictcp_cwnd_event(): after an idle period, shift the epoch so that growth follows the curve. */
    @Override
    public void cwndEvent(TcpSock sk, int event) {
        if (event == CA_EVENT_TX_START) {
            int now = host.jiffies32();
            int delta = now - host.jiffiesAt(sk.lsndtimeNs);
            if (epochStart != 0 && delta > 0) {
                epochStart += delta;
                if (Seq.gt(epochStart, now)) {
                    epochStart = now;
                }
            }
        }
    }

    /**
     * cubic_root(): the cube root of a, rounded down. The kernel reaches it by a table lookup of the top
     * bits and one Newton-Raphson step (average error 0.195%); jtcp computes the exact integer root, so K
     * can differ from the kernel's by that approximation (a few units of 2^-10 s for windows of hundreds of
     * segments). The kernel's hand-refined table is GPL data and is not reproduced here.
     */
    static int cubicRoot(long a) {
        if (a == 0) {
            return 0;
        }
        // Newton's iteration from above converges to floor(cbrt(a)) for unsigned 64-bit a.
        int bits = 64 - Long.numberOfLeadingZeros(a);
        long x = 1L << ((bits + 2) / 3);   // >= cbrt(a)
        while (true) {
            long y = (2 * x + Long.divideUnsigned(a, x * x)) / 3;
            if (y >= x) {
                break;
            }
            x = y;
        }
        return (int) x;
    }

    /** bictcp_update(): the number of ACKed segments per cwnd increment (cnt) for the cubic target one RTT ahead. */
    void update(int cwnd, int acked) {
        ackCnt += acked;   // count the number of ACKed packets
        int now = host.jiffies32();
        if (lastCwnd == cwnd && now - lastTime <= host.hz() / 32) {
            return;
        }
        // The CUBIC function can update cnt at most once per jiffy; every cwnd reduction resets epoch_start.
        if (epochStart == 0 || now != lastTime) {
            lastCwnd = cwnd;
            lastTime = now;
            if (epochStart == 0) {
                epochStart = now;   // record the beginning of an epoch
                ackCnt = acked;
                tcpCwnd = cwnd;     // sync with cubic
                if (Integer.compareUnsigned(lastMaxCwnd, cwnd) <= 0) {
                    bicK = 0;
                    bicOriginPoint = cwnd;
                } else {
                    // K = cubic_root((W_max - cwnd) * rtt / c), in units of 2^-10 s
                    bicK = cubicRoot(CUBE_FACTOR * Integer.toUnsignedLong(lastMaxCwnd - cwnd));
                    bicOriginPoint = lastMaxCwnd;
                }
            }
            // t: time since the epoch began plus the minimum delay, in units of 2^-10 s
            long t = now - epochStart;   // (s32) then widened as the kernel does
            t += host.usecsToJiffies(Integer.toUnsignedLong(delayMin));
            t <<= BICTCP_HZ;
            t = Long.divideUnsigned(t, host.hz());
            long k = Integer.toUnsignedLong(bicK);
            long offs = Long.compareUnsigned(t, k) < 0 ? k - t : t - k;
            // c/rtt * (t-K)^3
            int delta = (int) ((CUBE_RTT_SCALE * offs * offs * offs) >>> (10 + 3 * BICTCP_HZ));
            int bicTarget = Long.compareUnsigned(t, k) < 0 ? bicOriginPoint - delta : bicOriginPoint + delta;
            if (Integer.compareUnsigned(bicTarget, cwnd) > 0) {
                cnt = Integer.divideUnsigned(cwnd, bicTarget - cwnd);
            } else {
                cnt = 100 * cwnd;   // very small increment
            }
            // The initial growth of the cubic function may be too conservative when the bandwidth is unknown.
            if (lastMaxCwnd == 0 && Integer.compareUnsigned(cnt, 20) > 0) {
                cnt = 20;   // increase cwnd 5% per RTT
            }
        }
        // tcp_friendliness: the window standard Reno (AIMD with CUBIC's beta) would have now
        if (TCP_FRIENDLINESS) {
            int delta = (cwnd * BETA_SCALE) >>> 3;
            while (Integer.compareUnsigned(ackCnt, delta) > 0) {
                ackCnt -= delta;
                tcpCwnd++;
            }
            if (Integer.compareUnsigned(tcpCwnd, cwnd) > 0) {   // CUBIC is slower than Reno
                int maxCnt = Integer.divideUnsigned(cwnd, tcpCwnd - cwnd);
                if (Integer.compareUnsigned(cnt, maxCnt) > 0) {
                    cnt = maxCnt;
                }
            }
        }
        // At most 1 segment per 2 acknowledged: cwnd grows at most 1.5x per RTT.
        if (Integer.compareUnsigned(cnt, 2) < 0) {
            cnt = 2;
        }
    }

    /** cubictcp_cong_avoid(). */
    @Override
    public void congAvoid(TcpSock sk, int ack, int acked) {
        if (!TcpCong.isCwndLimited(sk)) {
            return;
        }
        if (TcpCong.inSlowStart(sk)) {
            acked = TcpCong.slowStart(sk, acked);
            if (acked == 0) {
                return;
            }
        }
        update(sk.sndCwnd, acked);
        TcpCong.congAvoidAi(sk, cnt, acked);
    }

    /** cubictcp_recalc_ssthresh(): end the epoch, remember W_max (lowered by fast convergence), cwnd * beta. */
    @Override
    public int ssthresh(TcpSock sk) {
        int cwnd = sk.sndCwnd;
        epochStart = 0;   // end of epoch
        if (Integer.compareUnsigned(cwnd, lastMaxCwnd) < 0 && FAST_CONVERGENCE) {
            lastMaxCwnd = (int) ((Integer.toUnsignedLong(cwnd) * (BICTCP_BETA_SCALE + BETA)) / (2 * BICTCP_BETA_SCALE));
        } else {
            lastMaxCwnd = cwnd;
        }
        return (int) Math.max((Integer.toUnsignedLong(cwnd) * BETA) / BICTCP_BETA_SCALE, 2);
    }

    /** cubictcp_state(): entering Loss forgets everything (the curve restarts after the RTO). */
    @Override
    public void setState(TcpSock sk, int newState) {
        if (newState == TcpSock.CA_LOSS) {
            reset();
            hystartReset(sk);
        }
    }

    /** tcp_reno_undo_cwnd() (CUBIC's .undo_cwnd). */
    @Override
    public int undoCwnd(TcpSock sk) {
        return TcpReno.renoUndoCwnd(sk);
    }

    /**
     * hystart_ack_delay(): a cushion for TSO/GRO batching, four GSO-sized bursts at the pacing rate
     * (sk_pacing_rate, as tcp_update_pacing_rate() left it after the previous ACK), at most 1 ms.
     */
    static long hystartAckDelayUs(TcpSock sk) {
        long rate = sk.pacingRate;
        if (rate == 0 || rate == Long.MAX_VALUE) {   // ~0UL before the first RTT sample
            return 0;
        }
        return Math.min(USEC_PER_MSEC, (long) TcpConstants.GSO_LEGACY_MAX_SIZE * 4 * USEC_PER_SEC / rate);
    }

    /** hystart_update(): leave slow start early on an ACK train as long as half the minimum RTT, or on rising delay. */
    private void hystartUpdate(TcpSock sk, int delay) {
        if (Seq.gt(sk.sndUna, endSeq)) {
            hystartReset(sk);
        }
        // HyStart works once cwnd reaches hystart_low_window; the round above starts regardless (6.13+:
        // "tcp_cubic: fix incorrect HyStart round start detection").
        if (sk.sndCwnd < HYSTART_LOW_WINDOW) {
            return;
        }
        if ((HYSTART_DETECT & HYSTART_ACK_TRAIN) != 0) {
            int now = host.clockUs();
            // first detection parameter: ACK-train detection
            if (now - lastAck <= HYSTART_ACK_DELTA_US) {
                lastAck = now;
                long threshold = Integer.toUnsignedLong(delayMin) + hystartAckDelayUs(sk);
                // Without pacing (SK_PACING_NONE): the train triggers past delay_min / 2.
                threshold = (threshold & 0xffffffffL) >>> 1;
                if (now - roundStart > threshold) {
                    found = true;
                    host.mibAdd(Mib.TcpExtTCPHystartTrainDetect, 1);
                    host.mibAdd(Mib.TcpExtTCPHystartTrainCwnd, sk.sndCwnd);
                    sk.sndSsthresh = sk.sndCwnd;
                }
            }
        }
        if ((HYSTART_DETECT & HYSTART_DELAY) != 0) {
            // obtain the minimum delay of more than sampling packets
            if (Integer.compareUnsigned(currRtt, delay) > 0) {
                currRtt = delay;
            }
            if (sampleCnt < HYSTART_MIN_SAMPLES) {
                sampleCnt++;
            } else {
                long dm = Integer.toUnsignedLong(delayMin);
                long thresh = Math.clamp(dm >>> 3, HYSTART_DELAY_MIN_US, HYSTART_DELAY_MAX_US);
                if (Integer.toUnsignedLong(currRtt) > ((dm + thresh) & 0xffffffffL)) {
                    found = true;
                    host.mibAdd(Mib.TcpExtTCPHystartDelayDetect, 1);
                    host.mibAdd(Mib.TcpExtTCPHystartDelayCwnd, sk.sndCwnd);
                    sk.sndSsthresh = sk.sndCwnd;
                }
            }
        }
    }

    /** cubictcp_acked(): track the minimum delay and feed HyStart while in slow start. */
    @Override
    public void pktsAcked(TcpSock sk, int pktsAcked, long rttUs) {
        // Some calls are for duplicates without timestamps.
        if (rttUs < 0) {
            return;
        }
        // Discard delay samples right after fast recovery.
        if (epochStart != 0 && host.jiffies32() - epochStart < host.hz()) {
            return;
        }
        int delay = (int) rttUs;
        if (delay == 0) {
            delay = 1;
        }
        // first call, or the link delay decreases
        if (delayMin == 0 || Integer.compareUnsigned(delayMin, delay) > 0) {
            delayMin = delay;
        }
        if (!found && TcpCong.inSlowStart(sk) && HYSTART) {
            hystartUpdate(sk, delay);
        }
    }
}
