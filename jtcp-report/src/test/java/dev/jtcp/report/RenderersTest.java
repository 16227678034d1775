package dev.jtcp.report;

import dev.jtcp.trace.SegmentEvent;
import dev.jtcp.trace.TcpInfoEvent;
import dev.jtcp.trace.TraceEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import javax.xml.parsers.DocumentBuilderFactory;
import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** The renderers' output, checked without a browser: structure, counts, escaping, determinism. */
class RenderersTest {

    static List<String> scenarios() {
        return TestTraces.scenarioNames();
    }

    static long sends(TraceView v) {
        return v.events().stream().filter(e -> e instanceof SegmentEvent s && s.kind() == SegmentEvent.Kind.SEND).count();
    }

    static long networkDrops(TraceView v) {
        return v.events().stream().filter(e -> e instanceof SegmentEvent s && s.kind() == SegmentEvent.Kind.DROP
                && "network".equals(s.by())).count();
    }

    static Document xml(String text) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        return f.newDocumentBuilder().parse(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
    }

    static List<Element> byClass(Document d, String tag, String cls) {
        List<Element> out = new ArrayList<>();
        NodeList l = d.getElementsByTagNameNS("*", tag);
        for (int i = 0; i < l.getLength(); i++) {
            Element e = (Element) l.item(i);
            if (List.of(e.getAttribute("class").split(" ")).contains(cls)) {
                out.add(e);
            }
        }
        return out;
    }

    // ================================================================ svg

    @ParameterizedTest
    @MethodSource("scenarios")
    void svgOfEveryScenarioIsWellFormedWithOneArrowPerSegment(String name) throws Exception {
        TraceView v = TestTraces.scenario(name);
        // The long congestion-control runs have more rows than a default picture draws: draw them whole here.
        SvgRenderer r = new SvgRenderer(Math.max(SvgRenderer.DEFAULT_ROWS, v.events().size()));
        String svg = r.render(v);
        Document d = xml(svg);
        assertThat(d.getDocumentElement().getLocalName()).isEqualTo("svg");
        assertThat(byClass(d, "g", "seg")).hasSize((int) sends(v));
        assertThat(byClass(d, "g", "lost")).hasSize((int) networkDrops(v));
        for (Element lost : byClass(d, "g", "lost")) {
            Element path = (Element) lost.getElementsByTagNameNS("*", "path").item(0);
            assertThat(path.getAttribute("class")).as("a lost segment ends in a cross").isEqualTo("cross");
        }
        // Every arrow explains itself.
        for (Element g : byClass(d, "g", "seg")) {
            assertThat(g.getElementsByTagNameNS("*", "title").item(0).getTextContent()).contains(" \u2014 ");
        }
        // Same trace, same bytes: a second run of the scenario draws the identical picture.
        assertThat(r.render(TestTraces.second(name))).isEqualTo(svg);
    }

    @Test
    void svgMarksCompressedGapsAndStateBands() throws Exception {
        Document d = xml(new SvgRenderer().render(TestTraces.scenario("syn-lost")));
        List<Element> gaps = byClass(d, "g", "gap");
        assertThat(gaps).isNotEmpty();
        assertThat(gaps.getLast().getTextContent()).contains("\u2248 +").contains(" s");
        assertThat(byClass(d, "rect", "band")).extracting(e -> e.getAttribute("data-state")).contains("SYN_SENT", "LISTEN");
        // Time flows down: each SYN is drawn below the previous one.
        double last = -1;
        for (Element g : byClass(d, "g", "seg")) {
            Element line = (Element) g.getElementsByTagNameNS("*", "line").item(0);
            double y = Double.parseDouble(line.getAttribute("y1"));
            assertThat(y).isGreaterThan(last);
            last = y;
        }
    }

