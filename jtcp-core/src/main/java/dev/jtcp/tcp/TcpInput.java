package dev.jtcp.tcp;

import dev.jtcp.sys.Mib;
import dev.jtcp.sys.SysctlKey;
import dev.jtcp.time.Deadline;
import dev.jtcp.time.Nanos;
import dev.jtcp.trace.SegmentEvent;
import dev.jtcp.wire.Endpoint;
import dev.jtcp.wire.SackBlock;
import dev.jtcp.wire.Seq;
import dev.jtcp.wire.TcpFlags;
import dev.jtcp.wire.TcpHeader;
import dev.jtcp.wire.TcpOptions;

import java.util.List;

/**
 * Segment arrival (net/ipv4/tcp_input.c, tcp_ipv4.c): demultiplexing, the state machine of
 * tcp_rcv_state_process() and tcp_rcv_synsent_state_process(), RFC 5961 validation, ACK processing
 * with RTT estimation and loss detection, in-order and out-of-order data, FIN, urgent data, and the
 * delayed-ACK engine (quick-ack mode, ATO, ping-pong).
 */
final class TcpInput {
    private final Tcp tcp;
    /** Per-host RFC 5961 challenge-ACK budget (net->ipv4.tcp_challenge_count) and its second. */
    private long challengeSecond = -1;
    private int challengeCount;

    // tcp_ack() flags
    static final int FLAG_DATA = 0x01;
    static final int FLAG_WIN_UPDATE = 0x02;
    static final int FLAG_DATA_ACKED = 0x04;
    static final int FLAG_RETRANS_DATA_ACKED = 0x08;
    static final int FLAG_SYN_ACKED = 0x10;
    static final int FLAG_DATA_SACKED = 0x20;
    static final int FLAG_ECE = 0x40;
    static final int FLAG_LOST_RETRANS = 0x80;
    static final int FLAG_SLOWPATH = 0x100;
    static final int FLAG_ORIG_SACK_ACKED = 0x200;
    static final int FLAG_SND_UNA_ADVANCED = 0x400;
    static final int FLAG_DSACKING_ACK = 0x800;
    static final int FLAG_SET_XMIT_TIMER = 0x1000;
    static final int FLAG_SACK_RENEGING = 0x2000;
    static final int FLAG_UPDATE_TS_RECENT = 0x4000;
    static final int FLAG_NO_CHALLENGE_ACK = 0x8000;
    /** FLAG_DSACK_TLP: the D-SACK covers exactly the tail loss probe. */
    static final int FLAG_DSACK_TLP = 0x10000;
    static final int FLAG_ACKED = FLAG_DATA_ACKED | FLAG_SYN_ACKED;
    static final int FLAG_NOT_DUP = FLAG_DATA | FLAG_WIN_UPDATE | FLAG_ACKED;
    static final int FLAG_CA_ALERT = FLAG_DATA_SACKED | FLAG_ECE | FLAG_DSACKING_ACK;
    static final int FLAG_FORWARD_PROGRESS = FLAG_ACKED | FLAG_DATA_SACKED;

    TcpInput(Tcp tcp) {
        this.tcp = tcp;
    }

    private int sysctl(SysctlKey k) {
        return tcp.sysctl.get(k);
    }

    private long now() {
        return tcp.now();
    }

    /** Linux's jiffies counter at an instant. */
    private long jiffies(long ns) {
        return tcp.jiffies.at(ns);
    }

    // ================================================================ the segment being processed

    /** One arriving segment (Linux's skb with its TCP_SKB_CB). */
    static final class Segment {
        int saddr;
        int daddr;
        TcpHeader th;
        /** The IP header's TOS byte (TCP_SKB_CB(skb)->ip_dsfield); its low two bits are the ECN field. */
        int tos;
        byte[] buf;
        int off;
        int len;
        int seq;
        int endSeq;
        /** The driver handed the buffer over: the receive queue may keep it instead of copying. */
        boolean skbGiven;
        /** The receive queue kept the buffer. */
        boolean skbKept;

        boolean has(int flag) {
            return (th.flags() & flag) != 0;
        }
    }

    private void traceDrop(Segment s, String why) {
        tcp.traceDrop(s, why);
    }

    // ================================================================ tcp_v4_rcv(): demultiplexing

    /** The segment being received: one per stack, as nothing keeps it after v4Rcv returns. */
    private final Segment rxSegment = new Segment();
    private boolean rxSegmentBusy;

    /** Returns whether the receive queue kept the buffer (only ever when skbGiven). */
    boolean v4Rcv(int saddr, int daddr, int tos, TcpHeader th, byte[] buf, int off, int len, boolean skbGiven) {
        Segment s = rxSegmentBusy ? new Segment() : rxSegment;   // new: a driver delivered re-entrantly
        boolean reused = s == rxSegment;
        rxSegmentBusy = true;
        try {
            s.skbGiven = skbGiven;
            s.skbKept = false;
            rcvSegment(s, saddr, daddr, tos, th, buf, off, len);
            return s.skbKept;
        } finally {
            if (reused) {
                rxSegmentBusy = false;
            }
        }
    }

    private void rcvSegment(Segment s, int saddr, int daddr, int tos, TcpHeader th, byte[] buf, int off, int len) {
        s.saddr = saddr;
        s.daddr = daddr;
        s.tos = tos;
        s.th = th;
        s.buf = buf;
        s.off = off;
        s.len = len;
        s.seq = th.seq();
        s.endSeq = th.seq() + len + (th.has(TcpFlags.SYN) ? 1 : 0) + (th.has(TcpFlags.FIN) ? 1 : 0);

        Sock sock = tcp.lookupEstablished(daddr, th.dstPort(), saddr, th.srcPort());
        switch (sock) {
            case TcpSock sk -> {
                if (rcv(sk, s)) {
                    sendResetFor(s, "tcp_v4_do_rcv: the socket asked for a reset");
                }
            }
            case RequestSock req -> tcp.mini.requestRcv(req, s);
            case TimeWaitSock tw -> tcp.mini.timeWaitRcv(tw, s);
            case null -> {
                TcpSock listener = tcp.lookupListener(daddr, th.dstPort());
                if (listener != null) {
                    tcp.mini.listenRcv(listener, s);
                } else {
                    noSocket(s);
                }
            }
        }
    }

    /** No socket: answer with RST (unless the segment is itself an RST) — RFC 9293 3.10.7.1. */
    void noSocket(Segment s) {
        if (s.has(TcpFlags.RST)) {
            traceDrop(s, "no socket for this 4-tuple; an RST is never answered");
            return;
        }
        sendResetFor(s, "tcp_v4_send_reset: no socket listens on port " + s.th.dstPort());
    }

    /**
     * tcp_v4_send_reset(): a stateless RST for segment s. If s had ACK, the RST takes its sequence number
     * from that ack; otherwise it ACKs everything s occupied (RFC 9293 3.10.7.1).
     */
    void sendResetFor(Segment s, String why) {
        if (s.has(TcpFlags.RST)) {
            return;
        }
        TcpHeader rst;
        if (s.has(TcpFlags.ACK)) {
            rst = new TcpHeader(s.th.dstPort(), s.th.srcPort(), s.th.ack(), 0, TcpFlags.RST, 0, 0, 0, TcpOptions.NONE);
        } else {
            rst = new TcpHeader(s.th.dstPort(), s.th.srcPort(), 0, s.endSeq, TcpFlags.RST | TcpFlags.ACK, 0, 0, 0,
                    TcpOptions.NONE);
        }
        tcp.mib.inc(Mib.TcpOutRsts);
        tcp.mib.inc(Mib.TcpOutSegs);
        tcp.host.ipOutput(s.daddr, s.saddr, 0, 0, true, rst, null, 0, 0, why);
    }

    // ================================================================ options of an arriving segment

    /** tcp_parse_options() / tcp_fast_parse_options() for an established socket. */
    private void parseTimestamps(TcpSock sk, Segment s) {
        TcpOptions o = s.th.options();
        sk.sawTstamp = sk.tstampOk && o.hasTimestamps();
        if (sk.sawTstamp) {
            sk.rcvTsval = o.tsVal();
            sk.rcvTsecr = o.tsEcr();
        } else {
            sk.rcvTsval = 0;
            sk.rcvTsecr = 0;
        }
    }

    /** tcp_paws_check(): is the timestamp acceptable (RFC 7323 5.3)? */
    private boolean pawsCheck(TcpSock sk, int pawsWin) {
        if ((sk.tsRecent - sk.rcvTsval) <= pawsWin) {
            return true;
        }
        // TCP_PAWS_24DAYS: a timestamp that old is no longer trusted.
        if (now() >= sk.tsRecentStampNs + Nanos.ofSeconds(60L * 60 * 24 * 24)) {
            return true;
        }
        // A peer that sent no timestamps before cannot be judged.
        return sk.tsRecentStampNs == 0 && sk.tsRecent == 0;
    }

    /** tcp_paws_discard(): PAWS rejects the segment (a pure duplicate ACK is let through). */
    private boolean pawsDiscard(TcpSock sk, Segment s) {
        return !pawsCheck(sk, 1) && !disordered(sk, s);
    }

    /** tcp_disordered_ack(): an old pure ACK that PAWS must not punish. */
    private boolean disordered(TcpSock sk, Segment s) {
        int ack = s.th.ack();
        return s.has(TcpFlags.ACK) && s.seq == s.endSeq && s.seq == sk.rcvNxt && ack == sk.sndUna
                && !mayUpdateWindow(sk, ack, s.seq, s.th.window() << sk.sndWscale)
                && (sk.tsRecent - sk.rcvTsval) <= (int) (tcp.jiffies.count(sk.rtoNs) * 1024 / tcp.jiffies.hz());
    }

    /** tcp_store_ts_recent(). */
    private void storeTsRecent(TcpSock sk) {
        sk.tsRecent = sk.rcvTsval;
        sk.tsRecentStampNs = now();
    }

    /** tcp_replace_ts_recent(): RFC 7323 4.3 ts_recent tracks the segment at the left window edge. */
    private void replaceTsRecent(TcpSock sk, int seq) {
        if (sk.sawTstamp && !Seq.gt(seq, sk.rcvWup)) {
            if ((sk.rcvTsval - sk.tsRecent) >= 0 || !pawsCheck(sk, 0)) {
                storeTsRecent(sk);
            }
        }
    }

    // ================================================================ tcp_rcv_state_process()

    /** Returns true when the caller must answer with a reset (tcp_v4_do_rcv's "goto reset"). */
    boolean rcv(TcpSock sk, Segment s) {
        // tcp_segs_in(): every segment the socket receives, and those with payload, in order or not.
        sk.segsIn++;
        if (s.len > 0) {
            sk.dataSegsIn++;
        }
        switch (sk.state) {
            case CLOSE -> {
                traceDrop(s, "socket is closed");
                return false;
            }
            case LISTEN -> {
                tcp.mini.listenRcv(sk, s);
                return false;
            }
            case SYN_SENT -> {
                return synSent(sk, s);
            }
            default -> {
                // tcp_rcv_state_process(): a TFO child checks the segment against its request first.
                if (sk.fastopenRsk != null && !tcp.mini.fastOpenCheckReq(sk, s)) {
                    return false;
                }
                return synchronizedRcv(sk, s);
            }
        }
    }

    /** tcp_rcv_synsent_state_process(). */
    private boolean synSent(TcpSock sk, Segment s) {
        TcpHeader th = s.th;
        TcpOptions o = th.options();
        if (s.has(TcpFlags.ACK)) {
            // RFC 9293 3.10.7.3: an ACK that does not acknowledge our SYN gets an RST (unless it is one).
            if (!Seq.gt(th.ack(), sk.sndUna) || Seq.gt(th.ack(), sk.sndNxt)) {
                // A previous FIN/ACK or RST/ACK might have been ignored: retry the SYN soon.
                if (sk.retransmits == 0) {
                    tcp.timers.resetXmitTimer(sk, TcpSock.XMIT_RETRANS,
                            tcp.jiffies.toNs(TcpConstants.TCP_TIMEOUT_MIN_JIFFIES),
                            "SYN_SENT: unacceptable ACK, SYN retried after TCP_TIMEOUT_MIN");
                }
                if (s.has(TcpFlags.RST)) {
                    traceDrop(s, "SYN_SENT: RST with an unacceptable ACK is ignored (RFC 9293 3.10.7.3)");
                    return false;
                }
                traceDrop(s, "SYN_SENT: ACK " + Integer.toUnsignedString(th.ack()) + " is not for our SYN (old duplicate?)");
                return true;
            }
            if (sysctl(SysctlKey.TCP_TIMESTAMPS) != 0 && o.hasTimestamps() && o.tsEcr() != 0) {
                // RFC 7323 3.2: the echoed timestamp must be one we sent since our first SYN.
                int tsStart = tcp.tsAt(sk.retransStampNs, sk.tsOffset);
                int ecr = o.tsEcr();
                if (!(Seq.ge(ecr, tsStart) && Seq.le(ecr, tcp.tsNow(sk.tsOffset)))) {
                    tcp.mib.inc(Mib.TcpExtPAWSEstab);
                    traceDrop(s, "SYN_SENT: echoed timestamp was never sent (PAWSActiveRejected)");
                    return true;
                }
            }
            if (s.has(TcpFlags.RST)) {
                tcp.reset(sk, "RST in SYN_SENT acknowledging our SYN: connection refused (ECONNREFUSED)");
                return false;
            }
            if (!s.has(TcpFlags.SYN)) {
                traceDrop(s, "SYN_SENT: ACK without SYN is discarded");
                return false;
            }
            // SYN-ACK: RFC 9293 3.10.7.3 fourth step.
            if ((sk.ecnFlags & TcpSock.TCP_ECN_OK) != 0) {
                ecnRcvSynAck(sk, th);
            }
            TcpFastOpen.Cookie foc = TcpFastOpen.parse(o, true);
            negotiateOptions(sk, o, true);
            sk.irs = s.seq;
            sk.rcvNxt = s.seq + 1;
            sk.rcvWup = sk.rcvNxt;
            sk.copiedSeq = sk.rcvNxt;
            sk.copiedPos = 0;
            sk.recvBuf.resetAt(0);
            sk.sndWl1 = s.seq;
            sk.sndWnd = th.window();   // RFC 7323 2.2: the window of a SYN-ACK is not scaled
            sk.maxWindow = Math.max(sk.maxWindow, sk.sndWnd);
            if (sk.sawTstamp) {
                storeTsRecent(sk);
            }
            // tcp_ack(): our SYN is acknowledged, RTT sampled, timer stopped.
            ack(sk, s, FLAG_SLOWPATH);
            tcp.output.syncMss(sk);
            initializeRcvMss(sk);
            sk.copiedSeq = sk.rcvNxt;
            finishConnect(sk);
            if ((sk.synFastopen || sk.synData) && synAckFastOpen(sk, s, foc)) {
                return false;   // the SYN's data went again, with the ACK of the SYN-ACK
            }
            if (sk.orphan) {
                return false;
            }
            if (sk.writePending) {
                // A writer waits with data for this moment (sk_write_pending): the ACK rides on that data,
                // or goes after TCP_DELACK_MAX.
                sk.writePending = false;
                enterQuickackMode(sk, TcpConstants.TCP_MAX_QUICKACKS);
                Jiffies j = tcp.jiffies;
                long delackMax = j.ceil(TcpConstants.TCP_DELACK_MAX_NS);
                sk.ackPending |= TcpSock.ACK_SCHED | TcpSock.ACK_TIMER;
                sk.delackTimeoutJ = jiffies(now()) + delackMax;
                sk.delackAtNs = j.fireAt(now(), delackMax);
                tcp.timersChanged(sk);
                tcp.traceTimer(sk, "delack", "arm", sk.delackAtNs,
                        "SYN-ACK received while a writer waits: the ACK waits for its data (sk_write_pending)");
                return false;
            }
            tcp.output.sendAck(sk, "tcp_rcv_synsent_state_process: SYN-ACK received, handshake completes (third segment)");
            tcp.output.pushPendingFrames(sk, "data queued before the handshake completed");
            return false;
        }
        if (s.has(TcpFlags.RST)) {
            traceDrop(s, "SYN_SENT: RST without ACK is ignored (RFC 9293 3.10.7.3)");
            return false;
        }
        if (s.has(TcpFlags.SYN)) {
            // Simultaneous open (RFC 9293 3.5 figure 8): we answer with SYN-ACK and enter SYN_RECV.
            ecnRcvSyn(sk, th);
            negotiateOptions(sk, o, false);
            if (sk.sawTstamp) {
                storeTsRecent(sk);
            }
            sk.irs = s.seq;
            sk.rcvNxt = s.seq + 1;
            sk.rcvWup = sk.rcvNxt;
            sk.copiedSeq = sk.rcvNxt;
            sk.copiedPos = 0;
            sk.recvBuf.resetAt(0);
            sk.sndWnd = th.window();
            sk.sndWl1 = s.seq;
            sk.maxWindow = sk.sndWnd;
            tcp.output.syncMss(sk);
            initializeRcvMss(sk);
            tcp.setState(sk, TcpState.SYN_RECV, "simultaneous open: SYN received in SYN_SENT (RFC 9293 3.5)");
            TxSegment syn = sk.rtxQueue.peekFirst();
            if (syn != null) {
                // tcp_ecn_send_synack(): a SYN-ACK never carries CWR, and ECE only if ECN stays on.
                syn.tcpFlags &= ~TcpFlags.CWR;
                if ((sk.ecnFlags & TcpSock.TCP_ECN_OK) == 0) {
                    syn.tcpFlags &= ~TcpFlags.ECE;
                }
                tcp.output.retransmit(sk, syn, false, "simultaneous open: our SYN again, now with ACK (SYN-ACK)");
                tcp.mib.dec(Mib.TcpRetransSegs);   // tcp_send_synack() is not counted as a retransmission
                sk.totalRetrans--;
            }
            return false;
        }
        traceDrop(s, "SYN_SENT: segment without SYN, ACK or RST is discarded");
        return false;
    }

    /**
     * tcp_ecn_rcv_synack(): our SYN asked for ECN. A SYN-ACK with ECE and without CWR (AE may be set)
     * agrees; none of ECE, CWR and AE, or all three, refuses. Linux 6.18 takes the other combinations as an
     * Accurate ECN reply and enters AccECN feedback, which jtcp does not implement: it leaves ECN off there.
     */
    private static void ecnRcvSynAck(TcpSock sk, TcpHeader th) {
        int ace = th.flags() & (TcpFlags.AE | TcpFlags.CWR | TcpFlags.ECE);
        if (ace != TcpFlags.ECE && ace != (TcpFlags.AE | TcpFlags.ECE)) {
            sk.ecnFlags = 0;
        }
    }

    /** tcp_ecn_rcv_syn(): in a simultaneous open, ECN stays on only if the peer's SYN asked for it too (ECE and CWR). */
    private static void ecnRcvSyn(TcpSock sk, TcpHeader th) {
        if ((sk.ecnFlags & TcpSock.TCP_ECN_OK) != 0 && !th.has(TcpFlags.ECE | TcpFlags.CWR)) {
            sk.ecnFlags = 0;
        }
    }

