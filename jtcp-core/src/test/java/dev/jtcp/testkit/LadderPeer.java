package dev.jtcp.testkit;

import dev.jtcp.api.TcpSocket;
import dev.jtcp.stack.EmbeddedStack;
import dev.jtcp.stack.EmbeddedStack.Outbound;
import dev.jtcp.sys.Sysctl;
import dev.jtcp.time.Nanos;
import dev.jtcp.wire.Endpoint;
import dev.jtcp.wire.Ipv4Addr;
import dev.jtcp.wire.Ipv4Header;
import dev.jtcp.wire.PacketBuilder;
import dev.jtcp.wire.TcpFlags;
import dev.jtcp.wire.TcpHeader;
import dev.jtcp.wire.TcpOptions;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A scripted remote peer for one jtcp stack, in virtual time: tests read like packetdrill scripts.
 * The peer is 192.0.2.1 (its port {@link #PEER_PORT}); the stack under test is 192.168.0.1. Sequence
 * numbers in the script are relative: the peer's to {@link #peerIsn}, the stack's to the ISN of the
 * first SYN or SYN-ACK it sends. Times are seconds of virtual time.
 *
 * <pre>{@code
 * LadderPeer p = LadderPeer.linuxDefaults();
 * TcpSocket l = p.listen(8080);
 * p.in(0.0, "S", 0, 0, 0, 65535, p.synOpts(7));
 * p.out(0.0, "S.").ack(1).win(65160);
 * }</pre>
 */
public final class LadderPeer {
    public static final String LOCAL = "192.168.0.1";
    public static final String PEER = "192.0.2.1";
    public static final int PEER_PORT = 40000;

    public final EmbeddedStack k;
    public final int localAddr = Ipv4Addr.parse(LOCAL);
    public final int peerAddr = Ipv4Addr.parse(PEER);
    public int localPort;
    public int peerIsn;
    public int localIsn;
    private boolean localIsnKnown;
    /** The peer's timestamp clock: TS val = tsBase + virtual ms. */
    public int tsBase = 100;
    public boolean timestamps = true;
    /** The last TS val the stack sent (echoed by the peer). */
    public int lastLocalTsval;
    /** The IP TOS byte of the packets the peer sends from now on (its low two bits: the ECN field). */
    public int inTos;

    private LadderPeer(EmbeddedStack k) {
        this.k = k;
    }

    public static LadderPeer linuxDefaults() {
        return new LadderPeer(EmbeddedStack.create(LOCAL));
    }

    public static LadderPeer with(Sysctl s) {
        return new LadderPeer(EmbeddedStack.create(LOCAL, s, 1, 250, true));
    }

    /** A stack on a device with checksum and segmentation offload (a TUN device with IFF_VNET_HDR). */
    public static LadderPeer tsoOffload() {
        return new LadderPeer(EmbeddedStack.create(LOCAL, new Sysctl(), 1, 250, true, 0, true));
    }

    public static LadderPeer exactTimers(Sysctl s) {
        return new LadderPeer(EmbeddedStack.create(LOCAL, s, 1, 1000, false));
    }

    public static long ns(double seconds) {
        return Math.round(seconds * 1e9);
    }

    public void at(double t) {
        k.advanceTo(ns(t));
    }

    // ---------------------------------------------------------------- application side

    public TcpSocket listen(int port) {
        return listen(port, 128);
    }

    public TcpSocket listen(int port, int backlog) {
        TcpSocket s = TcpSocket.open(k.stack());
        assertThat(s.bind(new Endpoint(0, port))).isZero();
        assertThat(s.listen(backlog)).isZero();
        localPort = port;
        return s;
    }

    /** The stack's counter. */
    public long mib(dev.jtcp.sys.Mib m) {
        return k.stack().mib().get(m);
    }

    /** connect() from the stack to the peer (non-blocking). */
    public TcpSocket connect() {
        TcpSocket s = TcpSocket.open(k.stack());
        s.connect(new Endpoint(peerAddr, PEER_PORT));
        localPort = s.localEndpoint().port();
        return s;
    }

    /** connect() and the handshake at 10 ms (the peer's SYN-ACK: mss 1460, sackOK, TS, wscale 7): an established client. */
    public TcpSocket connectEstablished() {
        return connectEstablished(0.010);
    }

    /** connect() and the handshake completed by a Linux SYN-ACK after rttSeconds (mss 1460, sackOK, TS, wscale 7). */
    public TcpSocket connectEstablished(double rttSeconds) {
        TcpSocket s = connect();
        out(0.0, "S");
        in(rttSeconds, "S.", 0, 0, 1, 65535, synOpts(7));
        out(rttSeconds, ".");
        return s;
    }

    // ---------------------------------------------------------------- options

    /** The options a Linux SYN or SYN-ACK carries: mss 1460, sackOK, TS, nop, wscale. */
    public TcpOptions synOpts(int wscale) {
        return TcpOptions.synLinux(1460, true, timestamps, tsNow(), lastLocalTsval, wscale);
    }

    public TcpOptions tsOpts() {
        return timestamps ? TcpOptions.dataLinux(true, tsNow(), lastLocalTsval, List.of()) : TcpOptions.NONE;
    }

    /** The peer's current timestamps (echoing tsEcr) with SACK blocks given as relative start, end pairs. */
    public TcpOptions sackOpts(int tsEcr, int... relEdges) {
        List<dev.jtcp.wire.SackBlock> blocks = new ArrayList<>();
        for (int i = 0; i + 1 < relEdges.length; i += 2) {
            blocks.add(new dev.jtcp.wire.SackBlock(localIsn + relEdges[i], localIsn + relEdges[i + 1]));
        }
        return TcpOptions.dataLinux(timestamps, tsNow(), tsEcr, blocks);
    }

    /** SACK blocks (relative start, end pairs) with the usual echo of the stack's last TS val. */
    public TcpOptions sackOpts(int[] relEdges) {
        return sackOpts(lastLocalTsval, relEdges);
    }

    public int tsNow() {
        return tsBase + (int) Nanos.toMillis(k.nowNs());
    }

    // ---------------------------------------------------------------- inbound

    /** At time t the peer sends a segment (flags in tcpdump notation, relative seq/ack). */
    public void in(double t, String flags, int relSeq, int len, int relAck, int win, TcpOptions opts) {
        send(t, peerAddr, PEER_PORT, peerIsn, localIsn, flags, relSeq, len, relAck, win, opts);
    }

    /** Injects one segment from addr:port at time t; payload bytes are letters by sequence number. */
    private void send(double t, int addr, int port, int isn, int ackBase, String flags, int relSeq, int len, int relAck,
                      int win, TcpOptions opts) {
        at(t);
        int f = parseFlags(flags);
        TcpHeader h = new TcpHeader(port, localPort, isn + relSeq, (f & TcpFlags.ACK) != 0 ? ackBase + relAck : 0,
                f, win, 0, 0, opts);
        byte[] payload = new byte[len];
        for (int i = 0; i < len; i++) {
            payload[i] = (byte) ('a' + (relSeq + i) % 26);
        }
        inject(addr, h, payload);
    }

    /** Injects a segment from addr with the peer's TOS byte. */
    private void inject(int addr, TcpHeader h, byte[] payload) {
        if (inTos == 0) {
            k.inject(addr, localAddr, h, payload);
            return;
        }
        byte[] packet = PacketBuilder.ipv4Tcp(addr, localAddr, 64, 0, h, payload);
        Ipv4Header.setTos(packet, 0, inTos);
        k.inject(packet);
    }

    /** At time t the peer sends these bytes (ACK and PSH set) with its current timestamps. */
    public void inData(double t, int relSeq, String data, int relAck, int win) {
        at(t);
        byte[] payload = data.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        TcpHeader h = new TcpHeader(PEER_PORT, localPort, peerIsn + relSeq, localIsn + relAck,
                TcpFlags.ACK | TcpFlags.PSH, win, 0, 0, tsOpts());
        inject(peerAddr, h, payload);
    }

    /** The same with the peer's current timestamps. */
    public void in(double t, String flags, int relSeq, int len, int relAck, int win) {
        at(t);
        in(t, flags, relSeq, len, relAck, win, (parseFlags(flags) & TcpFlags.SYN) != 0 ? synOpts(7) : tsOpts());
    }

    // ---------------------------------------------------------------- outbound

    /** At time t the stack must have sent (as its next packet) a segment with these flags. */
    public Expect out(double t, String flags) {
        at(t);
        Outbound o = k.poll();
        assertThat(o).as("expected %s at %.6f, but nothing was sent", flags, t).isNotNull();
        note(o);
        assertThat(Nanos.toSecondsString(o.tNs())).as("time of %s", o).isEqualTo(Nanos.toSecondsString(ns(t)));
        assertThat(TcpFlags.tcpdump(o.tcp().flags())).as("flags of %s", o).isEqualTo(flags);
        return new Expect(o);
    }

    /** The next packet, whatever its time (within [from, to]). */
    public Expect outBetween(double from, double to, String flags) {
        at(to);
        Outbound o = k.poll();
        assertThat(o).as("expected %s between %.6f and %.6f", flags, from, to).isNotNull();
        note(o);
        assertThat(o.tNs()).as("time of %s", o).isBetween(ns(from), ns(to));
        assertThat(TcpFlags.tcpdump(o.tcp().flags())).as("flags of %s", o).isEqualTo(flags);
        return new Expect(o);
    }

    /** Nothing sent up to and including time t. */
    public void none(double t) {
        at(t);
        List<Outbound> pending = k.drain();
        assertThat(pending).as("nothing expected up to %.6f", t).isEmpty();
    }

    /** Every packet sent so far, read and returned. */
    public List<Outbound> drain() {
        List<Outbound> l = new ArrayList<>(k.drain());
        l.forEach(this::note);
        return l;
    }

    private void note(Outbound o) {
        if (!localIsnKnown && o.tcp().has(TcpFlags.SYN)) {
            localIsn = o.tcp().seq();
            localIsnKnown = true;
        }
        if (o.tcp().options().hasTimestamps()) {
            lastLocalTsval = o.tcp().options().tsVal();
        }
    }

    /** Checks on one outbound segment, in relative numbers. */
    public final class Expect {
        public final Outbound o;
        private final int myIsn;
        private final int theirIsn;

        Expect(Outbound o) {
            this(o, localIsn, peerIsn);
        }

        Expect(Outbound o, int myIsn, int theirIsn) {
            this.o = o;
            this.myIsn = myIsn;
            this.theirIsn = theirIsn;
        }

        public Expect seq(int rel) {
            assertThat(o.tcp().seq() - myIsn).as("relative seq of %s", o).isEqualTo(rel);
            return this;
        }

        public Expect ack(int rel) {
            assertThat(o.tcp().ack() - theirIsn).as("relative ack of %s", o).isEqualTo(rel);
            return this;
        }

        public Expect win(int w) {
            assertThat(o.tcp().window()).as("window of %s", o).isEqualTo(w);
            return this;
        }

        public Expect len(int n) {
            assertThat(o.payloadLength()).as("payload length of %s", o).isEqualTo(n);
            return this;
        }

        public Expect opts(String tcpdump) {
            assertThat(o.tcp().options().toTcpdump().replaceAll("TS val \\d+ ecr \\d+", "TS"))
                    .as("options of %s", o).isEqualTo(tcpdump);
            return this;
        }

        /** SACK blocks as relative "start:end" strings. */
        public Expect sack(String... blocks) {
            List<String> got = new ArrayList<>();
            o.tcp().options().sackBlocks().forEach(b -> got.add((b.start() - theirIsn) + ":" + (b.end() - theirIsn)));
            assertThat(got).as("SACK blocks of %s", o).containsExactly(blocks);
            return this;
        }

        public Expect urg(int ptr) {
            assertThat(o.tcp().urgentPointer()).as("urgent pointer of %s", o).isEqualTo(ptr);
            return this;
        }

        /** The ECN field of the IP header (Ipv4Header.ECN_NOT_ECT, ECN_ECT_0, ...). */
        public Expect ecn(int codepoint) {
            assertThat(o.ip().tos() & Ipv4Header.ECN_MASK).as("IP ECN field of %s", o).isEqualTo(codepoint);
            return this;
        }
    }

    // ---------------------------------------------------------------- several remote clients

    /**
     * Another remote endpoint of the peer host (its own port and ISN), for scripts with several clients:
     * its sequence numbers are relative to its ISN, the stack's to the ISN of the SYN-ACK it got.
     */
    public Remote remote(int port, int isn) {
        return new Remote(peerAddr, port, isn);
    }

    /** A remote endpoint at another address (a second client host). */
    public Remote remote(String addr, int port, int isn) {
        return new Remote(Ipv4Addr.parse(addr), port, isn);
    }

    public final class Remote {
        public final int addr;
        public final int port;
        public final int isn;
        /** The stack's ISN towards this remote (learned from its SYN-ACK); a test may set it for cookies. */
        public int localIsn;
        public int lastLocalTsval;
        public boolean timestamps = true;

        Remote(int addr, int port, int isn) {
            this.addr = addr;
            this.port = port;
            this.isn = isn;
        }

        /** Sends a segment at time t: relative seq and ack, given options. */
        public void in(double t, String flags, int relSeq, int len, int relAck, int win, TcpOptions opts) {
            send(t, addr, port, isn, localIsn, flags, relSeq, len, relAck, win, opts);
        }

        /** The same with this remote's timestamps (Linux SYN options on a SYN). */
        public void in(double t, String flags, int relSeq, int len, int relAck, int win) {
            at(t);
            in(t, flags, relSeq, len, relAck, win, (parseFlags(flags) & TcpFlags.SYN) != 0 ? synOpts(7) : tsOpts());
        }

        /** A Linux client's SYN (mss 1460, sackOK, TS, wscale 7; window 65535) at time t. */
        public void syn(double t) {
            in(t, "S", 0, 0, 0, 65535);
        }

        /** The third ACK (or any pure ACK at seq 1, ack 1). */
        public void ack(double t) {
            in(t, ".", 1, 0, 1, 502);
        }

        public TcpOptions synOpts(int wscale) {
            return TcpOptions.synLinux(1460, true, timestamps, tsNow(), 0, wscale);
        }

        public TcpOptions tsOpts() {
            return timestamps ? TcpOptions.dataLinux(true, tsNow(), lastLocalTsval, List.of()) : TcpOptions.NONE;
        }

        /** The next packet the stack sent: at t, to this remote, with these flags. */
        public Expect out(double t, String flags) {
            at(t);
            Outbound o = k.poll();
            assertThat(o).as("expected %s to port %d at %.6f, but nothing was sent", flags, port, t).isNotNull();
            assertThat(o.tcp().dstPort()).as("destination port of %s", o).isEqualTo(port);
            assertThat(o.ip().dst()).as("destination of %s", o).isEqualTo(addr);
            if (o.tcp().has(TcpFlags.SYN)) {
                localIsn = o.tcp().seq();
            }
            if (o.tcp().options().hasTimestamps()) {
                lastLocalTsval = o.tcp().options().tsVal();
            }
            assertThat(Nanos.toSecondsString(o.tNs())).as("time of %s", o).isEqualTo(Nanos.toSecondsString(ns(t)));
            assertThat(TcpFlags.tcpdump(o.tcp().flags())).as("flags of %s", o).isEqualTo(flags);
            return new Expect(o, localIsn, isn);
        }
    }

    public static int parseFlags(String s) {
        return TcpFlags.fromTcpdump(s);
    }
}
