package dev.jtcp.report;

import dev.jtcp.trace.CallEvent;
import dev.jtcp.trace.SegmentEvent;
import dev.jtcp.trace.StateEvent;
import dev.jtcp.trace.TimerEvent;
import dev.jtcp.trace.TraceEvent;
import dev.jtcp.wire.Endpoint;
import dev.jtcp.wire.TcpFlags;
import dev.jtcp.wire.TcpHeader;
import dev.jtcp.wire.TcpOptions;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class LadderRendererTest {
    private static final Endpoint C = Endpoint.of("10.0.0.1", 40000);
    private static final Endpoint S = Endpoint.of("10.0.0.2", 80);

    private static SegmentEvent seg(long t, String host, SegmentEvent.Kind k, Endpoint src, Endpoint dst, int flags,
                                    int seq, int ack, int len, String by, String why) {
        TcpHeader h = new TcpHeader(src.port(), dst.port(), seq, ack, flags, 502, 0, 0, TcpOptions.NONE);
        return new SegmentEvent(t, host, k, src, dst, h, len, by, why, null);
    }

    private static final List<TraceEvent> TRACE = List.of(
            new StateEvent(0, "client", "10.0.0.1:40000>10.0.0.2:80", "CLOSE", "SYN_SENT", "tcp_v4_connect: active open"),
            seg(0, "client", SegmentEvent.Kind.SEND, C, S, TcpFlags.SYN, 1000, 0, 0, null, "tcp_connect"),
            new TimerEvent(0, "client", "10.0.0.1:40000>10.0.0.2:80", "retransmit", "arm", 1_024_000_000L, "RTO"),
            new TimerEvent(0, "client", "10.0.0.1:40000>10.0.0.2:80", "retransmit", "cancel", 1_024_000_000L, "x"),
            seg(25_000_000, "server", SegmentEvent.Kind.RECV, C, S, TcpFlags.SYN, 1000, 0, 0, null, "tcp_v4_rcv"),
            seg(25_000_000, "server", SegmentEvent.Kind.SEND, S, C, TcpFlags.SYN | TcpFlags.ACK, 5000, 1001, 0, null, "synack"),
            seg(25_000_000, "client", SegmentEvent.Kind.DROP, S, C, TcpFlags.SYN | TcpFlags.ACK, 5000, 1001, 0, "network", "fault rule: every SYN-ACK"),
            new CallEvent(1_000_000_000L, "client", 3, "connect", "10.0.0.2:80", -110, "", "connect() failed with ETIMEDOUT"));

    @Test
    void rendersColumnsArrowsRelativeAndAbsoluteNumbers() {
        String out = LadderRenderer.standard(false).render(TRACE, List.of("client", "server"),
                Map.of("client", "10.0.0.1", "server", "10.0.0.2"));
        List<String> lines = out.lines().toList();
        assertThat(lines.get(0)).startsWith("time (s)").contains("client 10.0.0.1").contains("server 10.0.0.2");
        // The client's SYN leaves the left column towards the right; relative seq 0, absolute 1000.
        assertThat(out).contains("S 0 win 502 [1000] -->");
        // Received in the server's column, arriving from the left.
        String recv = lines.stream().filter(l -> l.contains("--> S 0")).findFirst().orElseThrow();
        assertThat(recv.indexOf("--> S 0")).isGreaterThan(60);
        // The SYN-ACK goes right to left, relative to both ISNs.
        assertThat(out).contains("<-- S. 0 ack 1 win 502 [5000/1001]");
        // A segment lost in the network is drawn as a lost arrow with the fault's description.
        assertThat(out).contains("LOST").contains("# network: fault rule: every SYN-ACK");
        assertThat(out).contains("[CLOSE -> SYN_SENT]").contains("timer retransmit arm @1.024000");
        assertThat(out).doesNotContain("cancel");
        assertThat(out).contains("connect(10.0.0.2:80) = -1 ETIMEDOUT");
        // No colour codes when not writing to a terminal.
        assertThat(out).doesNotContain("\u001b[");
    }

    @Test
    void colourWhenAsked() {
        String out = LadderRenderer.standard(true).render(TRACE, List.of("client", "server"), Map.of());
        assertThat(out).contains("\u001b[");
    }
}
