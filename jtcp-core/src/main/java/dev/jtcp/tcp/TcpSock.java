package dev.jtcp.tcp;

import dev.jtcp.time.Deadline;
import dev.jtcp.wire.Seq;

import java.util.ArrayDeque;

/**
 * One TCP socket: a full connection, or a socket not yet connected, or a listener. Fields mirror Linux's
 * struct tcp_sock / inet_connection_sock / sock by name (snd_una is {@code sndUna}), so that a reader can
 * hold this class next to include/linux/tcp.h. Behaviour lives in {@link TcpInput}, {@link TcpOutput},
 * {@link TcpTimers} and {@link Tcp}; this class holds state and small derived quantities only.
 */
public final class TcpSock extends Sock {
    // ---------------------------------------------------------------- identity and socket-level state
    /** Socket id on its host (the fd an application sees). */
    final int id;
    TcpState state = TcpState.CLOSE;
    /** SOCK_DEAD: the application has closed the socket; it lives on only to finish the protocol. */
    boolean orphan;
    /** SOCK_DONE: a FIN was received (or the connection ended): reads see end of stream. */
    boolean done;
    /** sk_shutdown bits: RCV_SHUTDOWN = 1, SEND_SHUTDOWN = 2. */
    int shutdown;
    static final int RCV_SHUTDOWN = 1;
    static final int SEND_SHUTDOWN = 2;
    static final int SHUTDOWN_MASK = 3;
    /** sk_err: a hard error reported once by the next call (positive errno), 0 when none. */
    int err;
    /** sk_err_soft. */
    int errSoft;
    /** True while in the connection table (ehash). */
    boolean hashed;
    /** True when the local port was bound by the application (SOCK_BINDPORT_LOCK): kept on CLOSE. */
    boolean bindPortLocked;
    /** True when this socket holds a port in the bind table. */
    boolean portBound;

    // ---------------------------------------------------------------- options set by the application
    boolean reuseAddr;
    boolean keepAliveOn;
    boolean noDelay;
    /** TCP_CORK. */
    boolean cork;
    /** TCP_NAGLE_PUSH in tp->nonagle: set by TCP_NODELAY (and uncorking under it), cleared by the next new skb. */
    boolean naglePush;
    /** tp->recvmsg_inq (TCP_INQ): recvmsg() reports the bytes left to read (TCP_CM_INQ). */
    boolean recvmsgInq;
    /** SOCK_NOSPACE: a write found the send buffer (or TCP_NOTSENT_LOWAT) full; cleared once writable. */
    boolean noSpace;
    /** tp->notsent_lowat (TCP_NOTSENT_LOWAT, unsigned); 0: net.ipv4.tcp_notsent_lowat applies. */
    int notsentLowat;
    boolean oobInline;
    boolean lingerOn;
    int lingerSeconds;
    /** TCP_LINGER2: per-socket tcp_fin_timeout in seconds; 0 means the sysctl, negative means none (RST). */
    int linger2;
    /** TCP_SYNCNT, 0 means the sysctl. */
    int synRetries;
    /** TCP_USER_TIMEOUT in ms, 0 means none. */
    int userTimeoutMs;
    /** TCP_KEEPIDLE/KEEPINTVL/KEEPCNT, 0 means the sysctl. */
    int keepIdleSec;
    int keepIntvlSec;
    int keepCnt;
    /** TCP_MAXSEG set by the application (user_mss), 0 when unset. */
    int userMss;
    /** inet->tos (IP_TOS): the TOS byte of the socket's packets; setsockopt keeps its ECN bits. */
    int tos;
    /** inet->pmtudisc (IP_MTU_DISCOVER): IP_PMTUDISC_DONT .. IP_PMTUDISC_OMIT. */
    int pmtudisc = Tcp.IP_PMTUDISC_WANT;
    /**
     * The socket's cached route (sk_dst_cache): whether there is one, the route generation it was looked
     * up in, and its MTU then. A route change leaves it stale until the next transmission looks it up
     * again (__sk_dst_check()); until then tcp_current_mss() still sees the old MTU.
     */
    boolean dstSet;
    int dstGen;
    int dstMtu;
    /** dst_metric_locked(RTAX_MTU) of the cached route. */
    boolean dstMtuLocked;
    /** icsk_pmtu_cookie: the path MTU mss_cache was last computed from (tcp_sync_mss()). */
    int pmtuCookie;
    /** icsk_mtup (RFC 4821 packetization-layer PMTU discovery): on, the search range, the probe in flight. */
    boolean mtupEnabled;
    int mtupSearchHigh;
    int mtupSearchLow;
    /** The MTU of the probe in flight, 0 when none. */
    int mtupProbeSize;
    /** tcp_jiffies32 of the last search (re)start, for tcp_probe_interval. */
    long mtupProbeTimestampJ;
    /** tp->mtu_probe: the sequence range of the probe in flight. */
    int mtuProbeSeqStart;
    int mtuProbeSeqEnd;
    /** SO_RCVBUF / SO_SNDBUF in bytes (Linux doubles the requested value). */
    int rcvBuf;
    int sndBuf;
    boolean userRcvBuf;
    boolean userSndBuf;
    /** SOCK_ZEROCOPY (SO_ZEROCOPY): send(MSG_ZEROCOPY) reports completions on the error queue. */
    boolean zerocopy;
    /** sk_mark (SO_MARK): kept and returned; jtcp has no policy routing or filter that reads it. */
    int mark;
    /** inet->freebind (IP_FREEBIND): bind() accepts an address that is not (yet) local. */
    boolean freebind;

