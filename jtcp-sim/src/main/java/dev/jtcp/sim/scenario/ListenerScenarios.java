package dev.jtcp.sim.scenario;

import dev.jtcp.sim.Fault;
import dev.jtcp.sim.Proc;
import dev.jtcp.sim.SimPacket;
import dev.jtcp.sim.SimSocket;
import dev.jtcp.sim.Simulation;
import dev.jtcp.sys.Errno;
import dev.jtcp.tcp.SockOpt;
import dev.jtcp.time.Rng;
import dev.jtcp.wire.Ipv4Addr;
import dev.jtcp.wire.TcpFlags;
import dev.jtcp.wire.TcpHeader;
import dev.jtcp.wire.TcpOptions;

import java.time.Duration;
import java.util.function.Function;

import static dev.jtcp.sim.scenario.ScenarioParams.ATTACKER;
import static dev.jtcp.sim.scenario.ScenarioParams.ATTACKER_ADDR;
import static dev.jtcp.sim.scenario.ScenarioParams.CLIENT;
import static dev.jtcp.sim.scenario.ScenarioParams.CLIENT_ADDR;
import static dev.jtcp.sim.scenario.ScenarioParams.SERVER;
import static dev.jtcp.sim.scenario.ScenarioParams.SERVER_ADDR;

/**
 * The listener scenarios (SEED-BEHAVIOURS.md sections 3 and 9): the SYN queue and the accept queue
 * under overflow, SYN floods with and without cookies, forged cookies, and the unusual openings (an
 * old duplicate SYN, simultaneous open, self-connect). Hosts are {@code client} (10.0.0.1, which opens
 * several connections where a scenario has several clients), {@code server} (10.0.0.2) and
 * {@code attacker} (10.0.0.3), which spoofs sources from 198.18.0.0/15, addresses no host has.
 */
final class ListenerScenarios {
    private static final int PORT = Scenarios.PORT;
    private static final Duration LONG = Duration.ofHours(1);

    private ListenerScenarios() {}

    interface Registry {
        void add(String name, String description, Function<ScenarioParams, Scenario.Run> builder);
    }

    private static Scenario.Run untilQuiet(Simulation sim) {
        return new Scenario.Run(sim, LONG, true);
    }

    private static Duration ms(long ms) {
        return Duration.ofMillis(ms);
    }

    /** A listener with SO_REUSEADDR (as servers set it) on the server's port. */
    private static SimSocket listen(Proc p, int backlog) {
        SimSocket l = p.socket();
        l.setsockopt(SockOpt.SO_REUSEADDR, 1);
        l.bind(PORT);
        l.listen(backlog);
        return l;
    }

    /** Scenario defaults first; the user's --set assignments are applied after them and win. */
    private static Simulation.Builder world(ScenarioParams p, boolean attacker, String... defaults) {
        return attacker ? p.threeHosts(ScenarioParams.DEFAULT_RTT_MS, defaults)
                : p.twoHosts(ScenarioParams.DEFAULT_RTT_MS, defaults);
    }

    /** A client that connects, sends a request, reads the reply and closes (whatever the outcome). */
    private static void requestReply(Proc pr, String request) {
        SimSocket s = pr.socket();
        if (s.connect(SERVER_ADDR, PORT) != 0) {
            s.close();
            return;
        }
        s.write(request);
        s.read(100);
        s.close();
    }

    /** The server side of {@link #requestReply}: each accepted connection is served by its own worker. */
    private static void serveForever(Proc pr, SimSocket listener, String reply) {
        while (true) {
            SimSocket c = listener.accept();
            if (c == null) {
                return;
            }
            pr.spawn(w -> {
                c.read(100);
                c.write(reply);
                c.close();
            });
        }
    }

