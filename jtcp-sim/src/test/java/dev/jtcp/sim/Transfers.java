package dev.jtcp.sim;

import dev.jtcp.sim.scenario.Ladder;
import dev.jtcp.tcp.SockOpt;

import java.time.Duration;

/** A bulk transfer between two hosts, for simulator tests. */
final class Transfers {
    static final String CLIENT = "client";
    static final String SERVER = "server";
    static final String SERVER_ADDR = "10.0.0.2";

    private Transfers() {}

    record Result(Ladder ladder, byte[] sent, byte[] received, long endNs) {}

    static Simulation.Builder twoHosts(long seed, LinkSpec spec) {
        return Simulation.builder().seed(seed)
                .host(CLIENT, "10.0.0.1").host(SERVER, SERVER_ADDR)
                .link(CLIENT, SERVER, spec);
    }

    static byte[] pattern(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i * 31 + (i >> 8));
        }
        return b;
    }

    /** The client connects, writes n bytes (TCP_NODELAY), closes; the server reads to end of stream and closes. */
    static Result transfer(Simulation.Builder b, int n) {
        Simulation sim = b.build();
        byte[] data = pattern(n);
        byte[][] got = new byte[1][];
        sim.app(SERVER, p -> {
            SimSocket l = p.socket();
            l.bind(80);
            l.listen(16);
            SimSocket c = l.accept();
            got[0] = c.readToEnd(65536);
            c.close();
        });
        sim.app(CLIENT, p -> {
            SimSocket s = p.socket();
            if (s.connect(SERVER_ADDR, 80) != 0) {
                return;
            }
            s.setsockopt(SockOpt.TCP_NODELAY, 1);
            s.write(data);
            s.close();
        });
        long end = sim.run(Duration.ofMinutes(30));
        Ladder l = Ladder.of("transfer", sim);
        sim.close();
        return new Result(l, data, got[0], end);
    }

    static Result transfer(long seed, LinkSpec spec, int n, Fault... faults) {
        Simulation.Builder b = twoHosts(seed, spec);
        for (Fault f : faults) {
            b.fault(f);
        }
        return transfer(b, n);
    }
}