    // ---------------------------------------------------------------- error queue and MSG_ZEROCOPY
    /** sk_error_queue (lazily created): what recvmsg(MSG_ERRQUEUE) returns, oldest first. */
    ArrayDeque<ErrQueueEntry> errQueue;
    /** sk_tsflags (SO_TIMESTAMPING): SOF_TIMESTAMPING_* bits. */
    int tsflags;
    /** sk_tskey: the sequence number OPT_ID counts byte keys from. */
    int tsKeyBase;
    /** Bytes whose transmission and acknowledgement are to be timestamped, in stream order (lazily created). */
    ArrayDeque<TxTimestamps.Request> txStamps;
    /** sk_zckey: the next MSG_ZEROCOPY notification id. */
    int zcKey;
    /** Zerocopy ranges whose bytes are queued, in stream order (lazily created). */
    ArrayDeque<ZcArg> zcInflight;
    /** The range a blocking send(MSG_ZEROCOPY) holds while it waits for room, or null. */
    ZcArg zcCall;
    /** That blocking send has copied something already: it ends with a completion, not an abort. */
    boolean zcCallCopied;

    // ---------------------------------------------------------------- listener (state LISTEN)
    /** Accept queue: established children waiting for accept() (FIFO, O(1) at both ends). */
    ArrayDeque<TcpSock> acceptQueue;
    /** listen() backlog after the somaxconn cap (sk_max_ack_backlog). */
    int maxAckBacklog;
    /** Half-open requests of this listener (the SYN queue length, reqsk_queue_len). */
    int synQueueLen;
    /** Requests whose SYN-ACK has not yet timed out (reqsk_queue_len_young). */
    int synQueueYoung;
    /** tcp_synq_overflow()'s stamp (rx_opt.ts_recent_stamp of a listener): when cookies were last sent. */
    long lastOverflowJiffies;
    boolean overflowStamped;
    /** The "possible SYN flooding" warning was given (synflood_warned). */
    boolean synfloodWarned;
    /** Neighbours in the host's list of live sockets ({@link SockList}), in creation order. */
    TcpSock prevLive;
    TcpSock nextLive;
    boolean live;

    /** The listener a not-yet-accepted child belongs to. */
    TcpSock parent;