    /** Option negotiation from a SYN or SYN-ACK (tcp_rcv_synsent_state_process()). */
    private void negotiateOptions(TcpSock sk, TcpOptions o, boolean synAck) {
        boolean ws = sysctl(SysctlKey.TCP_WINDOW_SCALING) != 0 && o.windowScale() >= 0;
        if (ws) {
            sk.wscaleOk = true;
            sk.sndWscale = Math.min(o.windowScale(), TcpConstants.TCP_MAX_WSCALE);
        } else {
            sk.wscaleOk = false;
            sk.sndWscale = 0;
            sk.rcvWscale = 0;
            sk.windowClamp = Math.min(sk.windowClamp, 65535);
        }
        sk.sackOk = sysctl(SysctlKey.TCP_SACK) != 0 && o.sackPermitted();
        boolean ts = sysctl(SysctlKey.TCP_TIMESTAMPS) != 0 && o.hasTimestamps();
        sk.tstampOk = ts;
        sk.sawTstamp = ts;
        if (ts) {
            sk.rcvTsval = o.tsVal();
            sk.rcvTsecr = o.tsEcr();
            sk.tcpHeaderLen = TcpConstants.TCP_HEADER_LEN + TcpConstants.TCPOLEN_TSTAMP_ALIGNED;
            sk.advMss -= TcpConstants.TCPOLEN_TSTAMP_ALIGNED;
        } else {
            sk.tcpHeaderLen = TcpConstants.TCP_HEADER_LEN;
        }
        int peerMss = o.mss() > 0 ? o.mss() : TcpConstants.TCP_MSS_DEFAULT;
        sk.mssClamp = sk.userMss != 0 ? Math.min(sk.userMss, peerMss) : peerMss;
    }

    /**
     * tcp_rcv_synrecv_state_fastopen(): the ACK of a TFO child's SYN-ACK: undo a SYN-ACK timeout if nothing is
     * in flight, forget the SYN-ACK retransmissions, release the request, and let the timer serve data.
     */
    private void synRecvStateFastOpen(TcpSock sk) {
        if (sk.caState == TcpSock.CA_LOSS && sk.packetsOut == 0) {
            tryUndoRecovery(sk);
        }
        sk.retransmits = 0;
        // tcp_retrans_stamp_cleanup(): unless a retransmission of data is still to be judged.
        if (sk.retransOut == 0 && (sk.rtxQueue.isEmpty() || !sk.rtxQueue.peekFirst().has(TxSegment.EVER_RETRANS))) {
            sk.retransStampSet = false;
        }
        tcp.fastopen.removeRequest(sk, false);
        tcp.timers.rearmRto(sk);
    }

    /**
     * The Fast Open part of tcp_rcv_synsent_state_process(): tcp_rcv_fastopen_synack() caches the cookie and
     * judges the SYN's data; data the SYN-ACK did not acknowledge is marked lost and sent again at once;
     * data on the SYN-ACK itself is received (tcp_fastopen_add_skb()). True when data was resent.
     */
    private boolean synAckFastOpen(TcpSock sk, Segment s, TcpFastOpen.Cookie foc) {
        if (tcp.fastopen.rcvSynAck(sk, s, foc)) {
            for (TxSegment seg : sk.rtxQueue) {
                markSkbLost(sk, seg);
            }
            nonCongestionLossRetransmit(sk);
            return true;
        }
        if (s.len > 0) {
            sk.recvBuf.append(s.buf, s.off, s.len);
            sk.rcvNxt += s.len;
            sk.rcvWup = sk.rcvNxt;
            sk.bytesReceived += s.len;
            tcp.wake(sk);
        }
        if (s.has(TcpFlags.FIN)) {
            finFromSyn(sk);   // a SYN-ACK with FIN: ESTABLISHED -> CLOSE_WAIT at once
        }
        return false;
    }

    /**
     * tcp_non_congestion_loss_retransmit(): segments marked lost for a reason other than congestion (a smaller
     * MSS, SYN data the peer did not take) are sent again at once; the congestion window is left alone, the
     * amount of data in flight did not grow.
     */
    void nonCongestionLossRetransmit(TcpSock sk) {
        if (sk.caState != TcpSock.CA_LOSS) {
            sk.highSeq = sk.sndNxt;
            sk.sndSsthresh = TcpCong.currentSsthresh(sk);
            sk.priorSsthresh = 0;
            sk.undoMarkerSet = false;   // no undo of this reduction
            sk.undoMarker = 0;
            TcpCong.setCaState(sk, TcpSock.CA_LOSS);
        }
        tcp.output.xmitRetransmitQueue(sk);
    }

    /** tcp_fastopen_add_skb(): a FIN on a TFO SYN (or on the SYN-ACK of one) is received with it. */
    void finFromSyn(TcpSock sk) {
        sk.rcvNxt++;
        fin(sk);
    }

    /** tcp_finish_connect() + tcp_init_transfer(): ESTABLISHED, congestion window, buffers, wake-up. */
    private void finishConnect(TcpSock sk) {
        tcp.setState(sk, TcpState.ESTABLISHED, "SYN-ACK acknowledges our SYN: connection established");
        initTransfer(sk);
        tcp.traceInfo(sk, "connection established");
        sk.lsndtimeNs = now();
        sk.lrcvtimeNs = now();
        if (sk.keepAliveOn) {
            tcp.timers.resetKeepalive(sk);
        }
        tcp.wake(sk);
    }

    /** tcp_init_transfer(): RTO fallback without an RTT sample, initial cwnd, buffer space. */
    void initTransfer(TcpSock sk) {
        tcp.output.mtupInit(sk);
        if (sk.srttUs == 0) {
            // RFC 6298 5.7: no RTT sample from the handshake (it was retransmitted): RTO back to 3 s.
            sk.rttvarUs = Nanos.toMicros(TcpConstants.TCP_TIMEOUT_FALLBACK_NS);
            sk.mdevUs = sk.rttvarUs;
            sk.mdevMaxUs = sk.rttvarUs;
            sk.rtoNs = TcpConstants.TCP_TIMEOUT_FALLBACK_NS;
        }
        // RFC 5681 / tcp_init_transfer(): cwnd 1 if the SYN or SYN-ACK was retransmitted more than once.
        sk.sndCwnd = sk.totalRetrans > 1 ? 1 : initCwnd(sk);
        sk.sndCwndStampNs = now();
        sk.reordering = sysctl(SysctlKey.TCP_REORDERING);
        if (!sk.caInitialized) {
            TcpCong.init(sk);
        }
        initBufferSpace(sk);
    }

    /** tcp_init_buffer_space(). */
    void initBufferSpace(TcpSock sk) {
        if (!sk.userSndBuf) {
            tcp.timers.sndbufExpand(sk);
        }
        int maxwin = tcp.output.fullSpace(sk);
        int advmss = sk.advMss;
        if (sk.windowClamp >= maxwin) {
            sk.windowClamp = maxwin;   // tcp_app_win = 31 reserves nothing further here
        }
        // Force reservation of one segment (tcp_app_win).
        if (sk.windowClamp > 2 * advmss && sk.windowClamp + advmss > maxwin) {
            sk.windowClamp = Math.max(2 * advmss, maxwin - advmss);
        }
        sk.rcvSsthresh = Math.min(sk.rcvSsthresh, sk.windowClamp);
        // Dynamic right-sizing starts from the first window, at most TCP_INIT_CWND segments.
        sk.rcvqSpaceTimeNs = now();
        sk.rcvqSpaceSeq = sk.copiedSeq;
        sk.rcvqSpace = Math.min(Math.min(sk.rcvSsthresh, sk.rcvWnd), TcpConstants.TCP_INIT_CWND * sk.advMss);
    }

    /** tcp_initialize_rcv_mss(): a conservative first guess of the peer's MSS. */
    void initializeRcvMss(TcpSock sk) {
        int hint = Math.min(sk.advMss, sk.mssCache);
        hint = Math.min(hint, sk.rcvWnd / 2);
        hint = Math.min(hint, TcpConstants.TCP_MSS_DEFAULT);
        hint = Math.max(hint, TcpConstants.TCP_MIN_MSS);
        sk.rcvMss = hint;
    }

    /** State reset before a (re)connect. */
    void resetConnectionState(TcpSock sk) {
        sk.srttUs = 0;
        sk.mdevUs = 0;
        sk.mdevMaxUs = 0;
        sk.rttvarUs = 0;
        sk.minRttUs = Long.MAX_VALUE;
        sk.pacingRate = Long.MAX_VALUE;
        sk.backoff = 0;
        sk.retransmits = 0;
        sk.totalRetrans = 0;
        sk.totalRto = 0;
        sk.retransStampSet = false;
        sk.ackPending = 0;
        sk.ackQuick = 0;
        sk.pingpong = 0;
        sk.atoNs = 0;
        sk.tsRecent = 0;
        sk.tsRecentStampNs = 0;
        sk.sndCwnd = TcpConstants.TCP_INIT_CWND;
        sk.sndSsthresh = Integer.MAX_VALUE;
        sk.caState = TcpSock.CA_OPEN;
        sk.caInitialized = false;   // the next establishment runs .init again
        sk.numSacks = 0;
        sk.dsack = false;
        sk.urgData = 0;
        sk.finQueued = false;
        sk.finReceived = false;
        sk.finConsumed = false;
        sk.ofoQueue.clear();
    }

    /** tcp_validate_incoming() + the rest of tcp_rcv_state_process() for synchronized states. */
    private boolean synchronizedRcv(TcpSock sk, Segment s) {
        TcpHeader th = s.th;
        if (!s.has(TcpFlags.ACK) && !s.has(TcpFlags.RST) && !s.has(TcpFlags.SYN)) {
            traceDrop(s, "segment without ACK, RST or SYN is discarded");
            return false;
        }
        parseTimestamps(sk, s);
        // RFC 7323 5.3: PAWS.
        if (sk.sawTstamp && pawsDiscard(sk, s)) {
            if (!s.has(TcpFlags.RST)) {
                if (s.has(TcpFlags.SYN)) {
                    return synChallenge(sk, s);
                }
                tcp.mib.inc(Mib.TcpExtPAWSEstab);
                traceDrop(s, "PAWS: timestamp " + Integer.toUnsignedString(sk.rcvTsval) + " older than ts_recent (RFC 7323 5.3)");
                if (!oowRateLimited(sk, s, Mib.TcpExtTCPACKSkippedPAWS)) {
                    tcp.output.sendDupAck(sk, s.seq, s.endSeq, "PAWS-rejected segment answered with a duplicate ACK");
                }
                return false;
            }
            // An RST is accepted even if it failed PAWS.
        }
        // RFC 9293 3.10.7.4 first check: sequence number acceptable?
        if (!sequenceOk(sk, s.seq, s.endSeq)) {
            if (!s.has(TcpFlags.RST)) {
                if (s.has(TcpFlags.SYN)) {
                    return synChallenge(sk, s);
                }
                traceDrop(s, "out of window (rcv_nxt " + Integer.toUnsignedString(sk.rcvNxt) + ", window "
                        + sk.receiveWindow() + "): duplicate ACK (RFC 9293 3.10.7.4)");
                if (!oowRateLimited(sk, s, Mib.TcpExtTCPACKSkippedSeq)) {
                    tcp.output.sendDupAck(sk, s.seq, s.endSeq, "out-of-window segment answered with an ACK (RFC 9293 3.10.7.4)");
                }
            } else if (resetCheck(sk, s)) {
                tcp.reset(sk, "RST at rcv_nxt-1 after the peer's FIN: connection reset");
                return false;
            } else {
                traceDrop(s, "RST outside the window is ignored (RFC 5961 3.2)");
            }
            return false;
        }
        // RFC 5961 3.2: RST.
        if (s.has(TcpFlags.RST)) {
            if (s.seq == sk.rcvNxt || resetCheck(sk, s) || rstMatchesRightmostSack(sk, s)) {
                tcp.reset(sk, "RST with seq = rcv_nxt: connection reset (RFC 5961 3.2)");
                return false;
            }
            traceDrop(s, "RST in window but not at rcv_nxt: challenge ACK (RFC 5961 3.2)");
            tcp.output.sendChallengeAck(sk, "challenge ACK for an in-window RST (RFC 5961 3.2)");
            return false;
        }
        // RFC 5961 4.2: SYN in a synchronized state. The exception (tcp_validate_incoming): in a
        // simultaneous open the peer's SYN-ACK repeats the SYN we already have and acknowledges ours.
        if (s.has(TcpFlags.SYN)) {
            boolean simultaneousOpenSynAck = sk.state == TcpState.SYN_RECV && !sk.orphan && s.has(TcpFlags.ACK)
                    && s.seq + 1 == s.endSeq && s.seq + 1 == sk.rcvNxt && th.ack() == sk.sndNxt;
            if (!simultaneousOpenSynAck) {
                return synChallenge(sk, s);
            }
        }
        // Step 5: the ACK field. A segment matching Linux's header prediction takes the fast path there,
        // which changes only what is counted (TCPHPAcks, TCPHPHits), not what is done.
        boolean predicted = headerPredicted(sk, s);
        if (predicted && s.len > 0) {
            tcp.mib.inc(Mib.TcpExtTCPHPHits);
        }
        int r = ack(sk, s, (predicted ? 0 : FLAG_SLOWPATH) | FLAG_UPDATE_TS_RECENT
                | (sk.state == TcpState.ESTABLISHED ? 0 : FLAG_NO_CHALLENGE_ACK));
        if (r < 0) {
            if (sk.state != TcpState.ESTABLISHED) {
                traceDrop(s, "ACK for data never sent: challenge ACK");
                tcp.output.sendChallengeAck(sk, "challenge ACK: ACK acknowledges data never sent (RFC 5961 5.2)");
            } else {
                traceDrop(s, "ACK " + Integer.toUnsignedString(th.ack()) + " acknowledges data never sent (RFC 9293 3.10.7.4)");
            }
            return false;
        }
        if (sk.state == TcpState.ESTABLISHED) {
            rcvRttMeasureTs(sk, s);
        }
        switch (sk.state) {
            case SYN_RECV -> {
                if (sk.fastopenRsk != null) {
                    // A TFO child: the handshake completes now, its transfer began at SYN time.
                    sk.deliveredSegs++;   // SYN-ACK delivery isn't tracked in tcp_ack()
                    if (sk.srttUs == 0) {
                        tcp.mini.synackRttMeas(sk, sk.fastopenRsk, s);
                    }
                    synRecvStateFastOpen(sk);
                    tcp.setState(sk, TcpState.ESTABLISHED, "ACK of the SYN-ACK: the TFO connection is established");
                    sk.sndUna = th.ack();
                    sk.sndWnd = th.window() << sk.sndWscale;
                    sk.sndWl1 = s.seq;
                    if (sk.tstampOk) {
                        sk.advMss -= TcpConstants.TCPOLEN_TSTAMP_ALIGNED;
                    }
                    tcp.output.updatePacingRate(sk);
                    sk.lsndtimeNs = now();
                    initializeRcvMss(sk);
                    tcp.wake(sk);
                    break;
                }
                // Simultaneous open completes.
                tcp.setState(sk, TcpState.ESTABLISHED, "ACK of our SYN-ACK: simultaneous open completes");
                sk.sndUna = th.ack();
                sk.sndWnd = th.window() << sk.sndWscale;
                sk.sndWl1 = s.seq;
                initTransfer(sk);
                sk.lsndtimeNs = now();
                tcp.wake(sk);
            }
            case FIN_WAIT1 -> {
                if (sk.fastopenRsk != null) {
                    synRecvStateFastOpen(sk);
                }
                if (sk.sndUna == sk.writeSeq) {
                    if (finWait1Acked(sk, s)) {
                        return true;
                    }
                    if (sk.state == TcpState.CLOSE) {
                        return false;   // gone to FIN_WAIT2 mini-socket
                    }
                }
            }
            case CLOSING -> {
                if (sk.sndUna == sk.writeSeq) {
                    tcp.mini.timeWait(sk, TcpState.TIME_WAIT, 0);
                    return false;
                }
            }
            case LAST_ACK -> {
                if (sk.sndUna == sk.writeSeq) {
                    tcp.done(sk, "ACK of our FIN in LAST_ACK: connection closed");
                    return false;
                }
            }
            default -> { }
        }
        // Step 6: URG.
        urg(sk, s);
        // Step 7: the segment text.
        boolean queued = false;
        switch (sk.state) {
            case CLOSE_WAIT, CLOSING, LAST_ACK -> {
                if (Seq.lt(s.seq, sk.rcvNxt)) {
                    queued = true;
                    dataQueue(sk, s);
                } else if (s.endSeq != s.seq) {
                    traceDrop(s, sk.state + ": the peer already sent FIN; data after it is ignored");
                }
            }
            case FIN_WAIT1, FIN_WAIT2 -> {
                // RFC 1122 4.2.2.13: new data for a socket closed for reading gets a reset.
                if ((sk.shutdown & TcpSock.RCV_SHUTDOWN) != 0 && s.endSeq != s.seq
                        && Seq.gt(s.endSeq - (s.has(TcpFlags.FIN) ? 1 : 0), sk.rcvNxt)) {
                    tcp.mib.inc(Mib.TcpExtTCPAbortOnData);
                    tcp.reset(sk, "data arrived after close(): connection reset (RFC 1122 4.2.2.13)");
                    return true;
                }
                queued = true;
                dataQueue(sk, s);
            }
            case ESTABLISHED -> {
                queued = true;
                dataQueue(sk, s);
            }
            default -> { }
        }
        if (sk.state != TcpState.CLOSE) {
            dataSndCheck(sk);
            ackSndCheck(sk);
        }
        return false;
    }

    /**
     * tcp_rcv_established()'s header prediction: the segment is what an established connection expects
     * (ACK, optional PSH; exactly the aligned timestamp option; the window unchanged; seq = rcv_nxt), and
     * the fast path is on (no out-of-order data, no urgent data, an open receive window with room).
     */
    private boolean headerPredicted(TcpSock sk, Segment s) {
        if (sk.state != TcpState.ESTABLISHED || !sk.ofoQueue.isEmpty() || sk.urgData != 0 || sk.rcvWnd == 0
                || rmemAlloc(sk) >= sk.rcvBuf) {
            return false;
        }
        TcpHeader th = s.th;
        if ((th.flags() & ~TcpFlags.PSH) != TcpFlags.ACK || th.headerLength() != sk.tcpHeaderLen) {
            return false;
        }
        if (th.window() != (sk.sndWnd >>> sk.sndWscale) || s.seq != sk.rcvNxt || Seq.gt(th.ack(), sk.sndNxt)) {
            return false;
        }
        if (sk.tstampOk) {
            boolean aligned = th.options().isNopNopTimestamps();   // tcp_parse_aligned_timestamp()
            return aligned && (sk.rcvTsval - sk.tsRecent) >= 0;
        }
        return true;
    }

