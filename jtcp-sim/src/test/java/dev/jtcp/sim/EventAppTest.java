package dev.jtcp.sim;

import dev.jtcp.api.TcpSocket;
import dev.jtcp.sim.scenario.Ladder;
import dev.jtcp.sys.Errno;
import dev.jtcp.tcp.SockOpt;
import dev.jtcp.wire.Endpoint;
import dev.jtcp.wire.Ipv4Addr;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static dev.jtcp.sim.Transfers.CLIENT;
import static dev.jtcp.sim.Transfers.SERVER;
import static dev.jtcp.sim.Transfers.SERVER_ADDR;
import static dev.jtcp.sim.scenario.Ladder.ns;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Event-driven applications: callbacks on the simulator's thread, woken as blocked processes are. */
class EventAppTest {
    static final LinkSpec LINK = LinkSpec.rtt(Duration.ofMillis(50)).withRate(10_000_000).withQueue(20);

    /** The transfer of {@link Transfers#transfer}, written as callbacks: connect, write all, close; read to the end, close. */
    static Transfers.Result eventTransfer(Simulation.Builder b, int n) {
        Simulation sim = b.build();
        byte[] data = Transfers.pattern(n);
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        sim.eventApp(SERVER, e -> {
            TcpSocket l = e.socket();
            l.bind(new Endpoint(0, 80));
            l.listen(16);
            e.watch(l, EventProc.READ, ls -> {
                TcpSocket c = ls.accept();
                if (c == null) {
                    return;
                }
                byte[] buf = new byte[65536];
                e.watch(c, EventProc.READ, cs -> {
                    int r;
                    while ((r = cs.read(buf, 0, buf.length)) > 0) {
                        got.write(buf, 0, r);
                    }
                    if (r != Errno.EAGAIN.neg()) {
                        e.unwatch(cs);
                        cs.close();
                    }
                });
            });
        });
        sim.eventApp(CLIENT, e -> {
            TcpSocket s = e.socket();
            assertThat(s.connect(new Endpoint(Ipv4Addr.parse(SERVER_ADDR), 80))).isEqualTo(Errno.EINPROGRESS.neg());
            int[] done = {0};
            e.watch(s, EventProc.WRITE, ws -> {
                if (done[0] == 0 && ws.connectResult() != 0) {
                    e.unwatch(ws);
                    return;
                }
                if (done[0] == 0) {
                    ws.setOption(SockOpt.TCP_NODELAY, 1);
                }
                int w;
                while (done[0] < n && (w = ws.write(data, done[0], n - done[0])) > 0) {
                    done[0] += w;
                }
                if (done[0] == n) {
                    e.unwatch(ws);
                    ws.close();
                }
            });
        });
        long end = sim.run(Duration.ofMinutes(30));
        Ladder l = Ladder.of("event transfer", sim);
        sim.close();
        return new Transfers.Result(l, data, got.toByteArray(), end);
    }

    @Test
    void callbacksMoveTheSamePacketsAsProcesses() {
        // Both kinds of application write as soon as the socket takes data and read as soon as it has some,
        // at the same instants (after the packets of that instant), so the wire sees the same packets.
        int n = 300_000;
        Transfers.Result procs = Transfers.transfer(Transfers.twoHosts(3, LINK), n);
        Transfers.Result events = eventTransfer(Transfers.twoHosts(3, LINK), n);
        assertThat(events.received()).isEqualTo(events.sent());
        assertThat(procs.received()).isEqualTo(procs.sent());
        assertThat(events.endNs()).isEqualTo(procs.endNs());
        List<String> a = events.ladder().lines(s -> true);
        assertThat(a).hasSizeGreaterThan(400);
        assertThat(a).isEqualTo(procs.ladder().lines(s -> true));
        // A socket call of an event-driven application is not in the trace, only its socket().
        assertThat(events.ladder().calls(CLIENT, "write")).isEmpty();
        assertThat(events.ladder().calls(CLIENT, "socket")).hasSize(1);
    }

    @Test
    void callbacksSurviveLossReorderingAndDuplicates() {
        LinkSpec faulty = LINK.withLoss(0.02).withReorder(0.05, Duration.ofMillis(3)).withDuplicate(0.02);
        Transfers.Result r = eventTransfer(Transfers.twoHosts(11, faulty), 200_000);
        assertThat(r.received()).isEqualTo(r.sent());
        assertThat(r.ladder().networkDrops()).isNotEmpty();
    }

    @Test
    void aWatchRunsOnlyWhenItsSocketIsWokenAndReady() {
        Simulation sim = Transfers.twoHosts(1, LinkSpec.rtt(Duration.ofMillis(50))).build();
        List<String> seen = new ArrayList<>();
        sim.eventApp(SERVER, e -> {
            TcpSocket l = e.socket();
            l.bind(new Endpoint(0, 80));
            l.listen(4);
            seen.add(e.host() + " listening at " + e.nowNs());
            e.watch(l, EventProc.READ, ls -> {
                TcpSocket c = ls.accept();
                seen.add("accepted at " + e.nowNs());
                e.unwatch(ls);
                e.watch(c, EventProc.READ, cs -> {
                    byte[] b = new byte[10];
                    int r = cs.read(b, 0, b.length);
                    seen.add("read " + r + " at " + e.nowNs());
                    if (r == 0) {
                        e.unwatch(cs);
                        cs.close();
                    }
                });
            });
        });
        sim.app(CLIENT, Duration.ofMillis(100), p -> {
            SimSocket s = p.socket();
            s.connect(SERVER_ADDR, 80);
            s.write("hi");
            p.sleep(Duration.ofMillis(200));
            s.close();
        });
        sim.run(Duration.ofSeconds(10));
        sim.close();
        // SYN at 0.100, SYN-ACK back at 0.150; the handshake's ACK and the data sent with it reach the server
        // at 0.175 (25 ms each way): one wake-up of the listener, then one of the new socket. The FIN, sent
        // at 0.350 after the sleep, arrives at 0.375.
        assertThat(seen).containsExactly("server listening at 0", "accepted at " + ns("0.175"),
                "read 2 at " + ns("0.175"), "read 0 at " + ns("0.375"));
    }

    @Test
    void aFailingCallbackStopsTheRunNamingItsApplication() {
        Simulation sim = Transfers.twoHosts(1, LinkSpec.rtt(Duration.ofMillis(50))).build();
        sim.eventApp(CLIENT, Duration.ofMillis(20), e -> {
            throw new IllegalStateException("boom");
        });
        assertThatThrownBy(() -> sim.run(Duration.ofSeconds(1)))
                .isInstanceOf(SimulationException.class)
                .hasMessage("application events0 on client failed at 0.020000 s: java.lang.IllegalStateException: boom")
                .hasCauseInstanceOf(IllegalStateException.class);
        sim.close();
    }

    @Test
    void watchRejectsOtherHostsSocketsAndUnknownEvents() {
        Simulation sim = Transfers.twoHosts(1, LinkSpec.rtt(Duration.ofMillis(50))).build();
        TcpSocket foreign = TcpSocket.open(sim.stack(SERVER));
        sim.eventApp(CLIENT, e -> {
            assertThatThrownBy(() -> e.watch(foreign, EventProc.READ, s -> { }))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("is not on host client");
            assertThatThrownBy(() -> e.watch(e.socket(), 4, s -> { }))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("expected READ, WRITE or both");
            e.unwatch(e.socket());   // never watched: nothing happens
        });
        sim.run(Duration.ofSeconds(1));
        sim.close();
    }
}
