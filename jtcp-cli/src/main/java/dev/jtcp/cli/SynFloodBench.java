package dev.jtcp.cli;

import dev.jtcp.sim.scenario.SynFloodRun;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

/**
 * jtcp bench synflood: SYN flood resilience in the simulator. A million spoofed SYNs per virtual second
 * against a listen(128) server while a legitimate client connects every 10 ms; with tcp_syncookies=1 at
 * least 99% of them must finish within a second, and the listener must hold no more than its queues.
 */
@Command(name = "synflood", mixinStandardHelpOptions = true,
        description = "SYN flood resilience: spoofed SYNs at --rate per virtual second against a listen(--backlog)"
                + " server while a legitimate client connects every 10 ms; reports how many finished within 1 s"
                + " and the most the listener held.")
final class SynFloodBench implements Callable<Integer> {
    @Option(names = "--rate", paramLabel = "SYN/s", defaultValue = "1000000",
            description = "Spoofed SYNs per virtual second (default: ${DEFAULT-VALUE}).")
    long rate;

    @Option(names = "--seconds", paramLabel = "S", defaultValue = "2",
            description = "Virtual seconds the flood lasts (default: ${DEFAULT-VALUE}).")
    double seconds;

    @Option(names = "--syncookies", paramLabel = "0|1|2", defaultValue = "1",
            description = "net.ipv4.tcp_syncookies on the server (default: ${DEFAULT-VALUE}).")
    int syncookies;

    @Option(names = "--backlog", paramLabel = "N", defaultValue = "128",
            description = "The server's listen() backlog (default: ${DEFAULT-VALUE}).")
    int backlog;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        if (rate < 1000 || rate > 20_000_000) {
            throw new Main.UsageError("--rate: " + rate + " is out of range; accepted: 1000..20000000 SYNs per second", null);
        }
        if (!(seconds > 0.02 && seconds <= 60)) {
            throw new Main.UsageError("--seconds: " + seconds + " is out of range; accepted: more than 0.02, at most 60", null);
        }
        if (syncookies < 0 || syncookies > 2) {
            throw new Main.UsageError("--syncookies: " + syncookies + " is not a tcp_syncookies mode; accepted: 0, 1, 2", null);
        }
        if (backlog < 0 || backlog > 4096) {
            throw new Main.UsageError("--backlog: " + backlog + " is out of range; accepted: 0..4096 (somaxconn)", null);
        }
        PrintWriter out = spec.commandLine().getOut();
        out.printf("flood: %,d spoofed SYNs/s for %.2f virtual s; listen(%d), tcp_syncookies=%d; a legitimate"
                + " client every 10 ms (success = request and reply within %d ms)%n", rate, seconds, backlog, syncookies,
                SynFloodRun.DEADLINE_MS);
        out.flush();
        SynFloodRun.Result r = new SynFloodRun(rate, seconds, syncookies, backlog).run(1);
        out.printf("SYNs sent %,d; legitimate connections %d of %d within %d ms (%.1f%%), slowest %d ms%n",
                r.synsSent(), r.succeeded(), r.attempted(), SynFloodRun.DEADLINE_MS, 100 * r.successRate(), r.slowestMs());
        out.printf("listener at most: %d half-open requests, %d in the accept queue, %d table entries (backlog %d)%n",
                r.maxRequests(), r.maxAcceptQueue(), r.maxServerEntries(), backlog);
        out.printf("counters: SyncookiesSent %,d, SyncookiesRecv %,d, TCPReqQFullDrop %,d, ListenDrops %,d%n",
                r.cookiesSent(), r.cookiesRecv(), r.reqQFullDrop(), r.listenDrops());
        out.printf("wall time %.2f s for %.2f virtual s (%,.0f SYNs handled per wall second)%n", r.wallNs() / 1e9,
                r.virtualNs() / 1e9, r.synsSent() / (r.wallNs() / 1e9));
        out.printf("RESULT name=synflood rate=%d legit_ok=%.4f max_requests=%d max_acceptq=%d backlog=%d syncookies=%d"
                        + " wall_s=%.2f%n", rate, r.successRate(), r.maxRequests(), r.maxAcceptQueue(), backlog, syncookies,
                r.wallNs() / 1e9);
        out.flush();
        return 0;
    }
}
