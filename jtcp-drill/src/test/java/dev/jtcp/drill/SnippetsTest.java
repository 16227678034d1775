package dev.jtcp.drill;

import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The Python subset of packetdrill's %{ }% snippets, evaluated without CPython. */
class SnippetsTest {
    private final Snippets py = new Snippets(Set.of("tcpi_busy_time"));

    @Test
    void assertsPassAndFailWithTheirMessage() {
        py.run("assert tcpi_snd_cwnd == 10, tcpi_snd_cwnd", Map.of("tcpi_snd_cwnd", 10L), 5);
        assertThatThrownBy(() -> py.run("assert tcpi_snd_cwnd == 10, tcpi_snd_cwnd", Map.of("tcpi_snd_cwnd", 7L), 5))
                .isInstanceOf(Snippets.SnippetFailure.class)
                .hasMessage("line 5: AssertionError: 7 (assert tcpi_snd_cwnd == 10, tcpi_snd_cwnd)");
    }

    @Test
    void chainedComparisonsBitwiseAndFormatting() {
        Map<String, Long> s = Map.of("tcpi_rtt", 15000L, "tcpi_options", 7L, "TCPI_OPT_SACK", 2L, "tcpi_ca_state", 3L,
                "tcpi_min_rtt", 9000L);
        py.run("assert 5000 <= tcpi_rtt <= 20000, 'srtt=%d us' % tcpi_rtt", s, 1);
        py.run("assert (tcpi_options & TCPI_OPT_SACK) != 0, tcpi_options", s, 1);
        assertThatThrownBy(() -> py.run("assert 1 <= tcpi_rtt <= 2, 'rtt=%d' % tcpi_rtt", s, 2)).hasMessageContaining("rtt=15000");
        assertThat(py.eval("'ca_state: %d min_rtt: %d rtt: %d' % (tcpi_ca_state, tcpi_min_rtt, tcpi_rtt)"))
                .isEqualTo("ca_state: 3 min_rtt: 9000 rtt: 15000");
        assertThat(py.eval("0x7fffffff")).isEqualTo(2147483647L);
        assertThat(py.eval("7 // 2 + 7 % 2 * 10 - (1 << 3) | 1")).isEqualTo(5L);
        assertThat(py.eval("not 0 and 3 or 4")).isEqualTo(3L);
        assertThat(py.eval("1 < 2 > 1")).isEqualTo(true);
        assertThat(py.eval("1 < 2 > 3")).isEqualTo(false);
        assertThat(py.eval("-3 // 2")).isEqualTo(-2L);
    }

    @Test
    void variablesCarryOverBetweenSnippetsAndAugmentedAssignments() {
        py.run("cwnd = 58", Map.of(), 1);
        py.run("print(tcpi_snd_cwnd); cwnd += 10; assert tcpi_snd_cwnd == cwnd, tcpi_snd_cwnd", Map.of("tcpi_snd_cwnd", 68L), 2);
        assertThat(py.output()).isEqualTo("68\n");
        py.run("TCP_INFINITE_SSTHRESH = 0x7fffffff", Map.of(), 3);
        py.run("assert tcpi_snd_ssthresh == TCP_INFINITE_SSTHRESH", Map.of("tcpi_snd_ssthresh", 2147483647L), 4);
    }

    @Test
    void multiLineSnippetsWithCommentsAndContinuations() {
        py.run("""
                assert tcpi_probes == 0, tcpi_probes; \\
                assert tcpi_backoff == 0, tcpi_backoff # no backoff yet
                # a comment line
                assert (tcpi_state ==
                        1)
                """, Map.of("tcpi_probes", 0L, "tcpi_backoff", 0L, "tcpi_state", 1L), 10);
    }

    @Test
    void failingStatementReportsItsOwnLine() {
        assertThatThrownBy(() -> py.run("assert a == 1\nassert a == 2", Map.of("a", 1L), 20))
                .hasMessageStartingWith("line 21: AssertionError");
    }

    @Test
    void unknownNamesFailButLinuxOnlyFieldsSkip() {
        assertThatThrownBy(() -> py.run("assert tcpi_nonsense == 1", Map.of(), 1))
                .isInstanceOf(Snippets.SnippetFailure.class).hasMessageContaining("NameError: name 'tcpi_nonsense' is not defined");
        assertThatThrownBy(() -> py.run("assert 1 <= tcpi_busy_time", Map.of(), 1))
                .isInstanceOf(Unsupported.class).hasMessageContaining("tcpi_busy_time");
        assertThatThrownBy(() -> py.run("if x: pass", Map.of(), 1)).isInstanceOf(Unsupported.class);
        assertThatThrownBy(() -> py.run("assert (1", Map.of(), 1)).isInstanceOf(Snippets.SnippetFailure.class)
                .hasMessageContaining("SyntaxError");
    }
}
