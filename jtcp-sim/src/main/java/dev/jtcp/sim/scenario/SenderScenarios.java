package dev.jtcp.sim.scenario;

import dev.jtcp.sim.Fault;
import dev.jtcp.sim.Proc;
import dev.jtcp.sim.SimSocket;
import dev.jtcp.sim.Simulation;
import dev.jtcp.tcp.SockOpt;

import java.time.Duration;

import static dev.jtcp.sim.scenario.ScenarioParams.CLIENT;
import static dev.jtcp.sim.scenario.ScenarioParams.SERVER;

/**
 * Sender-side behaviours of an established connection (the data-transfer issue, item 6 and the
 * scenarios of item 7): the persist timer against a zero window, keepalive against a peer that
 * vanishes, and Nagle's algorithm with and without TCP_NODELAY.
 */
final class SenderScenarios {
    private static final int PORT = Scenarios.PORT;
    /** Longer than Scenarios' hour: keepalive takes 2 x tcp_keepalive_time and more. */
    private static final Duration LONG = Duration.ofDays(1);

    private SenderScenarios() {}

    private static Scenario.Run untilQuiet(Simulation sim) {
        return new Scenario.Run(sim, LONG, true);
    }

    private static SimSocket listen(Proc p) {
        SimSocket l = p.socket();
        l.bind(PORT);
        l.listen(128);
        return l;
    }

    /** Printable bytes, so that reads in the trace are legible. */
    private static byte[] bulk(int n, char first) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (first + i % 26);
        }
        return b;
    }

    static void addAll(ListenerScenarios.Registry r) {
        r.add("zero-window", "a slow reader: the server's 4 KB receive buffer (SO_RCVBUF) fills, it advertises a zero window; "
                + "the client's persist timer probes it with exponential backoff (TCPWinProbe) until the reader "
                + "drains the buffer 20 s later and a window update restarts the transfer", p -> {
            Simulation sim = p.twoHosts(ScenarioParams.DEFAULT_RTT_MS).build();
            sim.app(SERVER, pr -> {
                SimSocket l = pr.socket();
                l.setsockopt(SockOpt.SO_RCVBUF, 4096);   // doubled by the kernel: sk_rcvbuf 8192
                l.bind(PORT);
                l.listen(128);
                SimSocket c = l.accept();
                pr.sleepUntil(Duration.ofSeconds(20));
                c.readToEnd(65536);
                c.close();
            });
            sim.app(CLIENT, pr -> {
                SimSocket s = Scenarios.connect(pr);
                s.write(bulk(20000, 'a'));
                s.close();
            });
            return untilQuiet(sim);
        });

        r.add("keepalive", "an idle connection with SO_KEEPALIVE and Linux's defaults (tcp_keepalive_time 7200 s, "
                + "intvl 75 s, probes 9): the first probe after 2 h idle is answered; then the server vanishes, "
                + "9 probes 75 s apart go unanswered and the connection dies with ETIMEDOUT", p -> {
            Simulation sim = p.twoHosts(ScenarioParams.DEFAULT_RTT_MS)
                    .fault(Fault.drop("the server has vanished (from 7300 s on)", pkt -> true)
                            .between(Duration.ofSeconds(7300), LONG))
                    .build();
            sim.app(SERVER, pr -> {
                SimSocket c = listen(pr).accept();
                c.read(100);
            });
            sim.app(CLIENT, pr -> {
                SimSocket s = Scenarios.connect(pr);
                s.setsockopt(SockOpt.SO_KEEPALIVE, 1);
                s.read(100);   // blocks until the keepalive gives up: ETIMEDOUT
                s.close();
            });
            return untilQuiet(sim);
        });

        r.add("nagle", "small writes (100 B every 5 ms, twenty of them) on two connections: with Nagle's algorithm "
                + "(the default) only one small segment is in flight and the rest coalesce until its ACK; "
                + "with TCP_NODELAY each write leaves at once", p -> {
            Simulation sim = p.twoHosts(ScenarioParams.DEFAULT_RTT_MS).build();
            sim.app(SERVER, pr -> {
                SimSocket l = listen(pr);
                for (int i = 0; i < 2; i++) {
                    SimSocket c = l.accept();
                    pr.spawn(q -> {
                        c.readToEnd(4096);
                        c.close();
                    });
                }
            });
            sim.app(CLIENT, pr -> {
                for (int conn = 0; conn < 2; conn++) {
                    SimSocket s = Scenarios.connect(pr);
                    if (conn == 1) {
                        s.setsockopt(SockOpt.TCP_NODELAY, 1);
                    }
                    pr.sleepMillis(200);   // past the quick-ack start of the handshake
                    for (int i = 0; i < 20; i++) {
                        s.write(bulk(100, (char) ('a' + i)));
                        pr.sleepMillis(5);
                    }
                    s.close();
                    pr.sleepMillis(500);
                }
            });
            return untilQuiet(sim);
        });
    }
}
