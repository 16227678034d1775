package dev.jtcp.tcp;

import dev.jtcp.sys.Mib;
import dev.jtcp.sys.SysctlKey;
import dev.jtcp.wire.TcpOption;
import dev.jtcp.wire.TcpOptions;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * TCP Fast Open (RFC 7413) as net/ipv4/tcp_fastopen.c does it: the cookie (SipHash-2-4 of the peer's and our
 * IPv4 address under the host's key), the option (kind 34, or the experimental kind 254 with magic 0xF989),
 * and the server side: a SYN with a valid cookie creates the child socket at once, in SYN_RECV, with the
 * SYN's data readable, so that accept() returns it before the handshake completes.
 */
final class TcpFastOpen {
    /** net.ipv4.tcp_fastopen bits (include/net/tcp.h). */
    static final int TFO_CLIENT_ENABLE = 1;
    static final int TFO_SERVER_ENABLE = 2;
    static final int TFO_CLIENT_NO_COOKIE = 4;
    static final int TFO_SERVER_COOKIE_NOT_REQD = 0x200;
    static final int TFO_SERVER_WO_SOCKOPT1 = 0x400;

    /** TCP_FASTOPEN_COOKIE_SIZE: the cookie Linux makes; MIN and MAX bound the ones it takes. */
    static final int COOKIE_SIZE = 8;
    static final int COOKIE_MIN = 4;
    static final int COOKIE_MAX = 16;
    /** TCPOPT_FASTOPEN (RFC 7413) and TCPOPT_EXP with TCPOPT_FASTOPEN_MAGIC (RFC 6994 experimental form). */
    static final int KIND = 34;
    static final int KIND_EXP = 254;
    static final int MAGIC = 0xF989;
    /** TCPOLEN_FASTOPEN_BASE, TCPOLEN_EXP_FASTOPEN_BASE. */
    static final int BASE_LEN = 2;
    static final int EXP_BASE_LEN = 4;
    /** reqsk_fastopen_remove(): a request whose child was reset counts against the queue for 60 s. */
    static final int RST_HOLD_SECONDS = 60;

    /** struct tcp_fastopen_cookie: len -1 means no option, 0 a cookie request. */
    static final class Cookie {
        int len = -1;
        final byte[] val = new byte[COOKIE_MAX];
        boolean exp;

        void set(Cookie o) {
            len = o.len;
            exp = o.exp;
            System.arraycopy(o.val, 0, val, 0, COOKIE_MAX);
        }

        boolean sameAs(Cookie o) {
            if (len != o.len) {
                return false;
            }
            for (int i = 0; i < len; i++) {
                if (val[i] != o.val[i]) {
                    return false;
                }
            }
            return true;
        }

        String hex() {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < len; i++) {
                sb.append(String.format("%02x", val[i] & 0xff));
            }
            return sb.toString();
        }
    }

    private final Tcp tcp;

    TcpFastOpen(Tcp tcp) {
        this.tcp = tcp;
    }

    private int sysctlFastOpen() {
        return tcp.sysctl.get(SysctlKey.TCP_FASTOPEN);
    }

    // ================================================================ the option

    /**
     * The Fast Open option of a segment, as tcp_parse_options() reads it: the last occurrence wins; an option
     * counts only on a SYN and with an even cookie length; a length outside 4..16 other than 0 gives len -1.
     */
    static Cookie parse(TcpOptions o, boolean syn) {
        Cookie foc = new Cookie();
        for (TcpOption opt : o.list()) {
            if (opt instanceof TcpOption.Eol) {
                break;
            }
            if (!(opt instanceof TcpOption.Unknown u)) {
                continue;
            }
            if (u.kind() == KIND) {
                parseCookie(foc, u.data(), 0, syn, false);
            } else if (u.kind() == KIND_EXP && u.dataLength() >= EXP_BASE_LEN - BASE_LEN) {
                byte[] d = u.data();
                if (((d[0] & 0xff) << 8 | (d[1] & 0xff)) == MAGIC) {
                    parseCookie(foc, d, EXP_BASE_LEN - BASE_LEN, syn, true);
                }
            }
        }
        return foc;
    }

    /** tcp_parse_fastopen_option(). */
    private static void parseCookie(Cookie foc, byte[] d, int from, boolean syn, boolean exp) {
        int len = d.length - from;
        if (!syn || (len & 1) != 0) {
            return;
        }
        if (len >= COOKIE_MIN && len <= COOKIE_MAX) {
            System.arraycopy(d, from, foc.val, 0, len);
        } else if (len != 0) {
            len = -1;
        }
        foc.len = len;
        foc.exp = exp;
    }

    /**
     * base with the Fast Open option appended, as tcp_options_write() lays it out: kind 34 with the cookie
     * and two NOPs when its length is 2 mod 4, or kind 254, magic, cookie. Left out when it does not fit in
     * what is left of the 40 bytes (tcp_syn_options(), tcp_synack_options()).
     */
    static TcpOptions append(TcpOptions base, Cookie foc) {
        if (foc == null || foc.len < 0) {
            return base;
        }
        int len = foc.len + (foc.exp ? EXP_BASE_LEN : BASE_LEN);
        int need = (len + 3) & ~3;
        if (base.encodedLength() + need > TcpOptions.MAX_LENGTH) {
            return base;
        }
        List<TcpOption> l = new ArrayList<>(base.list());
        byte[] data;
        if (foc.exp) {
            data = new byte[EXP_BASE_LEN - BASE_LEN + foc.len];
            data[0] = (byte) (MAGIC >>> 8);
            data[1] = (byte) MAGIC;
            System.arraycopy(foc.val, 0, data, EXP_BASE_LEN - BASE_LEN, foc.len);
            l.add(new TcpOption.Unknown(KIND_EXP, data));
        } else {
            data = new byte[foc.len];
            System.arraycopy(foc.val, 0, data, 0, foc.len);
            l.add(new TcpOption.Unknown(KIND, data));
        }
        if ((len & 3) == 2) {
            l.add(new TcpOption.Nop());
            l.add(new TcpOption.Nop());
        }
        return new TcpOptions(l);
    }

    // ================================================================ keys and cookies

    /** Words of one key (TCP_FASTOPEN_KEY_LENGTH = 16 bytes). */
    private static final int KEY_WORDS = 4;
    /** Slot of the key count in the tcp_fastopen_key setting. */
    private static final int KEY_COUNT_SLOT = 8;

    /**
     * tcp_fastopen_init_key_once(): the first use of Fast Open gives the host a key if none was set. Linux
     * draws it at random; jtcp derives it from the host's seeded secrets, so runs replay.
     */
    void initKeyOnce() {
        if (tcp.sysctl.get(SysctlKey.TCP_FASTOPEN_KEY, KEY_COUNT_SLOT) != 0) {
            return;
        }
        long[] k = tcp.host.secrets();
        long a = SipHash.hash(k[0], k[2], 0x74666f31);
        long b = SipHash.hash(k[1], k[3], 0x74666f32);
        tcp.sysctl.set(SysctlKey.TCP_FASTOPEN_KEY, String.format("%08x-%08x-%08x-%08x", (int) a, (int) (a >>> 32),
                (int) b, (int) (b >>> 32)));
    }

    /** How many keys are set (tcp_fastopen_context_len()): 0, 1 or 2. */
    private int keyCount() {
        return tcp.sysctl.get(SysctlKey.TCP_FASTOPEN_KEY, KEY_COUNT_SLOT);
    }

    /**
     * The SipHash key of key i: tcp_fastopen_reset_cipher() stores each 32-bit word little-endian and reads
     * the 16 bytes as two little-endian 64-bit halves.
     */
    private long keyHalf(int key, int half) {
        int base = key * KEY_WORDS + half * 2;
        long lo = tcp.sysctl.get(SysctlKey.TCP_FASTOPEN_KEY, base) & 0xffffffffL;
        long hi = tcp.sysctl.get(SysctlKey.TCP_FASTOPEN_KEY, base + 1) & 0xffffffffL;
        return lo | (hi << 32);
    }

    /**
     * __tcp_fastopen_cookie_gen_cipher() for IPv4: SipHash-2-4 of the 8 bytes saddr, daddr (network order) of
     * the SYN, the 64-bit result stored little-endian as the 8-byte cookie.
     */
    private void cookieGen(int key, int saddr, int daddr, Cookie out) {
        long h = SipHash.hash(keyHalf(key, 0), keyHalf(key, 1), Integer.reverseBytes(saddr), Integer.reverseBytes(daddr));
        for (int i = 0; i < COOKIE_SIZE; i++) {
            out.val[i] = (byte) (h >>> (8 * i));
        }
        out.len = COOKIE_SIZE;
    }

    /** tcp_fastopen_cookie_gen(): the cookie under the primary key, when there is one. */
    private void cookieGen(int saddr, int daddr, Cookie out) {
        if (keyCount() > 0) {
            cookieGen(0, saddr, daddr, out);
        }
    }

    /**
     * tcp_fastopen_cookie_gen_check(): 0 when orig matches no key, 1 for the primary, 2 for the backup;
     * valid gets the primary key's cookie.
     */
    private int cookieGenCheck(int saddr, int daddr, Cookie orig, Cookie valid) {
        int n = keyCount();
        if (n == 0) {
            return 0;
        }
        Cookie search = new Cookie();
        for (int i = 0; i < n; i++) {
            cookieGen(i, saddr, daddr, search);
            if (i == 0) {
                valid.set(search);
            }
            if (search.sameAs(orig)) {
                return i + 1;
            }
        }
        return 0;
    }

    // ================================================================ server

    /** fastopen_queue_tune(): TCP_FASTOPEN's queue length, capped by net.core.somaxconn. */
    void queueTune(TcpSock listener, int backlog) {
        listener.fastopenMaxQlen = Math.min(backlog, tcp.sysctl.get(SysctlKey.CORE_SOMAXCONN));
    }

    /**
     * __inet_listen_sk(): with bits 0x400 and 0x2 set, a listener without TCP_FASTOPEN gets a TFO queue as
     * long as its backlog.
     */
    void listenStart(TcpSock listener, int backlog) {
        int bits = sysctlFastOpen();
        if ((bits & TFO_SERVER_WO_SOCKOPT1) != 0 && (bits & TFO_SERVER_ENABLE) != 0 && listener.fastopenMaxQlen == 0) {
            queueTune(listener, backlog);
            initKeyOnce();
        }
    }

    /**
     * tcp_fastopen_queue_check(): TFO is on for this listener and its queue has room; a full queue may free
     * the oldest reset request once its 60 s are over, else TCPFastOpenListenOverflow.
     */
    private boolean queueCheck(TcpSock listener) {
        if (listener.fastopenMaxQlen == 0) {
            return false;
        }
        if (listener.fastopenQlen >= listener.fastopenMaxQlen) {
            ArrayDeque<Long> rst = listener.fastopenRstExpiry;
            if (rst == null || rst.isEmpty() || rst.peekFirst() > tcp.jiffies.at(tcp.now())) {
                tcp.mib.inc(Mib.TcpExtTCPFastOpenListenOverflow);
                return false;
            }
            rst.pollFirst();
            listener.fastopenQlen--;
        }
        return true;
    }

    /** tcp_fastopen_no_cookie(): the sysctl bit, or TCP_FASTOPEN_NO_COOKIE on the socket. */
    private boolean noCookie(TcpSock sk, int flag) {
        return (sysctlFastOpen() & flag) != 0 || sk.fastopenNoCookie;
    }

    /**
     * tcp_try_fastopen(): decides whether the SYN becomes a TFO child. foc is the SYN's option on the way in
     * and the cookie for the SYN-ACK on the way out (len -1: none). Returns the child, or null.
     */
    TcpSock tryFastOpen(TcpSock listener, TcpInput.Segment s, RequestSock req, Cookie foc) {
        boolean synData = s.endSeq != s.seq + 1;
        Cookie valid = new Cookie();
        int ret = 0;
        if (foc.len == 0) {
            tcp.mib.inc(Mib.TcpExtTCPFastOpenCookieReqd);
        }
        if (!((sysctlFastOpen() & TFO_SERVER_ENABLE) != 0 && (synData || foc.len >= 0) && queueCheck(listener))) {
            foc.len = -1;
            return null;
        }
        boolean create = synData && noCookie(listener, TFO_SERVER_COOKIE_NOT_REQD);
        if (!create) {
            if (foc.len == 0) {
                cookieGen(s.saddr, s.daddr, valid);
            } else if (foc.len > 0) {
                ret = cookieGenCheck(s.saddr, s.daddr, foc, valid);
                if (ret == 0) {
                    tcp.mib.inc(Mib.TcpExtTCPFastOpenPassiveFail);
                } else {
                    create = true;   // a valid cookie: even a SYN without data makes a child
                }
            }
        }
        if (create) {
            TcpSock child = tcp.mini.createFastOpenChild(listener, req, s);
            if (ret == 2) {
                // The backup key matched: the SYN-ACK brings the primary key's cookie.
                valid.exp = foc.exp;
                foc.set(valid);
                tcp.mib.inc(Mib.TcpExtTCPFastOpenPassiveAltKey);
            } else {
                foc.len = -1;
            }
            tcp.mib.inc(Mib.TcpExtTCPFastOpenPassive);
            child.synFastopenChild = true;
            return child;
        }
        valid.exp = foc.exp;
        foc.set(valid);
        return null;
    }

    /**
     * reqsk_fastopen_remove(): the handshake of a TFO child is over (or aborted). An RST from the peer before
     * accept() ... after it, when the listener still listens, keeps the request counted for 60 s against
     * TFO spoofing (RFC 7413 section 5.1).
     */
    void removeRequest(TcpSock child, boolean reset) {
        RequestSock req = child.fastopenRsk;
        if (req == null) {
            return;
        }
        child.fastopenRsk = null;
        TcpSock l = req.listener;
        l.fastopenQlen--;
        if (child.parent != null) {
            return;   // not accepted yet (req->sk still set)
        }
        if (!reset || l.state != TcpState.LISTEN) {
            return;
        }
        if (l.fastopenRstExpiry == null) {
            l.fastopenRstExpiry = new ArrayDeque<>();
        }
        l.fastopenRstExpiry.addLast(tcp.jiffies.at(tcp.now()) + (long) RST_HOLD_SECONDS * tcp.jiffies.hz());
        l.fastopenQlen++;
    }

    // ================================================================ client

    /** tcpi_fastopen_client_fail values (enum tfo_client_fail). */
    static final int TFO_STATUS_UNSPEC = 0;
    static final int TFO_COOKIE_UNAVAILABLE = 1;
    static final int TFO_DATA_NOT_ACKED = 2;
    static final int TFO_SYN_RETRANSMITTED = 3;

    /** struct tcp_fastopen_request: the data a sendmsg(MSG_FASTOPEN) offers the SYN, and the cookie sent. */
    static final class Request {
        final Cookie cookie = new Cookie();
        byte[] data;
        int off;
        int size;
        /** Bytes that went into the SYN. */
        int copied;
        /** The call's MSG_ZEROCOPY range (tcp_fastopen_request.uarg), or null: the SYN's data holds it. */
        ZcArg uarg;
    }

    /** struct tcp_fastopen_metrics: what tcp_metrics.c remembers per destination for Fast Open. */
    private static final class Metrics {
        int mss;
        final Cookie cookie = new Cookie();

        Metrics() {
            cookie.len = 0;   // tcpm_suck_dst(): a new entry holds an empty cookie
        }

        int tryExp;
        int synLoss;
    }

    /** The client's cookie cache, by destination address (the TFO part of tcp_metrics). */
    private final Map<Integer, Metrics> cache = new HashMap<>();
    /** tfo_active_disable_times and tfo_active_disable_stamp (jiffies) of the network namespace. */
    private int activeDisableTimes;
    private long activeDisableStamp;

    /** tcp_fastopen_cache_get(): the cached MSS (into mss[0]) and cookie for the socket's destination. */
    void cacheGet(TcpSock sk, int[] mss, Cookie cookie) {
        Metrics m = cache.get(sk.remoteAddr);
        if (m == null) {
            return;
        }
        if (m.mss != 0) {
            mss[0] = m.mss;
        }
        cookie.set(m.cookie);
        if (cookie.len <= 0 && m.tryExp == 1) {
            cookie.exp = true;
        }
    }

    /** tcp_fastopen_cache_set(). */
    void cacheSet(TcpSock sk, int mss, Cookie cookie, boolean synLost, int tryExp) {
        Metrics m = cache.computeIfAbsent(sk.remoteAddr, a -> new Metrics());
        if (mss != 0) {
            m.mss = mss;
        }
        if (cookie != null && cookie.len > 0) {
            m.cookie.set(cookie);
        } else if (tryExp > m.tryExp && m.cookie.len <= 0 && !m.cookie.exp) {
            m.tryExp = tryExp;
        }
        m.synLoss = synLost ? m.synLoss + 1 : 0;
    }

    /** The cookie cache forgets everything (ip tcp_metrics flush all). */
    void flushCache() {
        cache.clear();
    }

    /**
     * tcp_fastopen_active_should_disable(): after a suspected black hole, active TFO pauses for
     * tcp_fastopen_blackhole_timeout_sec, doubled per repeat (at most 64 times).
     */
    private boolean activeShouldDisable(TcpSock sk) {
        int timeoutSec = tcp.sysctl.get(SysctlKey.TCP_FASTOPEN_BLACKHOLE_TIMEOUT_SEC);
        if (timeoutSec == 0 || activeDisableTimes == 0) {
            return false;
        }
        long multiplier = 1L << Math.min(activeDisableTimes - 1, 6);
        long until = activeDisableStamp + (long) timeoutSec * tcp.jiffies.hz() * multiplier;
        return tcp.jiffies.at(tcp.now()) < until;
    }

    /**
     * tcp_fastopen_active_detect_blackhole(), from tcp_write_timeout(): a TFO connection whose SYN (or
     * whose first data) timed out twice, or gave up, pauses active TFO for the host (TCPFastOpenBlackhole).
     */
    void activeDetectBlackhole(TcpSock sk, boolean expired) {
        int timeouts = sk.retransmits;
        if ((sk.synFastopen || sk.synData || sk.synDataAcked) && (timeouts == 2 || (timeouts < 2 && expired))) {
            if (tcp.sysctl.get(SysctlKey.TCP_FASTOPEN_BLACKHOLE_TIMEOUT_SEC) != 0) {
                activeDisableStamp = tcp.jiffies.at(tcp.now());
                activeDisableTimes++;
                tcp.mib.inc(Mib.TcpExtTCPFastOpenBlackhole);
            }
            tcp.mib.inc(Mib.TcpExtTCPFastOpenActiveFail);
        }
    }

    /**
     * tcp_fastopen_cookie_check(): may the SYN carry data? With a cached cookie, or without one when
     * tcp_fastopen has 0x4 (TFO_CLIENT_NO_COOKIE); never while active TFO is paused.
     */
    boolean cookieCheck(TcpSock sk, int[] mss, Cookie cookie) {
        cacheGet(sk, mss, cookie);
        if (activeShouldDisable(sk)) {
            cookie.len = -1;
            return false;
        }
        if (noCookie(sk, TFO_CLIENT_NO_COOKIE)) {
            cookie.len = -1;
            return true;
        }
        if (cookie.len > 0) {
            return true;
        }
        sk.fastopenClientFail = TFO_COOKIE_UNAVAILABLE;
        return false;
    }

    /**
     * tcp_fastopen_defer_connect(): with TCP_FASTOPEN_CONNECT and a usable cookie, connect() sends nothing and
     * returns 0; the first write sends the SYN with its data. Without a cookie the SYN asks for one.
     */
    boolean deferConnect(TcpSock sk) {
        if (!sk.fastopenConnect || sk.fastopenReq != null) {
            return false;
        }
        Cookie cookie = new Cookie();
        cookie.len = 0;
        int[] mss = {0};
        if (cookieCheck(sk, mss, cookie)) {
            sk.deferConnect = true;
            return true;
        }
        Request req = new Request();
        req.cookie.set(cookie);
        sk.fastopenReq = req;
        return false;
    }

    /**
     * tcp_rcv_fastopen_synack(): the SYN-ACK of a Fast Open attempt. The cookie (and the peer's MSS) go to
     * the cache; data of the SYN left unacknowledged is retransmitted at once (TCPFastOpenActiveFail).
     * Returns true when it was (the retransmission carries the ACK of the SYN-ACK).
     */
    boolean rcvSynAck(TcpSock sk, TcpInput.Segment synack, Cookie cookie) {
        boolean hasData = sk.synData && !sk.rtxQueue.isEmpty();
        int mss = synack.th.options().mss() > 0 ? synack.th.options().mss() : 0;
        boolean synDrop = false;
        int tryExp = 0;
        if (!sk.synFastopen) {
            cookie.len = -1;   // an unsolicited cookie is ignored
        } else if (sk.totalRetrans > 0) {
            // The SYN timed out and the SYN-ACK neither has a cookie nor acknowledges data: the
            // retransmitted (data-less) SYN got through, the SYN with data or its SYN-ACK was lost.
            synDrop = cookie.len < 0 && hasData;
        } else if (cookie.len < 0 && !sk.synData) {
            // A cookie was asked for in vain: try the other option format next time.
            tryExp = sk.synFastopenExp ? 2 : 1;
        }
        cacheSet(sk, mss, cookie, synDrop, tryExp);
        if (hasData) {
            sk.fastopenClientFail = sk.totalRetrans > 0 ? TFO_SYN_RETRANSMITTED : TFO_DATA_NOT_ACKED;
            tcp.mib.inc(Mib.TcpExtTCPFastOpenActiveFail);
            return true;
        }
        sk.synDataAcked = sk.synData;
        if (sk.synDataAcked) {
            tcp.mib.inc(Mib.TcpExtTCPFastOpenActive);
            // SYN and its data were counted as two deliveries by tcp_ack().
            if (sk.deliveredSegs > 1) {
                sk.deliveredSegs--;
            }
        }
        return false;
    }
}