    /** bind() a fixed port, connect() to the peer's, say something, read its words, close. */
    private static void talkFrom(Proc pr, String addr, int port, String peerAddr, int peerPort, String words) {
        SimSocket s = pr.socket();
        s.bind(addr, port);
        s.connect(peerAddr, peerPort);
        s.write(words);
        s.read(100);
        s.close();
    }

    /** RFC 2544's benchmarking range 198.18.0.0/15: no host has these addresses. */
    private static final int SPOOF_BASE = Ipv4Addr.parse("198.18.0.0");

    /** A spoofed source in 198.18.0.0/15: the SYN-ACK goes nowhere. */
    private static int spoofedSource(int i) {
        return SPOOF_BASE + 1 + i;
    }

    /** The SYN a Linux client sends (MSS, SACK-permitted, timestamps, window scale 7), or a bare one. */
    private static TcpHeader spoofedSyn(Rng rng, int sport, boolean options, long nowNs) {
        TcpOptions o = options
                ? TcpOptions.synLinux(1460, true, true, (int) (nowNs / 1_000_000L) + rng.nextInt(), 0, 7)
                : TcpOptions.NONE;
        return new TcpHeader(sport, PORT, rng.nextInt(), 0, TcpFlags.SYN, options ? 64240 : 65535, 0, 0, o);
    }

    /** The attacker: n spoofed SYNs spread evenly over the duration, alternately with and without options. */
    private static void synFlood(Proc pr, int n, Duration over) {
        Rng rng = pr.random("syn-flood");
        long gapNs = over.toNanos() / n;
        long start = pr.nowNs();
        for (int i = 0; i < n; i++) {
            pr.sleepUntil(Duration.ofNanos(start + i * gapNs));
            int src = spoofedSource(i);
            boolean options = i % 2 == 0;
            pr.sendRaw(src, Ipv4Addr.parse(SERVER_ADDR), spoofedSyn(rng, 1024 + rng.nextInt(64000), options, pr.nowNs()),
                    "spoofed SYN " + (i + 1) + " of " + n + " from " + Ipv4Addr.format(src)
                            + (options ? " (Linux options)" : " (no options)"));
        }
    }

    private static Simulation synFloodWorld(ScenarioParams p, String syncookies) {
        Simulation sim = world(p, true, "net.ipv4.tcp_max_syn_backlog=16", "net.ipv4.tcp_syncookies=" + syncookies).build();
        sim.app(SERVER, pr -> serveForever(pr, listen(pr, 8), "welcome"));
        sim.app(ATTACKER, Duration.ofMillis(10), pr -> synFlood(pr, 2000, Duration.ofSeconds(1)));
        sim.app(CLIENT, Duration.ofMillis(300), pr -> requestReply(pr, "hello"));
        sim.app(CLIENT, Duration.ofMillis(600), pr -> requestReply(pr, "hello"));
        return sim;
    }

    /** n clients connecting gapMs apart to a listener with backlog 1 that never accepts. */
    private static Simulation acceptQueueOverflow(ScenarioParams p, int gapMs, boolean loseFirstAcks, String abort) {
        Simulation.Builder b = world(p, false, "net.ipv4.tcp_abort_on_overflow=" + abort);
        if (loseFirstAcks) {
            // The handshakes complete in client order, so the first pure ACK on the wire is client 1's;
            // the first pure ACK of every later connection (its third-handshake ACK) is lost.
            boolean[] seen = new boolean[65536];
            int[] acks = new int[1];
            b.fault(Fault.drop("the third-handshake ACK of clients 2-5 is lost", pkt -> {
                if (!pkt.isPureAck() || seen[pkt.tcp().srcPort()]) {
                    return false;
                }
                seen[pkt.tcp().srcPort()] = true;
                return acks[0]++ > 0;
            }).from(CLIENT));
        }
        Simulation sim = b.build();
        sim.app(SERVER, pr -> {
            listen(pr, 1);
            pr.pause();   // never accepts
        });
        for (int i = 0; i < 5; i++) {
            sim.app(CLIENT, Duration.ofMillis((long) gapMs * i), pr -> {
                SimSocket s = pr.socket();
                if (s.connect(SERVER_ADDR, PORT) == 0) {
                    s.read(100);   // wait: an RST from the server shows here
                }
            });
        }
        return sim;
    }

