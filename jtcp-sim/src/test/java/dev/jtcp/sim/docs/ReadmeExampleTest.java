package dev.jtcp.sim.docs;

import dev.jtcp.sim.Fault;
import dev.jtcp.sim.LinkSpec;
import dev.jtcp.sim.ReadResult;
import dev.jtcp.sim.SimPacket;
import dev.jtcp.sim.SimSocket;
import dev.jtcp.sim.Simulation;
import dev.jtcp.sys.Mib;
import dev.jtcp.trace.Jsonl;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** The README's Java example, kept compiling and working (the README shows it verbatim). */
class ReadmeExampleTest {
    @Test
    void readmeExampleRuns() {
        ReadResult[] reply = new ReadResult[1];
        // --- as in README.md ---
        Simulation sim = Simulation.builder()
                .seed(42)
                .host("client", "10.0.0.1")
                .host("server", "10.0.0.2")
                .link("client", "server", LinkSpec.rtt(Duration.ofMillis(50)).withLoss(0.01))
                .sysctl("net.ipv4.tcp_syn_retries", "3")
                .fault(Fault.drop("the first FIN from client", SimPacket::isFin).from("client").times(1))
                .build();
        sim.app("server", p -> {
            SimSocket l = p.socket();
            l.bind(80);
            l.listen(128);
            SimSocket c = l.accept();                 // blocks in virtual time
            c.write(c.read(100).data());              // echo one request
            c.close();
        });
        sim.app("client", p -> {
            SimSocket s = p.socket();
            s.connect("10.0.0.2", 80);
            s.write("hello");
            p.sleep(Duration.ofMillis(500));
            reply[0] = s.read(100);                   // README: System.out.println(s.read(100));
            s.close();
        });
        sim.run(Duration.ofMinutes(5));               // until quiet, or 5 virtual minutes
        StringBuilder out = new StringBuilder();
        Jsonl.write(sim.trace().events(), out);       // README: System.out
        // --- end ---
        assertThat(reply[0].text()).isEqualTo("hello");
        assertThat(out.toString()).contains("\"why\":\"network: fault rule: the first FIN from client\"".replace("network: ", ""));
        assertThat(sim.stack("client").mib().get(Mib.TcpActiveOpens)).isEqualTo(1);
        sim.close();
    }
}