    // ---------------------------------------------------------------- TCP Fast Open (RFC 7413)
    /** Listener: TCP_FASTOPEN's bound on pending TFO requests (fastopenq.max_qlen); 0: no TFO. */
    int fastopenMaxQlen;
    /** Listener: TFO children still in the handshake plus reset ones held back (fastopenq.qlen). */
    int fastopenQlen;
    /** Listener: when each held-back reset TFO request may go, oldest first (fastopenq.rskq_rst_head), jiffies. */
    ArrayDeque<Long> fastopenRstExpiry;
    /** Child: its request until the handshake completes (fastopen_rsk); non-null means a passive TFO socket. */
    RequestSock fastopenRsk;
    /** The data of our SYN (client) or of the peer's SYN (server) was acknowledged (syn_data_acked). */
    boolean synDataAcked;
    /** Created by Fast Open at SYN time (syn_fastopen_child): tcpi_options TCPI_OPT_TFO_CHILD. */
    boolean synFastopenChild;
    /** TCP_FASTOPEN_NO_COOKIE (fastopen_no_cookie). */
    boolean fastopenNoCookie;
    /** TCP_FASTOPEN_CONNECT (fastopen_connect). */
    boolean fastopenConnect;
    /** Client: the Fast Open sendmsg in progress (fastopen_req), null otherwise. */
    TcpFastOpen.Request fastopenReq;
    /** Client: connect() was deferred to the first write (inet DEFER_CONNECT). */
    boolean deferConnect;
    /** Client: the SYN carried the FO option (syn_fastopen), in its experimental form (syn_fastopen_exp). */
    boolean synFastopen;
    boolean synFastopenExp;
    /** Client: the SYN carried data (syn_data). */
    boolean synData;
    /** tcpi_fastopen_client_fail (tfo_client_fail). */
    int fastopenClientFail;
    /** The socket layer has seen the connection made (sock->state SS_CONNECTED rather than SS_CONNECTING). */
    boolean sockConnected;
    /** A writer waits for the connection to finish, data in hand (sk_write_pending). */
    boolean writePending;

    // ---------------------------------------------------------------- sequence space (RFC 9293 3.3.1)
    int iss;
    int irs;
    int sndUna;
    int sndNxt;
    /** Sequence number after the last byte the application has written (plus FIN once queued). */
    int writeSeq;
    int sndWnd;
    int sndWl1;
    int maxWindow;
    /** Urgent pointer: sequence just after the urgent byte (BSD convention). Equal to sndUna when idle. */
    int sndUp;
    int pushedSeq;
    /** Last small segment's end (Minshall's Nagle variant). */
    int sndSml;

    int rcvNxt;
    /** rcv_wup: rcv_nxt when the window was last advertised. */
    int rcvWup;
    /** rcv_wnd: the window last advertised, in bytes. */
    int rcvWnd;
    int rcvSsthresh;
    int windowClamp;
    /** copied_seq: the next sequence number the application will read. */
    int copiedSeq;

    // Receiver-side RTT and receive-buffer auto-tuning (struct tcp_sock's rcv_rtt_est and rcvq_space).
    /** rcv_rtt_est.rtt_us: the receiver's RTT estimate in microseconds, scaled by 8; 0 until measured. */
    long rcvRttUs8;
    /** rcv_rtt_est.seq: the window-based measurement ends when rcv_nxt reaches this. */
    int rcvRttSeq;
    /** rcv_rtt_est.time: when the window-based measurement started (0: not started). */
    long rcvRttTimeNs;
    /** rcv_rtt_last_tsecr: the TS echo the last timestamp-based sample used. */
    int rcvRttLastTsecr;
    /** rcvq_space.space: bytes the application read in the last measured RTT (at least the first window). */
    int rcvqSpace;
    /** rcvq_space.seq: copied_seq at the start of the current measurement. */
    int rcvqSpaceSeq;
    /** rcvq_space.time: when the current measurement started. */
    long rcvqSpaceTimeNs;
    /** urg_data (TCP_URG_VALID | byte, TCP_URG_NOTYET, TCP_URG_READ) and urg_seq. */
    int urgData;
    int urgSeq;

    // ---------------------------------------------------------------- negotiated options (tcp_options_received)
    boolean tstampOk;
    boolean sackOk;
    boolean wscaleOk;
    int sndWscale;
    int rcvWscale;
    /** tp->ecn_flags: RFC 3168 ECN negotiated, and the state of its echo (TCP_ECN_OK, TCP_ECN_QUEUE_CWR, ...). */
    int ecnFlags;
    /** Peer's MSS option (mss_clamp). */
    int mssClamp;
    /** Our advertised MSS. */
    int advMss;
    /** Effective MSS for data we send (mss_cache), timestamps already subtracted. */
    int mssCache;
    int tsRecent;
    long tsRecentStampNs;
    int tsOffset;
    /** Fields of the segment being processed (rx_opt.saw_tstamp, rcv_tsval, rcv_tsecr). */
    boolean sawTstamp;
    int rcvTsval;
    int rcvTsecr;
    /** TCP header length of our segments, options included (tcp_header_len). */
    int tcpHeaderLen;

