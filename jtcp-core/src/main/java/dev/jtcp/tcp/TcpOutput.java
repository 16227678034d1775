package dev.jtcp.tcp;

import dev.jtcp.sys.Errno;
import dev.jtcp.sys.Mib;
import dev.jtcp.sys.SysctlKey;
import dev.jtcp.time.Nanos;
import dev.jtcp.wire.Ipv4Header;
import dev.jtcp.wire.SackBlock;
import dev.jtcp.wire.Seq;
import dev.jtcp.wire.TcpFlags;
import dev.jtcp.wire.TcpHeader;
import dev.jtcp.wire.TcpOptions;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Building and sending segments (net/ipv4/tcp_output.c): the SYN, data under Nagle, the receive and
 * congestion windows, pure ACKs, FIN, RST, retransmissions, probes, and the window we offer.
 */
final class TcpOutput {
    private final Tcp tcp;
    /** The header of the segment being built, and its usual options: refilled for every segment. */
    private final TcpHeader txHeader = TcpHeader.reusable();
    private final TcpOptions txOptions = TcpOptions.reusable();
    /**
     * Acknowledged retransmission-queue entries, reused for new data (Linux's skb cache), up to a full
     * tcp_wmem[2] window of 1448-byte segments (4 MiB: under 3,000 entries), with room to spare.
     */
    private final java.util.ArrayDeque<TxSegment> freeTxSegments = new java.util.ArrayDeque<>();
    private static final int FREE_TX_SEGMENTS_MAX = 8192;
    /** Write-queue skbs sent whole, reused for the next writes. */
    private final java.util.ArrayDeque<WriteSkb> freeWriteSkbs = new java.util.ArrayDeque<>();

    TcpOutput(Tcp tcp) {
        this.tcp = tcp;
    }

    private int sysctl(SysctlKey k) {
        return tcp.sysctl.get(k);
    }

    // ================================================================ MSS and windows

    /** tcp_mtu_to_mss(): the MSS for data we send on a path of this MTU, timestamps subtracted. */
    int mtuToMss(TcpSock sk, int pmtu) {
        int mss = pmtu - TcpConstants.IPV4_HEADER_LEN - TcpConstants.TCP_HEADER_LEN;
        if (mss > sk.mssClamp) {
            mss = sk.mssClamp;
        }
        mss = Math.max(mss, sysctl(SysctlKey.TCP_MIN_SND_MSS));
        return mss - (sk.tcpHeaderLen - TcpConstants.TCP_HEADER_LEN);
    }

    /** tcp_mss_to_mtu(): the inverse of {@link #mtuToMss}. */
    int mssToMtu(TcpSock sk, int mss) {
        return mss + sk.tcpHeaderLen + TcpConstants.IPV4_HEADER_LEN;
    }

    /** tcp_sync_mss() with the path MTU mss_cache was last computed from (icsk_pmtu_cookie). */
    void syncMss(TcpSock sk) {
        syncMss(sk, sk.pmtuCookie);
    }

    /**
     * tcp_sync_mss(): recompute mss_cache from a path MTU and the peer's clamp, bounded to half the largest
     * window; while MTU probing (RFC 4821) the MSS stays at the search floor, and the search's ceiling
     * never exceeds the path MTU.
     */
    int syncMss(TcpSock sk, int pmtu) {
        if (sk.mtupSearchHigh > pmtu) {
            sk.mtupSearchHigh = pmtu;
        }
        int mss = boundToHalfWnd(sk, mtuToMss(sk, pmtu));
        sk.pmtuCookie = pmtu;
        if (sk.mtupEnabled) {
            mss = Math.min(mss, mtuToMss(sk, sk.mtupSearchLow));
        }
        sk.mssCache = mss;
        return mss;
    }

    /**
     * __sk_dst_check() in ip_queue_xmit(): a socket without a route, or whose route went stale with a
     * route change (rt_genid), looks it up again; the MTU is then the new route's.
     */
    void dstCheck(TcpSock sk) {
        int gen = tcp.host.routeGeneration();
        if (!sk.dstSet || sk.dstGen != gen) {
            sk.dstSet = true;
            sk.dstGen = gen;
            sk.dstMtu = tcp.host.mtuTo(sk.remoteAddr);
            sk.dstMtuLocked = tcp.host.mtuLocked(sk.remoteAddr);   // changes only with the route (a new generation)
        }
    }

    /**
     * dst_mtu(__sk_dst_get()): the MTU of the socket's cached route, 0 without one. A current route follows
     * the path MTU it learns (and forgets); a stale one keeps the MTU it had until the next transmission.
     */
    int dstMtu(TcpSock sk) {
        if (!sk.dstSet) {
            return 0;
        }
        if (sk.dstGen == tcp.host.routeGeneration()) {
            sk.dstMtu = tcp.host.mtuTo(sk.remoteAddr);
        }
        return sk.dstMtu;
    }

    /** ip_dont_fragment(): DF under IP_PMTUDISC_DO, and under IP_PMTUDISC_WANT unless the route's MTU is locked. */
    boolean dontFragment(TcpSock sk) {
        return sk.pmtudisc == Tcp.IP_PMTUDISC_DO || (sk.pmtudisc == Tcp.IP_PMTUDISC_WANT && !sk.dstMtuLocked);
    }

    /** ip_dont_fragment() for a socket with this IP_MTU_DISCOVER mode sending to remoteAddr. */
    boolean dontFragment(int pmtudisc, int remoteAddr) {
        return pmtudisc == Tcp.IP_PMTUDISC_DO || (pmtudisc == Tcp.IP_PMTUDISC_WANT && !tcp.host.mtuLocked(remoteAddr));
    }

    /**
     * tcp_mtup_init(): MTU probing (RFC 4821) is on from the start with tcp_mtu_probing=2; the search runs
     * from tcp_base_mss up to the peer's MSS.
     */
    void mtupInit(TcpSock sk) {
        sk.mtupEnabled = sysctl(SysctlKey.TCP_MTU_PROBING) > 1;
        sk.mtupSearchHigh = sk.mssClamp + TcpConstants.TCP_HEADER_LEN + TcpConstants.IPV4_HEADER_LEN;
        sk.mtupSearchLow = mssToMtu(sk, sysctl(SysctlKey.TCP_BASE_MSS));
        sk.mtupProbeSize = 0;
        if (sk.mtupEnabled) {
            sk.mtupProbeTimestampJ = tcp.jiffies.at(tcp.now());
        }
    }

    /** tcp_bound_to_half_wnd(): never send segments larger than half the largest window seen. */
    private int boundToHalfWnd(TcpSock sk, int pktsize) {
        int cutoff = sk.maxWindow > TcpConstants.TCP_MSS_DEFAULT ? sk.maxWindow >>> 1 : sk.maxWindow;
        if (cutoff != 0 && pktsize > cutoff) {
            return Math.max(cutoff, 68 - sk.tcpHeaderLen);
        }
        return pktsize;
    }

    /** tcp_current_mss(): mss_cache less any option bytes beyond the usual (SACK blocks). */
    int currentMss(TcpSock sk) {
        int mss = sk.mssCache;
        int mtu = dstMtu(sk);
        if (mtu != 0 && mtu != sk.pmtuCookie) {
            mss = syncMss(sk, mtu);   // the route's MTU changed (a new route, a path MTU learned or expired)
        }
        int headerLen = TcpConstants.TCP_HEADER_LEN + establishedOptionsSize(sk);
        if (headerLen != sk.tcpHeaderLen) {
            mss -= headerLen - sk.tcpHeaderLen;
        }
        return mss;
    }

    /** dst_metric_advmss(): the MSS we advertise: the route's advmss, else from the device MTU. */
    int advertisedMss(TcpSock sk, int remoteAddr) {
        // ipv4_default_advmss(): MTU minus headers, but never above IPV4_MAX_PMTU (65535) minus headers
        // (65495 on a 65536-byte loopback).
        int metric = tcp.host.advmssMetric(remoteAddr);
        int mss = metric != 0 ? metric
                : Math.min(tcp.host.mtuTo(remoteAddr), 65535) - TcpConstants.IPV4_HEADER_LEN - TcpConstants.TCP_HEADER_LEN;
        if (sk != null && sk.userMss != 0 && sk.userMss < mss) {
            mss = sk.userMss;   // tcp_mss_clamp()
        }
        return mss;
    }

    /**
     * tcp_win_from_space(): how much of a buffer can be offered as window. Linux scales by the observed
     * payload/truesize ratio (default 50%); jtcp charges payload only, so it uses the default ratio.
     */
    static int winFromSpace(int space) {
        return space >> 1;
    }

    /** tcp_space_from_win(): the buffer that offers this window (the inverse of {@link #winFromSpace}). */
    static long spaceFromWin(long win) {
        return win << 1;
    }

    /** tcp_full_space(). */
    int fullSpace(TcpSock sk) {
        return winFromSpace(sk.rcvBuf);
    }

    /** tcp_space(): free receive space, as window. Buffered payload is charged twice (Linux's truesize). */
    int space(TcpSock sk) {
        return winFromSpace(sk.rcvBuf - 2 * sk.rcvQueued());
    }

    /**
     * tcp_select_initial_window(): the first window (a multiple of the MSS) and the window-scale shift
     * (large enough for the biggest buffer the socket may grow to, tcp_rmem[2]).
     * Returns {rcvWnd, windowClamp, rcvWscale}.
     */
    int[] selectInitialWindow(int space, int mss, int windowClampIn, boolean wscaleOk) {
        long windowClamp = windowClampIn == 0 ? (65535L << TcpConstants.TCP_MAX_WSCALE) : windowClampIn;
        long sp = Math.min(windowClamp, Math.max(space, 0));
        if (sp > mss) {
            sp = (sp / mss) * mss;
        }
        long rcvWnd = sysctl(SysctlKey.TCP_WORKAROUND_SIGNED_WINDOWS) != 0 ? Math.min(sp, TcpConstants.MAX_TCP_WINDOW) : sp;
        int rcvWscale = 0;
        if (wscaleOk) {
            long s = Math.max(sp, tcp.sysctl.get(SysctlKey.TCP_RMEM, 2));
            s = Math.max(s, sysctl(SysctlKey.CORE_RMEM_MAX));
            s = Math.min(s, windowClamp);
            int ilog2 = 63 - Long.numberOfLeadingZeros(Math.max(1, s));
            rcvWscale = Math.max(0, Math.min(ilog2 - 15, TcpConstants.TCP_MAX_WSCALE));
        }
        windowClamp = Math.min(65535L << rcvWscale, windowClamp);
        return new int[] {(int) rcvWnd, (int) Math.min(windowClamp, Integer.MAX_VALUE), rcvWscale};
    }

