package dev.jtcp.report;

import dev.jtcp.trace.SegmentEvent;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The SVG, HTML and mermaid outputs opened in headless Chromium: the test asks the page what it laid out
 * (every arrow drawn with a size and inside the picture, every plot with a line of data points) and takes a
 * screenshot (kept under target/screenshots) that must show the picture, not a blank page. Skipped, with
 * the reason, where Chromium is not installed (CI installs it); the mermaid check also needs the mermaid
 * package from npm (see {@link Mermaid}).
 */
class BrowserRenderTest {
    private static Browser browser;
    private static Path dir;

    @BeforeAll
    static void startBrowser() throws Exception {
        Path exe = Browser.executable().orElse(null);
        assumeTrue(exe != null, "chromium is not installed (Debian packages chromium, chromium-driver; .ci/run installs them): "
                + "SVG, HTML and mermaid not checked in a browser");
        browser = Browser.start(exe);
        dir = Tools.output("browser");
    }

    @AfterAll
    static void stopBrowser() {
        if (browser != null) {
            browser.close();
        }
    }

    private static long sends(TraceView v) {
        return v.events().stream().filter(e -> e instanceof SegmentEvent s && s.kind() == SegmentEvent.Kind.SEND).count();
    }

    private static long lost(TraceView v) {
        return v.events().stream().filter(e -> e instanceof SegmentEvent s && s.kind() == SegmentEvent.Kind.DROP
                && "network".equals(s.by())).count();
    }

    /** Counts what a ladder picture in the page really shows: elements with a size, inside the picture. */
    private static final String LADDER_PROBE = """
            (() => {
              const svg = document.querySelector('svg.jtcp-ladder');
              const box = svg.getBoundingClientRect();
              const inside = e => { const b = e.getBoundingClientRect();
                return b.width > 0 && b.height > 0 && b.left >= box.left - 1 && b.right <= box.right + 1
                    && b.top >= box.top - 1 && b.bottom <= box.bottom + 1; };
              const segs = [...svg.querySelectorAll('g.seg')];
              return JSON.stringify({
                segs: segs.length,
                drawn: segs.filter(inside).length,
                labelled: segs.filter(g => { const t = g.querySelector('text.label'); return t && t.getComputedTextLength() > 0; }).length,
                crosses: [...svg.querySelectorAll('g.seg.lost path.cross')].filter(inside).length,
                bands: [...svg.querySelectorAll('rect.band')].filter(inside).length,
                width: box.width, height: box.height });
            })()""";

    private static Map<String, Object> probe(String js) throws Exception {
        return Json.object(Json.parse((String) browser.eval(js)));
    }

    private static int n(Map<String, Object> m, String k) {
        return ((Double) m.get(k)).intValue();
    }