    // ---------------------------------------------------------------- RTT and RTO (RFC 6298, tcp_rtt_estimator)
    long srttUs;      // smoothed RTT << 3
    long mdevUs;      // mean deviation << 2
    long mdevMaxUs;
    long rttvarUs;
    int rttSeq;
    long minRttUs = Long.MAX_VALUE;
    /** tcp_chrono: which limit the sender is under now (CHRONO_*), since when (jiffies), and the totals. */
    int chronoType;
    long chronoStartJ;
    final long[] chronoStat = new long[3];
    static final int CHRONO_UNSPEC = 0;
    static final int CHRONO_BUSY = 1;
    static final int CHRONO_RWND_LIMITED = 2;
    static final int CHRONO_SNDBUF_LIMITED = 3;
    /** tp->tcp_wstamp_ns: when the last segment of any kind left (no pacing: the time it was sent). */
    long wstampNs;
    /** sk_pacing_rate, bytes per second (~0UL, unlimited, until tcp_update_pacing_rate() first runs). */
    long pacingRate = Long.MAX_VALUE;
    long rtoNs = TcpConstants.TCP_TIMEOUT_INIT_NS;
    int backoff;
    /** icsk_retransmits: consecutive timeouts without progress. */
    int retransmits;
    int totalRetrans;
    /** total_rto: RTO expirations over the connection (drives tcp_syn_linear_timeouts). */
    int totalRto;
    /** retrans_stamp: when the oldest unacknowledged retransmitted data was first sent; 0 when none. */
    long retransStampNs;
    boolean retransStampSet;
    long lsndtimeNs;
    long rcvTstampNs;
    /** icsk_probes_out: unanswered zero-window or keepalive probes. */
    int probesOut;
    long probesTstampNs;

    // ---------------------------------------------------------------- delayed ACK (icsk_ack)
    static final int ACK_SCHED = 1;
    static final int ACK_TIMER = 2;
    static final int ACK_PUSHED = 4;
    static final int ACK_PUSHED2 = 8;
    static final int ACK_NOW = 16;
    int ackPending;
    int ackQuick;
    int pingpong;
    long atoNs;
    long lrcvtimeNs;
    int lastSegSize;
    /** icsk_ack.rcv_mss: estimate of the peer's MSS. */
    int rcvMss;
    long delackAtNs = Deadline.NONE;
    /** icsk_ack.timeout: the jiffy the delayed ACK is due. */
    long delackTimeoutJ;
    /** SACK compression (tcp_comp_sack): ACKs held back and when they go. */
    int compressedAck;
    int compressedAckRcvNxt;
    int dupAckCounter;
    long compressedAckAtNs = Deadline.NONE;

    // ---------------------------------------------------------------- retransmit / probe / keepalive timers
    static final int XMIT_NONE = 0;
    static final int XMIT_RETRANS = 1;
    static final int XMIT_PROBE0 = 3;
    /** ICSK_TIME_REO_TIMEOUT: RACK's reordering timer (tcp_rack_reo_timeout). */
    static final int XMIT_REO_TIMEOUT = 4;
    static final int XMIT_LOSS_PROBE = 5;
    int xmitTimer = XMIT_NONE;
    long xmitAtNs = Deadline.NONE;
    /** icsk_timeout: the nominal expiry of the xmit timer (before timer-wheel rounding). */
    long xmitTimeoutNs = Deadline.NONE;
    /** sk_timer: keepalive, or FIN_WAIT2 for an orphan whose fin timeout exceeds TIME_WAIT's length. */
    static final int SKT_NONE = 0;
    static final int SKT_KEEPALIVE = 1;
    static final int SKT_FIN_WAIT2 = 2;
    int skTimer = SKT_NONE;
    long skTimerAtNs = Deadline.NONE;
    long skTimerTimeoutNs = Deadline.NONE;

    // ---------------------------------------------------------------- congestion control
    int sndCwnd = TcpConstants.TCP_INIT_CWND;
    int sndSsthresh = Integer.MAX_VALUE;   // TCP_INFINITE_SSTHRESH
    int sndCwndCnt;
    long sndCwndStampNs;
    /** ecn_flags bits (include/net/tcp.h): ECN negotiated (RFC 3168 mode). */
    static final int TCP_ECN_OK = 1;
    /** Set CWR on the next new data segment: the window was reduced. */
    static final int TCP_ECN_QUEUE_CWR = 2;
    /** A CE mark arrived: set ECE on every segment until the peer's CWR. */
    static final int TCP_ECN_DEMAND_CWR = 4;
    /** An ECT or CE codepoint was seen on received data. */
    static final int TCP_ECN_SEEN = 8;