    /** __tcp_select_window(): the window we would offer now, before the never-shrink rule. */
    int rawSelectWindow(TcpSock sk) {
        int mss = sk.rcvMss;
        int freeSpace = space(sk);
        int allowedSpace = fullSpace(sk);
        int fullSpace = Math.min(sk.windowClamp, allowedSpace);
        if (mss > fullSpace) {
            mss = fullSpace;
            if (mss <= 0) {
                return 0;
            }
        }
        if (sysctl(SysctlKey.TCP_SHRINK_WINDOW) == 0 || sk.rcvWscale == 0) {
            if (freeSpace < (fullSpace >> 1)) {
                sk.ackQuick = 0;
                freeSpace = freeSpace & ~((1 << sk.rcvWscale) - 1);   // round_down to the scale unit
                // Announce a zero window early rather than accept data we cannot hold.
                if (freeSpace < (allowedSpace >> 4) || freeSpace < mss) {
                    return 0;
                }
            }
        }
        if (freeSpace > sk.rcvSsthresh) {
            freeSpace = sk.rcvSsthresh;
        }
        int window;
        if (sk.rcvWscale != 0) {
            int unit = 1 << sk.rcvWscale;
            window = (freeSpace + unit - 1) & ~(unit - 1);   // ALIGN: never scaled away to zero
        } else {
            window = sk.rcvWnd;
            if (window <= freeSpace - mss || window > freeSpace) {
                window = (freeSpace / mss) * mss;
            } else if (mss == fullSpace && freeSpace > window + (fullSpace >> 1)) {
                window = freeSpace;
            }
        }
        return window;
    }

    /** tcp_select_window(): the window field of an outgoing segment; updates rcv_wnd and rcv_wup. */
    int selectWindow(TcpSock sk) {
        int oldWin = sk.rcvWnd;
        int curWin = sk.receiveWindow();
        int newWin = rawSelectWindow(sk);
        if (newWin < curWin) {
            if (sysctl(SysctlKey.TCP_SHRINK_WINDOW) == 0 || sk.rcvWscale == 0) {
                // RFC 7323 2.4: never shrink the offered window.
                if (newWin == 0) {
                    tcp.mib.inc(Mib.TcpExtTCPWantZeroWindowAdv);
                }
                int unit = 1 << sk.rcvWscale;
                newWin = (curWin + unit - 1) & ~(unit - 1);
            }
        }
        sk.rcvWnd = newWin;
        sk.rcvWup = sk.rcvNxt;
        long limit = (sk.rcvWscale == 0 && sysctl(SysctlKey.TCP_WORKAROUND_SIGNED_WINDOWS) != 0)
                ? TcpConstants.MAX_TCP_WINDOW : (65535L << sk.rcvWscale);
        int w = (int) Math.min(Integer.toUnsignedLong(newWin), limit) >>> sk.rcvWscale;
        if (w == 0) {
            if (oldWin != 0) {
                tcp.mib.inc(Mib.TcpExtTCPToZeroWindowAdv);
            }
        } else if (oldWin == 0) {
            tcp.mib.inc(Mib.TcpExtTCPFromZeroWindowAdv);
        }
        return w;
    }

    // ================================================================ options

    /**
     * tcp_established_options(): timestamps, then SACK blocks (a D-SACK first). Without SACK blocks the
     * result is this output path's reusable list, valid until the next segment is built.
     */
    /**
     * tcp_established_options()'s size without building the options: the aligned timestamp, then as many
     * SACK blocks (D-SACK first) as fit the 40 bytes, each 8 after a 4-byte base (two NOPs, kind, length).
     */
    private static int establishedOptionsSize(TcpSock sk) {
        int size = sk.tstampOk ? TcpConstants.TCPOLEN_TSTAMP_ALIGNED : 0;
        int eff = sk.numSacks + (sk.dsack ? 1 : 0);
        if (eff > 0 && sk.sackOk) {
            int blocks = Math.min(eff, (TcpOptions.MAX_LENGTH - size - TCPOLEN_SACK_BASE_ALIGNED) / TCPOLEN_SACK_PERBLOCK);
            size += TCPOLEN_SACK_BASE_ALIGNED + blocks * TCPOLEN_SACK_PERBLOCK;
        }
        return size;
    }

    private static final int TCPOLEN_SACK_BASE_ALIGNED = 4;
    private static final int TCPOLEN_SACK_PERBLOCK = 8;

    TcpOptions establishedOptions(TcpSock sk) {
        List<SackBlock> sacks = List.of();
        int eff = sk.numSacks + (sk.dsack ? 1 : 0);
        if (eff > 0 && sk.sackOk) {
            int max = sk.tstampOk ? 3 : 4;
            List<SackBlock> l = new ArrayList<>(Math.min(eff, max));
            if (sk.dsack) {
                l.add(new SackBlock(sk.dsackStart, sk.dsackEnd));
            }
            for (int i = 0; i < sk.numSacks && l.size() < max; i++) {
                l.add(new SackBlock(sk.sackStart[i], sk.sackEnd[i]));
            }
            sacks = l;
        }
        if (!sk.tstampOk && sacks.isEmpty()) {
            return TcpOptions.NONE;
        }
        if (sacks.isEmpty()) {
            return txOptions.setNopNopTimestamps(tcp.tsNow(sk.tsOffset), sk.tsRecent);
        }
        return TcpOptions.dataLinux(sk.tstampOk, tcp.tsNow(sk.tsOffset), sk.tsRecent, sacks);
    }

    // ================================================================ the one transmit path

    /**
     * __tcp_transmit_skb(): build the header (options, window, urgent pointer), hand the packet to IP, and
     * do the bookkeeping that follows any transmission (ACK sent, data sent, counters). Returns 0, or
     * {@link TcpHost#NET_XMIT_DROP} when the device's queue dropped the packet: the socket then enters CWR
     * (the local congestion is congestion), and the caller treats the segment as not sent.
     */
    int transmit(TcpSock sk, int seq, int flags, long payloadPos, int len, boolean retransmit, String why) {
        return transmit(sk, seq, flags, payloadPos, len, 0, retransmit, why);
    }

    /**
     * As above; gsoSize &gt; 0 hands the device one TSO packet of ceil(len / gsoSize) segments
     * (sk_can_gso()), counted as that many segments, as tcp_skb_pcount() is.
     */
    private int transmit(TcpSock sk, int seq, int flags, long payloadPos, int len, int gsoSize, boolean retransmit, String why) {
        TcpOptions opts;
        int window;
        if ((flags & TcpFlags.SYN) != 0) {
            boolean ts = sysctl(SysctlKey.TCP_TIMESTAMPS) != 0;
            boolean sack = sysctl(SysctlKey.TCP_SACK) != 0;
            boolean ws = sysctl(SysctlKey.TCP_WINDOW_SCALING) != 0;
            // tcp_syn_options(): tcp_advertise_mss(), the route's MSS before any timestamp adjustment.
            opts = TcpOptions.synLinux(advertisedMss(sk, sk.remoteAddr), sack, ts, tcp.tsNow(sk.tsOffset), sk.tsRecent, ws ? sk.rcvWscale : -1);
            TcpFastOpen.Request fo = sk.fastopenReq;
            if (fo != null && fo.cookie.len >= 0 && sk.state == TcpState.SYN_SENT) {
                // tcp_syn_options(): the FO option goes last, when it fits.
                TcpOptions withFo = TcpFastOpen.append(opts, fo.cookie);
                if (withFo != opts) {
                    opts = withFo;
                    sk.synFastopen = true;
                    sk.synFastopenExp = fo.cookie.exp;
                }
            }
            // RFC 7323 2.2: the window in a SYN is never scaled.
            window = Math.min(sk.rcvWnd, 65535);
        } else {
            opts = establishedOptions(sk);
            window = selectWindow(sk);
        }
        if (!opts.sackBlocks().isEmpty()) {
            sk.dsack = false;   // tcp_options_write(): a D-SACK is reported once
        }
        int urg = 0;
        if (sk.urgMode() && Seq.lt(seq, sk.sndUp)) {
            if (Seq.lt(sk.sndUp, seq + 0x10000)) {
                urg = sk.sndUp - seq;
                flags |= TcpFlags.URG;
            } else if (Seq.gt(seq + 0xffff, sk.sndNxt)) {
                urg = 0xffff;
                flags |= TcpFlags.URG;
            }
        }
        int tos = 0;
        if ((flags & TcpFlags.SYN) == 0 && (sk.ecnFlags & TcpSock.TCP_ECN_OK) != 0) {
            // tcp_ecn_send(): new data is ECN-capable (ECT(0)) and carries a queued CWR; pure ACKs and
            // retransmissions are Not-ECT. ECE echoes a CE mark on every segment until the peer's CWR.
            if (len > 0 && !Seq.lt(seq, sk.sndNxt)) {
                tos = Ipv4Header.ECN_ECT_0;
                if ((sk.ecnFlags & TcpSock.TCP_ECN_QUEUE_CWR) != 0) {
                    sk.ecnFlags &= ~TcpSock.TCP_ECN_QUEUE_CWR;
                    flags |= TcpFlags.CWR;   // on the first segment of a TSO packet only, as tcp_gso_segment() leaves it
                }
            }
            if ((sk.ecnFlags & TcpSock.TCP_ECN_DEMAND_CWR) != 0) {
                flags |= TcpFlags.ECE;
            }
        }
        int ack = (flags & TcpFlags.ACK) != 0 ? sk.rcvNxt : 0;
        TcpHeader h = txHeader.set(sk.localPort, sk.remotePort, seq, ack, flags, window, urg, opts);
        // tcp_sendmsg() copies into the skb once; here the one copy goes from the send queue straight into
        // the packet, behind the room for its headers.
        int headers = TcpConstants.IPV4_HEADER_LEN + h.headerLength();
        byte[] packet = tcp.host.allocPacket(headers + len);
        if (len > 0) {
            sk.sendBuf.copy(payloadPos, packet, headers, len);
        }
        dstCheck(sk);
        // ip_queue_xmit(): the socket's TOS (IP_TOS) with the ECN field tcp_ecn_send() chose.
        int ipTos = (sk.tos & ~Ipv4Header.ECN_MASK) | tos;
        boolean df = dontFragment(sk);
        int pcount = 1;
        int err;
        if (gsoSize > 0) {
            // ip_select_ident_segs(): the segments the device cuts take consecutive IDs.
            pcount = pcount(len, gsoSize);
            int ipId = sk.nextIpId();
            sk.inetId += pcount - 1;
            err = tcp.host.ipOutputGso(sk.localAddr, sk.remoteAddr, ipId, ipTos, df, h, packet, headers, len, gsoSize, why);
        } else {
            err = tcp.host.ipQueueXmit(sk.localAddr, sk.remoteAddr, sk.nextIpId(), ipTos, df, h, packet, len, why);
        }
        if (err == 0 && len > 0 && sk.txStamps != null) {
            TxTimestamps.sent(tcp, sk, seq, len);   // a packet the local queue dropped is not stamped
        }
        tcp.traceInfo(sk, "transmit");
        sk.wstampNs = Math.max(sk.wstampNs, tcp.now());
        sk.segsOut += pcount;
        int seqLen = len + ((flags & TcpFlags.SYN) != 0 ? 1 : 0) + ((flags & TcpFlags.FIN) != 0 ? 1 : 0);
        if (!retransmit || seqLen == 0) {
            tcp.mib.add(Mib.TcpOutSegs, pcount);
        }
        if ((flags & TcpFlags.ACK) != 0) {
            tcp.input.ackSent(sk);
        }
        if (len > 0) {
            tcp.input.dataSent(sk);
            sk.dataSegsOut += pcount;
            sk.bytesSent += len;
        }
        if (err > 0) {
            tcp.input.enterCwr(sk);   // __tcp_transmit_skb(): a local drop (NET_XMIT_DROP) is a congestion signal
        }
        return err;
    }

