package dev.jtcp.sim.scenario;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * SYN flood resilience in virtual time: with cookies nearly every legitimate connection succeeds during
 * a flood, and the listener never holds more than its queues allow. (The full 1M SYN/s run is
 * {@code jtcp bench synflood}; this one is smaller to keep the suite quick.)
 */
class SynFloodRunTest {
    @Test
    void withCookiesLegitimateClientsGetThroughAndTheListenerStaysBounded() {
        SynFloodRun.Result r = new SynFloodRun(100_000, 1.0, 1, 128).run(1);
        assertThat(r.synsSent()).isEqualTo(100_000);
        assertThat(r.attempted()).isEqualTo(99);
        assertThat(r.successRate()).isGreaterThanOrEqualTo(0.99);
        assertThat(r.maxRequests()).isLessThanOrEqualTo(129);    // qlen > backlog is full: at most backlog + 1
        assertThat(r.maxAcceptQueue()).isLessThanOrEqualTo(129);
        assertThat(r.cookiesSent()).isGreaterThan(99_000);
        assertThat(r.cookiesRecv()).isEqualTo(r.succeeded());
    }

    @Test
    void withoutCookiesTheFloodLocksLegitimateClientsOut() {
        SynFloodRun.Result r = new SynFloodRun(100_000, 1.0, 0, 128).run(1);
        assertThat(r.maxRequests()).isLessThanOrEqualTo(129);
        assertThat(r.reqQFullDrop()).isGreaterThan(99_000);
        // They get in only after the flood, by SYN retransmission, most of them seconds late or never.
        assertThat(r.successRate()).isLessThan(0.99);
    }
}