    private boolean synChallenge(TcpSock sk, Segment s) {
        if (sk.state == TcpState.ESTABLISHED) {
            tcp.mib.inc(Mib.TcpInErrs);   // tcp_rcv_established() counts a SYN as an input error
        }
        tcp.mib.inc(Mib.TcpExtTCPSYNChallenge);
        traceDrop(s, "SYN on a synchronized connection: challenge ACK (RFC 5961 4.2)");
        tcp.output.sendChallengeAck(sk, "challenge ACK for a SYN on an established connection (RFC 5961 4.2)");
        return false;
    }

    /** tcp_sequence(): RFC 9293 3.10.7.4 acceptability, as Linux relaxes it (any overlap with the window). */
    private boolean sequenceOk(TcpSock sk, int seq, int endSeq) {
        if (Seq.lt(endSeq, sk.rcvWup)) {
            return false;
        }
        return !Seq.gt(seq, sk.rcvNxt + sk.receiveWindow());
    }

    /** tcp_reset_check(): an RST at rcv_nxt-1 after the peer's FIN is accepted too. */
    private static boolean resetCheck(TcpSock sk, Segment s) {
        return s.seq == sk.rcvNxt - 1
                && (sk.state == TcpState.CLOSE_WAIT || sk.state == TcpState.LAST_ACK || sk.state == TcpState.CLOSING);
    }

    private static boolean rstMatchesRightmostSack(TcpSock sk, Segment s) {
        if (!sk.sackOk || sk.numSacks == 0) {
            return false;
        }
        int max = sk.sackEnd[0];
        for (int i = 1; i < sk.numSacks; i++) {
            if (Seq.gt(sk.sackEnd[i], max)) {
                max = sk.sackEnd[i];
            }
        }
        return s.seq == max;
    }

    /** FIN_WAIT1 and our FIN is acknowledged. Returns true when a reset must be sent. */
    private boolean finWait1Acked(TcpSock sk, Segment s) {
        tcp.setState(sk, TcpState.FIN_WAIT2, "our FIN acknowledged");
        sk.shutdown |= TcpSock.SEND_SHUTDOWN;
        if (!sk.orphan) {
            tcp.wake(sk);
            return false;
        }
        if (sk.linger2 < 0) {
            tcp.done(sk, "TCP_LINGER2 < 0: orphan closed at once in FIN_WAIT2");
            tcp.mib.inc(Mib.TcpExtTCPAbortOnData);
            return true;
        }
        if (s.endSeq != s.seq && Seq.gt(s.endSeq - (s.has(TcpFlags.FIN) ? 1 : 0), sk.rcvNxt)) {
            tcp.done(sk, "out-of-order data after close(): connection aborted");
            tcp.mib.inc(Mib.TcpExtTCPAbortOnData);
            return true;
        }
        long tmo = tcp.timers.finTimeNs(sk);
        if (tmo > TcpConstants.TCP_TIMEWAIT_LEN_NS) {
            tcp.timers.resetKeepaliveTimer(sk, TcpSock.SKT_FIN_WAIT2, tmo - TcpConstants.TCP_TIMEWAIT_LEN_NS,
                    "orphaned FIN_WAIT2: tcp_fin_timeout beyond the TIME_WAIT length");
        } else if (s.has(TcpFlags.FIN)) {
            // The peer's FIN rides on this ACK: stay a full socket so the FIN is processed below.
            tcp.timers.resetKeepaliveTimer(sk, TcpSock.SKT_FIN_WAIT2, tmo, "orphaned FIN_WAIT2 (FIN pending)");
        } else {
            tcp.mini.timeWait(sk, TcpState.FIN_WAIT2, tmo);
        }
        return false;
    }

    // ================================================================ tcp_ack()

    /**
     * tcp_ack(): process the acknowledgement field. Returns 1 when processed, 0 for an old (duplicate
     * below snd_una) ACK, -1 for an ACK of data never sent or far too old.
     */
    int ack(TcpSock sk, Segment s, int flag) {
        int priorSndUna = sk.sndUna;
        int r = processAck(sk, s, flag);
        if (r >= 0) {
            tcp.traceInfo(sk, "ACK processed");
        }
        if (sk.sndUna != priorSndUna) {
            tcp.checkSpace(sk);   // tcp_check_space(): acknowledged data freed send-buffer space
        }
        return r;
    }

    private int processAck(TcpSock sk, Segment s, int flag) {
        TcpHeader th = s.th;
        int ackSeq = th.ack();
        int priorSndUna = sk.sndUna;
        int priorPackets = sk.packetsOut;
        eceAck = false;
        if (Seq.lt(ackSeq, priorSndUna)) {
            long maxWindow = Math.min(Integer.toUnsignedLong(sk.maxWindow), sk.bytesAcked);
            if (Seq.lt(ackSeq, (int) (priorSndUna - maxWindow))) {
                if ((flag & FLAG_NO_CHALLENGE_ACK) == 0) {
                    tcp.output.sendChallengeAck(sk, "challenge ACK: ACK far below snd_una (RFC 5961 5.2)");
                }
                return -1;
            }
            // An old ACK: SACK information in it still counts.
            if (!th.options().sackBlocks().isEmpty() && sk.sackOk) {
                newlyDelivered = 0;
                rsPriorDelivered = 0;
                rexmit = REXMIT_NONE;
                int f = sackTag(sk, th.options().sackBlocks(), ackSeq, priorSndUna);
                // tcp_ack() old_ack: SACKed data may show losses; D-SACK may allow an undo.
                fastRetransAlert(sk, priorSndUna, 0, f);
                countDelivered(sk);
                xmitRecovery(sk, rexmit);
            }
            return 0;
        }
        if (Seq.gt(ackSeq, sk.sndNxt)) {
            // RFC 9293 3.10.7.4 / RFC 5961 5.2: an ACK of data never sent gets a (rate-limited) ACK
            // (Linux since 7.1, backported to 6.18.38).
            if ((flag & FLAG_NO_CHALLENGE_ACK) == 0) {
                tcp.output.sendChallengeAck(sk, "challenge ACK: ACK " + Integer.toUnsignedString(ackSeq)
                        + " acknowledges data never sent (RFC 9293 3.10.7.4)");
            }
            return -1;
        }
        int priorFack = highestSackSeq(sk);
        long priorDeliveredTotal = sk.deliveredSegs;
        long priorLost = sk.lost;
        rexmit = REXMIT_NONE;
        rsPriorDelivered = 0;
        if (Seq.gt(ackSeq, priorSndUna)) {
            flag |= FLAG_SND_UNA_ADVANCED;
            sk.retransmits = 0;
        }
        if ((flag & FLAG_UPDATE_TS_RECENT) != 0) {
            replaceTsRecent(sk, s.seq);
        }
        if (s.seq != s.endSeq) {
            flag |= FLAG_DATA;
        }
        if ((flag & FLAG_SLOWPATH) == 0 && Seq.gt(ackSeq, priorSndUna)) {
            tcp.mib.inc(Mib.TcpExtTCPHPAcks);   // header-predicted: a pure forward advance
        } else if (s.seq == s.endSeq) {
            tcp.mib.inc(Mib.TcpExtTCPPureAcks);
        }
        flag |= updateWindow(sk, s, ackSeq);
        newlyDelivered = 0;
        // tcp_ecn_rcv_ecn_echo(): ECE on an ECN connection (never on a SYN) asks for a window reduction.
        if ((sk.ecnFlags & TcpSock.TCP_ECN_OK) != 0 && th.has(TcpFlags.ECE) && !th.has(TcpFlags.SYN)) {
            flag |= FLAG_ECE;
            eceAck = true;
        }
        if (!th.options().sackBlocks().isEmpty() && sk.sackOk) {
            flag |= sackTag(sk, th.options().sackBlocks(), ackSeq, priorSndUna);
        }
        sk.ca.inAckEvent(sk, flag);   // tcp_in_ack_event()
        // tcp_ecn_accept_cwr() (in tcp_ack() since Linux 5.10, so a CWR on a pure ACK counts too).
        ecnAcceptCwr(sk, s);
        sk.errSoft = 0;
        sk.probesOut = 0;
        sk.rcvTstampNs = now();
        if (priorPackets == 0) {
            // no_queue: if data was D-SACKed, see whether a reduction can be undone.
            if ((flag & FLAG_DSACKING_ACK) != 0) {
                flag = fastRetransAlert(sk, priorSndUna, 0, flag);
            }
            countDelivered(sk);
            // A probe ACK that opens the window ends the persist backoff.
            ackProbe(sk);
            if (sk.tlpPending) {
                processTlpAck(sk, ackSeq, flag);
            }
            return 1;
        }
        flag |= cleanRtxQueue(sk, priorSndUna, priorFack, ackSeq);
        countDelivered(sk);
        rackUpdateReoWnd(sk, rsPriorDelivered);
        if (sk.tlpPending) {
            processTlpAck(sk, ackSeq, flag);
        }
        // tcp_ack_is_dubious()
        boolean dubious = (flag & FLAG_NOT_DUP) == 0 || (flag & FLAG_CA_ALERT) != 0 || sk.caState != TcpSock.CA_OPEN;
        if (dubious) {
            int numDupack = (flag & (FLAG_SND_UNA_ADVANCED | FLAG_NOT_DUP | FLAG_DSACKING_ACK)) == 0 ? 1 : 0;
            flag = fastRetransAlert(sk, priorSndUna, numDupack, flag);
            countDelivered(sk);
        }
        if ((flag & FLAG_SET_XMIT_TIMER) != 0) {
            tcp.timers.setXmitTimer(sk);
        }
        // tcp_cong_control(): PRR while reducing, else the congestion avoidance of the algorithm.
        int delivered = (int) (sk.deliveredSegs - priorDeliveredTotal);
        if (inCwndReduction(sk)) {
            cwndReduction(sk, delivered, (int) (sk.lost - priorLost), flag);
        } else if (mayRaiseCwnd(sk, flag)) {
            congControl(sk, ackSeq, delivered);
        }
        tcp.output.updatePacingRate(sk);   // the end of tcp_cong_control()
        xmitRecovery(sk, rexmit);
        return 1;
    }

    /** The rate sample's rtt_us of the ACK being processed (tcp_ack_update_rtt()), -1 when none. */
    private long rateRttUs = -1;
    /** rs.prior_delivered: tp->delivered when the most recently sent segment (s)acked by this ACK left. */
    private long rsPriorDelivered;
    private long rsPriorMstampNs;

    private void rateSkbDelivered(TxSegment seg) {
        if (rsPriorDelivered == 0 || seg.lastTxNs >= rsPriorMstampNs) {
            rsPriorDelivered = seg.txDelivered;
            rsPriorMstampNs = seg.lastTxNs;
        }
    }

    /** Segments newly delivered by this ACK (acknowledged without having been SACKed, or newly SACKed). */
    private int newlyDelivered;

    /** The ACK being processed carries an ECN echo (FLAG_ECE). */
    private boolean eceAck;

    /** tcp_newly_delivered() and tcp_count_delivered(): an ECE ACK's segments also count as delivered_ce. */
    private void countDelivered(TcpSock sk) {
        if (newlyDelivered > 0) {
            tcp.mib.add(Mib.TcpExtTCPDelivered, newlyDelivered);
            sk.deliveredSegs += newlyDelivered;
            if (eceAck) {
                tcp.mib.add(Mib.TcpExtTCPDeliveredCE, newlyDelivered);
                sk.deliveredCe += newlyDelivered;
            }
            newlyDelivered = 0;
        }
    }

    // ================================================================ ECN (include/net/tcp_ecn.h, RFC 3168)

    /** tcp_ecn_accept_cwr(): the peer's CWR ends our ECE echo; data with CWR is ACKed at once (its cwnd may be 1). */
    private static void ecnAcceptCwr(TcpSock sk, Segment s) {
        if ((sk.ecnFlags & TcpSock.TCP_ECN_OK) != 0 && s.has(TcpFlags.CWR)) {
            sk.ecnFlags &= ~TcpSock.TCP_ECN_DEMAND_CWR;
            if (s.seq != s.endSeq) {
                sk.ackPending |= TcpSock.ACK_NOW;
            }
        }
    }

    /**
     * tcp_data_ecn_check(): the ECN field of arriving data. CE: echo ECE until the peer's CWR, and ACK
     * quickly (the sender may be down to a tiny window); ECT: ECN is seen to work; Not-ECT after ECT
     * (a retransmission, or a path that stopped marking): quick ACKs again.
     */
    private void ecnCheckCe(TcpSock sk, Segment s) {
        if ((sk.ecnFlags & TcpSock.TCP_ECN_OK) == 0) {
            return;
        }
        switch (s.tos & dev.jtcp.wire.Ipv4Header.ECN_MASK) {
            case dev.jtcp.wire.Ipv4Header.ECN_NOT_ECT -> {
                if ((sk.ecnFlags & TcpSock.TCP_ECN_SEEN) != 0) {
                    enterQuickackMode(sk, 2);
                }
            }
            case dev.jtcp.wire.Ipv4Header.ECN_CE -> {
                if ((sk.ecnFlags & TcpSock.TCP_ECN_DEMAND_CWR) == 0) {
                    enterQuickackMode(sk, 2);
                    sk.ecnFlags |= TcpSock.TCP_ECN_DEMAND_CWR;
                }
                sk.ecnFlags |= TcpSock.TCP_ECN_SEEN;
            }
            default -> sk.ecnFlags |= TcpSock.TCP_ECN_SEEN;
        }
    }

    /** tcp_may_update_window() + tcp_ack_update_window(). */
    private int updateWindow(TcpSock sk, Segment s, int ackSeq) {
        int flag = 0;
        int nwin = s.th.window();
        if (!s.has(TcpFlags.SYN)) {
            nwin <<= sk.sndWscale;
        }
        if (mayUpdateWindow(sk, ackSeq, s.seq, nwin)) {
            flag |= FLAG_WIN_UPDATE;
            sk.sndWl1 = s.seq;
            if (sk.sndWnd != nwin) {
                sk.sndWnd = nwin;
                if (sk.hasUnsent()) {
                    slowStartAfterIdleCheck(sk);
                }
                if (Integer.compareUnsigned(nwin, sk.maxWindow) > 0) {
                    sk.maxWindow = nwin;
                    tcp.output.syncMss(sk);
                }
            }
        }
        return flag;
    }

    static boolean mayUpdateWindow(TcpSock sk, int ack, int ackSeq, int nwin) {
        return Seq.gt(ack, sk.sndUna) || Seq.gt(ackSeq, sk.sndWl1)
                || (ackSeq == sk.sndWl1 && (Integer.compareUnsigned(nwin, sk.sndWnd) > 0 || nwin == 0));
    }

    /** tcp_ack_probe(): after a window probe is answered. */
    private void ackProbe(TcpSock sk) {
        if (sk.xmitTimer != TcpSock.XMIT_PROBE0) {
            return;
        }
        if (!sk.hasUnsent()) {
            return;
        }
        int end = Math.min(sk.dataEnd() - sk.sndNxt, tcp.output.currentMss(sk)) + sk.sndNxt;
        if (!Seq.gt(end, sk.wndEnd())) {
            sk.backoff = 0;
            sk.probesTstampNs = 0;
            tcp.timers.clearXmitTimer(sk, "window opened: persist timer stopped");
        } else {
            tcp.timers.resetProbe0(sk);
        }
    }

    /**
     * tcp_clean_rtx_queue(): drop fully acknowledged segments, take an RTT sample (Karn: never from a
     * retransmitted one), advance RACK, detect reordering, and keep the urgent pointer up to date.
     */
    private int cleanRtxQueue(TcpSock sk, int priorSndUna, int priorFack, int ackSeq) {
        int flag = 0;
        long nowNs = now();
        long firstAcktNs = -1;
        long lastAcktNs = -1;
        int pktsAcked = 0;
        int reord = sk.sndNxt;
        TxSegment seg;
        while ((seg = sk.rtxQueue.peekFirst()) != null) {
            if (Seq.gt(seg.end, ackSeq)) {
                break;
            }
            int sacked = seg.sacked;
            if ((sacked & (TxSegment.SACKED_RETRANS | TxSegment.EVER_RETRANS)) != 0) {
                if ((sacked & TxSegment.SACKED_RETRANS) != 0) {
                    sk.retransOut--;
                }
                flag |= FLAG_RETRANS_DATA_ACKED;
            } else if ((sacked & TxSegment.SACKED_ACKED) == 0) {
                lastAcktNs = seg.lastTxNs;
                if (firstAcktNs < 0) {
                    firstAcktNs = seg.lastTxNs;
                }
                if (Seq.lt(seg.start, reord)) {
                    reord = seg.start;
                }
                if (!Seq.gt(seg.end, sk.highSeq)) {
                    flag |= FLAG_ORIG_SACK_ACKED;
                }
            }
            if ((sacked & TxSegment.SACKED_ACKED) != 0) {
                sk.sackedOut--;
            } else if (sk.sackOk) {
                newlyDelivered++;
                rateSkbDelivered(seg);
                if (!spuriousRetrans(sk, seg)) {
                    rackAdvance(sk, seg);
                }
            } else {
                rateSkbDelivered(seg);
            }
            if ((sacked & TxSegment.LOST) != 0) {
                sk.lostOut--;
            }
            sk.packetsOut--;
            pktsAcked++;
            if ((seg.tcpFlags & TcpFlags.SYN) == 0) {
                flag |= FLAG_DATA_ACKED;
            } else {
                flag |= FLAG_SYN_ACKED;
                sk.retransStampSet = false;
            }
            if (seg.skbEnd) {
                sk.wmemQueued -= TcpConstants.SKB_TX_HEAD_TRUESIZE;   // tcp_wmem_free_skb(): the whole skb is acked
            }
            sk.rtxQueue.pollFirst();
            tcp.output.freeTxSegment(seg);
        }
        // Advance snd_una and free acknowledged payload.
        int newUna = ackSeq;
        if (Seq.gt(newUna, sk.sndUna)) {
            long newPos = sk.sndPos(newUna);
            long consumeTo = Math.min(Math.max(newPos, sk.sendBuf.head()), sk.sendBuf.tail());
            int before = sk.sendBuf.size();
            sk.sendBuf.consumeTo(consumeTo);
            sk.wmemQueued -= before - sk.sendBuf.size();   // freed skbs and tcp_trim_head() give back the payload
            int advanced = newUna - sk.sndUna;
            sk.bytesAcked += advanced;
            sk.sndUna = newUna;
            sk.sndUnaPos = newPos;
            if (sk.sndUnaPos < 0) {
                sk.sndUnaPos = 0;
            }
            if (sk.zcInflight != null) {
                MsgZerocopy.acked(tcp, sk);   // the freed skbs release their MSG_ZEROCOPY ranges
            }
            if (sk.txStamps != null) {
                TxTimestamps.acked(tcp, sk, newUna - advanced, advanced);
            }
        }
        if (sk.rtxQueue.isEmpty()) {
            tcp.output.chronoStop(sk, TcpSock.CHRONO_BUSY);
        }
        // Urgent mode ends once the urgent byte is acknowledged.
        if (Seq.between(priorSndUna, sk.sndUp, sk.sndUna)) {
            sk.sndUp = sk.sndUna;
        }
        if (!sk.rtxQueue.isEmpty() && sk.rtxQueue.peekFirst().has(TxSegment.SACKED_ACKED)) {
            flag |= FLAG_SACK_RENEGING;
        }
        long seqRttUs = -1;
        long caRttUs = -1;
        if (firstAcktNs >= 0 && (flag & FLAG_RETRANS_DATA_ACKED) == 0) {
            seqRttUs = Nanos.toMicros(nowNs - firstAcktNs);
            caRttUs = Nanos.toMicros(nowNs - lastAcktNs);
        }
        ackUpdateRtt(sk, flag, seqRttUs, caRttUs);
        if ((flag & FLAG_ACKED) != 0) {
            flag |= FLAG_SET_XMIT_TIMER;
            if (sk.mtupProbeSize != 0 && !Seq.gt(sk.mtuProbeSeqEnd, sk.sndUna)) {
                mtupProbeSuccess(sk);   // the whole MTU probe arrived
            }
            if (!sk.sackOk) {
                removeRenoSacks(sk, pktsAcked);
                // Without SACK marks, progress cannot be credited to an original transmission.
                if ((flag & FLAG_RETRANS_DATA_ACKED) != 0) {
                    flag &= ~FLAG_ORIG_SACK_ACKED;
                }
            } else if (Seq.lt(reord, priorFack)) {
                // A never-retransmitted hole below the highest SACK got filled: reordering.
                checkSackReordering(sk, reord, false);
            }
        }
        sk.ca.pktsAcked(sk, pktsAcked, rateRttUs);   // .pkts_acked with the ack_sample
        if (sk.retransStampSet && sk.caState == TcpSock.CA_OPEN && !anyRetransOutstanding(sk)
                && sk.state != TcpState.SYN_SENT) {
            // tcp_try_to_open(): nothing retransmitted is outstanding any more.
            sk.retransStampSet = false;
        }
        return flag;
    }