    static final int CA_OPEN = 0;
    static final int CA_DISORDER = 1;
    static final int CA_CWR = 2;
    static final int CA_RECOVERY = 3;
    static final int CA_LOSS = 4;
    int caState = CA_OPEN;
    /** icsk_ca_ops with its private state (icsk_ca_priv): this socket's congestion control. */
    TcpCongestionOps ca;
    /** icsk_ca_setsockopt: the application chose the algorithm (TCP_CONGESTION). */
    boolean caSetsockopt;
    /** icsk_ca_initialized. */
    boolean caInitialized;
    int highSeq;
    int priorSsthresh;
    int priorCwnd;
    /** undo_marker: snd_una when the reduction began; 0 (with undoMarkerSet false) when undo is impossible. */
    int undoMarker;
    boolean undoMarkerSet;
    /** undo_retrans: retransmissions not yet proven spurious by D-SACK; -1 means none were outstanding. */
    int undoRetrans;
    int reordering;
    /** reord_seen: reordering events observed (tcp_check_sack_reordering, tcp_check_reno_reordering). */
    int reordSeen;
    int packetsOut;
    /** sacked_out: SACKed segments, or for a peer without SACK the duplicate ACKs (tcp_add_reno_sack). */
    int sackedOut;
    int lostOut;
    int retransOut;
    /** tp->lost: segments ever marked lost (tcp_notify_skb_loss_event). */
    long lost;
    /** PRR (RFC 6937): segments delivered and sent since the reduction began. */
    int prrDelivered;
    int prrOut;
    /** tp->frto: F-RTO (RFC 5682) is probing whether the last RTO was spurious. */
    boolean frto;
    /** is_sack_reneg: the receiver discarded SACKed data; kept until the loss episode ends. */
    boolean isSackReneg;
    /** End of the highest SACKed segment (tcp_highest_sack_seq), valid while sackedOut > 0 with SACK. */
    int highestSackEnd;
    /** RACK (RFC 8985) state, tp->rack: the latest (re)sent delivered segment and the reordering window. */
    long rackMstampNs;
    long rackTxOrder;
    int rackEndSeq;
    /** Transmissions so far: the order of the tsorted queue, which virtual time alone cannot give. */
    long txCounter;
    long rackRttUs;
    boolean rackAdvanced;
    int rackReoWndSteps = 1;
    int rackReoWndPersist;
    boolean rackDsackSeen;
    long rackLastDelivered;
    /** tcp_cwnd_validate() state: was the window the limit, how much was in flight, until when. */
    boolean isCwndLimited;
    int maxPacketsOut;
    int cwndUsageSeq;
    boolean tlpPending;
    int tlpHighSeq;
    /** tlp_retrans: the pending probe was a retransmission (not new data). */
    boolean tlpRetrans;
    long bytesAcked;
    long bytesReceived;
    long bytesSent;
    long bytesRetrans;
    int segsIn;
    int segsOut;
    int dataSegsIn;
    int dataSegsOut;
    long deliveredSegs;
    /** tp->delivered_ce: segments delivered by ACKs that carried ECE. */
    long deliveredCe;

    // ---------------------------------------------------------------- send side buffers
    /** Bytes from snd_una to write_seq (payload only; SYN and FIN take no space). */
    final ByteRing sendBuf;
    /** Stream position of sndUna's first payload byte in sendBuf. */
    long sndUnaPos;
    /** Sent, unacknowledged segments in sequence order (Linux's tcp_rtx_queue). */
    final ArrayDeque<TxSegment> rtxQueue = new ArrayDeque<>(4);
    /** Data written but not sent yet, as Linux's write-queue skbs (the head starts at sndNxt). */
    final ArrayDeque<WriteSkb> writeQueue = new ArrayDeque<>(2);
    /** A FIN is queued at writeSeq - 1. */
    boolean finQueued;
    /**
     * sk_wmem_queued: the truesize of the skbs of the write and retransmit queues (each
     * {@link TcpConstants#SKB_TX_HEAD_TRUESIZE} plus its payload), what SO_SNDBUF limits.
     */
    int wmemQueued;

