package dev.jtcp.cli;

/** Output formats of a trace, shared by {@code jtcp scenario} and {@code jtcp report}. */
enum Format {
    text, jsonl, mermaid, svg, html, pcapng;

    /** pcapng is binary: it must not go to a terminal, nor through the text writer. */
    boolean binary() {
        return this == pcapng;
    }
}