    /** tcp_skb_spurious_retrans(): a retransmitted segment whose ACK echoes a time before it was resent. */
    private boolean spuriousRetrans(TcpSock sk, TxSegment seg) {
        return seg.has(TxSegment.SACKED_RETRANS | TxSegment.EVER_RETRANS) && tsEcrBefore(sk, seg.lastTxNs);
    }

    private static boolean anyRetransOutstanding(TcpSock sk) {
        for (TxSegment seg : sk.rtxQueue) {
            if (seg.has(TxSegment.EVER_RETRANS)) {
                return true;
            }
        }
        return false;
    }

    /** tcp_ack_update_rtt(): prefer the ACK-timing sample; fall back on the echoed timestamp. */
    private void ackUpdateRtt(TcpSock sk, int flag, long seqRttUs, long caRttUs) {
        if (seqRttUs < 0 && sk.sawTstamp && sk.rcvTsecr != 0 && (flag & FLAG_ACKED) != 0) {
            int delta = tcp.tsNow(sk.tsOffset) - sk.rcvTsecr;
            if (delta >= 0 && delta < Integer.MAX_VALUE / 1000) {
                seqRttUs = Math.max(1, delta) * 1000L;
                caRttUs = seqRttUs;
            }
        }
        rateRttUs = caRttUs;   // rs->rtt_us: RTT of the last (S)ACKed segment, or -1
        if (seqRttUs < 0) {
            return;
        }
        sk.minRttUs = Math.min(sk.minRttUs, Math.max(1, caRttUs));
        rttEstimator(sk, seqRttUs);
        setRto(sk);
        sk.backoff = 0;   // RFC 6298: only reset backoff on a valid RTT measurement
    }

    /** tcp_rtt_estimator(): RFC 6298 2.3 with Linux's refinements (Eifel-like mdev, rttvar >= rto_min). */
    void rttEstimator(TcpSock sk, long mrttUs) {
        long m = mrttUs;
        long srtt = sk.srttUs;
        long rtoMinUs = sysctl(SysctlKey.TCP_RTO_MIN_US);
        if (srtt != 0) {
            m -= (srtt >> 3);
            srtt += m;
            if (m < 0) {
                m = -m;
                m -= (sk.mdevUs >> 2);
                if (m > 0) {
                    m >>= 3;
                }
            } else {
                m -= (sk.mdevUs >> 2);
            }
            sk.mdevUs += m;
            if (sk.mdevUs > sk.mdevMaxUs) {
                sk.mdevMaxUs = sk.mdevUs;
                if (sk.mdevMaxUs > sk.rttvarUs) {
                    sk.rttvarUs = sk.mdevMaxUs;
                }
            }
            if (Seq.gt(sk.sndUna, sk.rttSeq)) {
                if (sk.mdevMaxUs < sk.rttvarUs) {
                    sk.rttvarUs -= (sk.rttvarUs - sk.mdevMaxUs) >> 2;
                }
                sk.rttSeq = sk.sndNxt;
                sk.mdevMaxUs = rtoMinUs;
            }
        } else {
            srtt = m << 3;
            sk.mdevUs = m << 1;
            sk.rttvarUs = Math.max(sk.mdevUs, rtoMinUs);
            sk.mdevMaxUs = sk.rttvarUs;
            sk.rttSeq = sk.sndNxt;
        }
        sk.srttUs = Math.max(1, srtt);
    }

    /** tcp_set_rto(): RTO = SRTT + RTTVAR (RTTVAR already at least rto_min), in jiffies, capped at rto_max. */
    void setRto(TcpSock sk) {
        long rto = tcp.usToJiffyNs((sk.srttUs >> 3) + sk.rttvarUs);
        sk.rtoNs = Math.min(rto, tcp.timers.rtoMaxNs());
    }

    // ================================================================ SACK scoreboard (sender side)

    /** Flags gathered while tagging (tcp_sacktag_state.flag) and the lowest reordered sequence (reord). */
    private int sackFlag;
    private int sackReord;

    /**
     * tcp_dsack_seen(): how many duplicate segments a D-SACK block reports, 0 when it is dubious (empty,
     * wider than any window we were offered, or more duplicates than we ever retransmitted).
     */
    private int dsackSeen(TcpSock sk, int start, int end) {
        if (!Seq.lt(start, end)) {
            return 0;
        }
        int len = end - start;
        if (Integer.compareUnsigned(len, sk.maxWindow) > 0) {
            return 0;
        }
        int dupSegs = 1;
        if (len > sk.mssCache && sk.mssCache > 0) {
            dupSegs = (len + sk.mssCache - 1) / sk.mssCache;
        } else if (sk.tlpPending && sk.tlpHighSeq == end) {
            sackFlag |= FLAG_DSACK_TLP;
        }
        sk.dsackDups += dupSegs;
        if (sk.dsackDups > sk.totalRetrans) {
            return 0;
        }
        // RACK widens its reordering window after D-SACKs, unless no reordering was seen or the
        // duplicate was a tail loss probe (timer-driven, not RACK's doing).
        if (sk.reordSeen > 0 && (sackFlag & FLAG_DSACK_TLP) == 0) {
            sk.rackDsackSeen = true;
        }
        sackFlag |= FLAG_DSACKING_ACK;
        newlyDelivered += dupSegs;   // a spurious retransmission was delivered
        return dupSegs;
    }

    /** tcp_check_dsack() (RFC 2883): is the first block a duplicate report? */
    private boolean checkDsack(TcpSock sk, List<SackBlock> blocks, int ackSeq, int priorSndUna) {
        SackBlock b0 = blocks.get(0);
        if (Seq.lt(b0.start(), ackSeq)) {
            tcp.mib.inc(Mib.TcpExtTCPDSACKRecv);
        } else if (blocks.size() > 1) {
            SackBlock b1 = blocks.get(1);
            if (Seq.gt(b0.end(), b1.end()) || Seq.lt(b0.start(), b1.start())) {
                return false;
            }
            tcp.mib.inc(Mib.TcpExtTCPDSACKOfoRecv);
        } else {
            return false;
        }
        int dupSegs = dsackSeen(sk, b0.start(), b0.end());
        if (dupSegs == 0) {
            // A D-SACK for something we never retransmitted (the duplicate SYN of a simultaneous
            // open, say) is dubious and ignored.
            tcp.mib.inc(Mib.TcpExtTCPDSACKIgnoredDubious);
            return false;
        }
        tcp.mib.add(Mib.TcpExtTCPDSACKRecvSegs, dupSegs);
        // A D-SACK for data already acknowledged: count it against the retransmissions to undo.
        if (sk.undoMarkerSet && sk.undoRetrans > 0 && !Seq.gt(b0.end(), priorSndUna)
                && Seq.gt(b0.end(), sk.undoMarker)) {
            sk.undoRetrans = Math.max(0, sk.undoRetrans - dupSegs);
        }
        return true;
    }

    /** snd_una as tcp_sacktag_write_queue() sees it (tcp_sacktag_one skips what this ACK covers). */
    private int sackUna;
    /** TCP_NUM_SACKS: at most four SACK blocks fit in 40 bytes of options (RFC 2018 3). */
    private static final int MAX_SACK_BLOCKS = dev.jtcp.wire.TcpOption.MAX_SACK_BLOCKS;
    /** The SACK blocks of the ACK being processed, valid ones in sequence order (tcp_sacktag_write_queue's sp[]). */
    private final int[] sackStarts = new int[MAX_SACK_BLOCKS];
    private final int[] sackEnds = new int[MAX_SACK_BLOCKS];
    private final boolean[] sackDup = new boolean[MAX_SACK_BLOCKS];

    /** tcp_sacktag_write_queue(): mark the segments the peer reports having (RFC 2018, RFC 2883). */
    private int sackTag(TcpSock sk, List<SackBlock> blocks, int ackSeq, int priorSndUna) {
        sackFlag = 0;
        sackReord = sk.sndNxt;
        boolean dsack = checkDsack(sk, blocks, ackSeq, priorSndUna);
        // snd_una as tcp_sacktag_write_queue() sees it: already moved to an advancing ACK.
        int una = Seq.gt(ackSeq, sk.sndUna) ? ackSeq : sk.sndUna;
        sackUna = una;
        int used = 0;
        for (int i = 0; i < blocks.size() && i < MAX_SACK_BLOCKS; i++) {
            boolean dup = dsack && i == 0;
            SackBlock b = blocks.get(i);
            if (!sackBlockValid(sk, dup, b.start(), b.end(), una)) {
                if (!dup) {
                    // An old block on a reordered (old) ACK is not counted.
                    if (ackSeq != una && !Seq.gt(b.end(), una)) {
                        continue;
                    }
                    tcp.mib.inc(Mib.TcpExtTCPSACKDiscard);
                }
                continue;
            }
            if (!Seq.gt(b.end(), priorSndUna)) {
                continue;   // very old: ignored early (a D-SACK there was counted by checkDsack)
            }
            // Keep the used blocks in sequence order, so that the queue is walked in order and a block
            // listed after a higher one is not taken for reordering.
            int at = used;
            while (at > 0 && Seq.gt(sackStarts[at - 1], b.start())) {
                sackStarts[at] = sackStarts[at - 1];
                sackEnds[at] = sackEnds[at - 1];
                sackDup[at] = sackDup[at - 1];
                at--;
            }
            sackStarts[at] = b.start();
            sackEnds[at] = b.end();
            sackDup[at] = dup;
            used++;
        }
        for (int k = 0; k < used; k++) {
            for (TxSegment seg : sk.rtxQueue) {
                if (Seq.ge(seg.start, sackEnds[k])) {
                    break;
                }
                if (Seq.ge(seg.start, sackStarts[k]) && Seq.le(seg.end, sackEnds[k])) {
                    sacktagOne(sk, seg, sackDup[k]);
                }
            }
        }
        if (sk.caState != TcpSock.CA_LOSS || sk.undoMarkerSet) {
            checkSackReordering(sk, sackReord, false);
        }
        return sackFlag;
    }

    /**
     * tcp_is_sackblock_valid(): a SACK block must lie in (snd_una, snd_nxt] and not be empty; a D-SACK may
     * lie below snd_una, back to the undo marker (or one window before it when it straddles the marker).
     */
    private static boolean sackBlockValid(TcpSock sk, boolean dsack, int start, int end, int una) {
        if (Seq.gt(end, sk.sndNxt) || !Seq.lt(start, end)) {
            return false;
        }
        if (!Seq.lt(start, sk.sndNxt)) {
            return false;
        }
        if (Seq.gt(start, una)) {
            return true;
        }
        if (!dsack || !sk.undoMarkerSet) {
            return false;
        }
        if (Seq.gt(end, una)) {
            return false;
        }
        if (!Seq.lt(start, sk.undoMarker)) {
            return true;
        }
        if (!Seq.gt(end, sk.undoMarker)) {
            return false;
        }
        return !Seq.lt(start, end - sk.maxWindow);
    }

    /** tcp_sacktag_one(): one segment reported by a SACK (or D-SACK) block. */
    private void sacktagOne(TcpSock sk, TxSegment seg, boolean dupSack) {
        int sacked = seg.sacked;
        boolean everRetrans = (sacked & (TxSegment.SACKED_RETRANS | TxSegment.EVER_RETRANS)) != 0;
        // D-SACK of a retransmitted segment: one retransmission fewer to account for before undoing.
        if (dupSack && everRetrans) {
            if (sk.undoMarkerSet && sk.undoRetrans > 0 && Seq.gt(seg.end, sk.undoMarker)) {
                sk.undoRetrans = Math.max(0, sk.undoRetrans - 1);
            }
            if ((sacked & TxSegment.SACKED_ACKED) != 0 && Seq.lt(seg.start, sackReord)) {
                sackReord = seg.start;
            }
        }
        if (!Seq.gt(seg.end, sackUna)) {
            return;   // acknowledged by this very ACK
        }
        if ((sacked & TxSegment.SACKED_ACKED) == 0) {
            rackAdvance(sk, seg);
            if ((sacked & TxSegment.SACKED_RETRANS) != 0) {
                // Not marked lost: the retransmission is believed still in flight; keep it counted.
                if ((sacked & TxSegment.LOST) != 0) {
                    sacked &= ~(TxSegment.LOST | TxSegment.SACKED_RETRANS);
                    sk.lostOut--;
                    sk.retransOut--;
                }
            } else {
                if (!everRetrans) {
                    // A new SACK of a never-retransmitted segment below the highest SACK: reordering.
                    if (Seq.lt(seg.start, highestSackSeq(sk)) && Seq.lt(seg.start, sackReord)) {
                        sackReord = seg.start;
                    }
                    if (!Seq.gt(seg.end, sk.highSeq)) {
                        sackFlag |= FLAG_ORIG_SACK_ACKED;
                    }
                }
                if ((sacked & TxSegment.LOST) != 0) {
                    sacked &= ~TxSegment.LOST;
                    sk.lostOut--;
                }
            }
            sacked |= TxSegment.SACKED_ACKED;
            sackFlag |= FLAG_DATA_SACKED;
            if (!Seq.lt(seg.start, highestSackSeq(sk))) {
                sk.highestSackEnd = seg.end;
            }
            sk.sackedOut++;
            newlyDelivered++;
            rateSkbDelivered(seg);
        }
        // D-SACK: a retransmission reported as duplicate is no longer in flight.
        if (dupSack && (sacked & TxSegment.SACKED_RETRANS) != 0) {
            sacked &= ~TxSegment.SACKED_RETRANS;
            sk.retransOut--;
        }
        seg.sacked = sacked;
    }

    // ================================================================ loss detection and recovery

    /** REXMIT_NONE / REXMIT_LOST / REXMIT_NEW: what tcp_xmit_recovery() sends after this ACK. */
    static final int REXMIT_NONE = 0;
    static final int REXMIT_LOST = 1;
    static final int REXMIT_NEW = 2;
    /** Set by fastRetransAlert() for tcp_xmit_recovery(). */
    private int rexmit;

    /** TCP_RACK_LOSS_DETECTION, TCP_RACK_STATIC_REO_WND, TCP_RACK_NO_DUPTHRESH: tcp_recovery bits. */
    static final int TCP_RACK_LOSS_DETECTION = 1;
    static final int TCP_RACK_STATIC_REO_WND = 2;
    static final int TCP_RACK_NO_DUPTHRESH = 4;
    /** TCP_RACK_RECOVERY_THRESH: recoveries a widened reordering window persists for. */
    static final int TCP_RACK_RECOVERY_THRESH = 16;

    /** tcp_is_rack(): RACK loss detection on (net.ipv4.tcp_recovery bit 1, the default). */
    private boolean isRack() {
        return (sysctl(SysctlKey.TCP_RECOVERY) & TCP_RACK_LOSS_DETECTION) != 0;
    }

    /** tcp_in_cwnd_reduction(): CWR or Recovery, where PRR sets cwnd. */
    static boolean inCwndReduction(TcpSock sk) {
        return sk.caState == TcpSock.CA_CWR || sk.caState == TcpSock.CA_RECOVERY;
    }

    /** tcp_highest_sack_seq(): end of the highest SACKed segment, snd_una when nothing is SACKed. */
    static int highestSackSeq(TcpSock sk) {
        if (sk.sackedOut == 0 || !sk.sackOk) {
            return sk.sndUna;
        }
        return sk.highestSackEnd;
    }

    /** tcp_any_retrans_done(): anything retransmitted still unacknowledged? */
    private static boolean anyRetransDone(TcpSock sk) {
        if (sk.retransOut > 0) {
            return true;
        }
        TxSegment head = sk.rtxQueue.peekFirst();
        return head != null && head.has(TxSegment.EVER_RETRANS);
    }

    /** tcp_tsopt_ecr_before(): the ACK echoes a timestamp older than the instant when. */
    private boolean tsEcrBefore(TcpSock sk, long whenNs) {
        return sk.sawTstamp && sk.rcvTsecr != 0 && Seq.lt(sk.rcvTsecr, tcp.tsAt(whenNs, sk.tsOffset));
    }

    /** tcp_packet_delayed(): the echoed timestamp predates the first retransmission (Eifel, RFC 3522). */
    private boolean packetDelayed(TcpSock sk) {
        return sk.retransStampSet && tsEcrBefore(sk, sk.retransStampNs);
    }

    /** tcp_may_undo(): no retransmission was needed, by D-SACK count or by timestamps. */
    private boolean mayUndo(TcpSock sk) {
        return sk.undoMarkerSet && (sk.undoRetrans == 0 || packetDelayed(sk));
    }

    /** tcp_init_undo(): remember where the reduction began and the retransmissions D-SACK must account for. */
    private static void initUndo(TcpSock sk) {
        sk.undoMarker = sk.sndUna;
        sk.undoMarkerSet = true;
        sk.undoRetrans = sk.retransOut;
        if (sk.tlpPending && sk.tlpRetrans) {
            sk.undoRetrans++;
        }
        if (sk.undoRetrans == 0) {
            sk.undoRetrans = -1;   // 0 would mean "may undo now"
        }
    }

    /** tcp_current_ssthresh(): ssthresh, or 3/4 of cwnd outside a reduction if that is larger. */
    private static int currentSsthresh(TcpSock sk) {
        return TcpCong.currentSsthresh(sk);
    }