    // ================================================================ connection establishment

    /** tcp_ecn_send_syn(): with tcp_ecn=1 the SYN asks for ECN with ECE and CWR; returns those flags. */
    private int ecnSendSyn(TcpSock sk) {
        if (sysctl(SysctlKey.TCP_ECN) == 1) {
            sk.ecnFlags = TcpSock.TCP_ECN_OK;
            return TcpFlags.ECE | TcpFlags.CWR;
        }
        sk.ecnFlags = 0;
        return 0;
    }

    /** tcp_connect_init() + tcp_connect(): set up the sequence space and windows, send the SYN. */
    void connect(TcpSock sk) {
        tcp.input.resetConnectionState(sk);
        sk.tcpHeaderLen = TcpConstants.TCP_HEADER_LEN
                + (sysctl(SysctlKey.TCP_TIMESTAMPS) != 0 ? TcpConstants.TCPOLEN_TSTAMP_ALIGNED : 0);
        sk.mssClamp = sk.userMss != 0 ? sk.userMss : TcpConstants.TCP_MSS_DEFAULT;
        sk.maxWindow = 0;
        dstCheck(sk);   // ip_route_connect(): the socket's route
        mtupInit(sk);
        syncMss(sk, sk.dstMtu);
        sk.advMss = advertisedMss(sk, sk.remoteAddr);
        int space = fullSpace(sk);
        int clamp = sk.userRcvBuf ? space : 0;
        int[] w = selectInitialWindow(space, sk.advMss, clamp, sysctl(SysctlKey.TCP_WINDOW_SCALING) != 0);
        sk.rcvWnd = w[0];
        sk.windowClamp = w[1];
        sk.rcvWscale = w[2];
        sk.rcvSsthresh = sk.rcvWnd;
        sk.sndWnd = 0;
        sk.sndWl1 = 0;
        writeQueuePurge(sk);
        sk.writeSeq = sk.iss;
        sk.sndUna = sk.iss;
        sk.sndSml = sk.iss;
        sk.sndUp = sk.iss;
        sk.sndNxt = sk.iss;
        sk.sndUnaPos = 0;
        sk.sendBuf.resetAt(0);
        sk.rcvNxt = 0;
        sk.rcvWup = 0;
        sk.copiedSeq = 0;
        sk.rtoNs = TcpConstants.TCP_TIMEOUT_INIT_NS;
        sk.retransmits = 0;
        tcp.input.initializeRcvMss(sk);
        // The SYN occupies one sequence number and sits in the retransmission queue like data.
        TxSegment syn = allocTxSegment();
        syn.start = sk.iss;
        syn.end = sk.iss + 1;
        syn.tcpFlags = TcpFlags.SYN | ecnSendSyn(sk);
        long now = tcp.now();
        syn.firstTxNs = now;
        syn.lastTxNs = now;
        sk.writeSeq = sk.iss + 1;
        sk.retransStampNs = now;
        sk.retransStampSet = true;
        sk.rtxQueue.addLast(syn);
        sk.packetsOut = 1;
        sk.sendBuf.resetAt(0);
        sk.sndUnaPos = -1;   // the SYN has no payload position; data starts at 0 once iss+1 is acked
        sk.synFastopen = false;
        sk.synFastopenExp = false;
        sk.synData = false;
        sk.synDataAcked = false;
        if (sk.fastopenReq != null) {
            sendSynData(sk, syn.tcpFlags);
        } else {
            transmit(sk, sk.iss, syn.tcpFlags, 0, 0, false, "tcp_connect: active open, SYN with our options"
                    + ((syn.tcpFlags & TcpFlags.ECE) != 0 ? "; ECE and CWR request ECN (tcp_ecn=1)" : ""));
        }
        sk.sndNxt = sk.writeSeq;
        sk.pushedSeq = sk.writeSeq;
        tcp.mib.inc(Mib.TcpActiveOpens);
        tcp.timers.resetXmitTimer(sk, TcpSock.XMIT_RETRANS, sk.rtoNs, "RFC 6298 2.1: SYN sent, initial RTO");
    }

    /**
     * tcp_send_syn_data(): with a cookie for the destination (or none needed), the SYN carries as much of
     * the Fast Open request's data as fits one segment of the cached MSS minus 40 bytes of option room; the
     * data then waits in the retransmission queue as an ordinary segment after the SYN, which alone is
     * retransmitted on timeout. Without a cookie the SYN asks for one (an empty FO option).
     */
    private void sendSynData(TcpSock sk, int synFlags) {
        TcpFastOpen.Request fo = sk.fastopenReq;
        int[] mss = {sk.advMss};
        if (tcp.fastopen.cookieCheck(sk, mss, fo.cookie)) {
            sk.mssClamp = sk.userMss != 0 ? Math.min(sk.userMss, mss[0]) : mss[0];   // tcp_mss_clamp()
            syncMss(sk);
            int pmtu = tcp.host.mtuTo(sk.remoteAddr);
            int space = mtuToMss(sk, pmtu) + (sk.tcpHeaderLen - TcpConstants.TCP_HEADER_LEN) - TcpOptions.MAX_LENGTH;
            space = Math.max(0, Math.min(space, fo.size));
            if (space > 0) {
                sk.sendBuf.append(fo.data, fo.off, space);
                chronoStart(sk, TcpSock.CHRONO_BUSY);
            }
            fo.copied = space;
            sk.writeSeq = sk.iss + 1 + space;
            if (space > 0 && fo.uarg != null) {
                // skb_zcopy_set(syn_data, fo->uarg): the copied SYN data holds the call's MSG_ZEROCOPY range, which
                // completes (SO_EE_CODE_ZEROCOPY_COPIED) once the data is acknowledged
                fo.uarg.endSeq = sk.writeSeq;
                MsgZerocopy.attachRange(sk, fo.uarg);
            }
            transmit(sk, sk.iss, synFlags, 0, space, false, tcp.tracing() ? "tcp_send_syn_data: TCP Fast Open, "
                    + space + " bytes in the SYN" + (fo.cookie.len > 0 ? " with the cached cookie" : " without a cookie") : null);
            if (space > 0) {
                // The data is now an ordinary segment behind the SYN (seq + 1, ACK|PSH).
                TxSegment data = allocTxSegment();
                data.start = sk.iss + 1;
                data.end = sk.writeSeq;
                data.tcpFlags = TcpFlags.PSH;
                data.skbEnd = true;
                // tcp_send_syn_data(): the data is an skb of its own, charged as any write-queue skb
                sk.wmemQueued += TcpConstants.SKB_TX_HEAD_TRUESIZE + space;
                long now = tcp.now();
                data.firstTxNs = now;
                data.lastTxNs = now;
                data.txDelivered = sk.deliveredSegs;
                data.txOrder = ++sk.txCounter;
                sk.rtxQueue.addLast(data);
                sk.packetsOut++;
                sk.synData = true;
                tcp.mib.inc(Mib.TcpExtTCPOrigDataSent);
            }
        } else {
            if (fo.cookie.len > 0) {
                fo.cookie.len = 0;
            }
            transmit(sk, sk.iss, synFlags, 0, 0, false, "tcp_send_syn_data: no cookie for this destination yet,"
                    + " the SYN asks for one");
        }
        fo.cookie.len = -1;   // no Fast Open option on SYN retransmissions
    }

    // ================================================================ application data

    /**
     * tcp_sendmsg_locked() after the checks: copy into write-queue skbs of at most the size goal, clear
     * PSH on a tail skb the write appends to, mark PSH every half of the largest window (forced_push())
     * and send full skbs at once (tcp_push_one()); then tcp_push() marks the tail and sends. A new skb is
     * only started while sk_stream_memory_free() (SO_SNDBUF in truesize, TCP_NOTSENT_LOWAT); else the write stops there
     * (wait_for_space: push what was copied, with PSH). Returns the bytes copied.
     */
    int queueData(TcpSock sk, byte[] data, int off, int n, int flags) {
        return queueData(sk, data, off, n, flags, null, null, false, true);
    }

    /**
     * tcp_sendmsg_locked()'s copy loop. With pages (MSG_ZEROCOPY or splice) the data goes in as page
     * fragments; uarg is the MSG_ZEROCOPY range the bytes belong to, or null. callContinues: a blocking
     * caller sends what is not copied now in the same call; whole: n is all the call still has to send.
     * The call's end marks its last byte for SO_TIMESTAMPING (tcp_tx_timestamp(), before the push).
     */
    int queueData(TcpSock sk, byte[] data, int off, int n, int flags, PageIter pages, ZcArg uarg, boolean callContinues,
            boolean whole) {
        boolean oob = (flags & Tcp.MSG_OOB) != 0;
        boolean more = (flags & Tcp.MSG_MORE) != 0;
        int mss = Math.max(1, currentMss(sk));
        int sizeGoal = xmitSizeGoal(sk, mss, !oob);
        int done = 0;
        WriteSkb skb = null;
        while (done < n) {
            skb = sk.writeQueue.peekLast();
            int copy = skb != null ? sizeGoal - skb.len() : 0;
            boolean newSegment = copy <= 0 || skb.eor;   // tcp_skb_can_collapse_to(): nothing joins a record's end
            if (!newSegment) {
                copy = fragRoom(skb, Math.min(copy, n - done), pages, uarg);
                if (copy == 0) {
                    markPush(sk, skb);   // out of fragments, or another zerocopy range (-EMSGSIZE, -EEXIST)
                    newSegment = true;
                }
            }
            if (newSegment) {
                // sk_stream_memory_free(): sk_wmem_queued under sk_sndbuf, unsent bytes under the low mark
                if (sk.wmemQueued >= sk.sndBuf || !streamMemoryFree(sk, 0)) {
                    break;
                }
                skb = allocWriteSkb(sk.writeSeq);   // tcp_stream_alloc_skb(), tcp_skb_entail()
                sk.wmemQueued += TcpConstants.SKB_TX_HEAD_TRUESIZE;
                if (!sk.hasUnsent()) {
                    chronoStart(sk, TcpSock.CHRONO_BUSY);   // tcp_add_write_queue_tail(): the queue was empty
                }
                sk.writeQueue.addLast(skb);
                sk.naglePush = false;
                tcp.input.slowStartAfterIdleCheck(sk);
                copy = fragRoom(skb, Math.min(sizeGoal, n - done), pages, uarg);
            }
            if (done == 0) {
                skb.psh = false;   // the write goes on where the previous one was marked
            }
            sk.sendBuf.append(data, off + done, copy);
            sk.wmemQueued += copy;   // skb_copy_to_page_nocache(): truesize grows by the payload
            sk.writeSeq += copy;
            skb.end = sk.writeSeq;
            if (uarg != null) {
                MsgZerocopy.attach(sk, skb, uarg);
            }
            if (skb.zc != null) {
                skb.zc.endSeq = skb.end;   // the range is freed with the last skb holding its bytes
            }
            done += copy;
            if (done == n && (flags & Tcp.MSG_EOR) != 0) {
                skb.eor = true;
            }
            if (done == n || skb.len() < sizeGoal || oob) {
                continue;
            }
            if (forcedPush(sk)) {
                markPush(sk, skb);
                writeXmit(sk, mss, TCP_NAGLE_PUSH, PUSH_ALL, "forced push: half the peer's window written since the last PSH");
            } else if (skb == sk.writeQueue.peekFirst()) {
                writeXmit(sk, mss, TCP_NAGLE_PUSH, PUSH_ONE, "tcp_push_one: a full skb heads the write queue");
            }
        }
        if (done == 0) {
            return 0;
        }
        WriteSkb tail = sk.writeQueue.peekLast();
        if (sk.tsflags != 0 && (!callContinues || (whole && done == n))) {
            TxTimestamps.afterWrite(sk, tail);
        }
        if (done < n) {
            // wait_for_space: SOCK_NOSPACE, then tcp_push() of what was copied, without MSG_MORE, past Nagle.
            sk.noSpace = true;
            if (tail == null) {
                return done;   // tcp_push(): everything copied is already sent
            }
            markPush(sk, tail);
            if (writeXmit(sk, mss, TCP_NAGLE_PUSH, PUSH_ALL, "application write stopped: send buffer full (SO_SNDBUF or TCP_NOTSENT_LOWAT)")) {
                tcp.timers.checkProbeTimer(sk);
            }
            return done;
        }
        if (oob) {
            // tcp_mark_urg(): the urgent pointer points just past the last byte of this write.
            sk.sndUp = sk.writeSeq;
        }
        // tcp_push(): PSH on the tail unless MSG_MORE says more follows (forced_push() still applies);
        // MSG_MORE also corks this push: a partial last segment waits.
        if (tail != null && (!more || forcedPush(sk))) {
            markPush(sk, tail);
        }
        push(sk, more, more ? "application write (MSG_MORE: a partial segment waits)" : "application write");
        return done;
    }

