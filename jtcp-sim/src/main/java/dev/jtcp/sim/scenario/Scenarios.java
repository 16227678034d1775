package dev.jtcp.sim.scenario;

import dev.jtcp.sim.Fault;
import dev.jtcp.sim.Proc;
import dev.jtcp.sim.SimPacket;
import dev.jtcp.sim.SimSocket;
import dev.jtcp.sim.Simulation;
import dev.jtcp.tcp.SockOpt;
import dev.jtcp.tcp.Tcp;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import static dev.jtcp.sim.scenario.ScenarioParams.CLIENT;
import static dev.jtcp.sim.scenario.ScenarioParams.SERVER;
import static dev.jtcp.sim.scenario.ScenarioParams.SERVER_ADDR;

/**
 * The built-in scenarios: every connection-lifecycle behaviour of SEED-BEHAVIOURS.md sections 1-8, 10
 * and 11, each built with the same public API a user has ({@link Simulation}, {@link Fault},
 * application timelines on {@link Proc}).
 */
public final class Scenarios {
    /** The server's listening port. */
    public static final int PORT = 80;
    private static final Duration LONG = Duration.ofHours(1);
    private static final Map<String, Scenario> ALL = new LinkedHashMap<>();

    private Scenarios() {}

    /** Every scenario, in catalogue order. */
    public static Collection<Scenario> all() {
        return ALL.values();
    }

    /** The scenario with this name, or null. */
    public static Scenario get(String name) {
        return ALL.get(name);
    }

    public static List<String> names() {
        return new ArrayList<>(ALL.keySet());
    }

    private record Simple(String name, String description, Function<ScenarioParams, Scenario.Run> builder)
            implements Scenario {
        @Override
        public Run build(ScenarioParams params) {
            return builder.apply(params);
        }
    }

    static void add(String name, String description, Function<ScenarioParams, Scenario.Run> builder) {
        ALL.put(name, new Simple(name, description, builder));
    }

    // ================================================================ building blocks

    private static Scenario.Run untilQuiet(Simulation sim) {
        return new Scenario.Run(sim, LONG, true);
    }

    /** A listener on the server's port that accepts one connection. */
    private static SimSocket listenAndAccept(Proc p) {
        SimSocket l = p.socket();
        l.bind(PORT);
        l.listen(128);
        return l.accept();
    }

    /** A connection from the calling process to the server's port. */
    static SimSocket connect(Proc p) {
        SimSocket s = p.socket();
        s.connect(SERVER_ADDR, PORT);
        return s;
    }

    /** Reads until end of stream (or an error). */
    private static void readToEof(SimSocket s) {
        s.readToEnd(4096);
    }

    /** Printable bulk data: "0123456789abcdef..." repeated, so reads in the trace are legible. */
    static byte[] bulk(int n) {
        byte[] b = new byte[n];
        String pattern = "0123456789abcdefghijklmnopqrstuvwxyz";
        for (int i = 0; i < n; i++) {
            b[i] = (byte) pattern.charAt(i % pattern.length());
        }
        return b;
    }

    /**
     * The client writes bytes (TCP_NODELAY), waits linger, and closes; the server reads to end of stream and
     * closes. The client's data segments with the given ordinal numbers (1 = the first) are lost once.
     */
    private static Scenario.Run lossyUpload(Simulation.Builder b, int bytes, Duration linger, String which, int... lost) {
        int[] n = {0};
        Simulation sim = b.fault(Fault.drop("the client's " + which + " data segment" + (lost.length > 1 ? "s" : "")
                        + " (once)", pkt -> {
                    if (!pkt.hasData()) {
                        return false;
                    }
                    n[0]++;
                    for (int k : lost) {
                        if (n[0] == k) {
                            return true;
                        }
                    }
                    return false;
                }).from(CLIENT).times(lost.length))
                .build();
        sim.app(SERVER, pr -> {
            SimSocket c = listenAndAccept(pr);
            readToEof(c);
            c.close();
        });
        sim.app(CLIENT, pr -> {
            SimSocket s = connect(pr);
            s.setsockopt(SockOpt.TCP_NODELAY, 1);
            s.write(bulk(bytes));
            if (!linger.isZero()) {
                pr.sleep(linger);
            }
            s.close();
        });
        return untilQuiet(sim);
    }