    /** ca_ops->ssthresh(): the socket's congestion control (CUBIC: 717/1024 of cwnd; Reno: half). */
    private static int caSsthresh(TcpSock sk) {
        return TcpCong.ssthresh(sk);
    }

    /** ca_ops->undo_cwnd(): the socket's congestion control (tcp_reno_undo_cwnd for both Reno and CUBIC). */
    private static int caUndoCwnd(TcpSock sk) {
        return sk.ca.undoCwnd(sk);
    }

    /** tcp_init_cwnd_reduction(): start PRR (RFC 6937) from the current window. */
    private void initCwndReduction(TcpSock sk) {
        sk.highSeq = sk.sndNxt;
        sk.tlpPending = false;
        sk.sndCwndCnt = 0;
        sk.priorCwnd = sk.sndCwnd;
        sk.prrDelivered = 0;
        sk.prrOut = 0;
        sk.sndSsthresh = caSsthresh(sk);
        queueCwr(sk);
    }

    /** tcp_ecn_queue_cwr(): the window was reduced; tell an ECN peer with CWR on the next new data. */
    private static void queueCwr(TcpSock sk) {
        if ((sk.ecnFlags & TcpSock.TCP_ECN_OK) != 0) {
            sk.ecnFlags |= TcpSock.TCP_ECN_QUEUE_CWR;
        }
    }

    /**
     * tcp_cwnd_reduction(): proportional rate reduction (RFC 6937). While more is in flight than ssthresh,
     * send ssthresh/prior_cwnd of what is delivered; below it, grow back towards ssthresh no faster than
     * slow start (the SS reduction bound), one extra segment when snd_una advanced without new losses.
     */
    void cwndReduction(TcpSock sk, int newlyAckedSacked, int newlyLost, int flag) {
        if (newlyAckedSacked <= 0 || sk.priorCwnd == 0) {
            return;
        }
        int inFlight = sk.packetsInFlight();
        int delta = sk.sndSsthresh - inFlight;
        int sndcnt;
        sk.prrDelivered += newlyAckedSacked;
        if (delta < 0) {
            long dividend = (long) sk.sndSsthresh * sk.prrDelivered + sk.priorCwnd - 1;
            sndcnt = (int) (dividend / sk.priorCwnd) - sk.prrOut;
        } else {
            sndcnt = Math.max(sk.prrDelivered - sk.prrOut, newlyAckedSacked);
            if ((flag & FLAG_SND_UNA_ADVANCED) != 0 && newlyLost == 0) {
                sndcnt++;
            }
            sndcnt = Math.min(delta, sndcnt);
        }
        // Force a fast retransmit upon entering fast recovery.
        sndcnt = Math.max(sndcnt, sk.prrOut != 0 ? 0 : 1);
        sk.sndCwnd = inFlight + sndcnt;
    }

    /** tcp_end_cwnd_reduction(): cwnd settles at ssthresh (unless the reduction was undone). */
    private void endCwndReduction(TcpSock sk) {
        if (sk.sndSsthresh < Integer.MAX_VALUE && (sk.caState == TcpSock.CA_CWR || sk.undoMarkerSet)) {
            sk.sndCwnd = sk.sndSsthresh;
            sk.sndCwndStampNs = now();
        }
        TcpCong.caEvent(sk, TcpCongestionOps.CA_EVENT_COMPLETE_CWR);
    }

    /** tcp_enter_cwr(): reduce the window once without retransmitting (ECN, a repaired tail loss). */
    void enterCwr(TcpSock sk) {
        sk.priorSsthresh = 0;
        if (sk.caState < TcpSock.CA_CWR) {
            sk.undoMarkerSet = false;
            sk.undoMarker = 0;
            initCwndReduction(sk);
            TcpCong.setCaState(sk, TcpSock.CA_CWR);
        }
    }

    /** tcp_enter_recovery(): fast recovery begins (RFC 6675 5 / RFC 6582), counted by kind of peer. */
    void enterRecovery(TcpSock sk, boolean eceAck) {
        tcp.mib.inc(sk.sackOk ? Mib.TcpExtTCPSackRecovery : Mib.TcpExtTCPRenoRecovery);
        sk.priorSsthresh = 0;
        initUndo(sk);
        if (!inCwndReduction(sk)) {
            if (!eceAck) {
                sk.priorSsthresh = currentSsthresh(sk);
            }
            initCwndReduction(sk);
        }
        TcpCong.setCaState(sk, TcpSock.CA_RECOVERY);
    }

    /**
     * tcp_enter_loss(): an RTO. Everything outstanding is presumed lost (except segments sent too recently
     * for RACK to judge), ssthresh is reduced once per window, cwnd restarts from what is in flight + 1,
     * and F-RTO (RFC 5682, tcp_frto) starts unless a recovery was already under way.
     */
    void enterLoss(TcpSock sk) {
        boolean newRecovery = sk.caState < TcpSock.CA_RECOVERY;
        timeoutMarkLost(sk);
        if (sk.caState <= TcpSock.CA_DISORDER || !Seq.gt(sk.highSeq, sk.sndUna)
                || (sk.caState == TcpSock.CA_LOSS && sk.retransmits == 0)) {
            sk.priorSsthresh = currentSsthresh(sk);
            sk.priorCwnd = sk.sndCwnd;
            sk.sndSsthresh = caSsthresh(sk);
            TcpCong.caEvent(sk, TcpCongestionOps.CA_EVENT_LOSS);
            initUndo(sk);
        }
        sk.sndCwnd = sk.packetsInFlight() + 1;
        sk.sndCwndCnt = 0;
        sk.sndCwndStampNs = now();
        // A timeout in Disorder after many duplicate ACKs: the reordering degree was overestimated.
        int reordering = sysctl(SysctlKey.TCP_REORDERING);
        if (sk.caState <= TcpSock.CA_DISORDER && sk.sackedOut >= reordering) {
            sk.reordering = Math.min(sk.reordering, reordering);
        }
        TcpCong.setCaState(sk, TcpSock.CA_LOSS);
        sk.highSeq = sk.sndNxt;
        sk.tlpPending = false;
        queueCwr(sk);
        // F-RTO, but not while an MTU probe is in flight (its loss is no sign of a spurious RTO).
        sk.frto = sysctl(SysctlKey.TCP_FRTO) != 0 && (newRecovery || sk.retransmits > 0) && sk.mtupProbeSize == 0;
    }

    /** tcp_timeout_mark_lost(): mark the queue lost after an RTO; clear SACK marks if the peer reneged. */
    private void timeoutMarkLost(TcpSock sk) {
        TxSegment head = sk.rtxQueue.peekFirst();
        boolean isReneg = head != null && head.has(TxSegment.SACKED_ACKED);
        if (isReneg) {
            tcp.mib.inc(Mib.TcpExtTCPSACKReneging);
            sk.sackedOut = 0;
            sk.isSackReneg = true;
        } else if (!sk.sackOk) {
            sk.sackedOut = 0;   // tcp_reset_reno_sack()
        }
        for (TxSegment seg : sk.rtxQueue) {
            if (isReneg) {
                seg.sacked &= ~TxSegment.SACKED_ACKED;
            } else if (seg != head && rackSkbTimeoutUs(sk, seg, 0) > 0) {
                continue;   // sent too recently to be judged lost yet
            }
            markSkbLost(sk, seg);
        }
    }

    /** tcp_mark_skb_lost(): mark a segment lost; a lost retransmission is counted (TCPLostRetransmit). */
    void markSkbLost(TcpSock sk, TxSegment seg) {
        if (seg.has(TxSegment.SACKED_ACKED)) {
            return;
        }
        if (seg.has(TxSegment.LOST)) {
            if (seg.has(TxSegment.SACKED_RETRANS)) {
                seg.sacked &= ~TxSegment.SACKED_RETRANS;
                sk.retransOut--;
                tcp.mib.inc(Mib.TcpExtTCPLostRetransmit);
                sk.lost++;
            }
        } else {
            sk.lostOut++;
            seg.sacked |= TxSegment.LOST;
            sk.lost++;
        }
    }

    /**
     * tcp_fastretrans_alert(): the recovery state machine, run for every dubious ACK (one that is a
     * duplicate, carries SACK or D-SACK, or arrives outside CA_Open). Returns the updated ACK flags.
     */
    private int fastRetransAlert(TcpSock sk, int priorSndUna, int numDupack, int flag) {
        boolean eceAck = (flag & FLAG_ECE) != 0;
        boolean doLost = numDupack > 0 || ((flag & FLAG_DATA_SACKED) != 0 && forceFastRetransmit(sk));
        boolean fastRexmit = false;
        if (sk.packetsOut == 0 && sk.sackedOut > 0) {
            sk.sackedOut = 0;
        }
        // A. ECE: the reduction is required, never undone.
        if (eceAck) {
            sk.priorSsthresh = 0;
        }
        // B. SACK reneging.
        if ((flag & FLAG_SACK_RENEGING) != 0 && (flag & FLAG_SND_UNA_ADVANCED) != 0) {
            // tcp_check_sack_reneging(): wait a little (srtt/2, at least 10 ms) for the ACK that proves it.
            long delayNs = Math.max(tcp.usToJiffyNs(sk.srttUs >> 4), tcp.timerJiffies(Nanos.ofMillis(10))
                    * tcp.jiffies.jiffyNs());
            tcp.timers.resetXmitTimer(sk, TcpSock.XMIT_RETRANS, delayNs,
                    "SACK reneging: the RTO comes early (tcp_check_sack_reneging)");
            return flag & ~FLAG_SET_XMIT_TIMER;
        }
        // D. State exit: high_seq acknowledged.
        if (sk.caState == TcpSock.CA_OPEN) {
            sk.retransStampSet = false;
        } else if (!Seq.lt(sk.sndUna, sk.highSeq)) {
            switch (sk.caState) {
                case TcpSock.CA_CWR -> {
                    // CWR holds until something above high_seq is acknowledged.
                    if (sk.sndUna != sk.highSeq) {
                        endCwndReduction(sk);
                        TcpCong.setCaState(sk, TcpSock.CA_OPEN);
                    }
                }
                case TcpSock.CA_RECOVERY -> {
                    if (!sk.sackOk) {
                        sk.sackedOut = 0;   // tcp_reset_reno_sack()
                    }
                    if (tryUndoRecovery(sk)) {
                        return flag;
                    }
                    endCwndReduction(sk);
                }
                default -> { }
            }
        }
        // E. Process the state.
        switch (sk.caState) {
            case TcpSock.CA_RECOVERY -> {
                if ((flag & FLAG_SND_UNA_ADVANCED) == 0) {
                    if (!sk.sackOk) {
                        addRenoSack(sk, numDupack);
                    }
                } else {
                    int r = tryUndoPartial(sk, priorSndUna);
                    if (r < 0) {
                        return flag;
                    }
                    doLost = r > 0;
                }
                if (tryUndoDsack(sk)) {
                    tryToOpen(sk, flag);
                }
                flag = identifyPacketLoss(sk, flag);
                if (sk.caState != TcpSock.CA_RECOVERY) {
                    if (!timeToRecover(sk)) {
                        return flag;
                    }
                    // Undo reverted the state but loss is evident (reordering, then loss).
                    enterRecovery(sk, eceAck);
                }
            }
            case TcpSock.CA_LOSS -> {
                processLoss(sk, flag, numDupack);
                flag = identifyPacketLoss(sk, flag);
                // Change state if cwnd is undone or retransmissions are lost.
                if (!(sk.caState == TcpSock.CA_OPEN || (flag & FLAG_LOST_RETRANS) != 0)) {
                    return flag;
                }
                flag = openOrRecover(sk, flag, numDupack, eceAck);
                if (!recoveryEntered) {
                    return flag;
                }
                fastRexmit = true;
            }
            default -> {
                flag = openOrRecover(sk, flag, numDupack, eceAck);
                if (!recoveryEntered) {
                    return flag;
                }
                fastRexmit = true;
            }
        }
        if (!isRack() && doLost) {
            updateScoreboard(sk, fastRexmit);
        }
        rexmit = REXMIT_LOST;
        return flag;
    }

    /** Set by openOrRecover(): fast recovery was entered. */
    private boolean recoveryEntered;

    /** The default branch of tcp_fastretrans_alert(): stay open, or enter fast recovery (recoveryEntered). */
    private int openOrRecover(TcpSock sk, int flag, int numDupack, boolean eceAck) {
        recoveryEntered = false;
        if (!sk.sackOk) {
            if ((flag & FLAG_SND_UNA_ADVANCED) != 0) {
                sk.sackedOut = 0;   // tcp_reset_reno_sack()
            }
            addRenoSack(sk, numDupack);
        }
        if (sk.caState <= TcpSock.CA_DISORDER) {
            tryUndoDsack(sk);
        }
        flag = identifyPacketLoss(sk, flag);
        if (!timeToRecover(sk)) {
            tryToOpen(sk, flag);
            return flag;
        }
        if (sk.caState < TcpSock.CA_CWR && sk.mtupProbeSize != 0 && sk.sndUna == sk.mtuProbeSeqStart) {
            // The MTU probe is what was lost: no congestion, so no window reduction.
            mtupProbeFailed(sk);
            sk.sndCwnd++;   // gives back the segment tcp_mtu_probe() took
            tcp.icmp.simpleRetransmit(sk);
            return flag;
        }
        enterRecovery(sk, eceAck);
        recoveryEntered = true;
        return flag;
    }

    /** tcp_mtup_probe_failed(): the path does not carry the probe's size; search below it. */
    private void mtupProbeFailed(TcpSock sk) {
        sk.mtupSearchHigh = sk.mtupProbeSize - 1;
        sk.mtupProbeSize = 0;
        tcp.mib.inc(Mib.TcpExtTCPMTUPFail);
    }

    /**
     * tcp_mtup_probe_success(): the path carries the probe's size: it becomes the search floor and the MSS
     * grows to it; cwnd is scaled to keep the bytes in flight.
     */
    private void mtupProbeSuccess(TcpSock sk) {
        sk.priorSsthresh = TcpCong.currentSsthresh(sk);
        long val = (long) sk.sndCwnd * tcp.output.mssToMtu(sk, sk.mssCache) / sk.mtupProbeSize;
        sk.sndCwnd = (int) Math.max(1, val);
        sk.sndCwndCnt = 0;
        sk.sndCwndStampNs = now();
        sk.sndSsthresh = TcpCong.currentSsthresh(sk);
        sk.mtupSearchLow = sk.mtupProbeSize;
        sk.mtupProbeSize = 0;
        tcp.output.syncMss(sk);
        tcp.mib.inc(Mib.TcpExtTCPMTUPSuccess);
    }

    /** tcp_time_to_recover(): a loss is proven (RACK or NewReno marked one), or dupthresh without RACK. */
    private boolean timeToRecover(TcpSock sk) {
        if (sk.lostOut > 0) {
            return true;
        }
        // tcp_dupack_heuristics(): sacked_out + 1 > reordering.
        return !isRack() && sk.sackedOut + 1 > sk.reordering;
    }

    /** tcp_force_fast_retransmit(): SACKed data lies more than reordering segments above snd_una. */
    private static boolean forceFastRetransmit(TcpSock sk) {
        return Seq.gt(highestSackSeq(sk), sk.sndUna + sk.reordering * sk.mssCache);
    }

    /** tcp_identify_packet_loss(): NewReno marking for peers without SACK, RACK for the others. */
    private int identifyPacketLoss(TcpSock sk, int flag) {
        if (sk.rtxQueue.isEmpty()) {
            return flag;
        }
        if (!sk.sackOk) {
            newrenoMarkLost(sk, (flag & FLAG_SND_UNA_ADVANCED) != 0);
        } else if (isRack()) {
            int priorRetrans = sk.retransOut;
            if (rackMarkLost(sk)) {
                flag &= ~FLAG_SET_XMIT_TIMER;
            }
            if (priorRetrans > sk.retransOut) {
                flag |= FLAG_LOST_RETRANS;
            }
        }
        return flag;
    }

    /**
     * tcp_newreno_mark_lost() (RFC 6582): without SACK, the head is lost after dupthresh duplicate ACKs,
     * and again after each partial ACK in recovery.
     */
    private void newrenoMarkLost(TcpSock sk, boolean sndUnaAdvanced) {
        int state = sk.caState;
        if ((state < TcpSock.CA_RECOVERY && sk.sackedOut >= sk.reordering)
                || (state == TcpSock.CA_RECOVERY && sndUnaAdvanced)) {
            TxSegment head = sk.rtxQueue.peekFirst();
            if (head.has(TxSegment.LOST)) {
                return;
            }
            markSkbLost(sk, head);
        }
    }

    /**
     * tcp_update_scoreboard() with tcp_recovery=0 (RFC 6675 without RACK): mark lost the holes below
     * the point where more than reordering segments are SACKed above; the head on a fast retransmit.
     */
    private void updateScoreboard(TcpSock sk, boolean fastRexmit) {
        if (!sk.sackOk) {
            return;
        }
        int sackedUpto = sk.sackedOut - sk.reordering;
        if (sackedUpto >= 0) {
            markHeadLost(sk, sackedUpto, false);
        } else if (fastRexmit) {
            markHeadLost(sk, 1, true);
        }
    }

    /** tcp_mark_head_lost(): from the head up to high_seq, until more than packets SACKed are passed. */
    private void markHeadLost(TcpSock sk, int packets, boolean markHead) {
        int cnt = 0;
        for (TxSegment seg : sk.rtxQueue) {
            if (Seq.gt(seg.end, sk.highSeq)) {
                break;
            }
            if (seg.has(TxSegment.SACKED_ACKED)) {
                cnt++;
            }
            if (cnt > packets) {
                break;
            }
            if (!seg.has(TxSegment.LOST)) {
                markSkbLost(sk, seg);
            }
            if (markHead) {
                break;
            }
        }
    }

    /** tcp_try_keep_open(): Disorder while anything is SACKed, lost or retransmitted, else Open. */
    private static void tryKeepOpen(TcpSock sk) {
        int state = TcpSock.CA_OPEN;
        if (sk.sackedOut + sk.lostOut > 0 || anyRetransDone(sk)) {
            state = TcpSock.CA_DISORDER;
        }
        if (sk.caState != state) {
            TcpCong.setCaState(sk, state);
            sk.highSeq = sk.sndNxt;
        }
    }

    /** tcp_try_to_open(). */
    private void tryToOpen(TcpSock sk, int flag) {
        if (!anyRetransDone(sk)) {
            sk.retransStampSet = false;
        }
        if ((flag & FLAG_ECE) != 0) {
            enterCwr(sk);
        }
        if (sk.caState != TcpSock.CA_CWR) {
            tryKeepOpen(sk);
        }
    }