    /**
     * How many of want bytes the skb takes: a copy goes into the socket's page fragment, a new fragment
     * when the skb's last one is not it (none past MAX_SKB_FRAGS); pages go in as fragments of their own
     * (PageIter); an skb holds one zerocopy range only (skb_zerocopy_iter_stream(): -EEXIST). 0: none.
     */
    private static int fragRoom(WriteSkb skb, int want, PageIter pages, ZcArg uarg) {
        if (pages == null) {
            if (!skb.copyTail) {
                if (skb.frags >= TcpConstants.MAX_SKB_FRAGS) {
                    return 0;
                }
                skb.frags++;
                skb.copyTail = true;
                skb.lastPageOwner = null;
            }
            return want;
        }
        if (uarg != null && skb.zc != null && skb.zc != uarg) {
            return 0;
        }
        return pages.take(skb, want);
    }

    /**
     * tcp_stream_memory_free(): fewer unsent bytes than the low mark (TCP_NOTSENT_LOWAT, else the sysctl
     * tcp_notsent_lowat; both unsigned, "no limit" by default). wake = 1 halves the mark, as poll() and
     * the wakeup of a blocked writer use it.
     */
    boolean streamMemoryFree(TcpSock sk, int wake) {
        long lowat = Integer.toUnsignedLong(sk.notsentLowat != 0 ? sk.notsentLowat : sysctl(SysctlKey.TCP_NOTSENT_LOWAT));
        long notsent = Integer.toUnsignedLong(sk.writeSeq - sk.sndNxt);
        return (notsent << wake) < lowat;
    }

    /** forced_push(): more than half the largest window seen was written since the last PSH. */
    private static boolean forcedPush(TcpSock sk) {
        return Seq.gt(sk.writeSeq, sk.pushedSeq + (sk.maxWindow >>> 1));
    }

    // ================================================================ tcp_chrono: busy and limited time

    /** tcp_chrono_set(): account the time of the current state and enter a new one. */
    private void chronoSet(TcpSock sk, int type) {
        long now = tcp.jiffies.at(tcp.now());
        if (sk.chronoType > TcpSock.CHRONO_UNSPEC) {
            sk.chronoStat[sk.chronoType - 1] += now - sk.chronoStartJ;
        }
        sk.chronoStartJ = now;
        sk.chronoType = type;
    }

    /** tcp_chrono_start(): a more interesting state (higher number) replaces the current one. */
    void chronoStart(TcpSock sk, int type) {
        if (type > sk.chronoType) {
            chronoSet(sk, type);
        }
    }

    /** tcp_chrono_stop(): nothing queued ends the clock; the end of the current limit falls back to busy. */
    void chronoStop(TcpSock sk, int type) {
        if (sk.rtxQueue.isEmpty() && !sk.hasUnsent()) {
            chronoSet(sk, TcpSock.CHRONO_UNSPEC);
        } else if (type == sk.chronoType) {
            chronoSet(sk, TcpSock.CHRONO_BUSY);
        }
    }

    /** tcp_get_info_chrono_stats(): busy, rwnd-limited and sndbuf-limited time in microseconds. */
    long[] chronoStatsUs(TcpSock sk) {
        long[] us = new long[3];
        long now = tcp.jiffies.at(tcp.now());
        long perJiffyUs = Nanos.toMicros(tcp.jiffies.jiffyNs());
        for (int i = 0; i < 3; i++) {
            long j = sk.chronoStat[i] + (sk.chronoType == i + 1 ? now - sk.chronoStartJ : 0);
            us[i] = j * perJiffyUs;
        }
        return us;
    }

    /** tcp_mark_push(). */
    private static void markPush(TcpSock sk, WriteSkb skb) {
        skb.psh = true;
        sk.pushedSeq = sk.writeSeq;
    }

    // ================================================================ TSO sizing

    /** sk_dst_gso_max_size(): the largest TSO packet, the device's GSO size less the header room. */
    private static final int GSO_MAX_SIZE = TcpConstants.GSO_LEGACY_MAX_SIZE - (TcpConstants.MAX_TCP_HEADER + 1);

    /**
     * tcp_xmit_size_goal(): how much one write-queue skb holds, the GSO size bounded to half the largest
     * window, in whole segments. Urgent data (MSG_OOB) goes in skbs of one MSS.
     */
    int xmitSizeGoal(TcpSock sk, int mssNow, boolean largeAllowed) {
        if (!largeAllowed) {
            return mssNow;
        }
        int goal = boundToHalfWnd(sk, GSO_MAX_SIZE);
        int gsoSegs = Math.min(goal / mssNow, TcpConstants.GSO_MAX_SEGS);
        return Math.max(gsoSegs * mssNow, mssNow);
    }

    /**
     * tcp_update_pacing_rate(): sk_pacing_rate is 200% of cwnd * mss / srtt in slow start (below half of
     * ssthresh), 120% after (tcp_pacing_ss_ratio, tcp_pacing_ca_ratio). jtcp does not pace; the rate
     * sizes TSO packets (tcp_tso_autosize()).
     */
    void updatePacingRate(TcpSock sk) {
        long rate = (long) sk.mssCache * ((1_000_000 / 100) << 3);
        rate *= sk.sndCwnd < sk.sndSsthresh / 2 ? sysctl(SysctlKey.TCP_PACING_SS_RATIO)
                : sysctl(SysctlKey.TCP_PACING_CA_RATIO);
        rate *= Math.max(sk.sndCwnd, sk.packetsOut);
        if (sk.srttUs != 0) {
            rate /= sk.srttUs;   // srtt is kept << 3, as the factor 8 above
        }
        sk.pacingRate = rate;
    }

    /**
     * tcp_tso_segs() / tcp_tso_autosize(): segments per TSO packet, so that one packet leaves about every
     * 2^-10 s at the pacing rate, plus gso_max_size >> (min_rtt >> tcp_tso_rtt_log) on short paths; at
     * least tcp_min_tso_segs.
     */
    int tsoSegs(TcpSock sk, int mssNow) {
        long bytes = sk.pacingRate >> TcpConstants.SK_DEFAULT_PACING_SHIFT;
        long minRtt = sk.minRtt();
        long r = minRtt >> sysctl(SysctlKey.TCP_TSO_RTT_LOG);
        if (r < 32) {
            bytes += GSO_MAX_SIZE >> r;
        }
        bytes = Math.min(bytes, GSO_MAX_SIZE);
        long segs = Math.max(bytes / mssNow, sysctl(SysctlKey.TCP_MIN_TSO_SEGS));
        return (int) Math.min(segs, TcpConstants.GSO_MAX_SEGS);
    }

    // tp->nonagle bits: TCP_NODELAY, TCP_CORK, and a one-time push that overrides both.
    static final int TCP_NAGLE_OFF = 1;
    static final int TCP_NAGLE_CORK = 2;
    static final int TCP_NAGLE_PUSH = 4;

    /** tp->nonagle: TCP_NAGLE_PUSH stays set from TCP_NODELAY (or uncorking under it) until the next skb. */
    private static int nonagle(TcpSock sk) {
        return (sk.noDelay ? TCP_NAGLE_OFF : 0) | (sk.cork ? TCP_NAGLE_CORK : 0) | (sk.naglePush ? TCP_NAGLE_PUSH : 0);
    }

    /** tcp_push(): send what the windows and Nagle allow; MSG_MORE sends as if corked. */
    private void push(TcpSock sk, boolean more, String why) {
        if (!sk.hasUnsent()) {
            return;
        }
        if (writeXmit(sk, currentMss(sk), more ? TCP_NAGLE_CORK : nonagle(sk), PUSH_ALL, why)) {
            tcp.timers.checkProbeTimer(sk);
        }
    }

    /** tcp_push_pending_frames(): __tcp_push_pending_frames() with the socket's Nagle setting. */
    void pushPendingFrames(TcpSock sk, String why) {
        if (!sk.hasUnsent()) {
            return;
        }
        if (writeXmit(sk, currentMss(sk), nonagle(sk), PUSH_ALL, why)) {
            tcp.timers.checkProbeTimer(sk);
        }
    }

    /**
     * May data leave in this state? (tcp_write_xmit is only reached once the connection is synchronized, or
     * for a passive Fast Open socket still in SYN_RECV: tcp_passive_fastopen().)
     */
    private static boolean canSendData(TcpSock sk) {
        TcpState st = sk.state;
        return (st == TcpState.SYN_RECV && sk.fastopenRsk != null) || st == TcpState.ESTABLISHED || st == TcpState.CLOSE_WAIT || st == TcpState.FIN_WAIT1
                || st == TcpState.CLOSING || st == TcpState.LAST_ACK;
    }

    /** tcp_write_xmit()'s push_one: send as much as allowed ({@link #PUSH_ALL}), one packet, or one loss probe. */
    static final int PUSH_ALL = 0;
    static final int PUSH_ONE = 1;
    /** push_one == 2: a loss probe, sent even when the congestion window is full. */
    static final int PUSH_ONE_TLP = 2;