    @Test
    void svgOfAHandBuiltTraceShowsDiscardsAndEscapesText() throws Exception {
        TraceView v = TestTraces.handBuilt(true);
        String svg = new SvgRenderer().render(v);
        Document d = xml(svg);
        assertThat(byClass(d, "g", "seg")).hasSize((int) sends(v));
        assertThat(byClass(d, "g", "lost")).hasSize(1);
        assertThat(byClass(d, "g", "discard")).singleElement().extracting(Element::getTextContent).asString()
                .contains("discarded: old duplicate");
        assertThat(svg).contains("synack; why has &lt;angle&gt; &amp; &quot;quotes&quot; # ; %");
        // Arrows are slanted by the delay: the SYN arrives 10 ms after it left, lower on the page.
        Element syn = byClass(d, "g", "seg").getFirst();
        Element line = (Element) syn.getElementsByTagNameNS("*", "line").item(0);
        assertThat(Double.parseDouble(line.getAttribute("y2"))).isGreaterThan(Double.parseDouble(line.getAttribute("y1")) + 20);
        assertThat(Double.parseDouble(line.getAttribute("x2"))).isGreaterThan(Double.parseDouble(line.getAttribute("x1")));
    }

    @Test
    void svgStopsAtItsRowLimitWithANote() throws Exception {
        TraceView v = TestTraces.scenario("data-lost");
        Document d = xml(new SvgRenderer(20).render(v));
        assertThat(byClass(d, "text", "note")).singleElement().extracting(Element::getTextContent).asString()
                .contains("more events not drawn");
    }

    // ================================================================ mermaid

    private static final Pattern ARROW = Pattern.compile("^    (\\w+)(->>|-x|-\\))(\\w+): (.*)$", Pattern.MULTILINE);

    @ParameterizedTest
    @MethodSource("scenarios")
    void mermaidHasOneArrowPerSegmentAndLostArrowsEndInACross(String name) {
        TraceView v = TestTraces.scenario(name);
        String m = new MermaidRenderer(false).render(v);
        assertThat(m).startsWith("sequenceDiagram\n").contains("    participant client as client 10.0.0.1\n");
        Matcher a = ARROW.matcher(m);
        int arrows = 0;
        int lost = 0;
        while (a.find()) {
            arrows++;
            if (a.group(2).equals("-x") && a.group(4).endsWith("(lost)")) {
                lost++;
            }
            String bare = a.group(4).replaceAll("#([0-9]+|quot);", "");
            assertThat(bare).doesNotContain("<", ">", ";", "#");
        }
        assertThat(arrows).isEqualTo(sends(v));
        assertThat(lost).isEqualTo(networkDrops(v));
        assertThat(new MermaidRenderer(false).render(TestTraces.second(name))).isEqualTo(m);
        // With --why each segment's rule follows as a note.
        String why = new MermaidRenderer(true).render(v);
        assertThat(why.lines().filter(l -> l.startsWith("    Note over ")).count())
                .isGreaterThan(m.lines().filter(l -> l.startsWith("    Note over ")).count() + sends(v) - 1);
    }

    @Test
    void mermaidEscapesTheDiagramLanguage() {
        String m = new MermaidRenderer(true).render(TestTraces.handBuilt(false));
        assertThat(m).contains("synack#59; why has #60;angle#62; #38; #quot;quotes#quot; #35; #59; #37;");
        assertThat(m).contains("client-xserver: . 2001:3001(1000) ack 1 win 502 (lost)");
        assertThat(m).contains("client-xserver: . 1:1001(1000) ack 1 win 502 (discarded by server)");
        assertThat(m).contains("Note over client: read(4096) = -1 ECONNRESET");
    }

    // ================================================================ html