    /**
     * tcp_undo_cwnd_reduction(): the reduction was needless: restore cwnd and ssthresh, optionally
     * forget the loss marks, and let RACK look at the queue again.
     */
    private void undoCwndReduction(TcpSock sk, boolean unmarkLoss) {
        if (unmarkLoss) {
            for (TxSegment seg : sk.rtxQueue) {
                seg.sacked &= ~TxSegment.LOST;
            }
            sk.lostOut = 0;
        }
        if (sk.priorSsthresh != 0) {
            sk.sndCwnd = caUndoCwnd(sk);
            if (sk.priorSsthresh > sk.sndSsthresh) {
                sk.sndSsthresh = sk.priorSsthresh;
                sk.ecnFlags &= ~TcpSock.TCP_ECN_QUEUE_CWR;   // tcp_ecn_withdraw_cwr(): no reduction to announce
            }
        }
        sk.sndCwndStampNs = now();
        sk.undoMarkerSet = false;
        sk.undoMarker = 0;
        sk.rackAdvanced = true;
    }

    /** tcp_is_non_sack_preventing_reopen(): without SACK, hold the state until data above high_seq is ACKed. */
    private static boolean nonSackPreventingReopen(TcpSock sk) {
        if (sk.sndUna == sk.highSeq && !sk.sackOk) {
            if (!anyRetransDone(sk)) {
                sk.retransStampSet = false;
            }
            return true;
        }
        return false;
    }

    /** tcp_try_undo_recovery(): at the end of recovery, undo if nothing needed retransmitting. */
    private boolean tryUndoRecovery(TcpSock sk) {
        if (mayUndo(sk)) {
            undoCwndReduction(sk, false);
            tcp.mib.inc(sk.caState == TcpSock.CA_LOSS ? Mib.TcpExtTCPLossUndo : Mib.TcpExtTCPFullUndo);
        } else if (sk.rackReoWndPersist > 0) {
            sk.rackReoWndPersist--;
        }
        if (nonSackPreventingReopen(sk)) {
            return true;
        }
        TcpCong.setCaState(sk, TcpSock.CA_OPEN);
        sk.isSackReneg = false;
        return false;
    }

    /** tcp_try_undo_dsack(): D-SACKs have accounted for every retransmission: undo. */
    private boolean tryUndoDsack(TcpSock sk) {
        if (sk.undoMarkerSet && sk.undoRetrans == 0) {
            sk.rackReoWndPersist = Math.min(TCP_RACK_RECOVERY_THRESH, sk.rackReoWndPersist + 1);
            undoCwndReduction(sk, false);
            tcp.mib.inc(Mib.TcpExtTCPDSACKUndo);
            return true;
        }
        return false;
    }

    /** tcp_try_undo_loss(): in CA_Loss, undo after a partial ACK proves the RTO spurious, or by F-RTO. */
    private boolean tryUndoLoss(TcpSock sk, boolean frtoUndo) {
        if (frtoUndo || mayUndo(sk)) {
            undoCwndReduction(sk, true);
            tcp.mib.inc(Mib.TcpExtTCPLossUndo);
            if (frtoUndo) {
                tcp.mib.inc(Mib.TcpExtTCPSpuriousRTOs);
            }
            sk.retransmits = 0;
            if (nonSackPreventingReopen(sk)) {
                return true;
            }
            if (frtoUndo || sk.sackOk) {
                TcpCong.setCaState(sk, TcpSock.CA_OPEN);
                sk.isSackReneg = false;
            }
            return true;
        }
        return false;
    }

    /**
     * tcp_try_undo_partial(): a partial ACK in recovery. If the hole was filled by the original (the
     * timestamp predates the retransmission), it was reordering: undo once no retransmission is in
     * flight. Returns -1 to stop processing, 1 to force marking losses, 0 otherwise.
     */
    private int tryUndoPartial(TcpSock sk, int priorSndUna) {
        if (sk.undoMarkerSet && packetDelayed(sk)) {
            checkSackReordering(sk, priorSndUna, true);
            if (sk.retransOut > 0) {
                return -1;
            }
            if (!anyRetransDone(sk)) {
                sk.retransStampSet = false;
            }
            undoCwndReduction(sk, true);
            tcp.mib.inc(Mib.TcpExtTCPPartialUndo);
            tryKeepOpen(sk);
            return 0;
        }
        return forceFastRetransmit(sk) ? 1 : 0;
    }

    /**
     * tcp_process_loss(): an ACK in CA_Loss (after an RTO). Undo if the RTO proves spurious (timestamps,
     * or F-RTO: never-retransmitted data acknowledged); with F-RTO send new data after the first ACK
     * that advances, and fall back to retransmitting when SACK or duplicate ACKs show the loss was real.
     */
    private void processLoss(TcpSock sk, int flag, int numDupack) {
        boolean recovered = !Seq.lt(sk.sndUna, sk.highSeq);
        if ((flag & FLAG_SND_UNA_ADVANCED) != 0 && tryUndoLoss(sk, false)) {
            return;
        }
        if (sk.frto) {
            // RFC 5682 3.1 step 3.b: not everything was lost: never-retransmitted data was (S)ACKed.
            if ((flag & FLAG_ORIG_SACK_ACKED) != 0 && tryUndoLoss(sk, true)) {
                return;
            }
            if (Seq.gt(sk.sndNxt, sk.highSeq)) {
                if ((flag & FLAG_DATA_SACKED) != 0 || numDupack > 0) {
                    sk.frto = false;   // step 3.a: the loss was real
                }
            } else if ((flag & FLAG_SND_UNA_ADVANCED) != 0 && !recovered) {
                sk.highSeq = sk.sndNxt;
                // Step 2.b: send new data (after tcp_ack() updates cwnd), else conventional recovery.
                if (sk.hasUnsent() && Seq.gt(sk.wndEnd(), sk.sndNxt)) {
                    rexmit = REXMIT_NEW;
                    return;
                }
                sk.frto = false;
            }
        }
        if (recovered) {
            // Step 2.a and the first part of 3.a.
            tryUndoRecovery(sk);
            return;
        }
        if (!sk.sackOk) {
            // A Reno duplicate ACK means the new data of step 2.b arrived: lower in-flight.
            if (Seq.gt(sk.sndNxt, sk.highSeq) && numDupack > 0) {
                addRenoSack(sk, numDupack);
            } else if ((flag & FLAG_SND_UNA_ADVANCED) != 0) {
                sk.sackedOut = 0;
            }
        }
        rexmit = REXMIT_LOST;
    }

    /** tcp_xmit_recovery(): after the window is set, send what recovery calls for. */
    private void xmitRecovery(TcpSock sk, int what) {
        if (what == REXMIT_NONE || sk.state == TcpState.SYN_SENT) {
            return;
        }
        if (what == REXMIT_NEW) {
            tcp.output.writeXmit(sk, tcp.output.currentMss(sk), TcpOutput.TCP_NAGLE_OFF, TcpOutput.PUSH_ALL,
                    "F-RTO (RFC 5682 3.1 step 2.b): new data after the RTO retransmission was acknowledged");
            if (Seq.gt(sk.sndNxt, sk.highSeq)) {
                return;
            }
            sk.frto = false;
        }
        tcp.output.xmitRetransmitQueue(sk);
    }

    // ---------------------------------------------------------------- duplicate ACKs of peers without SACK

    /** tcp_add_reno_sack(): a duplicate ACK from a peer without SACK counts as one segment delivered. */
    private void addRenoSack(TcpSock sk, int numDupack) {
        if (numDupack > 0) {
            int priorSacked = sk.sackedOut;
            sk.sackedOut += numDupack;
            checkRenoReordering(sk, 0);
            int delivered = sk.sackedOut - priorSacked;
            if (delivered > 0) {
                newlyDelivered += delivered;
            }
        }
    }

    /** tcp_remove_reno_sacks(): a cumulative ACK fills the hole; the rest of it eats duplicate ACKs. */
    private void removeRenoSacks(TcpSock sk, int acked) {
        if (acked > 0) {
            newlyDelivered += Math.max(acked - sk.sackedOut, 1);
            if (acked - 1 >= sk.sackedOut) {
                sk.sackedOut = 0;
            } else {
                sk.sackedOut -= acked - 1;
            }
        }
        checkRenoReordering(sk, acked);
    }

    /**
     * tcp_check_reno_reordering(): more duplicate ACKs than holes can explain means reordering
     * (tcp_limit_reno_sacked); the reordering degree grows to what was in flight.
     */
    private void checkRenoReordering(TcpSock sk, int addend) {
        int holes = Math.min(Math.max(sk.lostOut, 1), sk.packetsOut);
        if (sk.sackedOut + holes <= sk.packetsOut) {
            return;
        }
        sk.sackedOut = sk.packetsOut - holes;
        sk.reordering = Math.min(sk.packetsOut + addend, sysctl(SysctlKey.TCP_MAX_REORDERING));
        sk.reordSeen++;
        tcp.mib.inc(Mib.TcpExtTCPRenoReorder);
    }

    /**
     * tcp_check_sack_reordering(): a hole below the highest SACK was filled by original data: the path
     * reorders by at least that distance, and the reordering degree grows to match.
     */
    private void checkSackReordering(TcpSock sk, int lowSeq, boolean ts) {
        int mss = sk.mssCache;
        int fack = highestSackSeq(sk);
        if (!Seq.lt(lowSeq, fack)) {
            return;
        }
        long metric = Integer.toUnsignedLong(fack - lowSeq);
        if (mss > 0 && metric > (long) sk.reordering * mss) {
            sk.reordering = (int) Math.min((metric + mss - 1) / mss, sysctl(SysctlKey.TCP_MAX_REORDERING));
        }
        sk.reordSeen++;
        tcp.mib.inc(ts ? Mib.TcpExtTCPTSReorder : Mib.TcpExtTCPSACKReorder);
    }

    // ---------------------------------------------------------------- RACK (RFC 8985, tcp_recovery.c)

    /**
     * tcp_skb_sent_after(): sent later, or at the same time and later in the send queue. Linux breaks ties
     * by end sequence, which is the send order of a burst; in virtual time a retransmission can share its
     * instant with new data sent before it, so the transmission order breaks ties here.
     */
    private static boolean sentAfter(long t1, long t2, long order1, long order2) {
        return t1 > t2 || (t1 == t2 && order1 > order2);
    }

    private static long usOf(long ns) {
        return Math.floorDiv(ns, 1000L);
    }

    /**
     * tcp_rack_advance(): remember the most recently sent segment that was delivered and its RTT. A
     * retransmission acknowledged sooner than min_rtt is ambiguous (the original may have arrived) and ignored.
     */
    private void rackAdvance(TcpSock sk, TxSegment seg) {
        int sacked = seg.sacked;
        int endSeq = seg.end;
        long xmitNs = seg.lastTxNs;
        long rttUs = usOf(now()) - usOf(xmitNs);
        if ((sacked & (TxSegment.SACKED_RETRANS | TxSegment.EVER_RETRANS)) != 0 && rttUs < sk.minRttUs) {
            return;
        }
        sk.rackAdvanced = true;
        sk.rackRttUs = rttUs;
        if (sentAfter(xmitNs, sk.rackMstampNs, seg.txOrder, sk.rackTxOrder)) {
            sk.rackMstampNs = xmitNs;
            sk.rackTxOrder = seg.txOrder;
            sk.rackEndSeq = endSeq;
        }
    }

    /**
     * tcp_rack_reo_wnd(): the reordering window. Zero before any reordering has been seen once in
     * recovery or past dupthresh SACKs; else min_rtt/4 per step (steps grow with D-SACKs), at most SRTT.
     */
    private long rackReoWndUs(TcpSock sk) {
        if (sk.reordSeen == 0) {
            if (sk.caState >= TcpSock.CA_RECOVERY) {
                return 0;
            }
            if (sk.sackedOut >= sk.reordering && (sysctl(SysctlKey.TCP_RECOVERY) & TCP_RACK_NO_DUPTHRESH) == 0) {
                return 0;
            }
        }
        long minRtt = sk.minRtt();
        return Math.min((minRtt >> 2) * sk.rackReoWndSteps, sk.srttUs >> 3);
    }

    /** tcp_rack_skb_timeout(): time left before RACK deems this segment lost (negative: overdue). */
    private long rackSkbTimeoutUs(TcpSock sk, TxSegment seg, long reoWndUs) {
        return sk.rackRttUs + reoWndUs - (usOf(now()) - usOf(seg.lastTxNs));
    }

    /**
     * tcp_rack_detect_loss() (RFC 8985 6.2): a segment sent before the latest delivered one is lost once
     * RACK.rtt + reo_wnd has passed since it was sent. Returns the longest wait left (0 when none).
     */
    private long rackDetectLoss(TcpSock sk) {
        long reoTimeout = 0;
        long reoWnd = rackReoWndUs(sk);
        for (TxSegment seg : sk.rtxQueue) {
            if (!sentAfter(sk.rackMstampNs, seg.lastTxNs, sk.rackTxOrder, seg.txOrder)) {
                if (seg.retransCount == 0) {
                    // Sent after RACK's segment and never resent: everything above it went later still.
                    break;
                }
                continue;
            }
            if (seg.has(TxSegment.SACKED_ACKED)) {
                continue;
            }
            // Skip those marked lost but not yet retransmitted.
            if (seg.has(TxSegment.LOST) && !seg.has(TxSegment.SACKED_RETRANS)) {
                continue;
            }
            long remaining = rackSkbTimeoutUs(sk, seg, reoWnd);
            if (remaining <= 0) {
                markSkbLost(sk, seg);
            } else {
                reoTimeout = Math.max(reoTimeout, remaining);
            }
        }
        return reoTimeout;
    }

    /** tcp_rack_mark_lost(): run RACK after an ACK that advanced it; arm the reordering timer if needed. */
    boolean rackMarkLost(TcpSock sk) {
        if (!sk.rackAdvanced) {
            return false;
        }
        sk.rackAdvanced = false;
        long timeoutUs = rackDetectLoss(sk);
        if (timeoutUs > 0) {
            long whenNs = tcp.usToJiffyNs(timeoutUs + TcpConstants.TCP_TIMEOUT_MIN_US);
            tcp.timers.resetXmitTimer(sk, TcpSock.XMIT_REO_TIMEOUT, Math.min(whenNs, sk.rtoNs),
                    tcp.tracing() ? "RACK reordering window (RFC 8985 6.2): wait " + timeoutUs + " us before deeming"
                            + " earlier segments lost" : null);
        }
        return timeoutUs > 0;
    }

    /** tcp_rack_reo_timeout(): the reordering window has passed: mark the overdue segments lost, recover. */
    void rackReoTimeout(TcpSock sk) {
        int priorInflight = sk.packetsInFlight();
        long priorLost = sk.lost;
        rackDetectLoss(sk);
        if (priorInflight != sk.packetsInFlight()) {
            if (sk.caState != TcpSock.CA_RECOVERY) {
                enterRecovery(sk, false);
                cwndReduction(sk, 1, (int) (sk.lost - priorLost), 0);
            }
            tcp.output.xmitRetransmitQueue(sk);
        }
        if (sk.xmitTimer != TcpSock.XMIT_RETRANS) {
            tcp.timers.rearmRto(sk);
        }
    }

    /**
     * tcp_rack_update_reo_wnd(): widen the reordering window by one step per round trip in which a D-SACK
     * showed a needless retransmission; it falls back to one step after TCP_RACK_RECOVERY_THRESH recoveries.
     */
    private void rackUpdateReoWnd(TcpSock sk, long priorDelivered) {
        if ((sysctl(SysctlKey.TCP_RECOVERY) & TCP_RACK_STATIC_REO_WND) != 0 || priorDelivered == 0) {
            return;
        }
        if (priorDelivered < sk.rackLastDelivered) {
            sk.rackDsackSeen = false;   // within a round trip of the last adjustment
        }
        if (sk.rackDsackSeen) {
            sk.rackReoWndSteps = Math.min(0xff, sk.rackReoWndSteps + 1);
            sk.rackDsackSeen = false;
            sk.rackLastDelivered = sk.deliveredSegs;
            sk.rackReoWndPersist = TCP_RACK_RECOVERY_THRESH;
        } else if (sk.rackReoWndPersist == 0) {
            sk.rackReoWndSteps = 1;
        }
    }

    // ---------------------------------------------------------------- tail loss probe

    /** tcp_process_tlp_ack() (RFC 8985 7.4): did the probe repair a loss? */
    private void processTlpAck(TcpSock sk, int ackSeq, int flag) {
        if (Seq.lt(ackSeq, sk.tlpHighSeq)) {
            return;
        }
        if (!sk.tlpRetrans) {
            sk.tlpPending = false;   // a probe of new data was acknowledged
        } else if ((flag & FLAG_DSACK_TLP) != 0) {
            sk.tlpPending = false;   // the D-SACK says the original and the probe both arrived: no loss
        } else if (Seq.gt(ackSeq, sk.tlpHighSeq)) {
            // The ACK advances past the probe: there was a loss, repaired by the probe: reduce cwnd once.
            initCwndReduction(sk);
            TcpCong.setCaState(sk, TcpSock.CA_CWR);
            endCwndReduction(sk);
            tryKeepOpen(sk);
            tcp.mib.inc(Mib.TcpExtTCPLossProbeRecovery);
        } else if ((flag & (FLAG_SND_UNA_ADVANCED | FLAG_NOT_DUP | FLAG_DATA_SACKED)) == 0) {
            sk.tlpPending = false;   // a pure duplicate ACK: original and probe arrived, no loss
        }
    }

    /**
     * tcp_may_raise_cwnd(): grow cwnd on forward progress when reordering is high, else only when data is
     * cumulatively acknowledged.
     */
    private boolean mayRaiseCwnd(TcpSock sk, int flag) {
        if (sk.reordering > sysctl(SysctlKey.TCP_REORDERING)) {
            return (flag & FLAG_FORWARD_PROGRESS) != 0;
        }
        return (flag & FLAG_DATA_ACKED) != 0;
    }

    /** tcp_cong_avoid(): the socket's congestion control grows cwnd for the segments newly delivered. */
    private void congControl(TcpSock sk, int ackSeq, int acked) {
        sk.ca.congAvoid(sk, ackSeq, acked);
        tcp.timers.maybeExpandSndbuf(sk);
    }

    /** tcp_is_cwnd_limited(): grow only a window that is being used (RFC 7661). */
    static boolean cwndLimited(TcpSock sk) {
        return TcpCong.isCwndLimited(sk);
    }

    // ================================================================ data, FIN, urgent

    /** tcp_urg() / tcp_check_urg(): note where the peer's urgent byte is, and fetch it when it arrives. */
    private void urg(TcpSock sk, Segment s) {
        TcpHeader th = s.th;
        if (th.has(TcpFlags.URG)) {
            checkUrg(sk, s);
        }
        if (sk.urgData == TcpConstants.TCP_URG_NOTYET) {
            int ptr = sk.urgSeq - s.seq - (s.has(TcpFlags.SYN) ? 1 : 0);
            if (ptr >= 0 && ptr < s.len) {
                int b = s.buf[s.off + ptr] & 0xff;
                sk.urgData = TcpConstants.TCP_URG_VALID | b;
                tcp.wake(sk);
            }
        }
    }