    /**
     * tcp_write_xmit(): send the write queue while the congestion window, the peer's window and Nagle
     * allow, one TSO packet at a time: at most min(cwnd quota, tcp_tso_segs()) segments, split off the
     * head skb where needed (tcp_mss_split_point(), tso_fragment()). Returns true when nothing is in
     * flight yet data waits (the caller arms the persist timer).
     */
    boolean writeXmit(TcpSock sk, int mssNow, int nonagle, int pushOne, String why) {
        if (!canSendData(sk)) {
            return false;
        }
        int sent = 0;
        boolean cwndLimited = false;
        boolean rwndLimited = false;
        if (pushOne == PUSH_ALL) {
            int probe = mtuProbe(sk);
            if (probe == 0) {
                return false;   // a probe is due but must wait for the window or cwnd to open
            }
            if (probe > 0) {
                sent = 1;
            }
        }
        int maxSegs = tsoSegs(sk, mssNow);
        while (sk.hasUnsent()) {
            // tcp_cwnd_test(): at most half the window in one packet, so that two are in flight.
            int cwndQuota = sk.sndCwnd - sk.packetsInFlight();
            if (cwndQuota <= 0) {
                if (pushOne != PUSH_ONE_TLP) {
                    cwndLimited = true;
                    break;
                }
                cwndQuota = 1;   // a loss probe goes out even when the window is full
            }
            cwndQuota = Math.min(Math.min(cwndQuota, Math.max(sk.sndCwnd >> 1, 1)), maxSegs);
            WriteSkb skb = sk.writeQueue.peekFirst();   // null: only a FIN waits
            if (skb == null && !sk.finQueued) {
                break;
            }
            if (skb != null) {
                growSkb(sk, skb, cwndQuota * mssNow - skb.len());
            }
            int start = sk.sndNxt;
            int len = skb != null ? skb.len() : 0;
            boolean last = skb == null || skb == sk.writeQueue.peekLast();
            boolean fin = sk.finQueued && last;
            int tsoSegs = pcount(len, mssNow);   // tcp_set_skb_tso_segs()
            // tcp_snd_wnd_test(): the skb (its first MSS if it is larger) must fit the window.
            int checkEnd = len > mssNow ? start + mssNow : start + len + (fin ? 1 : 0);
            if (Seq.gt(checkEnd, sk.wndEnd())) {
                rwndLimited = true;
                break;
            }
            // tcp_nagle_check(): a partial segment waits under TCP_CORK, or under Nagle while a small
            // segment is unacknowledged (Minshall's variant).
            boolean holdPartial = (nonagle & TCP_NAGLE_CORK) != 0
                    || (nonagle == 0 && sk.packetsOut > 0 && minshallCheck(sk));
            int limit = len;
            if (tsoSegs == 1) {
                // tcp_nagle_test(): only the last skb is held; TCP_NAGLE_PUSH, urgent data and a FIN go.
                if (last && len < mssNow && !fin && (nonagle & TCP_NAGLE_PUSH) == 0 && !sk.urgMode() && holdPartial) {
                    break;
                }
            } else {
                int defer = pushOne != PUSH_ALL ? DEFER_NO : tsoShouldDefer(sk, skb, last, maxSegs);
                if (defer != DEFER_NO) {
                    cwndLimited |= defer == DEFER_CWND_LIMITED;
                    rwndLimited |= defer == DEFER_RWND_LIMITED;
                    break;
                }
                limit = sk.urgMode() ? mssNow : mssSplitPoint(sk, skb, mssNow, cwndQuota, last, holdPartial);
            }
            boolean whole = limit >= len;
            boolean withFin = fin && whole;
            boolean skbPsh = skb != null && whole && skb.psh;
            int sendLen = whole ? len : limit;
            int pcount = pcount(sendLen, mssNow);
            if (!transmitPacket(sk, start, sendLen, mssNow, pcount, skbPsh, skb != null && whole && skb.eor,
                    skb != null && skb.zc != null, withFin, withFin && sendLen == 0 ? finWhy(sk) : why)) {
                break;   // tcp_transmit_skb() failed (a local drop): the skb stays at the head of the write queue
            }
            if (skb != null) {
                if (whole) {
                    freeWriteSkb(sk.writeQueue.pollFirst());   // sent whole: off the write queue
                } else {
                    skb.start = start + limit;   // tso_fragment(): the rest keeps PSH and FIN
                    sk.wmemQueued += TcpConstants.SKB_TX_HEAD_TRUESIZE;   // in a new skb of its own
                }
            }
            // tcp_minshall_update(): the packet ended with a partial segment.
            if (sendLen < pcount * mssNow) {
                sk.sndSml = sk.sndNxt;
            }
            sent += pcount;
            if (pushOne != PUSH_ALL) {
                break;
            }
        }
        if (rwndLimited) {
            chronoStart(sk, TcpSock.CHRONO_RWND_LIMITED);
        } else {
            chronoStop(sk, TcpSock.CHRONO_RWND_LIMITED);
        }
        if (sent > 0 || cwndLimited) {
            cwndValidate(sk, cwndLimited);
        }
        if (sent > 0) {
            if (TcpInput.inCwndReduction(sk)) {
                sk.prrOut += sent;   // PRR (RFC 6937): new data sent during the reduction
            }
            // One loss probe per tail loss episode.
            if (pushOne != PUSH_ONE_TLP) {
                tcp.timers.scheduleLossProbe(sk, false);
            }
            return false;
        }
        return sk.packetsOut == 0 && sk.hasUnsent();
    }

    /**
     * tcp_mtu_probe() (RFC 4821 7): when MTU probing is on and nothing else is going on (CA Open, cwnd of
     * at least 11, no SACK blocks to send), send the head of the write queue as one segment of the size
     * halfway up the search range, provided enough data follows it to detect its loss by reordering
     * ((reordering + 1) segments) and the windows hold it all. Returns 1 when the probe left, 0 when it
     * must wait for the windows, -1 when there is no probe to send.
     */
    private int mtuProbe(TcpSock sk) {
        if (!sk.mtupEnabled || sk.mtupProbeSize != 0 || sk.caState != TcpSock.CA_OPEN || sk.sndCwnd < 11
                || sk.numSacks != 0 || sk.dsack) {
            return -1;
        }
        currentMss(sk);   // brings mss_cache in line with the route first
        int probeSize = mtuToMss(sk, (sk.mtupSearchHigh + sk.mtupSearchLow) >> 1);
        long sizeNeeded = probeSize + ((long) sk.reordering + 1) * sk.mssCache;
        int interval = sk.mtupSearchHigh - sk.mtupSearchLow;
        if (probeSize > mtuToMss(sk, sk.mtupSearchHigh) || interval < sysctl(SysctlKey.TCP_PROBE_THRESHOLD)) {
            mtuCheckReprobe(sk);   // the search is over: start again after tcp_probe_interval
            return -1;
        }
        if (Integer.toUnsignedLong(sk.writeSeq - sk.sndNxt) < sizeNeeded
                || Integer.toUnsignedLong(sk.sndWnd) < sizeNeeded) {
            return -1;
        }
        if (Seq.gt(sk.sndNxt + (int) sizeNeeded, sk.wndEnd())) {
            return 0;
        }
        int inFlight = sk.packetsInFlight();
        if (inFlight + 2 > sk.sndCwnd) {
            return inFlight == 0 ? -1 : 0;   // wait for the window to drain, but never stall with none in flight
        }
        // tcp_can_coalesce_send_queue_head(): the probe may not cross a record's end (MSG_EOR); the
        // skbs it takes whole give it their PSH (tcp_eat_one_skb()), a partly taken one only its ACK.
        boolean psh = false;
        boolean eor = false;
        int left = probeSize;
        for (WriteSkb skb : sk.writeQueue) {
            if (left <= skb.len()) {
                if (left == skb.len()) {
                    psh |= skb.psh;
                    eor = skb.eor;
                }
                break;
            }
            if (skb.eor) {
                return -1;
            }
            psh |= skb.psh;
            left -= skb.len();
        }
        int start = sk.sndNxt;
        if (!transmitPacket(sk, start, probeSize, probeSize, 1, psh, eor, false, false,
                tcp.tracing() ? "MTU probe (RFC 4821, tcp_mtu_probing): " + mssToMtu(sk, probeSize) + "-byte packet, search "
                        + sk.mtupSearchLow + ".." + sk.mtupSearchHigh : null)) {
            return -1;
        }
        // tcp_mtu_probe(): the probe is a new skb; the skbs it took whole are freed (tcp_wmem_free_skb()).
        sk.wmemQueued += TcpConstants.SKB_TX_HEAD_TRUESIZE;
        left = probeSize;
        while (left > 0) {
            WriteSkb skb = sk.writeQueue.peekFirst();
            if (skb.len() <= left) {
                left -= skb.len();
                freeWriteSkb(sk.writeQueue.pollFirst());
                sk.wmemQueued -= TcpConstants.SKB_TX_HEAD_TRUESIZE;
            } else {
                skb.start += left;
                left = 0;
            }
        }
        sk.sndCwnd--;   // the probe counts as two segments' worth
        sk.mtupProbeSize = mssToMtu(sk, probeSize);
        sk.mtuProbeSeqStart = start;
        sk.mtuProbeSeqEnd = start + probeSize;
        return 1;
    }

    /** tcp_mtu_check_reprobe(): after tcp_probe_interval seconds, search again from the current MSS up. */
    private void mtuCheckReprobe(TcpSock sk) {
        long interval = sysctl(SysctlKey.TCP_PROBE_INTERVAL) & 0xFFFFFFFFL;
        long nowJ = tcp.jiffies.at(tcp.now());
        if (nowJ - sk.mtupProbeTimestampJ >= interval * tcp.jiffies.hz()) {
            int mss = currentMss(sk);
            sk.mtupProbeSize = 0;
            sk.mtupSearchHigh = sk.mssClamp + TcpConstants.TCP_HEADER_LEN + TcpConstants.IPV4_HEADER_LEN;
            sk.mtupSearchLow = mssToMtu(sk, mss);
            sk.mtupProbeTimestampJ = nowJ;
        }
    }

