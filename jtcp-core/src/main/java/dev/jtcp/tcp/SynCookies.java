package dev.jtcp.tcp;

import dev.jtcp.wire.Seq;

/**
 * SYN cookies as Linux builds them (net/ipv4/syncookies.c): the SYN-ACK's initial sequence number
 * carries, instead of kept state, an authenticated record of the connection request.
 *
 * <pre>
 *   ISN = H0(saddr, daddr, sport, dport) + their ISN + (count &lt;&lt; 24)
 *         + ((H1(saddr, daddr, sport, dport, count) + mss index) mod 2^24)
 * </pre>
 *
 * where H0 and H1 are keyed hashes (SipHash with two secrets), count is a coarse clock that advances
 * every 60 seconds, and the mss index points into Linux's table {536, 1300, 1440, 1460}. A cookie is
 * valid for MAX_SYNCOOKIE_AGE (2) counter values. With timestamps, the low 6 bits of the SYN-ACK's
 * TS val carry the peer's window scale (0-14, 15 meaning none) and SACK-permitted.
 */
public final class SynCookies {
    /** COOKIEBITS: the upper 8 bits of a cookie hold the counter. */
    static final int COOKIEBITS = 24;
    static final int COOKIEMASK = (1 << COOKIEBITS) - 1;
    /** MAX_SYNCOOKIE_AGE: a cookie is accepted for this many counter periods. */
    static final int MAX_SYNCOOKIE_AGE = 2;
    /** TCP_SYNCOOKIE_PERIOD: the counter advances every 60 s. */
    static final long PERIOD_SECONDS = 60;
    /** msstab[]: MSS values a cookie can encode, sorted. */
    static final int[] MSS_TABLE = {536, 1300, 1440, 1460};
    /** TSBITS: option bits in the low part of a cookie timestamp. */
    static final int TSBITS = 6;
    static final int TS_OPT_WSCALE_MASK = 0xf;
    static final int TS_OPT_SACK = 1 << 4;
    static final int TS_OPT_ECN = 1 << 5;

    private final long k0;
    private final long k1;
    private final long k2;
    private final long k3;

    /** Keys of the two hashes (syncookie_secret[0] and [1]). */
    SynCookies(long k0, long k1, long k2, long k3) {
        this.k0 = k0;
        this.k1 = k1;
        this.k2 = k2;
        this.k3 = k3;
    }

    private int hash0(int saddr, int daddr, int sport, int dport) {
        return (int) SipHash.hash(k0, k1, saddr, daddr, (sport << 16) | (dport & 0xffff), 0);
    }

    private int hash1(int saddr, int daddr, int sport, int dport, int count) {
        return (int) SipHash.hash(k2, k3, saddr, daddr, (sport << 16) | (dport & 0xffff), count);
    }

    /** tcp_cookie_time(): the counter for this many seconds of uptime. */
    static int cookieTime(long uptimeSeconds) {
        return (int) (uptimeSeconds / PERIOD_SECONDS);
    }

    /** The index of the largest table MSS not above mss (__cookie_v4_init_sequence). */
    static int mssIndex(int mss) {
        int i = MSS_TABLE.length - 1;
        while (i > 0 && mss < MSS_TABLE[i]) {
            i--;
        }
        return i;
    }

    /**
     * secure_tcp_syn_cookie(): the cookie ISN for a SYN from (saddr, sport) to (daddr, dport) with
     * sequence number sseq, encoding the MSS index data.
     */
    int make(int saddr, int daddr, int sport, int dport, int sseq, int data, int count) {
        return hash0(saddr, daddr, sport, dport) + sseq + (count << COOKIEBITS)
                + ((hash1(saddr, daddr, sport, dport, count) + data) & COOKIEMASK);
    }

    /**
     * check_tcp_syn_cookie(): the encoded data, or -1 when the cookie is too old or does not
     * authenticate (the data would then be out of range: the caller checks it against the table).
     */
    int check(int cookie, int saddr, int daddr, int sport, int dport, int sseq, int count) {
        int c = cookie - (hash0(saddr, daddr, sport, dport) + sseq);
        int diff = (count - (c >>> COOKIEBITS)) & (-1 >>> COOKIEBITS);
        if (diff >= MAX_SYNCOOKIE_AGE) {
            return -1;
        }
        return (c - hash1(saddr, daddr, sport, dport, count - diff)) & COOKIEMASK;
    }

    /** __cookie_v4_check(): the MSS a valid cookie ACK encodes, or 0 when it is not valid. */
    int checkAck(int ackSeq, int seq, int saddr, int daddr, int sport, int dport, int count) {
        int data = check(ackSeq - 1, saddr, daddr, sport, dport, seq - 1, count);
        return data >= 0 && data < MSS_TABLE.length ? MSS_TABLE[data] : 0;
    }

    /**
     * cookie_init_timestamp(): a TS val no later than now whose low TSBITS carry the options that the
     * cookie cannot (the peer's window scale or "none", SACK-permitted, and the ECN agreement).
     */
    static int timestamp(int tsNowMs, boolean wscaleOk, int sndWscale, boolean sackOk, boolean ecnOk) {
        int options = wscaleOk ? sndWscale : TS_OPT_WSCALE_MASK;
        if (sackOk) {
            options |= TS_OPT_SACK;
        }
        if (ecnOk) {
            options |= TS_OPT_ECN;
        }
        int ts = (tsNowMs >>> TSBITS) << TSBITS;
        ts |= options;
        if (Seq.gt(ts, tsNowMs)) {
            ts -= 1 << TSBITS;
        }
        return ts;
    }

    /**
     * cookie_timestamp_decode() for an echoed TS val (our offset removed): {sackOk, wscaleOk, sndWscale},
     * or null when the encoded options are not acceptable with the current settings.
     */
    static int[] decodeTimestamp(int tsEcr, boolean timestampsOn, boolean sackOn, boolean wscaleOn) {
        if (!timestampsOn) {
            return null;
        }
        int sack = (tsEcr & TS_OPT_SACK) != 0 ? 1 : 0;
        if (sack == 1 && !sackOn) {
            return null;
        }
        int ws = tsEcr & TS_OPT_WSCALE_MASK;
        if (ws == TS_OPT_WSCALE_MASK) {
            return new int[] {sack, 0, 0};
        }
        if (!wscaleOn) {
            return null;
        }
        return new int[] {sack, 1, ws};
    }
}