    @ParameterizedTest
    @MethodSource("scenarios")
    void htmlOfEveryScenarioIsSelfContained(String name) {
        TraceView v = TestTraces.scenario(name);
        String html = new HtmlRenderer().render(v);
        assertThat(html).startsWith("<!DOCTYPE html>\n").endsWith("</html>\n")
                .contains("Content-Security-Policy\" content=\"default-src 'none'")
                .contains("<section id=\"ladder\">", "<section id=\"connections\">", "<section id=\"plots\">",
                        "<section id=\"counters\">", "<section id=\"settings\">", "<section id=\"events\">");
        // nothing fetched from anywhere: no src, no external link, no url(), no import
        assertThat(html).doesNotContainPattern("(?i)\\bsrc\\s*=").doesNotContainPattern("(?i)href=\"(?!#)")
                .doesNotContainPattern("(?i)url\\((?!#)").doesNotContainPattern("(?i)@import").doesNotContain("<script");
        boolean samples = v.events().stream().anyMatch(e -> e instanceof TcpInfoEvent);
        if (!samples) {
            assertThat(html).contains("<p class=\"no-samples\">no samples: this trace has no tcpinfo events");
        }
        assertThat(html).contains("<td>TcpOutSegs</td>").contains("<td>net.ipv4.tcp_syn_retries</td>");
        assertThat(new HtmlRenderer().render(TestTraces.second(name))).isEqualTo(html);
    }

    @Test
    void htmlPlotsTheSamplesOfEachConnectionEnd() {
        String html = new HtmlRenderer().render(TestTraces.handBuilt(true));
        Matcher m = Pattern.compile("<svg class=\"plot\" xmlns=\"http://www.w3.org/2000/svg\" data-series=\"(\\w+)\" data-points=\"(\\d+)\"")
                .matcher(html);
        Map<String, Integer> points = new java.util.LinkedHashMap<>();
        while (m.find()) {
            points.put(m.group(1), Integer.parseInt(m.group(2)));
        }
        // cwnd: 8 samples; ssthresh: 2 finite; inflight: 8; rwnd: 2 x 8; srtt: 8
        assertThat(points).containsExactly(Map.entry("cwnd", 8), Map.entry("ssthresh", 2), Map.entry("inflight", 8),
                Map.entry("rwnd", 16), Map.entry("srtt", 8));
        assertThat(html).contains("<p class=\"no-samples\">no samples for this end of the connection</p>");
        assertThat(html).contains("<polyline class=\"series\" data-name=\"cwnd\" data-samples=\"8\"");
        assertThat(html).contains("<h3>10.0.0.1:40000 \u2194 10.0.0.2:80</h3>");
        assertThat(html).contains("not recorded (a saved trace does not keep the settings)");
    }

    // ================================================================ pcapng

    /** The blocks of a pcapng file: type, body, options by code. */
    record Block(int type, ByteBuffer body, List<Map.Entry<Integer, byte[]>> options) {}

    static List<Block> blocks(byte[] file) {
        ByteBuffer b = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
        List<Block> out = new ArrayList<>();
        while (b.hasRemaining()) {
            int start = b.position();
            int type = b.getInt();
            int len = b.getInt();
            assertThat(len % 4).isZero();
            assertThat(b.getInt(start + len - 4)).as("trailing length").isEqualTo(len);
            int fixed = switch (type) {
                case 0x0A0D0D0A -> 16;
                case 1 -> 8;
                case 6 -> 20 + ((b.getInt(start + 20) + 3) & ~3);
                default -> throw new AssertionError("unexpected block " + type);
            };
            ByteBuffer body = ByteBuffer.wrap(file, start + 8, fixed).slice().order(ByteOrder.LITTLE_ENDIAN);
            List<Map.Entry<Integer, byte[]>> opts = new ArrayList<>();
            int at = start + 8 + fixed;
            while (at < start + len - 4) {
                int code = b.getShort(at) & 0xffff;
                int olen = b.getShort(at + 2) & 0xffff;
                if (code == 0) {
                    break;
                }
                byte[] v = new byte[olen];
                System.arraycopy(file, at + 4, v, 0, olen);
                opts.add(Map.entry(code, v));
                at += 4 + ((olen + 3) & ~3);
            }
            out.add(new Block(type, body, opts));
            b.position(start + len);
        }
        return out;
    }

    static List<String> strings(Block b, int code) {
        return b.options().stream().filter(o -> o.getKey() == code).map(o -> new String(o.getValue(), StandardCharsets.UTF_8)).toList();
    }