    /**
     * One TSO packet of pcount segments from start, cut into MSS-sized segments as tcp_gso_segment() does
     * on the way out. __tcp_transmit_skb() forces PSH on every packet of more than one segment (to let the
     * receiver's GRO flush); segmentation leaves PSH and FIN on the last segment only. The retransmission
     * queue keeps the skb's own PSH, not the forced one. Returns false when the device's queue dropped the
     * packet (Linux queues the whole TSO packet at once, so its first segment decides): nothing was sent.
     */
    private boolean transmitPacket(TcpSock sk, int start, int len, int mssNow, int pcount, boolean skbPsh,
            boolean eor, boolean zc, boolean withFin, String why) {
        if (len > 0 && sk.packetsInFlight() == 0) {
            // tcp_event_data_sent(): data leaves with nothing in flight.
            TcpCong.caEvent(sk, TcpCongestionOps.CA_EVENT_TX_START);
        }
        // sk_can_gso(): a device that segments takes the whole packet, headed with the last segment's PSH and
        // FIN (tcp_gso_segment() clears them on the others); the retransmission queue is kept per MSS as below.
        boolean gso = pcount > 1 && len > mssNow && tcp.host.canGso();
        if (gso) {
            int flags = TcpFlags.ACK | (withFin ? TcpFlags.FIN : 0) | TcpFlags.PSH;
            if (transmit(sk, start, flags, sk.sndPos(start), len, mssNow, false, why) != 0) {
                return false;   // the device's queue dropped the whole TSO packet
            }
        }
        int off = 0;
        do {
            int segLen = Math.min(mssNow, len - off);
            boolean lastSeg = off + segLen >= len;
            int segStart = start + off;
            int end = segStart + segLen + (lastSeg && withFin ? 1 : 0);
            int flags = TcpFlags.ACK;
            if (lastSeg && withFin) {
                flags |= TcpFlags.FIN;
            }
            if (lastSeg && (skbPsh || pcount > 1)) {
                flags |= TcpFlags.PSH;
            }
            TxSegment seg = allocTxSegment();
            seg.start = segStart;
            seg.end = end;
            seg.tcpFlags = (flags & TcpFlags.FIN) | (lastSeg && skbPsh ? TcpFlags.PSH : 0);
            seg.eor = lastSeg && eor;
            seg.zc = zc;
            long now = tcp.now();
            seg.firstTxNs = now;
            seg.lastTxNs = now;
            seg.txDelivered = sk.deliveredSegs;
            seg.txOrder = ++sk.txCounter;
            boolean priorPackets = sk.packetsOut > 0;
            seg.skbEnd = lastSeg;   // the packet is one skb of the retransmit queue
            sk.rtxQueue.addLast(seg);
            sk.packetsOut++;
            if (!gso && transmit(sk, segStart, flags, sk.sndPos(segStart), segLen, false, why) != 0 && off == 0) {
                freeTxSegment(sk.rtxQueue.pollLast());   // not sent: tcp_event_new_data_sent() is not reached
                sk.packetsOut--;
                return false;
            }
            // tcp_event_new_data_sent()
            sk.sndNxt = end;
            if (segLen > 0) {
                tcp.mib.inc(Mib.TcpExtTCPOrigDataSent);
            }
            if (!priorPackets || sk.xmitTimer == TcpSock.XMIT_LOSS_PROBE) {
                tcp.timers.rearmRto(sk);
            }
            off += segLen;
        } while (off < len);
        return true;
    }

    /**
     * tcp_tso_should_defer(): hold a TSO-able head skb back for a bigger packet when the window it could
     * fill is small (under max_segs MSS, under 1/tcp_tso_win_divisor of the window), the last send was
     * within 1 ms, and an ACK is due within min(1 ms, srtt / 2) to open more window. Never in recovery, and
     * not for an skb that can grow no more (FIN, EOR, or not the tail and fully sendable).
     */
    private static final int DEFER_NO = 0;
    private static final int DEFER_CWND_LIMITED = 1;
    private static final int DEFER_RWND_LIMITED = 2;
    private static final int DEFER_APP_LIMITED = 3;

    private int tsoShouldDefer(TcpSock sk, WriteSkb skb, boolean last, int maxSegs) {
        if (sk.caState >= TcpSock.CA_RECOVERY) {
            return DEFER_NO;
        }
        long now = tcp.now();
        if (now - sk.wstampNs - Nanos.PER_MS > 0) {   // NSEC_PER_MSEC
            return DEFER_NO;
        }
        int inFlight = sk.packetsInFlight();
        long sendWin = Integer.toUnsignedLong(sk.wndEnd() - skb.start);
        long congWin = (long) (sk.sndCwnd - inFlight) * sk.mssCache;
        long limit = Math.min(sendWin, congWin);
        if (limit >= (long) maxSegs * sk.mssCache) {
            return DEFER_NO;
        }
        if (!last && limit >= skb.len()) {
            return DEFER_NO;
        }
        int winDivisor = sysctl(SysctlKey.TCP_TSO_WIN_DIVISOR);
        if (winDivisor != 0) {
            long chunk = Math.min(Integer.toUnsignedLong(sk.sndWnd), (long) sk.sndCwnd * sk.mssCache) / winDivisor;
            if (limit >= chunk) {
                return DEFER_NO;
            }
        } else if (limit > 3L * sk.mssCache) {   // tcp_max_tso_deferred_mss()
            return DEFER_NO;
        }
        TxSegment head = sk.rtxQueue.peekFirst();
        if (head == null) {
            return DEFER_NO;
        }
        long srttNs = (Nanos.PER_US >> 3) * sk.srttUs;   // (NSEC_PER_USEC >> 3) * srtt_us: srtt is kept << 3
        long howFarIsTheAck = head.lastTxNs + srttNs - now;
        long threshold = Math.min(srttNs >> 1, Nanos.PER_MS);
        if (howFarIsTheAck - threshold > 0) {
            return DEFER_NO;
        }
        if (congWin < sendWin) {
            if (congWin <= skb.len()) {
                return DEFER_CWND_LIMITED;
            }
        } else if (sendWin <= skb.len()) {
            return DEFER_RWND_LIMITED;
        }
        // A packet that will get no more data is not held.
        return (last && sk.finQueued) || skb.eor ? DEFER_NO : DEFER_APP_LIMITED;
    }

    /**
     * tcp_grow_skb(): before sending a head skb shorter than the cwnd quota, pull bytes of the next skb
     * into it; a next skb taken whole gives its flags (PSH) to the head.
     */
    private void growSkb(TcpSock sk, WriteSkb skb, int amount) {
        if (amount <= 0 || skb == sk.writeQueue.peekLast() || skb.eor) {   // tcp_skb_can_collapse()
            return;
        }
        // skb is the head: the next one is second in the queue (taken out and put back: no iterator).
        sk.writeQueue.pollFirst();
        WriteSkb next = sk.writeQueue.peekFirst();
        int nlen = Math.min(amount, next.len());
        // skb_shift(): never zerocopy skbs, and page fragments must fit (copies share the socket's page)
        boolean pages = skb.pages || next.pages;
        if (nlen > 0 && skb.zc == null && next.zc == null
                && !(pages && skb.frags + next.frags > TcpConstants.MAX_SKB_FRAGS)) {
            skb.end += nlen;
            next.start += nlen;
            if (next.len() == 0) {
                skb.psh |= next.psh;   // tcp_eat_one_skb()
                if (pages) {
                    skb.frags += next.frags;
                    skb.pages = true;
                    skb.copyTail = false;
                }
                freeWriteSkb(sk.writeQueue.pollFirst());
                sk.wmemQueued -= TcpConstants.SKB_TX_HEAD_TRUESIZE;
            }
        }
        sk.writeQueue.addFirst(skb);
    }

    /**
     * tcp_mss_split_point(): how much of a TSO-sized head skb goes now: maxSegs segments if the window
     * holds them and more data follows, else what the window allows, less a partial last segment that
     * Nagle holds back.
     */
    private static int mssSplitPoint(TcpSock sk, WriteSkb skb, int mssNow, int maxSegs, boolean last,
            boolean holdPartial) {
        int window = sk.wndEnd() - skb.start;
        int maxLen = mssNow * maxSegs;
        if (maxLen <= window && !last) {
            return maxLen;
        }
        int needed = Math.min(skb.len(), window);
        if (maxLen <= needed) {
            return maxLen;
        }
        int partial = needed % mssNow;
        if (partial != 0 && holdPartial) {
            return needed - partial;
        }
        return needed;
    }

    /** tcp_cwnd_validate(): remember whether the window was the limit in this flight (RFC 7661). */
    private void cwndValidate(TcpSock sk, boolean cwndLimited) {
        if (!Seq.lt(sk.sndUna, sk.cwndUsageSeq) || cwndLimited
                || (!sk.isCwndLimited && sk.packetsOut > sk.maxPacketsOut)) {
            sk.isCwndLimited = cwndLimited;
            sk.maxPacketsOut = sk.packetsOut;
            sk.cwndUsageSeq = sk.sndNxt;
        }
        // The network starves while everything written is sent and the writer waits for buffer space:
        // the sender is limited by its send buffer (tcp_chrono SNDBUF_LIMITED).
        if (!TcpInput.cwndLimited(sk) && !sk.hasUnsent() && sk.noSpace
                && (sk.state == TcpState.ESTABLISHED || sk.state == TcpState.CLOSE_WAIT)) {
            chronoStart(sk, TcpSock.CHRONO_SNDBUF_LIMITED);
        }
    }

    private String finWhy(TcpSock sk) {
        return sk.state == TcpState.LAST_ACK ? "tcp_send_fin: close() in CLOSE_WAIT, our FIN (passive close)"
                : "tcp_send_fin: our side is closed, FIN";
    }

    /** tcp_minshall_check(): a small segment is in flight. */
    private static boolean minshallCheck(TcpSock sk) {
        return Seq.gt(sk.sndSml, sk.sndUna) && !Seq.gt(sk.sndSml, sk.sndNxt);
    }

    // ================================================================ ACKs

    /** tcp_acceptable_seq(): snd_nxt, unless the peer shrank its window below it. */
    int acceptableSeq(TcpSock sk) {
        int wndEnd = sk.wndEnd();
        if (!Seq.lt(wndEnd, sk.sndNxt) || (sk.wscaleOk && (sk.sndNxt - wndEnd) < (1 << sk.rcvWscale))) {
            return sk.sndNxt;
        }
        return wndEnd;
    }

    /** tcp_send_ack(): a pure ACK, now. */
    void sendAck(TcpSock sk, String why) {
        if (sk.state == TcpState.CLOSE) {
            return;
        }
        transmit(sk, acceptableSeq(sk), TcpFlags.ACK, 0, 0, false, why);
    }

    /** tcp_send_dupack(): an immediate ACK for a duplicate or out-of-window segment, with a D-SACK. */
    void sendDupAck(TcpSock sk, int seq, int endSeq, String why) {
        if (endSeq != seq && Seq.lt(seq, sk.rcvNxt)) {
            tcp.mib.inc(Mib.TcpExtDelayedACKLost);
            tcp.input.enterQuickackMode(sk, TcpConstants.TCP_MAX_QUICKACKS);
            if (sk.sackOk && sysctl(SysctlKey.TCP_DSACK) != 0) {
                int e = Seq.gt(endSeq, sk.rcvNxt) ? sk.rcvNxt : endSeq;
                tcp.input.dsackSet(sk, seq, e);
            }
        }
        sendAck(sk, why);
    }

    /** tcp_send_challenge_ack() (RFC 5961 3.2, 4.2): rate limited per socket and per host. */
    void sendChallengeAck(TcpSock sk, String why) {
        if (tcp.input.oowRateLimited(sk, Mib.TcpExtTCPACKSkippedChallenge)) {
            return;
        }
        int limit = sysctl(SysctlKey.TCP_CHALLENGE_ACK_LIMIT);
        if (limit != Integer.MAX_VALUE && !tcp.input.hostChallengeBudget(limit)) {
            return;
        }
        tcp.mib.inc(Mib.TcpExtTCPChallengeACK);
        sendAck(sk, why);
    }

    // ================================================================ FIN and RST

