package dev.jtcp.tcp;

import dev.jtcp.sys.Mib;
import dev.jtcp.sys.SysctlKey;
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
    /** Scratch space for a segment's payload, copied out of the send ring. */
    private byte[] scratch = new byte[65536];

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

    /** tcp_sync_mss(): recompute mss_cache from the path MTU and the peer's clamp. */
    void syncMss(TcpSock sk) {
        int mss = mtuToMss(sk, tcp.host.mtuTo(sk.remoteAddr));
        sk.mssCache = boundToHalfWnd(sk, mss);
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
        int headerLen = TcpConstants.TCP_HEADER_LEN + establishedOptions(sk).encodedLength();
        if (headerLen != sk.tcpHeaderLen) {
            mss -= headerLen - sk.tcpHeaderLen;
        }
        return mss;
    }

    /** dst_metric_advmss(): the MSS we advertise, from the device MTU. */
    int advertisedMss(TcpSock sk, int remoteAddr) {
        // ipv4_default_advmss(): MTU minus headers, but never above IPV4_MAX_PMTU (65535) minus headers
        // (65495 on a 65536-byte loopback).
        int mss = Math.min(tcp.host.mtuTo(remoteAddr), 65535) - TcpConstants.IPV4_HEADER_LEN - TcpConstants.TCP_HEADER_LEN;
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

    /** tcp_established_options(): timestamps, then SACK blocks (a D-SACK first). */
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
        return TcpOptions.dataLinux(sk.tstampOk, tcp.tsNow(sk.tsOffset), sk.tsRecent, sacks);
    }

    // ================================================================ the one transmit path

    /**
     * __tcp_transmit_skb(): build the header (options, window, urgent pointer), hand the packet to IP, and
     * do the bookkeeping that follows any transmission (ACK sent, data sent, counters).
     */
    void transmit(TcpSock sk, int seq, int flags, long payloadPos, int len, boolean retransmit, String why) {
        TcpOptions opts;
        int window;
        if ((flags & TcpFlags.SYN) != 0) {
            boolean ts = sysctl(SysctlKey.TCP_TIMESTAMPS) != 0;
            boolean sack = sysctl(SysctlKey.TCP_SACK) != 0;
            boolean ws = sysctl(SysctlKey.TCP_WINDOW_SCALING) != 0;
            // tcp_syn_options(): tcp_advertise_mss(), the route's MSS before any timestamp adjustment.
            opts = TcpOptions.synLinux(advertisedMss(sk, sk.remoteAddr), sack, ts, tcp.tsNow(sk.tsOffset), sk.tsRecent, ws ? sk.rcvWscale : -1);
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
        int ack = (flags & TcpFlags.ACK) != 0 ? sk.rcvNxt : 0;
        TcpHeader h = new TcpHeader(sk.localPort, sk.remotePort, seq, ack, flags, window, 0, urg, opts);
        byte[] data = null;
        if (len > 0) {
            if (scratch.length < len) {
                scratch = new byte[Math.max(len, scratch.length * 2)];
            }
            sk.sendBuf.copy(payloadPos, scratch, 0, len);
            data = scratch;
        }
        tcp.host.ipOutput(sk.localAddr, sk.remoteAddr, sk.nextIpId(), h, data, 0, len, why);
        tcp.traceInfo(sk, "transmit");
        sk.segsOut++;
        int seqLen = len + ((flags & TcpFlags.SYN) != 0 ? 1 : 0) + ((flags & TcpFlags.FIN) != 0 ? 1 : 0);
        if (!retransmit || seqLen == 0) {
            tcp.mib.inc(Mib.TcpOutSegs);
        }
        if ((flags & TcpFlags.ACK) != 0) {
            tcp.input.ackSent(sk);
        }
        if (len > 0) {
            tcp.input.dataSent(sk);
            sk.dataSegsOut++;
            sk.bytesSent += len;
        }
    }

    // ================================================================ connection establishment

    /** tcp_connect_init() + tcp_connect(): set up the sequence space and windows, send the SYN. */
    void connect(TcpSock sk) {
        tcp.input.resetConnectionState(sk);
        sk.tcpHeaderLen = TcpConstants.TCP_HEADER_LEN
                + (sysctl(SysctlKey.TCP_TIMESTAMPS) != 0 ? TcpConstants.TCPOLEN_TSTAMP_ALIGNED : 0);
        sk.mssClamp = sk.userMss != 0 ? sk.userMss : TcpConstants.TCP_MSS_DEFAULT;
        sk.maxWindow = 0;
        syncMss(sk);
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
        TxSegment syn = new TxSegment();
        syn.start = sk.iss;
        syn.end = sk.iss + 1;
        syn.tcpFlags = TcpFlags.SYN;
        long now = tcp.now();
        syn.firstTxNs = now;
        syn.lastTxNs = now;
        sk.writeSeq = sk.iss + 1;
        sk.retransStampNs = now;
        sk.retransStampSet = true;
        sk.rtxQueue.addLast(syn);
        sk.packetsOut = 1;
        transmit(sk, sk.iss, TcpFlags.SYN, 0, 0, false, "tcp_connect: active open, SYN with our options");
        sk.sndNxt = sk.writeSeq;
        sk.pushedSeq = sk.writeSeq;
        sk.sendBuf.resetAt(0);
        sk.sndUnaPos = -1;   // the SYN has no payload position; data starts at 0 once iss+1 is acked
        tcp.mib.inc(Mib.TcpActiveOpens);
        tcp.timers.resetXmitTimer(sk, TcpSock.XMIT_RETRANS, sk.rtoNs, "RFC 6298 2.1: SYN sent, initial RTO");
    }

    // ================================================================ application data

    /**
     * tcp_sendmsg_locked() after the checks: copy into the send queue, mark PSH where the write ends
     * (and every half window: forced_push()), urgent data, then tcp_push().
     */
    void queueData(TcpSock sk, byte[] data, int off, int n, boolean oob) {
        int mss = Math.max(1, currentMss(sk));
        int done = 0;
        while (done < n) {
            int chunk = Math.min(mss, n - done);
            sk.sendBuf.append(data, off + done, chunk);
            sk.writeSeq += chunk;
            done += chunk;
            if (Seq.gt(sk.writeSeq, sk.pushedSeq + (sk.maxWindow >>> 1)) && done < n) {
                // forced_push(): PSH at least every half of the largest window, and push now.
                markPush(sk);
                writeXmit(sk, mss, true, false, "forced push: half the peer's window written since the last PSH");
            }
        }
        if (oob) {
            // tcp_mark_urg(): the urgent pointer points just past the last byte of this write.
            sk.sndUp = sk.writeSeq;
        }
        markPush(sk);
        push(sk, oob, "application write");
    }

    /** tcp_mark_push(). */
    private void markPush(TcpSock sk) {
        if (sk.pushMarks.isEmpty() || sk.pushMarks.peekLast() != sk.dataEnd()) {
            sk.pushMarks.addLast(sk.dataEnd());
        }
        sk.pushedSeq = sk.writeSeq;
    }

    /** tcp_push(): send what the windows and Nagle allow; urgent data goes without Nagle. */
    private void push(TcpSock sk, boolean urgent, String why) {
        if (!sk.hasUnsent()) {
            return;
        }
        boolean nagleOff = urgent || sk.noDelay;
        if (writeXmit(sk, currentMss(sk), nagleOff, false, why)) {
            tcp.timers.checkProbeTimer(sk);
        }
    }

    /** __tcp_push_pending_frames() with the socket's Nagle setting. */
    void pushPendingFrames(TcpSock sk, String why) {
        if (!sk.hasUnsent()) {
            return;
        }
        if (writeXmit(sk, currentMss(sk), sk.noDelay, false, why)) {
            tcp.timers.checkProbeTimer(sk);
        }
    }

    /** May data leave in this state? (tcp_write_xmit is only reached once the connection is synchronized.) */
    private static boolean canSendData(TcpState st) {
        return st == TcpState.ESTABLISHED || st == TcpState.CLOSE_WAIT || st == TcpState.FIN_WAIT1
                || st == TcpState.CLOSING || st == TcpState.LAST_ACK;
    }

    /**
     * tcp_write_xmit(): send new segments while the congestion window, the peer's window and Nagle allow.
     * Returns true when nothing is in flight yet data waits (the caller arms the persist timer).
     */
    boolean writeXmit(TcpSock sk, int mssNow, boolean nagleOff, boolean pushOne, String why) {
        if (!canSendData(sk.state)) {
            return false;
        }
        int sent = 0;
        boolean cwndLimited = false;
        while (sk.hasUnsent()) {
            int cwndQuota = sk.sndCwnd - sk.packetsInFlight();
            if (cwndQuota <= 0) {
                cwndLimited = true;
                break;
            }
            int start = sk.sndNxt;
            int dataEnd = sk.dataEnd();
            int remaining = dataEnd - start;   // payload not yet sent (may be 0 when only a FIN waits)
            int len = Math.min(mssNow, Math.max(remaining, 0));
            boolean withFin = sk.finQueued && start + len == dataEnd;
            // tcp_snd_wnd_test(): the segment (its first MSS if the rest is larger) must fit the window.
            int end = start + len + (withFin ? 1 : 0);
            int checkEnd = remaining > mssNow ? start + mssNow : end;
            if (Seq.gt(checkEnd, sk.wndEnd())) {
                break;
            }
            // tcp_nagle_test() applies to the tail only: a partial, non-FIN tail waits while a small
            // segment is unacknowledged (Minshall's variant), unless Nagle is off; TCP_CORK always holds.
            boolean partial = len < mssNow && start + len == dataEnd;
            if (partial && !withFin && !sk.urgMode()) {
                if (sk.cork && !nagleOff) {
                    break;
                }
                if (!nagleOff && !sk.noDelay && sk.packetsOut > 0 && minshallCheck(sk)) {
                    break;
                }
            }
            int flags = TcpFlags.ACK;
            if (withFin) {
                flags |= TcpFlags.FIN;
            }
            if (hasPushMark(sk, start, start + len)) {
                flags |= TcpFlags.PSH;
            }
            TxSegment seg = new TxSegment();
            seg.start = start;
            seg.end = end;
            seg.tcpFlags = flags & (TcpFlags.FIN | TcpFlags.PSH);
            long now = tcp.now();
            seg.firstTxNs = now;
            seg.lastTxNs = now;
            boolean priorPackets = sk.packetsOut > 0;
            sk.rtxQueue.addLast(seg);
            sk.packetsOut++;
            transmit(sk, start, flags, sk.sndPos(start), len, false, withFin && len == 0 ? finWhy(sk) : why);
            // tcp_event_new_data_sent()
            sk.sndNxt = end;
            if (len > 0) {
                tcp.mib.inc(Mib.TcpExtTCPOrigDataSent);
            }
            if (!priorPackets || sk.xmitTimer == TcpSock.XMIT_LOSS_PROBE) {
                tcp.timers.rearmRto(sk);
            }
            if (len < mssNow) {
                sk.sndSml = end;   // tcp_minshall_update()
            }
            sent++;
            if (pushOne) {
                break;
            }
        }
        if (sent > 0 || cwndLimited) {
            cwndValidate(sk, cwndLimited);
        }
        if (sent > 0) {
            tcp.timers.scheduleLossProbe(sk, false);
            return false;
        }
        return sk.packetsOut == 0 && sk.hasUnsent();
    }

    /** tcp_cwnd_validate(): remember whether the window was the limit in this flight (RFC 7661). */
    private static void cwndValidate(TcpSock sk, boolean cwndLimited) {
        if (!Seq.lt(sk.sndUna, sk.cwndUsageSeq) || cwndLimited
                || (!sk.isCwndLimited && sk.packetsOut > sk.maxPacketsOut)) {
            sk.isCwndLimited = cwndLimited;
            sk.maxPacketsOut = sk.packetsOut;
            sk.cwndUsageSeq = sk.sndNxt;
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

    /** PSH if an application write ended inside (start, end]; marks at or before end are consumed. */
    private static boolean hasPushMark(TcpSock sk, int start, int end) {
        boolean psh = false;
        Iterator<Integer> it = sk.pushMarks.iterator();
        while (it.hasNext()) {
            int m = it.next();
            if (Seq.le(m, end)) {
                if (Seq.gt(m, start) || (m == start && start == end)) {
                    psh = true;
                }
                it.remove();
            } else {
                break;
            }
        }
        return psh;
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
        sk.finQueued = true;
        sk.writeSeq++;
        if (writeXmit(sk, currentMss(sk), true, false, finWhy(sk))) {
            tcp.timers.checkProbeTimer(sk);
        }
    }

    /** tcp_send_active_reset(): RST|ACK at an acceptable sequence number; never retransmitted. */
    void sendActiveReset(TcpSock sk, String why) {
        tcp.mib.inc(Mib.TcpOutRsts);
        int seq = acceptableSeq(sk);
        TcpOptions opts = establishedOptions(sk);
        int window = selectWindow(sk);
        TcpHeader h = new TcpHeader(sk.localPort, sk.remotePort, seq, sk.rcvNxt, TcpFlags.RST | TcpFlags.ACK,
                window, 0, 0, opts);
        tcp.host.ipOutput(sk.localAddr, sk.remoteAddr, sk.nextIpId(), h, null, 0, 0, why);
        tcp.traceInfo(sk, "transmit");
        tcp.mib.inc(Mib.TcpOutSegs);
    }

    /** tcp_write_queue_purge(): drop everything queued for sending. */
    void writeQueuePurge(TcpSock sk) {
        sk.rtxQueue.clear();
        sk.pushMarks.clear();
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

    /**
     * tcp_retransmit_skb(): send the segment again, first merging small following segments into it
     * (tcp_retrans_try_collapse, tcp_retrans_collapse=1). Returns false if nothing could be sent.
     */
    boolean retransmit(TcpSock sk, TxSegment seg, boolean countRetransOut, String why) {
        // A partly acknowledged head is trimmed (tcp_trim_head).
        if (Seq.lt(seg.start, sk.sndUna)) {
            if ((seg.tcpFlags & TcpFlags.SYN) != 0) {
                seg.tcpFlags &= ~TcpFlags.SYN;
            }
            seg.start = sk.sndUna;
        }
        int mss = currentMss(sk);
        if ((seg.tcpFlags & TcpFlags.SYN) == 0) {
            if (seg.payload() > mss) {
                fragment(sk, seg, mss);
            }
            collapse(sk, seg, mss);
        }
        int flags = seg.tcpFlags;
        int len = seg.payload();
        boolean syn = (flags & TcpFlags.SYN) != 0;
        int txFlags = (syn ? TcpFlags.SYN : TcpFlags.ACK) | (flags & (TcpFlags.FIN | TcpFlags.PSH));
        if (syn && sk.state == TcpState.SYN_RECV) {
            txFlags |= TcpFlags.ACK;   // a simultaneous-open SYN-ACK
        }
        long now = tcp.now();
        seg.lastTxNs = now;
        seg.retransCount++;
        seg.sacked |= TxSegment.EVER_RETRANS;
        transmit(sk, seg.start, txFlags, syn ? 0 : sk.sndPos(seg.start), len, true, why);
        tcp.mib.inc(Mib.TcpRetransSegs);
        sk.totalRetrans++;
        sk.bytesRetrans += len;
        if (countRetransOut) {
            if (!seg.has(TxSegment.SACKED_RETRANS)) {
                seg.sacked |= TxSegment.SACKED_RETRANS;
                sk.retransOut++;
            }
        }
        if (countRetransOut && !sk.retransStampSet) {
            // tcp_retransmit_skb(): stamp of the first retransmission (the segment's send time, which
            // __tcp_retransmit_skb has just updated). A loss probe does not start the episode.
            sk.retransStampNs = seg.lastTxNs;
            sk.retransStampSet = true;
        }
        return true;
    }

    /** tcp_fragment(): split a segment at mss (after an MSS decrease). */
    private void fragment(TcpSock sk, TxSegment seg, int mss) {
        TxSegment tail = new TxSegment();
        tail.start = seg.start + mss;
        tail.end = seg.end;
        tail.tcpFlags = seg.tcpFlags;
        tail.sacked = seg.sacked & ~TxSegment.SACKED_RETRANS;
        tail.firstTxNs = seg.firstTxNs;
        tail.lastTxNs = seg.lastTxNs;
        seg.end = seg.start + mss;
        seg.tcpFlags &= ~(TcpFlags.FIN | TcpFlags.PSH);
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
            if (next.has(TxSegment.SACKED_ACKED) || (seg.tcpFlags & TcpFlags.FIN) != 0) {
                break;
            }
            space -= next.payload();
            if (space < 0) {
                break;
            }
            if (Seq.gt(next.end, sk.wndEnd())) {
                break;
            }
            // tcp_collapse_retrans(): seg takes over next's range and flags.
            seg.end = next.end;
            seg.tcpFlags |= next.tcpFlags & (TcpFlags.FIN | TcpFlags.PSH);
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

    /** tcp_xmit_retransmit_queue(): retransmit segments marked lost while the congestion window allows. */
    void xmitRetransmitQueue(TcpSock sk, String why) {
        boolean walk = true;
        while (walk) {
            walk = false;
            for (TxSegment seg : sk.rtxQueue) {
                if (sk.packetsInFlight() >= sk.sndCwnd) {
                    break;
                }
                if (!seg.has(TxSegment.LOST) || seg.has(TxSegment.SACKED_RETRANS) || seg.has(TxSegment.SACKED_ACKED)) {
                    continue;
                }
                int segments = sk.packetsOut;
                retransmit(sk, seg, true, why);
                if (seg == sk.rtxQueue.peekFirst()) {
                    tcp.timers.rearmRtoIfHead(sk);
                }
                if (sk.packetsOut != segments) {
                    // tcp_retrans_try_collapse() or tcp_fragment() changed the queue under the walk: the
                    // kernel goes on from the merged segment's successor; here the walk starts again, and
                    // everything before it is either not lost or already retransmitted, so it is skipped.
                    walk = true;
                    break;
                }
            }
        }
    }

    // ================================================================ probes

    /**
     * tcp_write_wakeup(): a zero-window or keepalive probe. Sends new data if the window allows some
     * (splitting the head of the unsent queue to fit), else a segment the receiver must ACK: one with
     * an old sequence number (tcp_xmit_probe_skb). Returns false if nothing could be sent.
     */
    boolean writeWakeup(TcpSock sk, String why) {
        if (sk.state == TcpState.CLOSE) {
            return false;
        }
        if (sk.hasUnsent() && Seq.lt(sk.sndNxt, sk.wndEnd())) {
            int mss = currentMss(sk);
            int segSize = sk.wndEnd() - sk.sndNxt;
            segSize = Math.min(segSize, mss);
            int remaining = sk.dataEnd() - sk.sndNxt;
            int len = Math.min(segSize, remaining);
            boolean withFin = sk.finQueued && sk.sndNxt + len == sk.dataEnd();
            int flags = TcpFlags.ACK | TcpFlags.PSH | (withFin ? TcpFlags.FIN : 0);
            int start = sk.sndNxt;
            int end = start + len + (withFin ? 1 : 0);
            TxSegment seg = new TxSegment();
            seg.start = start;
            seg.end = end;
            seg.tcpFlags = flags & (TcpFlags.FIN | TcpFlags.PSH);
            seg.firstTxNs = tcp.now();
            seg.lastTxNs = seg.firstTxNs;
            boolean prior = sk.packetsOut > 0;
            sk.rtxQueue.addLast(seg);
            sk.packetsOut++;
            hasPushMark(sk, start, start + len);
            transmit(sk, start, flags, sk.sndPos(start), len, false, why);
            sk.sndNxt = end;
            if (!prior) {
                tcp.timers.rearmRto(sk);
            }
            return true;
        }
        // tcp_xmit_probe_skb(): seq = snd_una - 1 makes the peer answer with an ACK without data; with
        // urgent data pending, one probe at snd_una first carries the urgent pointer.
        if (sk.urgMode() && Seq.between(sk.sndUna + 1, sk.sndUp, sk.sndUna + 0xffff)) {
            transmit(sk, sk.sndUna, TcpFlags.ACK, 0, 0, false, why);
        }
        transmit(sk, sk.sndUna - 1, TcpFlags.ACK, 0, 0, false, why);
        return true;
    }

    /** tcp_send_loss_probe() (RFC 8985 7.3): new data if the window allows, else the last segment again. */
    void sendLossProbe(TcpSock sk) {
        if (sk.tlpPending) {
            tcp.timers.rearmRto(sk);
            return;
        }
        int mss = currentMss(sk);
        boolean sentNew = false;
        if (sk.hasUnsent()) {
            int before = sk.packetsOut;
            writeXmit(sk, mss, true, true, "TLP (RFC 8985 7.3): probe timeout, new data sent as the probe");
            sentNew = sk.packetsOut > before;
            if (!sentNew) {
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
            retransmit(sk, last, false, "TLP (RFC 8985 7.3): probe timeout, last segment retransmitted");
        }
        sk.tlpPending = true;
        sk.tlpHighSeq = sk.sndNxt;
        tcp.mib.inc(Mib.TcpExtTCPLossProbes);
        sk.xmitTimer = TcpSock.XMIT_NONE;
        sk.xmitAtNs = dev.jtcp.time.Deadline.NONE;
        tcp.timers.rearmRto(sk);
    }
}