    // ---------------------------------------------------------------- receive side buffers
    final RecvQueue recvBuf;
    /** Stream position of copiedSeq in recvBuf. */
    long copiedPos;
    /** Out-of-order segments, sorted by sequence, non-overlapping. */
    final ArrayDeque<OfoSegment> ofoQueue = new ArrayDeque<>(1);
    /** Received SACK state we advertise (tp->selective_acks, duplicate_sack). */
    final int[] sackStart = new int[4];
    final int[] sackEnd = new int[4];
    int numSacks;
    /** D-SACKed duplicate segments seen (tp->dsack_dups). */
    int dsackDups;
    boolean dsack;
    int dsackStart;
    int dsackEnd;


    /** inet_id: the IP ID of this socket's next packet (random start, set at connect or accept). */
    int inetId;

    int nextIpId() {
        int v = inetId & 0xffff;
        inetId++;
        return v;
    }

    TcpSock(int id, int sndBufInitial, int rcvBufInitial) {
        this.id = id;
        this.sndBuf = sndBufInitial;
        this.rcvBuf = rcvBufInitial;
        this.sendBuf = new ByteRing();
        this.recvBuf = new RecvQueue();
    }

    public int id() {
        return id;
    }

    /** An application's own object for this socket (as a selection key's attachment); jtcp never reads it. */
    private Object attachment;

    public Object attachment() {
        return attachment;
    }

    public void attach(Object o) {
        this.attachment = o;
    }

    @Override
    public TcpState state() {
        return state;
    }

    @Override
    long nextTimerNs() {
        long d = Math.min(xmitAtNs, delackAtNs);
        d = Math.min(d, skTimerAtNs);
        return Math.min(d, compressedAckAtNs);
    }

    // ---------------------------------------------------------------- derived quantities

    /** tcp_receive_window(): what remains of the window last advertised. */
    int receiveWindow() {
        int win = rcvWup + rcvWnd - rcvNxt;
        return Math.max(win, 0);
    }

    /** tcp_wnd_end(): right edge of the peer's window. */
    int wndEnd() {
        return sndUna + sndWnd;
    }

    /** The peer's FIN has been received in order (it occupies rcv_nxt - 1). */
    boolean finReceived;
    /** A read has moved copied_seq past the FIN (tcp_recvmsg's found_fin_ok). */
    boolean finConsumed;

    /** Sequence number after the last in-order data byte (a received FIN excluded). */
    int rcvDataEnd() {
        return finReceived ? rcvNxt - 1 : rcvNxt;
    }

    /** Bytes the application has not read yet (in order). */
    int readable() {
        return rcvDataEnd() - copiedSeq;
    }

    /** Payload bytes held in the receive queues (in order plus out of order). */
    int rcvQueued() {
        int n = recvBuf.size();
        for (OfoSegment o : ofoQueue) {
            n += o.data.length;
        }
        return n;
    }

    /** sk_wmem_queued: send-queue memory in truesize (written, not yet acknowledged). */
    int sndQueued() {
        return wmemQueued;
    }

    /** tcp_min_rtt(): the windowed minimum RTT in microseconds, ~0U (as an unsigned 32-bit value) before a sample. */
    long minRtt() {
        return minRttUs == Long.MAX_VALUE ? 0xffffffffL : minRttUs;
    }

    /** tcp_packets_in_flight(): packets_out - left_out + retrans_out. */
    int packetsInFlight() {
        return packetsOut - (sackedOut + lostOut) + retransOut;
    }

    /** Sequence number of the first byte that has not been sent. */
    boolean hasUnsent() {
        return Seq.lt(sndNxt, writeSeq);
    }

    /** Stream position (in sendBuf) of a send-side sequence number. */
    long sndPos(int seq) {
        return sndUnaPos + Seq.diff(seq, sndUna);
    }

    /** The last byte of payload + 1 (excludes a queued FIN). */
    int dataEnd() {
        return finQueued ? writeSeq - 1 : writeSeq;
    }

    boolean inPingpong(int thresh) {
        return pingpong >= thresh;
    }

    /** tcp_urg_mode(): urgent data not yet acknowledged. */
    boolean urgMode() {
        return sndUp != sndUna;
    }

    /** One out-of-order segment held by the receiver. */
    static final class OfoSegment {
        int seq;
        byte[] data;
        boolean fin;

        OfoSegment(int seq, byte[] data, boolean fin) {
            this.seq = seq;
            this.data = data;
            this.fin = fin;
        }

        int end() {
            return seq + data.length + (fin ? 1 : 0);
        }
    }
}