    /** tcp_send_fin(): tack the FIN onto unsent data, or queue a bare FIN; then push with Nagle off. */
    void sendFin(TcpSock sk) {
        if (sk.finQueued) {
            return;
        }
        if (!sk.hasUnsent()) {
            chronoStart(sk, TcpSock.CHRONO_BUSY);   // a FIN-only skb enters an empty write queue
        }
        if (sk.writeQueue.isEmpty()) {
            sk.wmemQueued += TcpConstants.SKB_TX_HEAD_TRUESIZE;   // a FIN-only skb (tcp_stream_alloc_skb)
        }
        sk.finQueued = true;
        sk.writeSeq++;
        WriteSkb tail = sk.writeQueue.peekLast();
        if (tail != null && tail.zc != null) {
            tail.zc.endSeq = sk.writeSeq;   // the FIN rides on the tail skb: its range is freed when the FIN is ACKed
        }
        if (writeXmit(sk, currentMss(sk), TCP_NAGLE_OFF, PUSH_ALL, finWhy(sk))) {
            tcp.timers.checkProbeTimer(sk);
        }
    }

    /** tcp_send_active_reset(): RST|ACK at an acceptable sequence number; never retransmitted. */
    void sendActiveReset(TcpSock sk, String why) {
        tcp.mib.inc(Mib.TcpOutRsts);
        int seq = acceptableSeq(sk);
        TcpOptions opts = establishedOptions(sk).value();
        int window = selectWindow(sk);
        TcpHeader h = new TcpHeader(sk.localPort, sk.remotePort, seq, sk.rcvNxt, TcpFlags.RST | TcpFlags.ACK,
                window, 0, 0, opts);
        dstCheck(sk);
        tcp.host.ipOutput(sk.localAddr, sk.remoteAddr, sk.nextIpId(), sk.tos & ~Ipv4Header.ECN_MASK, dontFragment(sk), h, null, 0, 0,
                why);
        tcp.traceInfo(sk, "transmit");
        tcp.mib.inc(Mib.TcpOutSegs);
    }

    /** tcp_write_queue_purge(): drop everything queued for sending. */
    void writeQueuePurge(TcpSock sk) {
        sk.rtxQueue.clear();
        sk.writeQueue.clear();
        MsgZerocopy.purge(tcp, sk);
        if (sk.txStamps != null) {
            sk.txStamps.clear();   // the marked skbs are freed unstamped
        }
        sk.wmemQueued = 0;
        sk.sendBuf.consumeTo(sk.sendBuf.tail());
        if (sk.sndUnaPos >= 0) {
            sk.sndUnaPos = sk.sendBuf.head();
        }
        sk.packetsOut = 0;
        sk.sackedOut = 0;
        sk.lostOut = 0;
        sk.retransOut = 0;
        sk.finQueued = false;
        sk.writeSeq = sk.sndNxt;
    }

    // ================================================================ retransmission

    /** TCPHDR_SYN_ECN: a SYN asking for ECN. */
    private static final int SYN_ECN = TcpFlags.SYN | TcpFlags.ECE | TcpFlags.CWR;

    /**
     * tcp_retransmit_skb(): send the segment again, first merging small following segments into it
     * (tcp_retrans_try_collapse, tcp_retrans_collapse=1). Returns 0, {@link TcpHost#NET_XMIT_DROP} when
     * the device's queue dropped it (counted TCPRetransFail; the segment is not marked retransmitted), or
     * -EAGAIN when it lies beyond the peer's window and is not the head.
     */
    int retransmit(TcpSock sk, TxSegment seg, boolean countRetransOut, String why) {
        int err = retransmit(sk, seg, countRetransOut, false, false, why);
        markSkbEnd(sk, seg);   // one segment's worth (segs = 1): tcp_fragment() cut it off the rest of its skb
        return err;
    }

    /**
     * As above for one segment of a multi-segment skb sent again as one TSO packet: no collapsing, and the
     * packet's last segment ({@code gsoLast}) carries the PSH __tcp_transmit_skb() forces on it.
     */
    private int retransmit(TcpSock sk, TxSegment seg, boolean countRetransOut, boolean inGso, boolean gsoLast, String why) {
        sk.mtupProbeSize = 0;   // __tcp_retransmit_skb(): an MTU probe in flight is inconclusive now
        // A partly acknowledged head is trimmed (tcp_trim_head).
        if (Seq.lt(seg.start, sk.sndUna)) {
            if ((seg.tcpFlags & TcpFlags.SYN) != 0) {
                seg.tcpFlags &= ~SYN_ECN;
            }
            seg.start = sk.sndUna;
        }
        // __tcp_retransmit_skb(): nothing past the peer's window goes, except the head (e.g. SYN data
        // waiting behind its SYN while the window is still 0 in SYN_SENT).
        if (!Seq.lt(seg.start, sk.wndEnd()) && seg.start != sk.sndUna) {
            return Errno.EAGAIN.neg();
        }
        int mss = currentMss(sk);
        if ((seg.tcpFlags & TcpFlags.SYN) == 0) {
            if (seg.payload() > mss) {
                fragment(sk, seg, mss);
            }
            if (!inGso) {
                collapse(sk, seg, mss);   // tcp_retrans_try_collapse(): only an skb of less than one MSS
                markSkbEnd(sk, seg);   // tcp_fragment(): what is retransmitted alone is cut off the rest of its skb
            }
        }
        if ((seg.tcpFlags & SYN_ECN) == SYN_ECN && sysctl(SysctlKey.TCP_ECN_FALLBACK) != 0) {
            // tcp_ecn_clear_syn() (RFC 3168 6.1.1.1): the SYN may have been lost to a middlebox that drops
            // ECN SYNs, so this and later retransmissions ask without ECE and CWR.
            seg.tcpFlags &= ~(TcpFlags.ECE | TcpFlags.CWR);
        }
        int flags = seg.tcpFlags;
        int len = seg.payload();
        boolean syn = (flags & TcpFlags.SYN) != 0;
        int txFlags = (syn ? TcpFlags.SYN | (flags & (TcpFlags.ECE | TcpFlags.CWR)) : TcpFlags.ACK)
                | (flags & (TcpFlags.FIN | TcpFlags.PSH)) | (gsoLast ? TcpFlags.PSH : 0);
        if (syn && sk.state == TcpState.SYN_RECV) {
            txFlags |= TcpFlags.ACK;   // a simultaneous-open SYN-ACK
        }
        // __tcp_retransmit_skb(): counted before the attempt, whether or not the packet gets out.
        tcp.mib.inc(Mib.TcpRetransSegs);
        sk.totalRetrans++;
        sk.bytesRetrans += len;
        long priorTxNs = seg.lastTxNs;
        long priorDelivered = seg.txDelivered;
        long priorOrder = seg.txOrder;
        seg.lastTxNs = tcp.now();
        seg.txDelivered = sk.deliveredSegs;
        seg.txOrder = ++sk.txCounter;
        int err = transmit(sk, seg.start, txFlags, syn ? 0 : sk.sndPos(seg.start), len, true, why);
        // EVER_RETRANS even for a failed attempt: no RTT sample may come from a send that never happened.
        seg.sacked |= TxSegment.EVER_RETRANS;
        if (err != 0) {
            // tcp_update_skb_after_send() is skipped: the segment keeps its last real send time.
            seg.lastTxNs = priorTxNs;
            seg.txDelivered = priorDelivered;
            seg.txOrder = priorOrder;
            tcp.mib.inc(Mib.TcpExtTCPRetransFail);
        } else {
            seg.retransCount++;
        }
        if (countRetransOut && err == 0) {
            if (!seg.has(TxSegment.SACKED_RETRANS)) {
                seg.sacked |= TxSegment.SACKED_RETRANS;
                sk.retransOut++;
            }
        }
        if (countRetransOut && !sk.retransStampSet) {
            // tcp_retransmit_skb(): stamp of the first (attempted) retransmission: the segment's send time,
            // which __tcp_retransmit_skb has just updated if it got out. A loss probe does not start the episode.
            sk.retransStampNs = seg.lastTxNs;
            sk.retransStampSet = true;
        }
        if (countRetransOut) {
            // tcp_retransmit_skb(): one more retransmission that a D-SACK must prove needless before an undo.
            if (sk.undoRetrans < 0) {
                sk.undoRetrans = 0;
            }
            sk.undoRetrans++;
        }
        return err;
    }

    /**
     * seg now ends one of Linux's retransmit-queue skbs: if it did not, tcp_fragment() cut a new skb there,
     * whose head truesize joins sk_wmem_queued (and leaves it when that skb is acknowledged).
     */
    private static void markSkbEnd(TcpSock sk, TxSegment seg) {
        if (!seg.skbEnd) {
            seg.skbEnd = true;
            sk.wmemQueued += TcpConstants.SKB_TX_HEAD_TRUESIZE;
        }
    }

    /** tcp_skb_pcount() as tcp_set_skb_tso_segs() sets it: segments of mss in len bytes, at least one. */
    private static int pcount(int len, int mss) {
        return len <= mss ? 1 : Math.ceilDiv(len, mss);
    }

    /** A write-queue skb for data from start on: a free one again, or a new one. */
    private WriteSkb allocWriteSkb(int start) {
        WriteSkb skb = freeWriteSkbs.pollLast();
        return skb == null ? new WriteSkb(start) : skb.reset(start);
    }

    private void freeWriteSkb(WriteSkb skb) {
        if (freeWriteSkbs.size() < FREE_TX_SEGMENTS_MAX) {
            freeWriteSkbs.addLast(skb);
        }
    }

    /** A retransmission-queue entry with every field cleared: an acknowledged one again, or a new one. */
    private TxSegment allocTxSegment() {
        TxSegment seg = freeTxSegments.pollLast();
        if (seg == null) {
            return new TxSegment();
        }
        seg.clear();
        return seg;
    }

    /** An entry tcp_clean_rtx_queue() took off the queue; nothing refers to it any more. */
    void freeTxSegment(TxSegment seg) {
        if (freeTxSegments.size() < FREE_TX_SEGMENTS_MAX) {
            freeTxSegments.addLast(seg);
        }
    }

    /** tcp_fragment(): split a segment at mss (after an MSS decrease). */
    private void fragment(TcpSock sk, TxSegment seg, int mss) {
        TxSegment tail = allocTxSegment();
        tail.start = seg.start + mss;
        tail.end = seg.end;
        tail.tcpFlags = seg.tcpFlags;
        tail.zc = seg.zc;   // tcp_fragment(): both parts keep the zerocopy frags, so neither is ever merged
        tail.eor = seg.eor;   // tcp_skb_fragment_eor()
        seg.eor = false;
        tail.sacked = seg.sacked & ~TxSegment.SACKED_RETRANS;
        tail.firstTxNs = seg.firstTxNs;
        tail.lastTxNs = seg.lastTxNs;
        tail.txOrder = seg.txOrder;
        tail.txDelivered = seg.txDelivered;
        tail.retransCount = seg.retransCount;
        seg.end = seg.start + mss;
        seg.tcpFlags &= ~(TcpFlags.FIN | TcpFlags.PSH);
        tail.skbEnd = seg.skbEnd;
        seg.skbEnd = true;   // the skb is cut at mss: the rest is a new skb
        sk.wmemQueued += TcpConstants.SKB_TX_HEAD_TRUESIZE;
        insertAfter(sk, seg, tail);
        sk.packetsOut++;
        if (tail.has(TxSegment.LOST)) {
            sk.lostOut++;
        }
    }

