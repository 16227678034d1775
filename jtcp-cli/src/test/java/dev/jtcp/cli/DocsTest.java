package dev.jtcp.cli;

import dev.jtcp.sim.scenario.Scenarios;
import org.junit.jupiter.api.Test;

import javax.xml.parsers.DocumentBuilderFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The pictured documentation keeps up with the scenarios: docs/SCENARIOS.md has a section and a picture for
 * every scenario, each picture is an SVG made by the CLI, and the README shows the syn-lost one. (The
 * pictures are regenerated with the command in docs/SCENARIOS.md.)
 */
class DocsTest {
    private static Path root() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.exists(p.resolve("build-env.sh"))) {
            p = p.getParent();
        }
        assertThat(p).as("the checkout's top directory").isNotNull();
        return p;
    }

    @Test
    void everyScenarioHasASectionAndAPicture() throws Exception {
        Path root = root();
        String doc = Files.readString(root.resolve("docs/SCENARIOS.md"));
        List<String> missing = new ArrayList<>();
        for (String name : Scenarios.names()) {
            if (!doc.contains("\n### " + name + "\n") || !doc.contains("![" + name + "](img/" + name + ".svg)")) {
                missing.add(name + ": no section with its picture in docs/SCENARIOS.md");
            }
            Path svg = root.resolve("docs/img/" + name + ".svg");
            if (!Files.isRegularFile(svg)) {
                missing.add(name + ": no docs/img/" + name + ".svg");
            } else {
                checkSvg(svg, name);
            }
        }
        assertThat(missing).as("make them with the command in docs/SCENARIOS.md").isEmpty();
    }

    private static void checkSvg(Path svg, String name) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        var d = f.newDocumentBuilder().parse(svg.toFile());
        assertThat(d.getDocumentElement().getTagName()).isEqualTo("svg");
        assertThat(Files.readString(svg)).as(svg.toString()).contains("jtcp scenario " + name + "</text>");
    }

    @Test
    void theReadmeShowsTheSynLostPicture() throws IOException {
        Path root = root();
        String readme = Files.readString(root.resolve("README.md"));
        assertThat(readme).contains("](docs/img/syn-lost.svg)").contains("./jtcp scenario syn-lost --format svg --out docs/img/syn-lost.svg");
        assertThat(root.resolve("docs/img/syn-lost.svg")).isRegularFile();
    }
}
