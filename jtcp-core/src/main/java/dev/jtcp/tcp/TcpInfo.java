package dev.jtcp.tcp;

import dev.jtcp.sys.SysctlKey;
import dev.jtcp.time.Deadline;
import dev.jtcp.time.Nanos;

/**
 * A snapshot of one connection named as Linux's struct tcp_info (include/uapi/linux/tcp.h), the source of
 * TCP_INFO and of {@code ss -ti}. Times are microseconds as in the kernel (rto, ato, rtt, rttvar, min_rtt,
 * rcv_rtt); the pacing rate is in bytes per second, -1 (~0 in the kernel) before the first RTT sample.
 */
public record TcpInfo(
        String state, int caState, int retransmits, int probes, int backoff,
        boolean optTimestamps, boolean optSack, boolean optWscale, boolean optEcn, boolean optEcnSeen,
        int sndWscale, int rcvWscale, long rtoUs, long atoUs, int sndMss, int rcvMss,
        int unacked, int sacked, int lost, int retrans,
        int pmtu, int rcvSsthresh, long rttUs, long rttvarUs, int sndSsthresh, int sndCwnd, int advmss,
        int reordering, int totalRetrans, long bytesAcked, long bytesReceived, long bytesSent, long bytesRetrans,
        int segsOut, int segsIn, int dataSegsOut, int dataSegsIn, int notsentBytes, long minRttUs,
        long delivered, long deliveredCe, int sndWnd, int rcvWnd, int quickAcks, boolean pingpong,
        long timerDueNs, String timerName,
        long lastDataSentMs, long lastDataRecvMs, long lastAckRecvMs,
        long busyTimeUs, long rwndLimitedUs, long sndbufLimitedUs,
        long rcvRttUs, int rcvSpace, long pacingRate, String congestion, int reordSeen,
        boolean optSynData, boolean optTfoChild) {

    static TcpInfo of(Tcp tcp, TcpSock sk) {
        String timerName = "";
        long due = Deadline.NONE;
        if (sk.xmitTimer != TcpSock.XMIT_NONE) {
            timerName = sk.xmitTimer == TcpSock.XMIT_PROBE0 ? "persist" : "on";
            due = sk.xmitAtNs;
        } else if (sk.skTimer != TcpSock.SKT_NONE) {
            timerName = "keepalive";
            due = sk.skTimerAtNs;
        } else if (sk.delackAtNs != Deadline.NONE) {
            timerName = "delack";
            due = sk.delackAtNs;
        }
        int notsent = sk.hasUnsent() ? sk.dataEnd() - sk.sndNxt : 0;
        // tcp_get_info(): ages of the last data sent, data received and ACK received, in whole jiffies as ms.
        long nowJ = tcp.jiffies.at(tcp.now());
        long jiffyMs = 1000 / tcp.jiffies.hz();
        long[] chrono = tcp.output.chronoStatsUs(sk);
        return new TcpInfo(
                sk.state.name(), sk.caState, sk.retransmits, sk.probesOut, sk.backoff,
                sk.tstampOk, sk.sackOk, sk.wscaleOk,
                (sk.ecnFlags & TcpSock.TCP_ECN_OK) != 0, (sk.ecnFlags & TcpSock.TCP_ECN_SEEN) != 0,
                sk.sndWscale, sk.rcvWscale, Nanos.toMicros(sk.rtoNs), Nanos.toMicros(sk.atoNs), sk.mssCache, sk.rcvMss,
                sk.packetsOut, sk.sackedOut, sk.lostOut, sk.retransOut,
                sk.pmtuCookie != 0 ? sk.pmtuCookie : tcp.host.mtuTo(sk.remoteAddr), sk.rcvSsthresh, sk.srttUs >> 3, sk.mdevUs >> 2,
                sk.sndSsthresh, sk.sndCwnd, sk.advMss,
                sk.reordering != 0 ? sk.reordering : tcp.sysctl.get(SysctlKey.TCP_REORDERING),
                sk.totalRetrans, sk.bytesAcked, sk.bytesReceived, sk.bytesSent, sk.bytesRetrans,
                sk.segsOut, sk.segsIn, sk.dataSegsOut, sk.dataSegsIn, Math.max(0, notsent),
                sk.minRttUs == Long.MAX_VALUE ? 0 : sk.minRttUs,
                sk.deliveredSegs, sk.deliveredCe, sk.sndWnd, sk.rcvWnd, sk.ackQuick,
                sk.inPingpong(tcp.sysctl.get(SysctlKey.TCP_PINGPONG_THRESH)),
                due, timerName,
                (nowJ - tcp.jiffies.at(sk.lsndtimeNs)) * jiffyMs, (nowJ - tcp.jiffies.at(sk.lrcvtimeNs)) * jiffyMs,
                (nowJ - tcp.jiffies.at(sk.rcvTstampNs)) * jiffyMs,
                chrono[0] + chrono[1] + chrono[2], chrono[1], chrono[2],
                sk.rcvRttUs8 >> 3, sk.rcvqSpace, sk.pacingRate == Long.MAX_VALUE ? -1 : sk.pacingRate,
                sk.ca != null ? sk.ca.name() : "", sk.reordSeen,
                sk.synDataAcked, sk.synFastopenChild);
    }
}