    static void addAll(Registry r) {
        r.add("accept-queue-overflow", "listen(backlog 1) and never accept(): two connections fill the accept queue"
                + " (full when its length exceeds the backlog); the SYNs of clients 3-5 are dropped (ListenOverflows,"
                + " ListenDrops) and retried until tcp_syn_retries gives ETIMEDOUT", p ->
                untilQuiet(acceptQueueOverflow(p, 100, false, "0")).withMoments(ms(1000)));

        r.add("accept-queue-overflow-abort", "the same with tcp_abort_on_overflow=1: no difference, because a full"
                + " accept queue drops SYNs before any third ACK could be answered with RST", p ->
                untilQuiet(acceptQueueOverflow(p, 100, false, "1")).withMoments(ms(1000)));

        r.add("ack-overflow", "listen(backlog 1), no accept(); the third ACKs of clients 2-5 are lost, so their later"
                + " ACKs (answers to SYN-ACK retransmissions) meet a full accept queue: dropped, the SYN-ACK timer runs"
                + " to tcp_synack_retries and the request is removed while the client believes it is ESTABLISHED"
                + " (clients 3 and 5 find the SYN queue full and get SYN cookies, which nobody retransmits)", p ->
                untilQuiet(acceptQueueOverflow(p, 20, true, "0")).withMoments(ms(200), ms(2000)));

        r.add("ack-overflow-abort", "the same with tcp_abort_on_overflow=1: the ACK that meets a full accept queue is"
                + " answered with RST (EmbryonicRsts) and the client's read() fails with ECONNRESET", p ->
                untilQuiet(acceptQueueOverflow(p, 20, true, "1")).withMoments(ms(200)));

        r.add("synack-retries", "the client vanishes after its SYN: the server retransmits the SYN-ACK with"
                + " exponential backoff (1, 2, 4, 8, 16 s) up to tcp_synack_retries (5), then drops the request"
                + " (63 s after the SYN, on the timer wheel 65.5 s)", p -> {
            Simulation sim = world(p, false)
                    .fault(Fault.drop("the client has vanished: every segment to it is lost", pkt -> true).to(CLIENT))
                    .build();
            sim.app(SERVER, pr -> {
                listen(pr, 128);
                pr.pause();
            });
            sim.app(CLIENT, pr -> {
                Rng rng = pr.random("isn");
                pr.sendRaw(CLIENT_ADDR, SERVER_ADDR, new TcpHeader(40000, PORT, rng.nextInt(), 0, TcpFlags.SYN, 64240, 0, 0,
                        TcpOptions.synLinux(1460, true, true, rng.nextInt(), 0, 10)),
                        "the client's SYN, its last words: the client then vanishes (powered off)");
            });
            return untilQuiet(sim).withMoments(ms(500), ms(20_000));
        });

        r.add("syn-flood", "2000 spoofed SYNs in one second (half with options) at a listener with backlog 8,"
                + " tcp_max_syn_backlog=16, tcp_syncookies=0: the SYN queue fills (9 requests), every later SYN is"
                + " dropped (TCPReqQFullDrop), old requests are pruned to 2 SYN-ACK retries, and the two legitimate"
                + " clients get in only by retransmitting their SYN after the flood", p ->
                untilQuiet(synFloodWorld(p, "0")).withMoments(ms(500), ms(5000)));

        r.add("syn-flood-cookies", "the same flood with tcp_syncookies=1: once the SYN queue is full every SYN is"
                + " answered with a SYN cookie and no state (SyncookiesSent); the legitimate clients' ACKs return valid"
                + " cookies (SyncookiesRecv) and their connections go straight to the accept queue", p ->
                untilQuiet(synFloodWorld(p, "1")).withMoments(ms(500)));

        r.add("syncookies-always", "the same flood with tcp_syncookies=2: every SYN, the first included, gets a"
                + " cookie; the SYN queue stays empty and no SYN-ACK is ever retransmitted", p ->
                untilQuiet(synFloodWorld(p, "2")).withMoments(ms(500)));

        r.add("ack-flood", "an ACK attack: 20 spoofed SYNs overflow the SYN queue (cookies are sent), then 1000"
                + " spoofed ACKs carry forged cookies; each fails validation (SyncookiesFailed) and is answered with"
                + " RST, while a legitimate client's cookie connection succeeds in the middle of the flood", p -> {
            Simulation sim = world(p, true, "net.ipv4.tcp_syncookies=1").build();
            sim.app(SERVER, pr -> serveForever(pr, listen(pr, 8), "welcome"));
            sim.app(ATTACKER, Duration.ofMillis(10), pr -> {
                synFlood(pr, 20, Duration.ofMillis(20));
                Rng rng = pr.random("ack-flood");
                for (int i = 0; i < 1000; i++) {
                    pr.sleepUntil(Duration.ofMillis(50).plus(Duration.ofNanos(i * 500_000L)));
                    int src = spoofedSource(10_000 + i);
                    TcpHeader ack = new TcpHeader(1024 + rng.nextInt(64000), PORT, rng.nextInt(), rng.nextInt(),
                            TcpFlags.ACK, 502, 0, 0, TcpOptions.NONE);
                    pr.sendRaw(src, Ipv4Addr.parse(SERVER_ADDR), ack, "spoofed ACK " + (i + 1)
                            + " of 1000 with a forged cookie (ack " + Integer.toUnsignedString(ack.ack()) + ")");
                }
            });
            sim.app(CLIENT, Duration.ofMillis(200), pr -> requestReply(pr, "hello"));
            return untilQuiet(sim).withMoments(ms(60), ms(300));
        });

        r.add("old-duplicate-syn", "RFC 9293 3.5 figure 8: an old duplicate SYN from an earlier incarnation reaches"
                + " the server first (the new SYN is held 100 ms in the network); the client in SYN_SENT gets a SYN-ACK"
                + " acknowledging the stale ISN and answers RST; the server drops that half-open request; the client"
                + " re-sends its SYN at once (Linux re-arms the SYN timer to TCP_TIMEOUT_MIN) and the real handshake"
                + " proceeds; the held SYN, arriving late, only draws an ACK", p -> {
            Simulation sim = world(p, false)
                    .fault(Fault.delay("the new SYN is held 100 ms in the network, behind the old duplicate",
                            SimPacket::isSyn, Duration.ofMillis(100)).from(CLIENT).times(1).between(
                            Duration.ofMillis(1), Duration.ofDays(1)))
                    .build();
            sim.app(SERVER, pr -> {
                SimSocket c = listen(pr, 128).accept();
                c.read(100);
                c.close();
            });
            sim.app(CLIENT, pr -> {
                SimSocket s = pr.socket();
                s.bind(CLIENT_ADDR, 40000);
                Rng rng = pr.random("old-syn");
                int staleIsn = rng.nextInt();
                pr.sendRaw(CLIENT_ADDR, SERVER_ADDR, new TcpHeader(40000, PORT, staleIsn, 0, TcpFlags.SYN, 64240, 0, 0,
                        TcpOptions.synLinux(1460, true, true, rng.nextInt(), 0, 7)),
                        "an old duplicate SYN (seq " + Integer.toUnsignedString(staleIsn)
                                + ") of an earlier incarnation of 10.0.0.1:40000, delayed in the network until now");
                pr.sleepMillis(1);
                s.connect(SERVER_ADDR, PORT);
                s.write("hello");
                s.close();
            });
            return untilQuiet(sim).withMoments(ms(30), ms(90));
        });

        r.add("simultaneous-open", "RFC 9293 3.5 figure 7: both hosts connect to each other at the same moment;"
                + " each SYN_SENT socket receives a SYN, moves to SYN_RECV and answers SYN-ACK; each SYN-ACK then"
                + " completes the other side: one connection, no listener", p -> {
            Simulation sim = world(p, false).build();
            sim.app(CLIENT, pr -> talkFrom(pr, CLIENT_ADDR, 40000, SERVER_ADDR, 40001, "from client"));
            sim.app(SERVER, pr -> talkFrom(pr, SERVER_ADDR, 40001, CLIENT_ADDR, 40000, "from server"));
            return untilQuiet(sim).withMoments(ms(30));
        });

        r.add("self-connect", "a host connects to its own address and a port of its ephemeral range"
                + " (ip_local_port_range narrowed to 40000-40010) until connect() picks that very port as its source:"
                + " the socket receives its own SYN (simultaneous open with itself) and becomes ESTABLISHED", p -> {
            Simulation sim = world(p, false, "net.ipv4.ip_local_port_range=40000 40010").build();
            sim.app(CLIENT, pr -> {
                for (int attempt = 1; attempt <= 64; attempt++) {
                    SimSocket s = pr.socket();
                    int r2 = s.connect(CLIENT_ADDR, 40006);
                    if (r2 == 0) {
                        s.write("me");
                        s.read(100);
                        s.close();
                        return;
                    }
                    s.close();
                    if (r2 != Errno.ECONNREFUSED.neg()) {
                        return;
                    }
                }
            });
            return untilQuiet(sim);
        });

        r.add("server-restart", "200 clients hold connections; the server process restarts (its sockets close,"
                + " the listener is gone for 500 ms) while every client reconnects at once and the new server accepts"
                + " one connection per 10 ms: refused connections (RST), SYN cookies once the SYN queue overflows,"
                + " cookie ACKs and SYNs dropped for a full accept queue (ListenOverflows), and recovery through the"
                + " clients' SYN and request retransmissions until all 200 are served", p -> {
            Simulation sim = world(p, false).build();
            int clients = 200;
            sim.app(SERVER, pr -> {
                SimSocket l = listen(pr, 128);
                SimSocket[] conns = new SimSocket[clients];
                for (int i = 0; i < clients; i++) {
                    conns[i] = l.accept();
                }
                pr.sleepUntil(Duration.ofMillis(1500));
                // The process dies: the kernel closes its sockets (a FIN to every client).
                for (SimSocket c : conns) {
                    c.close();
                }
                l.close();
                pr.sleepUntil(Duration.ofMillis(2000));
                SimSocket l2 = listen(pr, 128);
                for (int i = 0; i < clients; i++) {
                    SimSocket c = l2.accept();
                    c.read(100);
                    c.write("welcome back");
                    c.close();
                    pr.sleepMillis(10);   // a slow accept loop
                }
                l2.close();
            });
            for (int i = 0; i < clients; i++) {
                sim.app(CLIENT, Duration.ofMillis(5L * i), pr -> {
                    SimSocket s = pr.socket();
                    s.connect(SERVER_ADDR, PORT);
                    s.readToEnd(100);   // until the server goes away
                    s.close();
                    pr.sleepMillis(pr.random("jitter").nextInt(50));
                    while (true) {
                        SimSocket again = pr.socket();
                        int r2 = again.connect(SERVER_ADDR, PORT);
                        if (r2 == 0) {
                            again.write("hello again");
                            again.readToEnd(100);
                            again.close();
                            return;
                        }
                        again.close();
                        pr.sleepMillis(100);   // refused: try again shortly
                    }
                });
            }
            return untilQuiet(sim).withMoments(ms(1000), ms(1600), ms(2300));
        });
    }
}
