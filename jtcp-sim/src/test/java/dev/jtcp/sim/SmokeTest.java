package dev.jtcp.sim;

import dev.jtcp.trace.Jsonl;
import org.junit.jupiter.api.Test;

import java.time.Duration;

class SmokeTest {
    @Test
    void handshakeDataClose() {
        Simulation sim = Simulation.builder().seed(1)
                .host("client", "10.0.0.1").host("server", "10.0.0.2")
                .link("client", "server", LinkSpec.rtt(Duration.ofMillis(50)))
                .build();
        sim.app("server", p -> {
            SimSocket l = p.socket();
            l.bind(80);
            l.listen(16);
            SimSocket c = l.accept();
            ReadResult r = c.read(100);
            c.write(r.data());
            c.read(100);
            c.close();
        });
        sim.app("client", p -> {
            SimSocket s = p.socket();
            s.connect("10.0.0.2", 80);
            s.write("hello");
            s.read(100);
            s.close();
        });
        sim.run(Duration.ofMinutes(5));
        StringBuilder sb = new StringBuilder();
        Jsonl.write(sim.trace().events(), sb);
        System.out.println(sb);
        sim.close();
    }
}