    @ParameterizedTest
    @MethodSource("scenarios")
    void pcapngHasOneInterfacePerHostAndEachSegmentWithItsWhy(String name) {
        TraceView v = TestTraces.scenario(name);
        byte[] file = PcapngWriter.write(v);
        List<Block> blocks = blocks(file);
        assertThat(blocks.getFirst().type()).isEqualTo(0x0A0D0D0A);
        assertThat(blocks.getFirst().body().getInt(0)).isEqualTo(0x1A2B3C4D);
        List<Block> idbs = blocks.stream().filter(b -> b.type() == 1).toList();
        assertThat(idbs).extracting(b -> strings(b, 2).getFirst()).startsWith(v.hosts().toArray(String[]::new));
        List<Block> epbs = blocks.stream().filter(b -> b.type() == 6).toList();
        assertThat(epbs).hasSize((int) sends(v));
        // Each segment once, with its why first: the same multiset of (why, bytes) as the trace's sends.
        List<String> expected = new ArrayList<>();
        for (TraceEvent e : v.events()) {
            if (e instanceof SegmentEvent s && s.kind() == SegmentEvent.Kind.SEND) {
                expected.add(s.why() + " " + java.util.HexFormat.of().formatHex(s.packet()));
            }
        }
        List<String> actual = new ArrayList<>();
        long lastTs = -1;
        for (Block p : epbs) {
            int captured = p.body().getInt(12);
            int original = p.body().getInt(16);
            byte[] data = new byte[captured];
            p.body().get(20, data);
            String hex = java.util.HexFormat.of().formatHex(data);
            List<String> comments = strings(p, 1);
            if (captured < original) {
                assertThat(comments).contains(PcapngWriter.PAYLOAD_LEFT_OUT);
                // find the full packet this is the head of
                String head = comments.getFirst() + " " + hex;
                hex = expected.stream().filter(x -> x.startsWith(head)).findFirst().orElse(head).substring(comments.getFirst().length() + 1);
            }
            actual.add(comments.getFirst() + " " + hex);
            assertThat(strings(idbs.get(p.body().getInt(0)), 2).getFirst()).isIn(v.hosts().toArray());
            long ts = ((long) p.body().getInt(4) << 32) | (p.body().getInt(8) & 0xffffffffL);
            assertThat(ts).as("capture order").isGreaterThanOrEqualTo(lastTs);
            lastTs = ts;
        }
        assertThat(actual).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(PcapngWriter.write(TestTraces.second(name))).isEqualTo(file);
    }

    @Test
    void pcapngOfAReadBackTraceRebuildsThePacketsAndSaysSo() {
        TraceView v = TestTraces.handBuilt(true);
        List<Block> blocks = blocks(PcapngWriter.write(v));
        assertThat(strings(blocks.getFirst(), 1).getFirst()).contains("Packets rebuilt from the trace's headers: payload bytes are zeros.");
        List<Block> epbs = blocks.stream().filter(b -> b.type() == 6).toList();
        assertThat(epbs).hasSize((int) sends(v));
        // the lost one, and the one the server threw away
        assertThat(epbs).anySatisfy(b -> assertThat(strings(b, 1)).containsExactly("application write",
                "lost in the network on the way to server: fault rule: the third data segment", PcapngWriter.PAYLOAD_LEFT_OUT));
        assertThat(epbs).anySatisfy(b -> assertThat(strings(b, 1)).containsExactly("spurious retransmission",
                "server received it at 0.080000 s (+10 ms): arrives", "server discarded it: old duplicate: outside the window"));
    }

    // ================================================================ text

    @Test
    void theTextLadderLeavesSamplesOut() {
        TraceView v = TestTraces.handBuilt(true);
        String text = LadderRenderer.standard(false).render(v.events(), v.hosts(), v.addresses());
        assertThat(text).doesNotContain("tcpinfo").contains("LOST").contains("DROP");
        List<TraceEvent> noSamples = v.events().stream().filter(e -> !(e instanceof TcpInfoEvent)).toList();
        assertThat(text).isEqualTo(LadderRenderer.standard(false).render(noSamples, v.hosts(), v.addresses()));
    }
}
