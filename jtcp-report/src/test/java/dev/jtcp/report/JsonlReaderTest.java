package dev.jtcp.report;

import dev.jtcp.trace.CallEvent;
import dev.jtcp.trace.Jsonl;
import dev.jtcp.trace.JsonlReader;
import dev.jtcp.trace.SegmentEvent;
import dev.jtcp.trace.TcpInfoEvent;
import dev.jtcp.trace.TraceEvent;
import dev.jtcp.wire.Endpoint;
import dev.jtcp.wire.SackBlock;
import dev.jtcp.wire.TcpFlags;
import dev.jtcp.wire.TcpHeader;
import dev.jtcp.wire.TcpOption;
import dev.jtcp.wire.TcpOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.StringReader;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Reading back the JSON Lines trace: what is written comes back, and what is not a trace is refused on one line. */
class JsonlReaderTest {

    static List<String> scenarios() {
        return TestTraces.scenarioNames();
    }

    private static String jsonl(List<? extends TraceEvent> events) {
        StringBuilder sb = new StringBuilder();
        Jsonl.write(events, sb);
        return sb.toString();
    }

    private static JsonlReader.Trace read(String text) throws IOException {
        return JsonlReader.read(new StringReader(text));
    }

    @ParameterizedTest
    @MethodSource("scenarios")
    void everyScenarioTraceReadsBackToTheSameBytes(String name) throws IOException {
        TraceView v = TestTraces.scenario(name);
        String text = jsonl(v.events());
        JsonlReader.Trace t = read(text);
        assertThat(t.events()).hasSameSizeAs(v.events());
        assertThat(jsonl(t.events())).isEqualTo(text);
        // The pictures do not depend on what JSONL leaves out (packet bytes, checksums). JSONL keeps time to the
        // microsecond: on a rate-limited link (slow-start, cubic: 100 Mbit/s) packets leave at fractions of a
        // microsecond, so there the read-back picture may place marks a fraction of a pixel apart.
        if (v.events().stream().anyMatch(e -> e.tNs() % 1000 != 0)) {
            return;
        }
        TraceView back = TraceView.of(t.events()).withTitle(v.title(), v.description()).withHosts(v.hosts(), v.addresses());
        TraceView orig = TraceView.of(v.events()).withTitle(v.title(), v.description()).withHosts(v.hosts(), v.addresses());
        assertThat(new SvgRenderer().render(back)).isEqualTo(new SvgRenderer().render(orig));
        assertThat(new MermaidRenderer(true).render(back)).isEqualTo(new MermaidRenderer(true).render(orig));
    }

    @Test
    void tcpinfoSamplesAndCountersRoundTrip() throws IOException {
        TraceView v = TestTraces.handBuilt(true);
        String text = jsonl(v.events()) + "{\"t\":2.500000,\"host\":\"client\",\"type\":\"nstat\",\"counters\":{\"TcpActiveOpens\":1,"
                + "\"TcpOutSegs\":9},\"why\":\"counters at the end of the run (nstat names)\"}\n";
        assertThat(text).contains("\"type\":\"tcpinfo\",\"conn\":\"10.0.0.1:40000>10.0.0.2:80\",\"state\":\"ESTABLISHED\","
                + "\"cwnd\":10,\"ssthresh\":2147483647,\"mss\":1000,\"inflight\":1000,\"rcv_wnd\":64000,\"snd_wnd\":65000,\"srtt_us\":20000,"
                + "\"why\":\"transmit\"}");
        JsonlReader.Trace t = read(text);
        assertThat(jsonl(t.events())).isEqualTo(jsonl(v.events()));
        assertThat(t.events()).filteredOn(e -> e instanceof TcpInfoEvent).hasSize(8);
        assertThat(t.counters()).isEqualTo(Map.of("client", Map.of("TcpActiveOpens", 1L, "TcpOutSegs", 9L)));
        assertThat(t.endNs()).isEqualTo(2_500_000_000L);
    }

    @Test
    void everyOptionKindAndFlagComesBack() throws IOException {
        TcpOptions opts = TcpOptions.of(new TcpOption.Mss(536), new TcpOption.Nop(), new TcpOption.WindowScale(14),
                new TcpOption.SackPermitted(), new TcpOption.Timestamps(-1, 7),
                new TcpOption.Sack(List.of(new SackBlock(-100, 5))), new TcpOption.Unknown(30, new byte[] {1, (byte) 0xab}));
        TcpOptions more = TcpOptions.of(new TcpOption.Unknown(31, new byte[0]), new TcpOption.Nop(), new TcpOption.Nop(),
                new TcpOption.Sack(List.of(new SackBlock(1, 2), new SackBlock(3, 4), new SackBlock(5, 6))));
        int flags = TcpFlags.FIN | TcpFlags.SYN | TcpFlags.RST | TcpFlags.PSH | TcpFlags.ACK | TcpFlags.URG
                | TcpFlags.ECE | TcpFlags.CWR | TcpFlags.AE;
        Endpoint a = Endpoint.of("192.168.1.2", 65535);
        Endpoint b = Endpoint.of("10.0.0.1", 0);
        TcpHeader h = new TcpHeader(a.port(), b.port(), 0xfffffff0, 0x80000000, flags, 65535, 0, 12, opts);
        List<TraceEvent> events = List.of(
                new SegmentEvent(1, "x", SegmentEvent.Kind.SEND, a, b, h, 3, null, "w\u00e9ird \"why\"\n\ttab \\ \u0001", null),
                new SegmentEvent(2, "y", SegmentEvent.Kind.DROP, a, b, null, 0, "y", "malformed", null),
                new SegmentEvent(3, "y", SegmentEvent.Kind.DROP, a, b, new TcpHeader(1, 2, 3, 4, TcpFlags.ACK, 5, 0, 0, more),
                        3, "network", "lost", null),
                new CallEvent(4, "x", -1, "socket", "AF_INET", -97, "", null),
                new CallEvent(5, "x", 3, "connect", "10.0.0.2:80", -999, "odd errno", "w"));
        String text = jsonl(events);
        JsonlReader.Trace t = read(text);
        assertThat(jsonl(t.events())).isEqualTo(text);
        SegmentEvent s = (SegmentEvent) t.events().getFirst();
        assertThat(s.tcp().options()).isEqualTo(opts);
        assertThat(s.tcp().flags()).isEqualTo(flags);
        assertThat(s.tcp().urgentPointer()).isEqualTo(12);
        assertThat(s.packet()).isNull();
        assertThat(((SegmentEvent) t.events().get(1)).tcp()).isNull();
        assertThat(((SegmentEvent) t.events().get(2)).tcp().options()).isEqualTo(more);
        assertThat(((CallEvent) t.events().get(3)).result()).isEqualTo(-97);
        assertThat(((CallEvent) t.events().get(4)).result()).isEqualTo(-999);
    }

