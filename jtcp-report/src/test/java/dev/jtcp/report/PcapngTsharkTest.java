package dev.jtcp.report;

import dev.jtcp.trace.Jsonl;
import dev.jtcp.trace.JsonlReader;
import dev.jtcp.trace.SegmentEvent;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Wireshark's reader on what {@link PcapngWriter} writes: tshark must open every file, find one packet per
 * segment sent, show each packet's why as its comment on the sending host's interface, and call nothing
 * malformed. Skipped, with the reason, where tshark is not installed (CI installs it).
 */
class PcapngTsharkTest {
    private static final String AGG = "\u001f";
    private static Path tshark;

    @BeforeAll
    static void findTshark() {
        tshark = Tools.onPath("tshark").orElse(null);
        assumeTrue(tshark != null, "tshark is not installed (Debian package tshark; .ci/run installs it): pcapng not checked by Wireshark");
    }

    /** One row per packet: section (file), interface name, comments. */
    private record Row(int section, String iface, List<String> comments) {}

    private static List<Row> read(Path file) throws Exception {
        return read(file, List.of());
    }

    private static List<Row> read(Path file, List<String> tsharkOptions) throws Exception {
        Tools.Run r = Tools.run(List.of(tshark.toString(), "-n", "-r", file.toString(), "-T", "fields", "-E", "separator=/t",
                "-E", "aggregator=" + AGG, "-e", "frame.section_number", "-e", "frame.interface_name", "-e", "frame.comment"), null, 60);
        assertThat(r.code()).as("tshark -r %s: %s", file, r.err()).isZero();
        assertThat(Tools.tsharkComplaints(r.err())).as("tshark's complaints about " + file).isEmpty();
        List<Row> rows = new ArrayList<>();
        for (String line : r.out().lines().toList()) {
            String[] f = line.split("\t", -1);
            rows.add(new Row(Integer.parseInt(f[0]), f[1], List.of(f[2].split(AGG, -1))));
        }
        List<String> cmd = new ArrayList<>(List.of(tshark.toString(), "-n", "-r", file.toString()));
        cmd.addAll(tsharkOptions);
        cmd.addAll(List.of("-Y", "_ws.malformed"));
        Tools.Run bad = Tools.run(cmd, null, 60);
        assertThat(bad.code()).isZero();
        assertThat(bad.out()).as("packets tshark calls malformed in " + file).isEmpty();
        return rows;
    }

    private static List<SegmentEvent> sent(TraceView v) {
        return v.events().stream().filter(e -> e instanceof SegmentEvent s && s.kind() == SegmentEvent.Kind.SEND)
                .map(e -> (SegmentEvent) e).toList();
    }

    @Test
    void everyScenarioCaptureOpensInWiresharkWithTheWhyOfEachPacket() throws Exception {
        // Each scenario's file is written on its own; tshark reads them all in one go as the sections of
        // one file (pcapng allows that: the bytes are each file's, back to back), which keeps this fast.
        Path dir = Tools.output("pcapng");
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        Map<String, TraceView> views = new LinkedHashMap<>();
        for (String name : TestTraces.scenarioNames()) {
            TraceView v = TestTraces.scenario(name);
            byte[] file = PcapngWriter.write(v);
            Files.write(dir.resolve(name + ".pcapng"), file);
            all.write(file);
            views.put(name, v);
        }
        Path merged = dir.resolve("all-scenarios.pcapng");
        Files.write(merged, all.toByteArray());
        // The sections are separate captures, yet scenarios run with the same seed share 4-tuples and ISNs:
        // reassembling TCP across sections would mix different connections' bytes (several loss scenarios
        // send the same sequence numbers), so the merged file is read without stream reassembly.
        List<Row> rows = read(merged, List.of("-o", "tcp.desegment_tcp_streams:FALSE"));
        int section = 0;
        for (Map.Entry<String, TraceView> e : views.entrySet()) {
            section++;
            int sec = section;
            List<Row> mine = rows.stream().filter(r -> r.section() == sec).toList();
            assertThat(mine).extracting(r -> r.comments().getFirst()).as(e.getKey())
                    .containsExactlyInAnyOrderElementsOf(sent(e.getValue()).stream().map(SegmentEvent::why).toList());
            assertThat(mine).extracting(Row::iface).as(e.getKey()).allMatch(h -> e.getValue().hosts().contains(h));
        }
        assertThat(rows).hasSize(views.values().stream().mapToInt(v -> sent(v).size()).sum());
    }

    @Test
    void aCaptureOfASyntheticTraceAndOfAReadBackTrace() throws Exception {
        Path dir = Tools.output("pcapng");
        TraceView hand = TestTraces.handBuilt(true);
        Path f = dir.resolve("hand-built.pcapng");
        Files.write(f, PcapngWriter.write(hand));
        List<Row> rows = read(f);
        assertThat(rows).hasSize(sent(hand).size());
        assertThat(rows).anySatisfy(r -> assertThat(r.comments()).containsExactly("application write",
                "lost in the network on the way to server: fault rule: the third data segment", PcapngWriter.PAYLOAD_LEFT_OUT));
        assertThat(rows).anySatisfy(r -> assertThat(r.comments()).contains("server discarded it: old duplicate: outside the window"));

        // a saved trace has no packet bytes: they are rebuilt from the headers, and Wireshark reads them as well
        TraceView v = TestTraces.scenario("data-lost");
        StringBuilder jsonl = new StringBuilder();
        Jsonl.write(v.events(), jsonl);
        TraceView back = TraceView.of(JsonlReader.read(new StringReader(jsonl.toString())).events());
        Path g = dir.resolve("data-lost-from-jsonl.pcapng");
        Files.write(g, PcapngWriter.write(back));
        List<Row> rebuilt = read(g);
        List<Row> original = read(writeOriginal(dir, v));
        assertThat(rebuilt).isEqualTo(original);
        // the same segments as Wireshark decodes them, whether from the packets or from the headers
        assertThat(decode(g)).isEqualTo(decode(dir.resolve("data-lost.pcapng")));
    }

    private static Path writeOriginal(Path dir, TraceView v) throws Exception {
        Path f = dir.resolve("data-lost.pcapng");
        Files.write(f, PcapngWriter.write(v));
        return f;
    }

    private static String decode(Path f) throws Exception {
        return Tools.run(List.of(tshark.toString(), "-n", "-r", f.toString(), "-T", "fields", "-e", "frame.time_epoch",
                "-e", "ip.src", "-e", "ip.dst", "-e", "tcp.srcport", "-e", "tcp.dstport", "-e", "tcp.seq_raw", "-e", "tcp.ack_raw",
                "-e", "tcp.flags", "-e", "tcp.window_size_value", "-e", "tcp.len", "-e", "tcp.options"), null, 60).out();
    }
}