    private void checkUrg(TcpSock sk, Segment s) {
        int ptr = s.th.urgentPointer();
        if (ptr != 0 && sysctl(SysctlKey.TCP_STDURG) == 0) {
            ptr--;   // BSD semantics: the pointer is one past the urgent byte
        }
        ptr += s.seq;
        if (Seq.lt(ptr, sk.rcvNxt)) {
            return;   // already in the past
        }
        if (sk.urgData != 0 && !Seq.gt(ptr, sk.urgSeq)) {
            return;   // the same (or an older) urgent pointer
        }
        if (sk.urgSeq == sk.copiedSeq && sk.urgData != 0 && (sk.urgData & TcpConstants.TCP_URG_READ) == 0
                && !sk.oobInline && sk.copiedSeq != sk.rcvNxt) {
            // A previous urgent byte at the read position that was never read is skipped.
            sk.copiedSeq++;
            sk.copiedPos++;
            sk.recvBuf.consumeTo(Math.min(sk.copiedPos, sk.recvBuf.tail()));
        }
        sk.urgData = TcpConstants.TCP_URG_NOTYET;
        sk.urgSeq = ptr;
    }

    /** tcp_data_queue(). */
    private void dataQueue(TcpSock sk, Segment s) {
        if (s.seq == s.endSeq) {
            return;
        }
        sk.dsack = false;
        boolean fin = s.has(TcpFlags.FIN);
        if (s.seq == sk.rcvNxt) {
            if (sk.receiveWindow() == 0 && s.len > 0) {
                tcp.mib.inc(Mib.TcpExtTCPZeroWindowDrop);
                traceDrop(s, "receive window is zero: data dropped, ACK sent");
                outOfWindow(sk);
                return;
            }
            queueAndOut(sk, s, 0, fin);
            return;
        }
        if (!Seq.gt(s.endSeq, sk.rcvNxt)) {
            // A retransmission of something we have: immediate ACK with D-SACK (RFC 2883).
            tcp.mib.inc(Mib.TcpExtDelayedACKLost);
            dsackSet(sk, s.seq, s.endSeq);
            traceDrop(s, "duplicate of data already received: immediate ACK with D-SACK");
            outOfWindow(sk);
            return;
        }
        if (!Seq.lt(s.seq, sk.rcvNxt + sk.receiveWindow())) {
            traceDrop(s, "beyond the receive window: dropped, ACK sent");
            outOfWindow(sk);
            return;
        }
        if (Seq.lt(s.seq, sk.rcvNxt)) {
            // Partly old: D-SACK the old part, queue the rest.
            dsackSet(sk, s.seq, sk.rcvNxt);
            if (sk.receiveWindow() == 0) {
                tcp.mib.inc(Mib.TcpExtTCPZeroWindowDrop);
                outOfWindow(sk);
                return;
            }
            queueAndOut(sk, s, sk.rcvNxt - s.seq, fin);
            return;
        }
        dataQueueOfo(sk, s);
    }

    private void outOfWindow(TcpSock sk) {
        enterQuickackMode(sk, TcpConstants.TCP_MAX_QUICKACKS);
        sk.ackPending |= TcpSock.ACK_SCHED;
    }

    /** In-order data (from skip bytes into the segment) goes to the receive queue. */
    private void queueAndOut(TcpSock sk, Segment s, int skip, boolean fin) {
        int dataLen = s.len - skip;
        // Never accept more than the window we offered (tcp_try_rmem_schedule would refuse it).
        int room = Math.max(0, tcp.output.fullSpace(sk) * 2 - sk.rcvQueued());
        boolean clamped = dataLen > room;
        if (clamped) {
            dataLen = room;
            fin = false;
            tcp.mib.inc(Mib.TcpExtTCPRcvQDrop);
        }
        if (dataLen > 0) {
            // The skb itself is queued (no copy) unless the window clamped its payload: a remnant is copied, so a few
            // bytes never hold a whole packet buffer.
            if (s.skbGiven && !s.skbKept && !clamped) {
                sk.recvBuf.appendPacket(s.buf, s.off + skip, dataLen, tcp.host);
                s.skbKept = true;
            } else {
                sk.recvBuf.append(s.buf, s.off + skip, dataLen);
            }
            sk.rcvNxt += dataLen;
            sk.bytesReceived += dataLen;
            eventDataRecv(sk, s);
        }
        if (fin) {
            sk.rcvNxt += 1;
            fin(sk);
        }
        if (!sk.ofoQueue.isEmpty()) {
            ofoQueue(sk);
            // RFC 5681 4.2: ACK at once when a hole is filled.
            if (sk.ofoQueue.isEmpty()) {
                sk.ackPending |= TcpSock.ACK_NOW;
            }
        }
        if (sk.numSacks > 0) {
            sackRemove(sk);
        }
        tcp.wake(sk);
    }

    /** tcp_ofo_queue(): move segments that are now in order into the receive queue. */
    private void ofoQueue(TcpSock sk) {
        while (!sk.ofoQueue.isEmpty()) {
            TcpSock.OfoSegment o = sk.ofoQueue.peekFirst();
            if (Seq.gt(o.seq, sk.rcvNxt)) {
                break;
            }
            sk.ofoQueue.pollFirst();
            if (!Seq.gt(o.end(), sk.rcvNxt)) {
                continue;   // entirely old
            }
            if (Seq.lt(o.seq, sk.rcvNxt)) {
                dsackExtend(sk, o.seq, sk.rcvNxt);
            }
            int skip = sk.rcvNxt - o.seq;
            int n = o.data.length - skip;
            if (n > 0) {
                sk.recvBuf.append(o.data, skip, n);
                sk.rcvNxt += n;
                sk.bytesReceived += n;
            }
            if (o.fin) {
                sk.rcvNxt += 1;
                fin(sk);
                break;
            }
        }
    }

    /** tcp_data_queue_ofo(): hold out-of-order data, merge overlaps, advertise it with SACK. */
    private void dataQueueOfo(TcpSock sk, Segment s) {
        ecnCheckCe(sk, s);
        if (!tryRmemSchedule(sk, s.seq)) {
            tcp.mib.inc(Mib.TcpExtTCPOFODrop);
            traceDrop(s, "out-of-order segment dropped: receive memory above the receive buffer even after pruning"
                    + " (tcp_try_rmem_schedule)");
            return;
        }
        tcp.mib.inc(Mib.TcpExtTCPOFOQueue);
        sk.ackPending |= TcpSock.ACK_SCHED;
        int seq = s.seq;
        int endSeq = s.endSeq;
        boolean fin = s.has(TcpFlags.FIN);
        byte[] data = new byte[s.len];
        System.arraycopy(s.buf, s.off, data, 0, s.len);
        if (sk.ofoQueue.isEmpty()) {
            if (sk.sackOk) {
                sk.numSacks = 1;
                sk.sackStart[0] = seq;
                sk.sackEnd[0] = endSeq;
            }
            sk.ofoQueue.add(new TcpSock.OfoSegment(seq, data, fin));
            traceOfo(sk, s);
            return;
        }
        // Insert in order; a segment wholly covered by one already held is a duplicate (D-SACK).
        java.util.ArrayList<TcpSock.OfoSegment> l = new java.util.ArrayList<>(sk.ofoQueue);
        int i = 0;
        while (i < l.size() && Seq.lt(l.get(i).seq, seq)) {
            i++;
        }
        if (i > 0) {
            TcpSock.OfoSegment prev = l.get(i - 1);
            if (!Seq.lt(prev.end(), endSeq)) {
                tcp.mib.inc(Mib.TcpExtTCPOFOMerge);
                dsackSet(sk, seq, endSeq);
                traceDrop(s, "out-of-order duplicate: already held; D-SACK");
                return;
            }
            if (Seq.gt(prev.end(), seq)) {
                dsackSet(sk, seq, prev.end());
            }
        }
        if (i < l.size() && l.get(i).seq == seq && !Seq.lt(l.get(i).end(), endSeq)) {
            tcp.mib.inc(Mib.TcpExtTCPOFOMerge);
            dsackSet(sk, seq, endSeq);
            traceDrop(s, "out-of-order duplicate: already held; D-SACK");
            return;
        }
        TcpSock.OfoSegment n = new TcpSock.OfoSegment(seq, data, fin);
        l.add(i, n);
        // Remove later segments this one covers.
        while (i + 1 < l.size()) {
            TcpSock.OfoSegment next = l.get(i + 1);
            if (!Seq.gt(endSeq, next.seq)) {
                break;
            }
            if (Seq.lt(endSeq, next.end())) {
                dsackExtend(sk, next.seq, endSeq);
                break;
            }
            l.remove(i + 1);
            dsackExtend(sk, next.seq, next.end());
            tcp.mib.inc(Mib.TcpExtTCPOFOMerge);
        }
        sk.ofoQueue.clear();
        sk.ofoQueue.addAll(l);
        if (sk.sackOk) {
            sackNewOfo(sk, seq, endSeq);
            // Without SACK the window is not grown, so that duplicate ACKs trigger fast retransmit. (No
            // length test here, unlike tcp_event_data_recv()'s.)
            growWindow(sk, s.len);
        }
        traceOfo(sk, s);
        // The buffer must also hold the reordering span; not for orphans or sockets not yet accepted.
        if (!sk.orphan && sk.parent == null) {
            rcvbufGrow(sk);
        }
    }

    /**
     * sk_rmem_alloc as Linux counts it: every byte held for the application, in order or not, charged at
     * twice its size (an skb's truesize; the charge {@link TcpOutput#space} uses too).
     */
    private static long rmemAlloc(TcpSock sk) {
        return 2L * sk.rcvQueued();
    }

    /**
     * tcp_try_rmem_schedule(): a segment is let in while the memory already held is within the receive
     * buffer; above it, tcp_prune_queue() makes room or the segment is refused. This bounds what a peer
     * can make us hold, whatever it sends (a flood of overlapping out-of-order segments, say).
     */
    private boolean tryRmemSchedule(TcpSock sk, int inSeq) {
        if (rmemAlloc(sk) <= sk.rcvBuf) {
            return true;
        }
        return pruneQueue(sk, inSeq);
    }

    /**
     * tcp_prune_queue(): first tcp_clamp_window() lets an auto-tuned buffer grow to what is held (up to
     * tcp_rmem[2]); collapsing queues saves nothing here (the truesize charge is fixed); then
     * tcp_prune_ofo_queue(). False (RcvPruned) when the memory is still above the buffer.
     */
    private boolean pruneQueue(TcpSock sk, int inSeq) {
        tcp.mib.inc(Mib.TcpExtPruneCalled);
        long rmem = rmemAlloc(sk);
        if (rmem >= sk.rcvBuf) {
            // tcp_clamp_window()
            sk.ackQuick = 0;
            int rmem2 = tcp.sysctl.get(SysctlKey.TCP_RMEM, 2);
            if (sk.rcvBuf < rmem2 && !sk.userRcvBuf) {
                sk.rcvBuf = (int) Math.min(rmem, rmem2);
            }
            if (rmem > sk.rcvBuf) {
                sk.rcvSsthresh = Math.min(sk.windowClamp, 2 * sk.advMss);
            }
        }
        if (rmemAlloc(sk) <= sk.rcvBuf) {
            return true;
        }
        pruneOfoQueue(sk, inSeq);
        if (rmemAlloc(sk) <= sk.rcvBuf) {
            return true;
        }
        tcp.mib.inc(Mib.TcpExtRcvPruned);
        return false;
    }

    /**
     * tcp_prune_ofo_queue(): drop out-of-order data from the highest sequence down, an eighth of the buffer
     * at a time, until the memory fits, but never below the incoming segment (it would land last); then
     * forget the SACK blocks (the peer's scoreboard must not trust them: RFC 2018 reneging).
     */
    private void pruneOfoQueue(TcpSock sk, int inSeq) {
        boolean pruned = false;
        long goal = sk.rcvBuf >> 3;
        while (!sk.ofoQueue.isEmpty()) {
            TcpSock.OfoSegment last = sk.ofoQueue.peekLast();
            if (Seq.gt(inSeq, last.seq)) {
                break;
            }
            sk.ofoQueue.pollLast();
            pruned = true;
            goal -= 2L * last.data.length;
            if (sk.ofoQueue.isEmpty() || goal <= 0) {
                if (rmemAlloc(sk) <= sk.rcvBuf) {
                    break;
                }
                goal = sk.rcvBuf >> 3;
            }
        }
        if (pruned) {
            tcp.mib.inc(Mib.TcpExtOfoPruned);
            if (sk.sackOk) {
                // tcp_sack_reset()
                sk.numSacks = 0;
                sk.dsack = false;
            }
        }
    }

    private void traceOfo(TcpSock sk, Segment s) {
        // The segment is kept; the trace shows it through the SACK blocks of the ACK that follows.
    }

    /** tcp_fin(): the peer has finished sending. */
    private void fin(TcpSock sk) {
        sk.finReceived = true;
        sk.ackPending |= TcpSock.ACK_SCHED;
        sk.shutdown |= TcpSock.RCV_SHUTDOWN;
        sk.done = true;
        switch (sk.state) {
            case SYN_RECV, ESTABLISHED -> {
                tcp.setState(sk, TcpState.CLOSE_WAIT, "FIN received: the peer has finished sending (passive close)");
                sk.pingpong = sysctl(SysctlKey.TCP_PINGPONG_THRESH);   // inet_csk_enter_pingpong_mode()
            }
            case CLOSE_WAIT, CLOSING, LAST_ACK -> { }
            case FIN_WAIT1 -> {
                tcp.output.sendAck(sk, "FIN received in FIN_WAIT1: ACK it (simultaneous close)");
                tcp.setState(sk, TcpState.CLOSING, "both sides closed at once: CLOSING (RFC 9293 3.6 case 2)");
            }
            case FIN_WAIT2 -> {
                tcp.output.sendAck(sk, "FIN received in FIN_WAIT2: ACK it, then TIME_WAIT");
                tcp.mini.timeWait(sk, TcpState.TIME_WAIT, 0);
            }
            default -> { }
        }
        // Out-of-order data beyond the FIN cannot be valid.
        sk.ofoQueue.clear();
        sk.numSacks = 0;
        tcp.wake(sk);
    }

    // ================================================================ SACK blocks we send (receiver side)

    /** tcp_dsack_set(). */
    void dsackSet(TcpSock sk, int seq, int endSeq) {
        if (sk.sackOk && sysctl(SysctlKey.TCP_DSACK) != 0) {
            tcp.mib.inc(Seq.lt(seq, sk.rcvNxt) ? Mib.TcpExtTCPDSACKOldSent : Mib.TcpExtTCPDSACKOfoSent);
            sk.dsack = true;
            sk.dsackStart = seq;
            sk.dsackEnd = endSeq;
        }
    }

    /** tcp_dsack_extend(). */
    private void dsackExtend(TcpSock sk, int seq, int endSeq) {
        if (!sk.dsack) {
            dsackSet(sk, seq, endSeq);
        } else {
            if (!Seq.gt(seq, sk.dsackEnd) && !Seq.gt(sk.dsackStart, endSeq)) {
                if (Seq.lt(seq, sk.dsackStart)) {
                    sk.dsackStart = seq;
                }
                if (Seq.gt(endSeq, sk.dsackEnd)) {
                    sk.dsackEnd = endSeq;
                }
            }
        }
    }

    /** tcp_sack_new_ofo_skb(): the newest block goes first (RFC 2018 4). */
    private void sackNewOfo(TcpSock sk, int seq, int endSeq) {
        int n = sk.numSacks;
        for (int i = 0; i < n; i++) {
            // tcp_sack_extend(): adjacent or overlapping blocks merge.
            if (!Seq.gt(seq, sk.sackEnd[i]) && !Seq.gt(sk.sackStart[i], endSeq)) {
                int st = Seq.lt(seq, sk.sackStart[i]) ? seq : sk.sackStart[i];
                int en = Seq.gt(endSeq, sk.sackEnd[i]) ? endSeq : sk.sackEnd[i];
                for (int j = i; j > 0; j--) {
                    sk.sackStart[j] = sk.sackStart[j - 1];
                    sk.sackEnd[j] = sk.sackEnd[j - 1];
                }
                sk.sackStart[0] = st;
                sk.sackEnd[0] = en;
                sackCoalesce(sk);
                return;
            }
        }
        if (n >= 4) {
            n = 3;   // drop the oldest block
        }
        for (int j = n; j > 0; j--) {
            sk.sackStart[j] = sk.sackStart[j - 1];
            sk.sackEnd[j] = sk.sackEnd[j - 1];
        }
        sk.sackStart[0] = seq;
        sk.sackEnd[0] = endSeq;
        sk.numSacks = n + 1;
    }

    /** tcp_sack_maybe_coalesce(): fold later blocks into the first where they touch. */
    private static void sackCoalesce(TcpSock sk) {
        for (int i = 1; i < sk.numSacks; ) {
            if (!Seq.gt(sk.sackStart[i], sk.sackEnd[0]) && !Seq.gt(sk.sackStart[0], sk.sackEnd[i])) {
                if (Seq.lt(sk.sackStart[i], sk.sackStart[0])) {
                    sk.sackStart[0] = sk.sackStart[i];
                }
                if (Seq.gt(sk.sackEnd[i], sk.sackEnd[0])) {
                    sk.sackEnd[0] = sk.sackEnd[i];
                }
                for (int j = i; j + 1 < sk.numSacks; j++) {
                    sk.sackStart[j] = sk.sackStart[j + 1];
                    sk.sackEnd[j] = sk.sackEnd[j + 1];
                }
                sk.numSacks--;
            } else {
                i++;
            }
        }
    }

    /** tcp_sack_remove(): blocks now below rcv_nxt are gone. */
    private static void sackRemove(TcpSock sk) {
        if (sk.ofoQueue.isEmpty()) {
            sk.numSacks = 0;
            return;
        }
        for (int i = 0; i < sk.numSacks; ) {
            if (!Seq.lt(sk.rcvNxt, sk.sackStart[i])) {
                for (int j = i; j + 1 < sk.numSacks; j++) {
                    sk.sackStart[j] = sk.sackStart[j + 1];
                    sk.sackEnd[j] = sk.sackEnd[j + 1];
                }
                sk.numSacks--;
            } else {
                i++;
            }
        }
    }

    // ================================================================ delayed ACK (tcp_input.c / tcp_output.c)

    /** tcp_event_data_recv(): new in-order data; adapt the ATO to the inter-arrival time. */
    private void eventDataRecv(TcpSock sk, Segment s) {
        sk.ackPending |= TcpSock.ACK_SCHED;
        measureRcvMss(sk, s);
        rcvRttMeasure(sk);
        long nowNs = now();
        // ATO arithmetic is in jiffies, as in the kernel.
        long atoMin = tcp.jiffies.count(TcpConstants.TCP_ATO_MIN_NS + tcp.jiffies.jiffyNs() - 1);
        long ato = tcp.jiffies.count(sk.atoNs);
        long rtoJ = tcp.jiffies.count(sk.rtoNs);
        if (ato == 0) {
            // The first data segment: start the delayed-ACK engine in quick-ack mode.
            incrQuickack(sk, TcpConstants.TCP_MAX_QUICKACKS);
            ato = atoMin;
        } else {
            long m = jiffies(nowNs) - jiffies(sk.lrcvtimeNs);
            if (m <= atoMin / 2) {
                ato = (ato >> 1) + atoMin / 2;
            } else if (m < ato) {
                ato = (ato >> 1) + m;
                if (ato > rtoJ) {
                    ato = rtoJ;
                }
            } else if (m > rtoJ) {
                // A long silence: the sender probably lost its window; ACK quickly again.
                incrQuickack(sk, TcpConstants.TCP_MAX_QUICKACKS);
            }
        }
        sk.atoNs = tcp.jiffies.toNs(ato);
        sk.lrcvtimeNs = nowNs;
        ecnCheckCe(sk, s);
        if (s.len >= 128) {   // tcp_event_data_recv(): Linux's own literal, no tiny segments grow the window
            growWindow(sk, s.len);
        }
    }