    private static void insertAfter(TcpSock sk, TxSegment seg, TxSegment next) {
        // The retransmission queue is short in the cases that fragment (MSS change); rebuild it.
        List<TxSegment> l = new ArrayList<>(sk.rtxQueue);
        l.add(l.indexOf(seg) + 1, next);
        sk.rtxQueue.clear();
        sk.rtxQueue.addAll(l);
    }

    /** tcp_retrans_try_collapse(): merge following unsacked segments into seg while it fits one MSS. */
    private void collapse(TcpSock sk, TxSegment seg, int mss) {
        if (sysctl(SysctlKey.TCP_RETRANS_COLLAPSE) == 0) {
            return;
        }
        Iterator<TxSegment> it = sk.rtxQueue.iterator();
        while (it.hasNext() && it.next() != seg) {
            // advance to seg
        }
        int space = mss - seg.payload();
        while (it.hasNext()) {
            TxSegment next = it.next();
            if (next.has(TxSegment.SACKED_ACKED) || (seg.tcpFlags & TcpFlags.FIN) != 0 || seg.eor || seg.zc || next.zc) {
                // tcp_can_collapse(), tcp_skb_can_collapse(): a record's end takes nothing after it;
                // tcp_collapse_retrans() -> skb_shift(): zerocopy skbs are never merged
                break;
            }
            space -= next.payload();
            if (space < 0) {
                break;
            }
            if (Seq.gt(next.end, sk.wndEnd())) {
                break;
            }
            // tcp_collapse_retrans(): seg takes over next's range and flags; a separate skb is freed.
            if (seg.skbEnd) {
                sk.wmemQueued -= TcpConstants.SKB_TX_HEAD_TRUESIZE;
            }
            seg.skbEnd = next.skbEnd;
            seg.end = next.end;
            seg.tcpFlags |= next.tcpFlags & (TcpFlags.FIN | TcpFlags.PSH);
            seg.eor = next.eor;
            if (next.has(TxSegment.LOST)) {
                sk.lostOut--;
            }
            if (next.has(TxSegment.SACKED_RETRANS)) {
                sk.retransOut--;
            }
            seg.sacked |= next.sacked & TxSegment.EVER_RETRANS;
            it.remove();
            sk.packetsOut--;
            tcp.mib.inc(Mib.TcpExtTCPRetransCollapsed);
        }
    }

    /**
     * tcp_xmit_retransmit_queue(): retransmit segments marked lost, oldest first, while the congestion
     * window allows and lost segments remain unretransmitted (counted TCPFastRetrans in recovery,
     * TCPSlowStartRetrans after an RTO); PRR counts them as sent.
     */
    void xmitRetransmitQueue(TcpSock sk) {
        if (sk.packetsOut == 0) {
            return;
        }
        boolean rearm = false;
        boolean loss = sk.caState == TcpSock.CA_LOSS;
        int mss = currentMss(sk);
        int maxSegs = tsoSegs(sk, mss);
        boolean walk = true;
        walks:
        while (walk) {
            walk = false;
            TxSegment head = sk.rtxQueue.peekFirst();
            Iterator<TxSegment> it = sk.rtxQueue.iterator();
            TxSegment next = it.hasNext() ? it.next() : null;
            while (next != null) {
                TxSegment seg = next;
                next = it.hasNext() ? it.next() : null;
                int room = sk.sndCwnd - sk.packetsInFlight();
                if (room <= 0) {
                    break;
                }
                if (sk.retransOut >= sk.lostOut) {
                    break;
                }
                if (!lostNotRetransmitted(seg)) {
                    continue;
                }
                // tcp_retransmit_skb(sk, skb, segs): the rest of the segment's skb goes with it as one TSO
                // packet, as far as the cwnd room and tcp_tso_segs() allow; what is left becomes an skb of its own.
                // (Segments larger than the MSS, after the MSS shrank, are cut and sent one by one.)
                gso.clear();
                gso.add(seg);
                TxSegment last = seg;
                int limit = Math.min(room, maxSegs);
                while (!last.skbEnd && next != null && gso.size() < limit && lostNotRetransmitted(next)
                        && (seg.tcpFlags & TcpFlags.SYN) == 0 && seg.payload() <= mss && next.payload() <= mss) {
                    last = next;
                    gso.add(next);
                    next = it.hasNext() ? it.next() : null;
                }
                String why = !tcp.tracing() ? null
                        : loss ? "RTO recovery: retransmit a segment marked lost (slow start)"
                        : seg == head && sk.sackOk ? "fast retransmit: " + sk.sackedOut
                                + (sk.sackedOut == 1 ? " segment" : " segments")
                                + " SACKed above the first hole (RFC 6675 5, RACK RFC 8985)"
                        : seg == head ? "fast retransmit: " + sk.sackedOut + " duplicate ACKs (RFC 5681 3.2, NewReno RFC 6582)"
                        : "fast recovery: retransmit the next lost segment (RFC 6675, RACK RFC 8985)";
                int segments = sk.packetsOut;
                int n = gso.size();
                for (int i = 0; i < n; i++) {
                    TxSegment g = gso.get(i);
                    if (retransmit(sk, g, true, n > 1, n > 1 && i == n - 1, why) != 0) {
                        break walks;
                    }
                    tcp.mib.inc(loss ? Mib.TcpExtTCPSlowStartRetrans : Mib.TcpExtTCPFastRetrans);
                    if (TcpInput.inCwndReduction(sk)) {
                        sk.prrOut++;
                    }
                    if (g == sk.rtxQueue.peekFirst() && sk.xmitTimer != TcpSock.XMIT_REO_TIMEOUT) {
                        rearm = true;
                    }
                }
                markSkbEnd(sk, last);   // tcp_fragment() at the end of what was sent
                if (sk.packetsOut != segments) {
                    // tcp_retrans_try_collapse() or tcp_fragment() changed the queue under the walk: the
                    // kernel goes on from the merged segment's successor; here the walk starts again, and
                    // everything before it is either not lost or already retransmitted, so it is skipped.
                    walk = true;
                    break;
                }
            }
        }
        if (rearm) {
            tcp.timers.resetXmitTimer(sk, TcpSock.XMIT_RETRANS, sk.rtoNs,
                    tcp.tracing() ? "RFC 6298 5.3: RTO restarted with the retransmission of the head" : null);
        }
    }

    /** Segments of one retransmission, reused. */
    private final List<TxSegment> gso = new ArrayList<>();

    /** Marked lost, neither SACKed nor retransmitted since. */
    private static boolean lostNotRetransmitted(TxSegment seg) {
        return seg.has(TxSegment.LOST) && !seg.has(TxSegment.SACKED_RETRANS | TxSegment.SACKED_ACKED);
    }


    // ================================================================ probes

    /**
     * tcp_write_wakeup(): a zero-window or keepalive probe. Sends new data if the window allows some
     * (splitting the head of the unsent queue to fit), else a segment the receiver must ACK: one with
     * an old sequence number (tcp_xmit_probe_skb). Returns -1 if nothing could be sent, 0 when the probe
     * left, {@link TcpHost#NET_XMIT_DROP} when the device's queue dropped it.
     */
    int writeWakeup(TcpSock sk, String why) {
        if (sk.state == TcpState.CLOSE) {
            return -1;
        }
        if (sk.hasUnsent() && Seq.lt(sk.sndNxt, sk.wndEnd())) {
            int mss = currentMss(sk);
            WriteSkb skb = sk.writeQueue.peekFirst();   // null: only a FIN waits
            int start = sk.sndNxt;
            int skbLen = skb != null ? skb.len() : 0;
            boolean fin = sk.finQueued && (skb == null || skb == sk.writeQueue.peekLast());
            int segSize = sk.wndEnd() - start;
            if (skb != null && Seq.lt(sk.pushedSeq, skb.end)) {
                sk.pushedSeq = skb.end;
            }
            // A window the skb does not fit (sender-side SWS avoidance) or an skb over one MSS: send one
            // segment of what fits, PSH on it and on the rest (tcp_fragment() keeps the flags on both).
            int len = skbLen;
            boolean withFin = fin;
            if (segSize < skbLen + (fin ? 1 : 0) || skbLen > mss) {
                len = Math.min(Math.min(segSize, mss), skbLen);
                withFin = false;   // the FIN stays with the part left behind
            }
            boolean sent = transmitPacket(sk, start, len, mss, 1, true, skb != null && len == skbLen && skb.eor,
                    skb != null && skb.zc != null, withFin, why);
            if (skb != null) {
                if (len < skbLen) {
                    skb.psh = true;   // tcp_fragment() left PSH on both parts
                }
                if (sent && len == skbLen) {
                    freeWriteSkb(sk.writeQueue.pollFirst());   // its head goes on with the retransmit-queue skb
                } else if (sent) {
                    skb.start = start + len;
                    sk.wmemQueued += TcpConstants.SKB_TX_HEAD_TRUESIZE;   // tcp_fragment(): a new skb
                }
            }
            return sent ? 0 : TcpHost.NET_XMIT_DROP;
        }
        // tcp_xmit_probe_skb(): seq = snd_una - 1 makes the peer answer with an ACK without data; with
        // urgent data pending, one probe at snd_una first carries the urgent pointer.
        if (sk.urgMode() && Seq.between(sk.sndUna + 1, sk.sndUp, sk.sndUna + 0xffff)) {
            transmit(sk, sk.sndUna, TcpFlags.ACK, 0, 0, false, why);
        }
        return transmit(sk, sk.sndUna - 1, TcpFlags.ACK, 0, 0, false, why);
    }

    /**
     * tcp_send_loss_probe() (RFC 8985 7.3): new data if the window allows, else the last segment again;
     * at most one probe outstanding (tlp_high_seq).
     */
    void sendLossProbe(TcpSock sk) {
        if (sk.tlpPending) {
            tcp.timers.rearmRto(sk);
            return;
        }
        sk.tlpRetrans = false;
        int mss = currentMss(sk);
        if (sk.hasUnsent() && !Seq.gt(Math.min(sk.dataEnd(), sk.sndNxt + mss), sk.wndEnd())) {
            int before = sk.packetsOut;
            writeXmit(sk, mss, TCP_NAGLE_OFF, PUSH_ONE_TLP, "TLP (RFC 8985 7.3): probe timeout, new data sent as the probe");
            if (sk.packetsOut <= before) {
                tcp.timers.rearmRto(sk);
                return;
            }
        } else {
            TxSegment last = sk.rtxQueue.peekLast();
            if (last == null) {
                sk.xmitTimer = TcpSock.XMIT_NONE;
                sk.xmitAtNs = dev.jtcp.time.Deadline.NONE;
                tcp.timersChanged(sk);
                return;
            }
            if (retransmit(sk, last, false, "TLP (RFC 8985 7.3): probe timeout, last segment retransmitted") != 0) {
                tcp.timers.rearmRto(sk);   // not sent: no probe outstanding
                return;
            }
            sk.tlpRetrans = true;
        }
        sk.tlpPending = true;
        sk.tlpHighSeq = sk.sndNxt;
        tcp.mib.inc(Mib.TcpExtTCPLossProbes);
        // icsk_pending = 0: the RTO restarts from now.
        sk.xmitTimer = TcpSock.XMIT_NONE;
        sk.xmitAtNs = dev.jtcp.time.Deadline.NONE;
        tcp.timers.rearmRto(sk);
    }
}