    @Test
    void aTruncatedFileNamesTheLastLine() throws IOException {
        String text = jsonl(TestTraces.scenario("close").events());
        String cut = text.substring(0, text.length() - 40);
        int lines = (int) cut.lines().count();
        assertThatThrownBy(() -> read(cut))
                .isInstanceOf(JsonlReader.BadTraceException.class)
                .hasMessageStartingWith("line " + lines + ": ")
                .hasMessageContaining("expected")
                .hasMessageEndingWith("(the file ends inside this line: truncated?)")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
        // cut between two fields: the object is not closed
        String cut2 = text.substring(0, text.indexOf(",\"why\"") + 1);
        assertThatThrownBy(() -> read(cut2)).hasMessageStartingWith("line 1: column ").hasMessageContaining("truncated?");
    }

    @Test
    void aTraceFromAnotherVersionSaysWhatWasExpected() {
        String good = "{\"t\":0.000000,\"host\":\"c\",\"type\":\"state\",\"conn\":\"a\",\"from\":\"CLOSE\",\"to\":\"LISTEN\",\"why\":\"w\"}\n";
        assertThatThrownBy(() -> read(good + "{\"t\":1.0,\"host\":\"c\",\"type\":\"quic\",\"why\":\"w\"}\n"))
                .hasMessage("line 2: unknown event type \"quic\", expected send, recv, drop, state, timer, call, tcpinfo, nstat or ss"
                        + " (is the trace from another jtcp version?)");
        assertThatThrownBy(() -> read(good.replace("\"to\":\"LISTEN\"", "\"to\":\"LISTEN\",\"sk\":7")))
                .hasMessageStartingWith("line 1: unexpected field \"sk\" in a state event; expected conn, from, to");
        assertThatThrownBy(() -> read(good.replace(",\"conn\":\"a\"", "")))
                .hasMessage("line 1: missing field \"conn\" (is the trace from another jtcp version?)");
        assertThatThrownBy(() -> read(good.replace("\"t\":0.000000", "\"t\":\"0\"")))
                .hasMessage("line 1: field \"t\" should be a number, found \"0\"");
        assertThatThrownBy(() -> read(good + good.replace("\"t\":0.000000", "\"t\":-1")))
                .hasMessageStartingWith("line 2: field \"t\" is negative");
        assertThatThrownBy(() -> read(good.replace("0.000000", "5.000000") + good))
                .hasMessageStartingWith("line 2: time 0.000000 is before the previous line's");
        String seg = "{\"t\":0.1,\"host\":\"c\",\"type\":\"send\",\"src\":\"10.0.0.1:1\",\"dst\":\"10.0.0.2:2\",\"flags\":\"S\",\"seq\":1,"
                + "\"ack\":0,\"len\":0,\"win\":1,\"opts\":\"mss 1460,bogus 3\",\"why\":\"w\"}\n";
        assertThatThrownBy(() -> read(seg)).hasMessageStartingWith("line 1: field \"opts\": cannot read option \"bogus 3\"");
        assertThatThrownBy(() -> read(seg.replace("\"S\"", "\"SX\""))).hasMessageStartingWith("line 1: field \"flags\" is \"SX\"");
        assertThatThrownBy(() -> read(seg.replace("\"seq\":1", "\"seq\":4294967296")))
                .hasMessage("line 1: field \"seq\" is 4294967296, expected 0..4294967295");
        assertThatThrownBy(() -> read(seg.replace("10.0.0.1:1", "10.0.0.1")))
                .hasMessageStartingWith("line 1: field \"src\": bad endpoint");
    }

    @Test
    void whatIsNotATraceAtAll() {
        assertThatThrownBy(() -> read("")).hasMessage("line 1: the file is empty; expected JSON Lines as written by jtcp scenario --format jsonl");
        assertThatThrownBy(() -> read("\n\n")).hasMessage("line 2: the file has no events; expected JSON Lines as written by jtcp scenario --format jsonl");
        assertThatThrownBy(() -> read("time (s)   client 10.0.0.1\n"))
                .hasMessageStartingWith("line 1: column 1: expected a JSON object starting with '{', found 't'");
        assertThatThrownBy(() -> read("{\"t\":0,\"host\":\"a\"} trailing\n"))
                .hasMessageStartingWith("line 1: column 20: expected the end of the line after the object");
        assertThatThrownBy(() -> read("{\"t\":0,\"t\":1}\n")).hasMessageContaining("field \"t\" appears twice");
    }
}