    /** client writes 5 bytes and closes; the server reads to end of stream, waits, closes. */
    private static Simulation closeScenario(ScenarioParams p, Duration serverDelay, Fault... faults) {
        Simulation.Builder b = p.twoHosts(ScenarioParams.DEFAULT_RTT_MS);
        for (Fault f : faults) {
            b.fault(f);
        }
        Simulation sim = b.build();
        sim.app(SERVER, pr -> {
            SimSocket c = listenAndAccept(pr);
            readToEof(c);
            if (!serverDelay.isZero()) {
                pr.sleep(serverDelay);
            }
            c.close();
        });
        sim.app(CLIENT, pr -> {
            SimSocket s = connect(pr);
            s.write("hello");
            s.close();
        });
        return sim;
    }

    static {
        add("handshake", "three-way handshake (RFC 9293 3.5): SYN, SYN-ACK, ACK with Linux's options and windows; both sides then idle 1 s", p -> {
            Simulation sim = p.twoHosts(ScenarioParams.DEFAULT_RTT_MS).build();
            sim.app(SERVER, pr -> {
                listenAndAccept(pr);
                pr.sleep(Duration.ofSeconds(1));
            });
            sim.app(CLIENT, pr -> {
                connect(pr);
                pr.sleep(Duration.ofSeconds(1));
            });
            return untilQuiet(sim);
        });

        add("fast-open", "TCP Fast Open (RFC 7413): the first connection's SYN asks the server (tcp_fastopen=3) for a cookie;"
                + " the second carries its request in the SYN, which the server reads and answers before the handshake completes", p -> {
            Simulation sim = p.twoHosts(ScenarioParams.DEFAULT_RTT_MS).sysctl(SERVER, "net.ipv4.tcp_fastopen", "3").build();
            sim.app(SERVER, pr -> {
                SimSocket l = pr.socket();
                l.bind(PORT);
                l.listen(128);
                l.setsockopt(SockOpt.TCP_FASTOPEN, 16);
                for (int i = 0; i < 2; i++) {
                    SimSocket c = l.accept();
                    c.write(c.read(14).data());
                    readToEof(c);
                    c.close();
                }
            });
            sim.app(CLIENT, pr -> {
                for (int i = 1; i <= 2; i++) {
                    SimSocket s = pr.socket();
                    s.sendFastOpen(SERVER_ADDR, PORT, ("GET /page" + i + "\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
                    s.read(14);
                    s.close();
                    pr.sleep(Duration.ofMillis(100));
                }
            });
            return untilQuiet(sim);
        });

        add("piggyback", "ACK piggybacking: after the quick-ACK start, replies sent within the ATO carry the ACK (ping-pong mode); a reply 500 ms late leaves a lone delayed ACK", p -> {
            Simulation sim = p.twoHosts(ScenarioParams.DEFAULT_RTT_MS).build();
            sim.app(SERVER, pr -> {
                SimSocket c = listenAndAccept(pr);
                for (int i = 0; i < 3; i++) {
                    c.write(c.read(5).data());
                }
                byte[] last = c.read(5).data();
                pr.sleep(Duration.ofMillis(500));
                c.write(last);
            });
            sim.app(CLIENT, pr -> {
                SimSocket s = connect(pr);
                pr.sleep(Duration.ofMillis(100));
                for (int i = 1; i <= 4; i++) {
                    s.write("req" + i + "!");
                    s.read(5);
                }
            });
            return untilQuiet(sim);
        });

        add("delayed-ack", "delayed ACK: 16 quick ACKs at connection start, then ACKs delayed by the ATO (40 ms, adapted, capped by the RTT) while the receiving application sleeps", p -> {
            Simulation sim = p.twoHosts(ScenarioParams.DEFAULT_RTT_MS).build();
            sim.app(SERVER, pr -> {
                SimSocket c = listenAndAccept(pr);
                pr.sleepUntil(Duration.ofSeconds(3));
                c.read(4096);
            });
            sim.app(CLIENT, pr -> {
                SimSocket s = connect(pr);
                for (int i = 0; i < 20; i++) {
                    pr.sleep(Duration.ofMillis(100));
                    s.write("data" + (char) ('A' + i));
                }
            });
            return untilQuiet(sim);
        });

        add("close", "four-way close: FIN, delayed ACK (the receiver enters ping-pong mode), the passive side's FIN 1 s later, last ACK, TIME_WAIT 60 s on the active closer", p ->
                untilQuiet(closeScenario(p, Duration.ofSeconds(1))));

        add("close-three-way", "three-segment close: the passive side closes as soon as it reads EOF, so its FIN carries the ACK of the peer's FIN", p ->
                untilQuiet(closeScenario(p, Duration.ZERO)));

        add("simultaneous-close", "simultaneous close: the FINs cross, both sides go FIN_WAIT1 -> CLOSING -> TIME_WAIT (RFC 9293 3.6 case 2)", p -> {
            Simulation sim = p.twoHosts(ScenarioParams.DEFAULT_RTT_MS).build();
            sim.app(SERVER, pr -> {
                SimSocket c = listenAndAccept(pr);
                pr.sleepUntil(Duration.ofSeconds(1));
                c.close();
            });
            sim.app(CLIENT, pr -> {
                SimSocket s = connect(pr);
                pr.sleepUntil(Duration.ofSeconds(1));
                s.close();
            });
            return untilQuiet(sim);
        });

        add("half-close", "half-close: shutdown(SHUT_WR) sends FIN but keeps receiving; the peer (CLOSE_WAIT) sends data for 1 s more, then closes", p -> {
            Simulation sim = p.twoHosts(ScenarioParams.DEFAULT_RTT_MS).build();
            sim.app(SERVER, pr -> {
                SimSocket c = listenAndAccept(pr);
                readToEof(c);
                long until = pr.nowNs() + Duration.ofSeconds(1).toNanos();
                while (pr.nowNs() < until) {
                    c.write("response data, 32 bytes long...\n");
                    pr.sleep(Duration.ofMillis(200));
                }
                c.close();
            });
            sim.app(CLIENT, pr -> {
                SimSocket s = connect(pr);
                s.write("GET /");
                s.shutdown(Tcp.SHUT_WR);
                readToEof(s);
                s.close();
            });
            return untilQuiet(sim);
        });

        add("syn-lost", "every SYN is lost: retransmissions at RTO 1 s (tcp_syn_linear_timeouts keeps the first 5 linear), then doubling; connect() fails with ETIMEDOUT", p -> {
            Simulation sim = p.twoHosts(ScenarioParams.DEFAULT_RTT_MS)
                    .fault(Fault.drop("every SYN from the client", SimPacket::isSyn).from(CLIENT)).build();
            sim.app(SERVER, pr -> listenAndAccept(pr));
            sim.app(CLIENT, Scenarios::connect);
            return untilQuiet(sim);
        });

        add("synack-lost", "every SYN-ACK is lost: the client retransmits its SYN, the server answers each at once and retransmits on its own timer (tcp_synack_retries), both give up", p -> {
            Simulation sim = p.twoHosts(ScenarioParams.DEFAULT_RTT_MS)
                    .fault(Fault.drop("every SYN-ACK", SimPacket::isSynAck)).build();
            sim.app(SERVER, pr -> listenAndAccept(pr));
            sim.app(CLIENT, Scenarios::connect);
            return untilQuiet(sim);
        });

        add("ack-lost", "the third ACK of the handshake is lost: the client is ESTABLISHED, the server retransmits its SYN-ACK, the client's answer completes the handshake", p -> {
            Simulation sim = p.twoHosts(ScenarioParams.DEFAULT_RTT_MS)
                    .fault(Fault.drop("the client's handshake ACK", SimPacket::isPureAck).from(CLIENT).times(1)).build();
            sim.app(SERVER, pr -> {
                listenAndAccept(pr);
                pr.sleep(Duration.ofSeconds(1));
            });
            sim.app(CLIENT, pr -> {
                connect(pr);
                pr.sleep(Duration.ofSeconds(2));
            });
            return untilQuiet(sim);
        });

        add("ack-lost-data", "the third ACK is lost but the client writes at once: the data segment carries the ACK and completes the handshake", p -> {
            Simulation sim = p.twoHosts(ScenarioParams.DEFAULT_RTT_MS)
                    .fault(Fault.drop("the client's handshake ACK", SimPacket::isPureAck).from(CLIENT).times(1)).build();
            sim.app(SERVER, pr -> {
                SimSocket c = listenAndAccept(pr);
                c.read(100);
                pr.sleep(Duration.ofSeconds(1));
            });
            sim.app(CLIENT, pr -> {
                SimSocket s = connect(pr);
                s.write("hello");
                pr.sleep(Duration.ofSeconds(1));
            });
            return untilQuiet(sim);
        });

        add("fin-lost", "the client's FIN is lost once: the tail-loss probe (one RTO later) retransmits it; the close then completes", p ->
                untilQuiet(closeScenario(p, Duration.ofSeconds(1),
                        Fault.drop("the client's first FIN", SimPacket::isFin).from(CLIENT).times(1))));

        add("fin-always-lost", "every FIN of the closed (orphaned) client is lost: retransmissions back off until tcp_orphan_retries (0 means 8) is exhausted, then the socket is dropped without RST", p ->
                untilQuiet(closeScenario(p, Duration.ofSeconds(1),
                        Fault.drop("every FIN from the client", SimPacket::isFin).from(CLIENT))));

        add("fin-ack-lost", "the server's ACK of the client's FIN is lost: the client retransmits its FIN, the server (CLOSE_WAIT) ACKs it again at once with a D-SACK", p -> {
            String[] finSeq = {null};
            Fault f = Fault.drop("the server's ACK of the client's FIN", pkt -> {
                if (pkt.from().equals(CLIENT) && pkt.isFin() && finSeq[0] == null) {
                    finSeq[0] = Integer.toUnsignedString(pkt.seq() + pkt.payloadLength() + 1);
                    return false;
                }
                return pkt.from().equals(SERVER) && pkt.isPureAck() && finSeq[0] != null
                        && Integer.toUnsignedString(pkt.ack()).equals(finSeq[0]);
            }).times(1);
            return untilQuiet(closeScenario(p, Duration.ofSeconds(1), f));
        });

        add("fin-wait-2-close", "the client close()s, the server never does: the orphaned client leaves FIN_WAIT2 after tcp_fin_timeout (60 s), silently; the server stays in CLOSE_WAIT", p -> {
            Simulation sim = p.twoHosts(ScenarioParams.DEFAULT_RTT_MS).build();
            sim.app(SERVER, pr -> {
                SimSocket c = listenAndAccept(pr);
                readToEof(c);
            });
            sim.app(CLIENT, pr -> {
                SimSocket s = connect(pr);
                s.close();
            });
            return untilQuiet(sim);
        });

        add("fin-wait-2-shutdown", "the client shutdown(SHUT_WR)s, the server never closes: a socket that is not orphaned stays in FIN_WAIT2 as long as the peer keeps it open (130 s run)", p -> {
            Simulation sim = p.twoHosts(ScenarioParams.DEFAULT_RTT_MS).build();
            sim.app(SERVER, pr -> {
                SimSocket c = listenAndAccept(pr);
                readToEof(c);
            });
            sim.app(CLIENT, pr -> {
                SimSocket s = connect(pr);
                s.shutdown(Tcp.SHUT_WR);
            });
            return new Scenario.Run(sim, Duration.ofSeconds(130), false);
        });

        add("last-fin-lost", "the server's FIN is lost once: it is retransmitted after the RTO (as a tail-loss probe); the client in FIN_WAIT2 then ACKs and enters TIME_WAIT", p ->
                untilQuiet(closeScenario(p, Duration.ofSeconds(1),
                        Fault.drop("the server's first FIN", SimPacket::isFin).from(SERVER).times(1))));

        add("last-fin-always-lost", "every FIN of the server (LAST_ACK, orphaned) is lost: it retransmits until tcp_orphan_retries runs out; the client's FIN_WAIT2 ends after 60 s", p ->
                untilQuiet(closeScenario(p, Duration.ofSeconds(1),
                        Fault.drop("every FIN from the server", SimPacket::isFin).from(SERVER))));

        add("last-ack-lost", "the client's last ACK is lost: the server (LAST_ACK) retransmits its FIN; the client in TIME_WAIT ACKs again and restarts its 60 s timer", p -> {
            boolean[] serverFinSeen = {false};
            Fault f = Fault.drop("the client's ACK of the server's FIN", pkt -> {
                if (pkt.from().equals(SERVER) && pkt.isFin()) {
                    serverFinSeen[0] = true;
                    return false;
                }
                return serverFinSeen[0] && pkt.from().equals(CLIENT) && pkt.isPureAck();
            }).times(1);
            return untilQuiet(closeScenario(p, Duration.ofSeconds(1), f));
        });

        add("time-wait", "TIME_WAIT: the active closer keeps the 4-tuple for 2MSL = 60 s (TCP_TIMEWAIT_LEN) after a clean close, then CLOSE", p ->
                untilQuiet(closeScenario(p, Duration.ZERO)));

        add("rst-closed-port", "connect() to a port with no listener: the server answers the SYN with RST|ACK, connect() fails with ECONNREFUSED", p -> {
            Simulation sim = p.twoHosts(ScenarioParams.DEFAULT_RTT_MS).build();
            sim.app(CLIENT, pr -> {
                SimSocket s = pr.socket();
                s.connect(SERVER_ADDR, 81);
            });
            return untilQuiet(sim);
        });

        add("rst-unread-data", "close() with unread data sends RST instead of FIN (RFC 2525 2.17); the client's next read() fails with ECONNRESET", p -> {
            Simulation sim = p.twoHosts(ScenarioParams.DEFAULT_RTT_MS).build();
            sim.app(SERVER, pr -> {
                SimSocket c = listenAndAccept(pr);
                pr.sleep(Duration.ofMillis(200));
                c.close();
            });
            sim.app(CLIENT, pr -> {
                SimSocket s = connect(pr);
                s.write("hello");
                pr.sleep(Duration.ofMillis(500));
                s.read(100);
                s.read(100);
                s.write("again");
                s.close();
            });
            return untilQuiet(sim);
        });

        add("linger-zero", "SO_LINGER {on, 0}: close() aborts the connection with RST (no FIN, no TIME_WAIT); the client's read() fails with ECONNRESET", p -> {
            Simulation sim = p.twoHosts(ScenarioParams.DEFAULT_RTT_MS).build();
            sim.app(SERVER, pr -> {
                SimSocket c = listenAndAccept(pr);
                c.write("welcome");
                pr.sleep(Duration.ofMillis(200));
                c.setsockopt(SockOpt.SO_LINGER, 1, 0);
                c.close();
            });
            sim.app(CLIENT, pr -> {
                SimSocket s = connect(pr);
                pr.sleep(Duration.ofMillis(500));
                s.read(100);
                s.read(100);
                s.read(100);
            });
            return untilQuiet(sim);
        });

        add("data-to-closed", "data to a closed socket: the server close()s, the client keeps writing; the server answers with RST, later writes fail with EPIPE, reads return 0 (end of stream)", p -> {
            Simulation sim = p.twoHosts(ScenarioParams.DEFAULT_RTT_MS).build();
            sim.app(SERVER, pr -> {
                SimSocket c = listenAndAccept(pr);
                c.close();
            });
            sim.app(CLIENT, pr -> {
                SimSocket s = connect(pr);
                pr.sleep(Duration.ofMillis(200));
                for (int i = 0; i < 3; i++) {
                    s.write("more!");
                    pr.sleep(Duration.ofMillis(100));
                }
                s.read(100);
                s.read(100);
                s.close();
            });
            return untilQuiet(sim);
        });

        add("urgent", "urgent data: send(MSG_OOB) sets URG and the urgent pointer; the receiver reads the byte out of band (recv MSG_OOB) or inline with SO_OOBINLINE, and reads stop at the mark", p -> {
            Simulation sim = p.twoHosts(ScenarioParams.DEFAULT_RTT_MS).build();
            sim.app(SERVER, pr -> {
                SimSocket l = pr.socket();
                l.bind(PORT);
                l.listen(128);
                // Connection 1: the urgent byte out of band.
                SimSocket a = l.accept();
                pr.sleep(Duration.ofMillis(300));
                a.recv(1, Tcp.MSG_OOB);
                a.read(100);
                a.read(100);
                a.recv(1, Tcp.MSG_OOB);
                a.close();
                // Connection 2: SO_OOBINLINE, the urgent byte stays in the stream.
                SimSocket b = l.accept();
                b.setsockopt(SockOpt.SO_OOBINLINE, 1);
                pr.sleep(Duration.ofMillis(300));
                b.recv(1, Tcp.MSG_OOB);
                b.read(100);
                b.read(100);
                b.close();
            });
            sim.app(CLIENT, pr -> {
                for (int i = 0; i < 2; i++) {
                    SimSocket s = connect(pr);
                    s.setsockopt(SockOpt.TCP_NODELAY, 1);
                    s.write("abc");
                    pr.sleep(Duration.ofMillis(20));
                    s.writeUrgent("!");
                    pr.sleep(Duration.ofMillis(20));
                    s.write("def");
                    readToEof(s);
                    s.close();
                }
            });
            return untilQuiet(sim);
        });

        add("bind-in-use", "bind(): a port with a listener gives EADDRINUSE; a port held only by TIME_WAIT is reusable when both the old and the new socket set SO_REUSEADDR", p -> {
            Simulation sim = p.twoHosts(ScenarioParams.DEFAULT_RTT_MS).build();
            sim.app(SERVER, pr -> {
                SimSocket a = pr.socket();
                a.setsockopt(SockOpt.SO_REUSEADDR, 1);
                a.bind(8080);
                a.listen(128);
                SimSocket b = pr.socket();
                b.setsockopt(SockOpt.SO_REUSEADDR, 1);
                b.bind(8080);                  // EADDRINUSE: a listener holds the port
                b.close();
                SimSocket c = a.accept();
                c.close();                     // the server closes first: its side goes to TIME_WAIT
                a.close();
                pr.sleep(Duration.ofSeconds(1));
                SimSocket d = pr.socket();
                d.bind(8080);                  // EADDRINUSE: TIME_WAIT still holds the port
                d.close();
                SimSocket e = pr.socket();
                e.setsockopt(SockOpt.SO_REUSEADDR, 1);
                e.bind(8080);                  // 0: both sockets have SO_REUSEADDR
                e.listen(128);
                pr.sleep(Duration.ofSeconds(1));
                e.close();
            });
            sim.app(CLIENT, pr -> {
                SimSocket s = pr.socket();
                s.connect(SERVER_ADDR, 8080);
                readToEof(s);
                s.close();
            });
            return untilQuiet(sim);
        });

        add("ephemeral-port", "connect() without bind() picks an even ephemeral port from ip_local_port_range by a keyed hash of the destination, advancing by small random steps", p -> {
            Simulation sim = p.twoHosts(ScenarioParams.DEFAULT_RTT_MS).build();
            sim.app(SERVER, pr -> {
                SimSocket l = pr.socket();
                l.bind(PORT);
                l.listen(128);
                SimSocket l2 = pr.socket();
                l2.bind(PORT + 1);
                l2.listen(128);
                pr.sleep(Duration.ofSeconds(2));
            });
            sim.app(CLIENT, pr -> {
                List<SimSocket> open = new ArrayList<>();
                for (int i = 0; i < 6; i++) {
                    SimSocket s = pr.socket();
                    s.connect(SERVER_ADDR, PORT);
                    open.add(s);
                }
                for (int i = 0; i < 3; i++) {
                    SimSocket s = pr.socket();
                    s.connect(SERVER_ADDR, PORT + 1);
                    open.add(s);
                }
                SimSocket b = pr.socket();
                b.bind(0);   // bind() to port 0 chooses an odd port
                pr.sleep(Duration.ofSeconds(1));
            });
            return untilQuiet(sim);
        });

        add("data-lost", "one data segment of a 30 KB transfer is lost once: SACK blocks report the hole, the third duplicate ACK triggers a fast retransmit, the hole fills", p ->
                lossyUpload(p.twoHosts(ScenarioParams.DEFAULT_RTT_MS), 30000, Duration.ZERO, "third", 3));

        add("fast-retransmit", "a peer without SACK (tcp_sack=0): one segment of a 30 KB transfer is lost once; the third duplicate ACK triggers a fast retransmit (RFC 5681 3.2), proportional rate reduction (RFC 6937) paces new data during recovery, and NewReno holds the recovery until data above high_seq is acknowledged (RFC 6582)", p ->
                lossyUpload(p.twoHosts(ScenarioParams.DEFAULT_RTT_MS, "net.ipv4.tcp_sack=0"), 30000, Duration.ZERO, "third", 3));

        add("sack-recovery", "three segments of the first window of a 60 KB transfer are lost once (the 3rd, 5th and 8th): SACK blocks report the holes, RACK (RFC 8985) marks each lost once later data is SACKed, the holes are retransmitted in one recovery while proportional rate reduction (RFC 6937) sends new data as SACKs arrive; one cwnd reduction, no timeout", p ->
                lossyUpload(p.twoHosts(ScenarioParams.DEFAULT_RTT_MS), 60000, Duration.ZERO, "3rd, 5th and 8th", 3, 5, 8));

        add("rack-tlp", "tail loss: the last two segments of a 10-segment response are lost once; no duplicate ACK can reveal them, so after the probe timeout (2 x SRTT) the tail loss probe (RFC 8985 7) resends the last segment, its SACK lets RACK mark the other lost, and fast recovery repairs it without waiting for the RTO", p ->
                lossyUpload(p.twoHosts(ScenarioParams.DEFAULT_RTT_MS), 14480, Duration.ofSeconds(1), "9th and 10th", 9, 10));

        add("retries-exhausted", "the server vanishes mid-transfer: a tail-loss probe, then RTO retransmissions doubling to 120 s, until tcp_retries2 (15, about 15 minutes); then ETIMEDOUT", p -> {
            Simulation sim = p.twoHosts(ScenarioParams.DEFAULT_RTT_MS)
                    .fault(Fault.drop("the server has vanished (from 1 s on)", pkt -> true)
                            .between(Duration.ofSeconds(1), Duration.ofDays(1)))
                    .build();
            sim.app(SERVER, pr -> {
                SimSocket c = listenAndAccept(pr);
                c.read(1000);
            });
            sim.app(CLIENT, pr -> {
                SimSocket s = connect(pr);
                s.write(bulk(1000));
                pr.sleepUntil(Duration.ofSeconds(1));
                s.write(bulk(1000));
                s.read(100);
                s.write(bulk(10));
            });
            return untilQuiet(sim);
        });
        add("lossy-transfer", "1 MiB through 2% random loss each way (the seed picks which packets): SACK recovery, tail-loss probes and RTOs repair every hole; the server reads every byte once, in order, and both ends close", p -> {
            Simulation sim = p.twoHosts(ScenarioParams.DEFAULT_RTT_MS, l -> l.withLoss(0.02)).build();
            byte[] data = bulk(1 << 20);
            sim.app(SERVER, pr -> {
                SimSocket c = listenAndAccept(pr);
                byte[] got = c.readToEnd(65536);
                if (!java.util.Arrays.equals(got, data)) {
                    throw new IllegalStateException("lossy-transfer: the server read " + got.length
                            + " bytes that differ from the 1 MiB written");
                }
                c.close();
            });
            sim.app(CLIENT, pr -> {
                SimSocket s = connect(pr);
                s.write(data);
                s.close();
            });
            return untilQuiet(sim);
        });
        ListenerScenarios.addAll(Scenarios::add);
        SenderScenarios.addAll(Scenarios::add);
        CongestionScenarios.addAll(Scenarios::add);
    }
}