    /** The screenshot is the picture: its size, mostly white with ink on it, and red where something was lost. */
    private static void checkScreenshot(byte[] png, boolean expectRed, String what) throws Exception {
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(png));
        assertThat(img).as(what).isNotNull();
        long ink = 0;
        long red = 0;
        long total = (long) img.getWidth() * img.getHeight();
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                int rgb = img.getRGB(x, y);
                int r = rgb >> 16 & 0xff;
                int g = rgb >> 8 & 0xff;
                int b = rgb & 0xff;
                if (r < 200 || g < 200 || b < 200) {
                    ink++;
                }
                if (r > 180 && g < 90 && b < 90) {
                    red++;
                }
            }
        }
        assertThat(ink).as(what + ": drawn pixels").isGreaterThan(total / 200);
        assertThat(ink).as(what + ": not a dark page").isLessThan(total / 2);
        if (expectRed) {
            assertThat(red).as(what + ": the lost segment's red cross").isGreaterThan(20);
        }
    }

    @Test
    void svgLaddersShowEveryArrow() throws Exception {
        for (TraceView v : List.of(TestTraces.scenario("syn-lost"), TestTraces.scenario("data-lost"), TestTraces.handBuilt(true))) {
            String name = v.title().replace(' ', '-');
            Path f = dir.resolve(name + ".svg");
            Files.writeString(f, new SvgRenderer().render(v), StandardCharsets.UTF_8);
            browser.open(f);
            Map<String, Object> m = probe(LADDER_PROBE);
            assertThat(n(m, "segs")).as(name).isEqualTo(sends(v));
            assertThat(n(m, "drawn")).as(name + ": arrows drawn inside the picture").isEqualTo(sends(v));
            assertThat(n(m, "labelled")).as(name + ": arrows with a label").isEqualTo(sends(v));
            assertThat(n(m, "crosses")).as(name + ": lost segments ending in a cross").isEqualTo(lost(v));
            assertThat(n(m, "bands")).as(name + ": state bands").isPositive();
            byte[] png = browser.screenshot(dir.resolve(name + ".svg.png"));
            BufferedImage img = ImageIO.read(new ByteArrayInputStream(png));
            assertThat(img.getWidth()).as("the screenshot holds the whole picture").isGreaterThanOrEqualTo((int) Math.floor((Double) m.get("width")));
            assertThat(img.getHeight()).isGreaterThanOrEqualTo((int) Math.floor((Double) m.get("height")));
            checkScreenshot(png, lost(v) > 0, name);
        }
    }

    @Test
    void htmlReportShowsTheLadderAndPlotsWithData() throws Exception {
        TraceView v = TestTraces.handBuilt(true);
        Path f = dir.resolve("hand-built.html");
        Files.writeString(f, new HtmlRenderer().render(v), StandardCharsets.UTF_8);
        browser.open(f);
        Map<String, Object> ladder = probe(LADDER_PROBE);
        assertThat(n(ladder, "drawn")).isEqualTo(sends(v));
        assertThat(n(ladder, "crosses")).isEqualTo(1);
        Map<String, Object> page = probe("""
                (() => {
                  const visible = e => { const b = e.getBoundingClientRect(); return b.width > 0 && b.height > 0; };
                  const plots = [...document.querySelectorAll('svg.plot')];
                  const withData = plots.filter(p => [...p.querySelectorAll('polyline.series')]
                      .some(l => l.getBoundingClientRect().width > 0 && l.points.numberOfItems >= 2));
                  return JSON.stringify({
                    plots: plots.length,
                    withData: withData.length,
                    points: plots.reduce((n, p) => n + [...p.querySelectorAll('polyline.series')]
                        .reduce((k, l) => k + l.points.numberOfItems, 0), 0),
                    noSamples: [...document.querySelectorAll('.no-samples')].filter(visible).length,
                    timelineBars: [...document.querySelectorAll('svg.timeline g.state rect')].filter(visible).length,
                    counters: document.querySelectorAll('table.counters tr').length,
                    external: document.querySelectorAll('[src], link, script, iframe, object, embed').length,
                    width: document.documentElement.scrollWidth });
                })()""");
        assertThat(n(page, "plots")).isEqualTo(5);
        assertThat(n(page, "withData")).as("plots with a drawn line").isEqualTo(5);
        assertThat(n(page, "points")).isGreaterThan(40);
        assertThat(n(page, "noSamples")).as("the server end has no samples").isEqualTo(1);
        assertThat(n(page, "timelineBars")).isGreaterThanOrEqualTo(5);
        assertThat(n(page, "external")).isZero();
        checkScreenshot(browser.screenshot(dir.resolve("hand-built.html.png")), true, "hand-built.html");

        // A real scenario: the engine's TCP_INFO samples draw the plots; counters and settings are there.
        TraceView dl = TestTraces.scenario("data-lost");
        Path g = dir.resolve("data-lost.html");
        Files.writeString(g, new HtmlRenderer().render(dl), StandardCharsets.UTF_8);
        browser.open(g);
        assertThat(n(probe(LADDER_PROBE), "drawn")).isEqualTo(sends(dl));
        Map<String, Object> p2 = probe("""
                JSON.stringify({
                  noSamples: [...document.querySelectorAll('#plots .no-samples')].filter(e => e.offsetHeight > 0).length,
                  lines: [...document.querySelectorAll('#plots polyline.series')].filter(l => l.points.numberOfItems > 1).length,
                  counters: document.querySelectorAll('table.counters tr').length,
                  settings: document.querySelectorAll('table.settings tr').length })""");
        assertThat(n(p2, "noSamples")).isZero();
        assertThat(n(p2, "lines")).as("plotted series").isGreaterThanOrEqualTo(5);
        assertThat(n(p2, "counters")).isGreaterThan(5);
        assertThat(n(p2, "settings")).isEqualTo(3);
        checkScreenshot(browser.screenshot(dir.resolve("data-lost.html.png")), true, "data-lost.html");
    }

    private static final Pattern ARROW = Pattern.compile("^    \\w+(->>|-x|-\\))\\w+: ", Pattern.MULTILINE);

    @Test
    void mermaidDiagramsRenderWithMermaidItself() throws Exception {
        Path js = Mermaid.script();
        assumeTrue(js != null, Mermaid.whyMissing());
        Path harness = dir.resolve("mermaid.html");
        Files.writeString(harness, "<!DOCTYPE html><html><head><meta charset=\"utf-8\"></head><body><div id=\"out\"></div>"
                + "<script src=\"" + js.toUri() + "\"></script></body></html>\n", StandardCharsets.UTF_8);
        browser.open(harness);
        browser.eval("mermaid.initialize({startOnLoad: false, securityLevel: 'strict', sequence: {showSequenceNumbers: false}}); true");
        int k = 0;
        for (TraceView v : List.of(TestTraces.scenario("syn-lost"), TestTraces.scenario("data-lost"), TestTraces.handBuilt(false))) {
            for (boolean why : new boolean[] {false, true}) {
                String text = new MermaidRenderer(why).render(v);
                Matcher a = ARROW.matcher(text);
                int arrows = 0;
                int crosses = 0;
                while (a.find()) {
                    arrows++;
                    if (a.group(1).equals("-x")) {
                        crosses++;
                    }
                }
                long notes = text.lines().filter(l -> l.startsWith("    Note over ")).count();
                String id = "d" + (k++);
                Map<String, Object> m = probe("""
                        (async () => {
                          const { svg } = await mermaid.render('%s', %s);
                          const out = document.getElementById('out');
                          out.innerHTML = svg;
                          const s = out.querySelector('svg');
                          const b = s.getBoundingClientRect();
                          const lines = [...s.querySelectorAll('line[class^=messageLine], path[class^=messageLine]')];
                          return JSON.stringify({
                            error: s.querySelector('.error-icon') ? 1 : 0,
                            messages: s.querySelectorAll('text.messageText').length,
                            lines: lines.filter(l => l.getBoundingClientRect().width > 0).length,
                            crosses: lines.filter(l => (l.getAttribute('marker-end') || '').includes('cross')).length,
                            notes: s.querySelectorAll('rect.note').length,
                            width: b.width, height: b.height });
                        })()""".formatted(id, Json.quote(text)));
                String what = v.title() + (why ? " --why" : "");
                assertThat(n(m, "error")).as(what).isZero();
                assertThat(n(m, "messages")).as(what + ": arrows").isEqualTo(arrows);
                assertThat(n(m, "lines")).as(what + ": arrows drawn").isEqualTo(arrows);
                assertThat(n(m, "crosses")).as(what + ": arrows ending in a cross").isEqualTo(crosses);
                assertThat(n(m, "notes")).as(what + ": notes").isEqualTo(notes);
                if (why) {
                    checkScreenshot(browser.screenshot(dir.resolve(v.title().replace(' ', '-') + ".mermaid.png")), false, what);
                }
            }
        }
    }
}