    /**
     * tcp_grow_window(): raise rcv_ssthresh as data arrives (towards window_clamp), and ACK the next
     * segment at once so the sender sees the larger window. jtcp charges each payload byte twice (a
     * truesize of 2 * len, see TcpOutput.space), so check #2 always passes: the increment is two
     * advertised MSS, or twice the segment if larger.
     */
    private void growWindow(TcpSock sk, int len) {
        int room = Math.min(sk.windowClamp, tcp.output.space(sk)) - sk.rcvSsthresh;
        if (room <= 0) {
            return;
        }
        int incr = Math.max(2 * sk.advMss, 2 * len);
        sk.rcvSsthresh += Math.min(room, incr);
        sk.ackQuick |= 1;   // icsk_ack.quick |= 1
    }

    // ================================================================ receive-buffer auto-tuning

    /**
     * tcp_rcv_rtt_update(): the receiver's RTT estimate, scaled by 8. A smaller sample always wins; a larger
     * one is averaged in (7/8 old) only for timestamp samples and only while the receive queue is empty.
     */
    private static void rcvRttUpdate(TcpSock sk, long sampleUs, boolean windowBased) {
        long m = sampleUs << 3;
        long old = sk.rcvRttUs8;
        if (old == 0 || m < old) {
            sk.rcvRttUs8 = m;
        } else if (!windowBased && sk.rcvNxt == sk.copiedSeq) {
            sk.rcvRttUs8 = old - (old >> 3) + sampleUs;
        }
    }

    /** tcp_rcv_rtt_measure(): without timestamps, the time to receive one window of data bounds the RTT. */
    private void rcvRttMeasure(TcpSock sk) {
        long nowNs = now();
        if (sk.rcvRttTimeNs != 0) {
            if (Seq.lt(sk.rcvNxt, sk.rcvRttSeq)) {
                return;
            }
            rcvRttUpdate(sk, Math.max(1, (nowNs - sk.rcvRttTimeNs) / 1000), true);
        }
        sk.rcvRttSeq = sk.rcvNxt + sk.rcvWnd;
        sk.rcvRttTimeNs = nowNs;
    }

    /**
     * tcp_rcv_rtt_measure_ts(): a full-sized segment echoing a new timestamp gives an RTT sample (in
     * milliseconds of TS clock; zero samples are ignored since Linux 6.16).
     */
    private void rcvRttMeasureTs(TcpSock sk, Segment s) {
        if (!sk.sawTstamp || sk.rcvTsecr == sk.rcvRttLastTsecr) {
            return;
        }
        sk.rcvRttLastTsecr = sk.rcvTsecr;
        if (s.len >= sk.rcvMss) {
            int delta = tcp.tsNow(sk.tsOffset) - sk.rcvTsecr;
            if (delta > 0 && delta < Integer.MAX_VALUE / 1000) {
                rcvRttUpdate(sk, delta * 1000L, false);
            }
        }
    }

    /**
     * tcp_rcv_space_adjust(), after the application read: once per receiver RTT, if it read more than in
     * the previous RTT (less what is still queued), the buffer grows so the sender may double its rate.
     * Linux measures with tcp_mstamp, the time of the last packet processed; jtcp with the read's time.
     */
    void rcvSpaceAdjust(TcpSock sk) {
        if (sk.rcvRttUs8 == 0) {
            return;
        }
        long nowNs = now();
        if ((nowNs - sk.rcvqSpaceTimeNs) / 1000 < (sk.rcvRttUs8 >> 3)) {
            return;
        }
        int copied = sk.copiedSeq - sk.rcvqSpaceSeq;
        copied -= sk.rcvNxt - sk.copiedSeq;   // bytes still in the receive queue (Linux 6.16+)
        if (copied > sk.rcvqSpace) {
            sk.rcvqSpace = copied;
            rcvbufGrow(sk);
        }
        sk.rcvqSpaceSeq = sk.copiedSeq;
        sk.rcvqSpaceTimeNs = nowNs;
    }

    /**
     * tcp_rcvbuf_grow(): sk_rcvbuf for twice what was read in the last RTT (slow start: the sender may double
     * its rate) plus the out-of-order span, within tcp_rmem[2]; window_clamp follows. Not after SO_RCVBUF
     * (SOCK_RCVBUF_LOCK), nor with tcp_moderate_rcvbuf=0.
     */
    private void rcvbufGrow(TcpSock sk) {
        if (sysctl(SysctlKey.TCP_MODERATE_RCVBUF) == 0 || sk.userRcvBuf) {
            return;
        }
        long rcvwin = (long) sk.rcvqSpace << 1;
        if (!sk.ofoQueue.isEmpty()) {
            rcvwin += sk.ofoQueue.peekLast().end() - sk.rcvNxt;
        }
        long cap = tcp.sysctl.get(SysctlKey.TCP_RMEM, 2);
        long rcvbuf = Math.min(TcpOutput.spaceFromWin(rcvwin), cap);
        if (rcvbuf > sk.rcvBuf) {
            sk.rcvBuf = (int) rcvbuf;
            sk.windowClamp = TcpOutput.winFromSpace(sk.rcvBuf);
        }
    }

    /** tcp_measure_rcv_mss(): estimate the peer's MSS, note pushed small segments. */
    private void measureRcvMss(TcpSock sk, Segment s) {
        int lss = sk.lastSegSize;
        sk.lastSegSize = 0;
        int len = s.len;
        if (len >= sk.rcvMss) {
            sk.rcvMss = Math.min(len, sk.advMss);
            if (s.has(TcpFlags.PSH)) {
                sk.ackPending |= TcpSock.ACK_PUSHED;
            }
        } else {
            len += s.th.headerLength();
            int remnant = TcpFlags.FIN | TcpFlags.URG | TcpFlags.SYN | TcpFlags.PSH;
            if (len >= TcpConstants.TCP_MSS_DEFAULT + TcpConstants.TCP_HEADER_LEN
                    || (len >= TcpConstants.TCP_MIN_MSS + TcpConstants.TCP_HEADER_LEN && (s.th.flags() & remnant) == 0)) {
                len -= sk.tcpHeaderLen;
                sk.lastSegSize = len;
                if (len == lss) {
                    sk.rcvMss = len;
                    return;
                }
            }
            if ((sk.ackPending & TcpSock.ACK_PUSHED) != 0) {
                sk.ackPending |= TcpSock.ACK_PUSHED2;
            }
            sk.ackPending |= TcpSock.ACK_PUSHED;
        }
    }

    /** tcp_incr_quickack(). */
    private void incrQuickack(TcpSock sk, int maxQuickacks) {
        int quickacks = sk.rcvWnd / (2 * Math.max(1, sk.rcvMss));
        if (quickacks == 0) {
            quickacks = 2;
        }
        quickacks = Math.min(quickacks, maxQuickacks);
        if (quickacks > sk.ackQuick) {
            sk.ackQuick = quickacks;
        }
    }

    /** tcp_enter_quickack_mode(). */
    void enterQuickackMode(TcpSock sk, int maxQuickacks) {
        incrQuickack(sk, maxQuickacks);
        sk.pingpong = 0;
        sk.atoNs = TcpConstants.TCP_ATO_MIN_NS;
    }

    private boolean inQuickackMode(TcpSock sk) {
        return sk.ackQuick > 0 && !sk.inPingpong(sysctl(SysctlKey.TCP_PINGPONG_THRESH));
    }

    /** tcp_data_snd_check(): the window may have opened; send what waits. */
    void dataSndCheck(TcpSock sk) {
        tcp.output.pushPendingFrames(sk, "ACK arrived: queued data goes now (window, congestion window or Nagle no longer hold it)");
    }

    /** tcp_ack_snd_check() / __tcp_ack_snd_check(): ACK now, or schedule a delayed ACK. */
    void ackSndCheck(TcpSock sk) {
        if ((sk.ackPending & TcpSock.ACK_SCHED) == 0) {
            return;
        }
        boolean moreThanOneFull = (sk.rcvNxt - sk.rcvWup) > sk.rcvMss
                && (tcp.output.rawSelectWindow(sk) >= sk.rcvWnd);
        if (moreThanOneFull) {
            tcp.output.sendAck(sk, "more than one full-sized segment unacknowledged: ACK now (RFC 9293 3.8.6.3)");
            return;
        }
        if (inQuickackMode(sk)) {
            tcp.output.sendAck(sk, tcp.tracing() ? "quick-ack mode (" + sk.ackQuick + " left): ACK now" : null);
            return;
        }
        if ((sk.ackPending & TcpSock.ACK_NOW) != 0) {
            tcp.output.sendAck(sk, "hole in the sequence filled: ACK now (RFC 5681 4.2)");
            return;
        }
        if (sk.ofoQueue.isEmpty()) {
            sendDelayedAck(sk);
            return;
        }
        // Out-of-order data: the first ACKs go at once (duplicate ACKs for fast retransmit), later ones
        // are compressed (tcp_comp_sack_*).
        if (!sk.sackOk) {
            tcp.output.sendAck(sk, "out-of-order data: immediate duplicate ACK (RFC 5681 4.2)");
            return;
        }
        if (sk.compressedAckRcvNxt != sk.rcvNxt) {
            sk.compressedAckRcvNxt = sk.rcvNxt;
            sk.dupAckCounter = 0;
        }
        if (sk.dupAckCounter < 3) {
            sk.dupAckCounter++;
            tcp.output.sendAck(sk, "out-of-order data: immediate ACK with SACK (RFC 2018, RFC 5681 4.2)");
            return;
        }
        if (sk.compressedAck >= 44) {
            tcp.output.sendAck(sk, "SACK compression limit reached: ACK now");
            return;
        }
        sk.compressedAck++;
        if (sk.compressedAckAtNs != Deadline.NONE) {
            return;
        }
        // Compressed SACK timer: 5% of the RTT, at most tcp_comp_sack_delay_ns (1 ms).
        long rttUs = sk.srttUs != 0 ? sk.srttUs >> 3 : 100_000;
        long delayNs = Math.min(1_000_000L, rttUs * 1000L / 20);
        sk.compressedAckAtNs = now() + delayNs;
        tcp.timersChanged(sk);
    }

    /** tcp_send_delayed_ack(): arm (or keep) the delayed-ACK timer, in jiffies as the kernel does. */
    private void sendDelayedAck(TcpSock sk) {
        Jiffies j = tcp.jiffies;
        long ato = j.count(sk.atoNs);   // durations: count() and ceil(), never at(), which adds the tick phase
        long delackMin = j.ceil(TcpConstants.TCP_DELACK_MIN_NS);
        long delackMax = j.ceil(TcpConstants.TCP_DELACK_MAX_NS);
        if (ato > delackMin) {
            long maxAto = j.hz() / 2;
            if (sk.inPingpong(sysctl(SysctlKey.TCP_PINGPONG_THRESH)) || (sk.ackPending & TcpSock.ACK_PUSHED) != 0) {
                maxAto = delackMax;
            }
            // Bounded by the RTT estimate when there is one.
            if (sk.srttUs != 0) {
                long rtt = Math.max(j.fromMicros(sk.srttUs >> 3), delackMin);
                if (rtt < maxAto) {
                    maxAto = rtt;
                }
            }
            ato = Math.min(ato, maxAto);
        }
        ato = Math.min(ato, delackMax);
        long nowJ = jiffies(now());
        long timeout = nowJ + ato;
        if ((sk.ackPending & TcpSock.ACK_TIMER) != 0) {
            // If the pending timer is about to expire anyway, ACK now.
            if (sk.delackTimeoutJ <= nowJ + (ato >> 2)) {
                tcp.output.sendAck(sk, "delayed-ACK timer about to expire: ACK now");
                return;
            }
            if (timeout >= sk.delackTimeoutJ) {
                timeout = sk.delackTimeoutJ;
            }
        }
        sk.ackPending |= TcpSock.ACK_SCHED | TcpSock.ACK_TIMER;
        if (timeout != sk.delackTimeoutJ || sk.delackAtNs == Deadline.NONE) {
            sk.delackTimeoutJ = timeout;
            sk.delackAtNs = j.fireAt(now(), timeout - nowJ);
            tcp.timersChanged(sk);
            if (tcp.tracing()) {
                tcp.traceTimer(sk, "delack", "arm", sk.delackAtNs, "delayed ACK (ATO " + Nanos.toMillis(j.toNs(ato)) + " ms)");
            }
        }
    }

    /** tcp_event_ack_sent(): an ACK left; quick-ack budget and delayed-ACK timer follow. */
    void ackSent(TcpSock sk) {
        if (sk.compressedAck > 0) {
            sk.compressedAck = 0;
            if (sk.compressedAckAtNs != Deadline.NONE) {
                sk.compressedAckAtNs = Deadline.NONE;
                tcp.timersChanged(sk);
            }
        }
        // tcp_dec_quickack_mode(): an ACK that acknowledged new data uses up one quick ACK.
        if (sk.ackQuick > 0) {
            int pkts = (sk.ackPending & TcpSock.ACK_SCHED) != 0 ? 1 : 0;
            if (pkts >= sk.ackQuick) {
                sk.ackQuick = 0;
                sk.atoNs = TcpConstants.TCP_ATO_MIN_NS;
            } else {
                sk.ackQuick -= pkts;
            }
        }
        sk.ackPending = 0;
        if (sk.delackAtNs != Deadline.NONE) {
            long was = sk.delackAtNs;
            sk.delackAtNs = Deadline.NONE;
            tcp.timersChanged(sk);
            tcp.traceTimer(sk, "delack", "cancel", was, "the ACK went out with this segment");
        }
    }

    /**
     * tcp_event_data_sent(): data sent within the ATO of the last arrival counts towards ping-pong mode
     * (inet_csk_inc_pingpong_cnt()), every such packet, not only the first of a reply: Linux 5.1's
     * "first packet after new data" condition was reverted in 6.0 (commit 4d8f24eeedc5).
     */
    void dataSent(TcpSock sk) {
        long nowNs = now();
        sk.lsndtimeNs = nowNs;
        if (jiffies(nowNs) - jiffies(sk.lrcvtimeNs) < tcp.jiffies.count(sk.atoNs)) {
            if (sk.pingpong < 255) {
                sk.pingpong++;
            }
        }
    }

    /**
     * tcp_slow_start_after_idle_check(), run by tcp_skb_entail() when a write starts a new skb: with
     * nothing outstanding and no transmission for longer than the RTO (in jiffies, as lsndtime and
     * icsk_rto are), the window restarts (tcp_slow_start_after_idle).
     */
    void slowStartAfterIdleCheck(TcpSock sk) {
        if (sysctl(SysctlKey.TCP_SLOW_START_AFTER_IDLE) == 0 || sk.packetsOut != 0 || sk.lsndtimeNs == 0) {
            return;
        }
        long delta = jiffies(now()) - jiffies(sk.lsndtimeNs);
        long rtoJ = tcp.jiffies.fromMicros(Nanos.toMicros(sk.rtoNs));
        if (delta > rtoJ) {
            cwndRestart(sk, delta, rtoJ);
        }
    }

    /** tcp_init_cwnd(): the route's initcwnd metric, else TCP_INIT_CWND (RFC 6928). */
    int initCwnd(TcpSock sk) {
        int cwnd = tcp.host.initcwndMetric(sk.remoteAddr);
        return cwnd != 0 ? cwnd : TcpConstants.TCP_INIT_CWND;
    }

    /** tcp_cwnd_restart() (RFC 7661 / RFC 5681 4.1): after idle, cwnd halves per RTO down to the initial window. */
    private void cwndRestart(TcpSock sk, long idleJiffies, long rtoJiffies) {
        int restart = Math.min(initCwnd(sk), sk.sndCwnd);
        TcpCong.caEvent(sk, TcpCongestionOps.CA_EVENT_CWND_RESTART);
        sk.sndSsthresh = TcpCong.currentSsthresh(sk);
        int cwnd = sk.sndCwnd;
        long delta = idleJiffies;
        while ((delta -= rtoJiffies) > 0 && cwnd > restart) {
            cwnd >>= 1;
        }
        sk.sndCwnd = Math.max(cwnd, restart);
        sk.sndCwndStampNs = now();
    }

    /** tcp_cleanup_rbuf(): after a read, ACK if that was owed or the window opened a lot. */
    void cleanupRbuf(TcpSock sk, int copied) {
        if (!sk.state.synchronizedState()) {
            return;
        }
        boolean timeToAck = false;
        if ((sk.ackPending & TcpSock.ACK_SCHED) != 0) {
            int thresh = sysctl(SysctlKey.TCP_PINGPONG_THRESH);
            if ((sk.rcvNxt - sk.rcvWup) > sk.rcvMss
                    || (copied > 0 && ((sk.ackPending & TcpSock.ACK_PUSHED2) != 0
                    || ((sk.ackPending & TcpSock.ACK_PUSHED) != 0 && !sk.inPingpong(thresh)))
                    && sk.rcvQueued() == 0)) {
                timeToAck = true;
            }
        }
        if (copied > 0 && !timeToAck && (sk.shutdown & TcpSock.RCV_SHUTDOWN) == 0) {
            int rcvWindowNow = sk.receiveWindow();
            if (2 * rcvWindowNow <= sk.windowClamp) {
                int newWindow = tcp.output.rawSelectWindow(sk);
                if (newWindow != 0 && newWindow >= 2 * rcvWindowNow) {
                    if (tcp.tracing()) {
                        tcp.output.sendAck(sk, "application read freed buffer: window update (window at least doubled)");
                    } else {
                        tcp.output.sendAck(sk, "window update");
                    }
                    return;
                }
            }
        }
        if (timeToAck) {
            tcp.output.sendAck(sk, "application read the data: the owed ACK goes now (tcp_cleanup_rbuf)");
        }
    }

    // ================================================================ rate limits

    boolean oowRateLimited(TcpSock sk, Segment s, Mib mib) {
        return tcp.oowRateLimited(sk, s, mib);
    }

    boolean oowRateLimited(TcpSock sk, Mib mib) {
        return tcp.oowRateLimited(sk, mib);
    }

    /** The per-host RFC 5961 budget (tcp_challenge_ack_limit per second, randomized in Linux). */
    boolean hostChallengeBudget(int limit) {
        long second = Math.floorDiv(now(), Nanos.PER_SECOND);
        if (second != challengeSecond) {
            challengeSecond = second;
            challengeCount = limit;
        }
        if (challengeCount > 0) {
            challengeCount--;
            return true;
        }
        return false;
    }
}
