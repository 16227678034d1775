package dev.jtcp.drill;

import org.junit.jupiter.api.Test;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Objects;

import static org.assertj.core.api.Assertions.assertThat;

/** The runner on small scripts of our own: passing ones, and ones written to fail in a known way. */
class RunnerTest {
    private static final DrillOptions OPTS = DrillOptions.defaults();

    static Path resource(String name) {
        try {
            return Path.of(Objects.requireNonNull(RunnerTest.class.getResource("/" + name), name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static DrillResult file(String name) {
        return Runner.run(resource("runner/" + name), OPTS);
    }

    private static DrillResult text(String src) {
        return Runner.run("inline.pkt", src, Path.of("."), OPTS);
    }

    private static final String HANDSHAKE = """
                0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
               +0 setsockopt(3, SOL_SOCKET, SO_REUSEADDR, [1], 4) = 0
               +0 bind(3, ..., ...) = 0
               +0 listen(3, 1) = 0
               +0 < S 0:0(0) win 65535 <mss 1000,nop,wscale 7>
               +0 > S. 0:0(0) ack 1 <mss 1460,nop,wscale 10>
              +.1 < . 1:1(0) ack 1 win 1024
               +0 accept(3, ..., ...) = 4
            """;

    @Test
    void passiveOpenDataBlockingReadAndSnippetPass() {
        DrillResult r = file("passive-data.pkt");
        assertThat(r.status()).as(r.summaryLine() + "\n" + r.detail()).isEqualTo(DrillResult.Status.PASS);
        assertThat(r.summaryLine()).endsWith("passive-data.pkt").startsWith("PASS ");
    }

    @Test
    void activeOpenNonBlockingConnectPollAndAggregationPass() {
        DrillResult r = file("active-open.pkt");
        assertThat(r.status()).as(r.summaryLine() + "\n" + r.detail()).isEqualTo(DrillResult.Status.PASS);
    }

    @Test
    void aWrongFieldFailsWithLineAndBothPacketsTcpdumpStyle() {
        DrillResult r = file("wrong-ack.pkt");
        assertThat(r.status()).isEqualTo(DrillResult.Status.FAIL);
        assertThat(r.line()).isEqualTo(9);
        assertThat(r.message()).isEqualTo("error handling packet: live packet field tcp_ack_seq: expected: 2 (0x2) vs actual: 1 (0x1)");
        assertThat(r.detail())
                .contains("script packet:  0.000004 S. 0:0(0) ack 2 <mss 1460,nop,wscale 10>")
                .contains("actual packet:  0.000004 S. 0:0(0) ack 1 win ")
                .contains("expected (tcpdump): Flags [S.], seq 0, ack 2, options [mss 1460,nop,wscale 10], length 0")
                .containsPattern("actual   \\(tcpdump\\): IP 192\\.168\\.0\\.1\\.8080 > 192\\.0\\.2\\.1\\.\\d+: Flags \\[S\\.\\], seq 0, ack 1, win \\d+, "
                        + "options \\[mss 1460,nop,wscale 10\\], length 0");
        assertThat(r.summaryLine()).contains("wrong-ack.pkt:9: error handling packet: live packet field tcp_ack_seq");
    }

    @Test
    void aLatePacketIsATimingError() {
        DrillResult r = file("late-packet.pkt");
        assertThat(r.status()).isEqualTo(DrillResult.Status.FAIL);
        assertThat(r.line()).isEqualTo(9);
        assertThat(r.message()).isEqualTo("timing error: expected outbound packet at 0.500004 sec but happened at 1.022000 sec;"
                + " tolerance 0.062500 sec");
        assertThat(r.detail()).contains("actual packet:  1.022000 S. 0:0(0) ack 1");
    }

    @Test
    void aWrongCallResultNamesTheErrno() {
        DrillResult r = file("wrong-result.pkt");
        assertThat(r.status()).isEqualTo(DrillResult.Status.FAIL);
        assertThat(r.line()).isEqualTo(6);
        assertThat(r.message()).isEqualTo("runtime error in accept call: Expected non-negative result but got -1 with errno 11 (EAGAIN)");
    }

    @Test
    void aFailingAssertFailsAtTheEndWithItsMessage() {
        DrillResult r = file("failing-assert.pkt");
        assertThat(r.status()).isEqualTo(DrillResult.Status.FAIL);
        assertThat(r.line()).isEqualTo(11);
        assertThat(r.message()).startsWith("error in Python code: AssertionError: cwnd=10");
    }

    @Test
    void anUnsupportedOptionSkipsNamingIt() {
        DrillResult r = file("unsupported-option.pkt");
        assertThat(r.status()).isEqualTo(DrillResult.Status.SKIP);
        assertThat(r.line()).isEqualTo(4);
        assertThat(r.construct()).isEqualTo("setsockopt TCP_THIN_LINEAR_TIMEOUTS");
        assertThat(r.message()).contains("TCP_THIN_LINEAR_TIMEOUTS").contains("SockOpt");
    }

    @Test
    void aSyntaxErrorNamesLineColumnAndWhatWasExpected() {
        DrillResult r = file("syntax-error.pkt");
        assertThat(r.status()).isEqualTo(DrillResult.Status.FAIL);
        assertThat(r.line()).isEqualTo(3);
        assertThat(r.message()).isEqualTo("column 18: syntax error: expected ack N, win N, urg N, <options> or the next event, found 'akc'");
    }

    @Test
    void aBlockingCallMustReturnAtItsEndTime() {
        DrillResult r = text(HANDSHAKE + """
               +0...0.1 read(4, ..., 10) = 10
              +.2 < P. 1:11(10) ack 1 win 1024
            """);
        assertThat(r.status()).isEqualTo(DrillResult.Status.FAIL);
        assertThat(r.line()).isEqualTo(9);
        // the tolerance of a blocking call's return is 12.5 % of its duration (here 0.1 s), at least 4 ms; each
        // system call takes 1 us of the script's time
        assertThat(r.message()).isEqualTo("timing error: expected system call return at 0.200005 sec but happened at 0.300006 sec;"
                + " tolerance 0.012500 sec");
    }

    @Test
    void aBlockingCallStillWaitingAtTheEndFails() {
        DrillResult r = text(HANDSHAKE + "   +0...0.1 read(4, ..., 10) = 10\n");
        assertThat(r.status()).isEqualTo(DrillResult.Status.FAIL);
        assertThat(r.message()).isEqualTo("runtime error: exiting while a blocking system call is in progress");
    }

    @Test
    void twoBlockingCallsAtOnceFail() {
        DrillResult r = text(HANDSHAKE + "   +0...0.1 read(4, ..., 10) = 10\n   +0...0.1 read(4, ..., 10) = 10\n");
        assertThat(r.status()).isEqualTo(DrillResult.Status.FAIL);
        assertThat(r.line()).isEqualTo(10);
        assertThat(r.message()).contains("blocking system call while another blocking system call is already in progress");
    }

    @Test
    void aCallThatBlocksForeverWithoutAnEndTimeFails() {
        DrillResult r = text(HANDSHAKE + "   +0 read(4, ..., 10) = 10\n");
        assertThat(r.status()).isEqualTo(DrillResult.Status.FAIL);
        assertThat(r.message()).contains("read() blocks and nothing (no packet, no timer) can ever complete it");
    }

    @Test
    void anEcrNeverSentCannotBeMapped() {
        DrillResult r = text("""
                0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
               +0 setsockopt(3, SOL_SOCKET, SO_REUSEADDR, [1], 4) = 0
               +0 bind(3, ..., ...) = 0
               +0 listen(3, 1) = 0
               +0 < S 0:0(0) win 65535 <mss 1000,sackOK,TS val 1 ecr 0,nop,wscale 7>
               +0 > S. 0:0(0) ack 1 <mss 1460,sackOK,TS val 100 ecr 1,nop,wscale 10>
              +.1 < . 1:1(0) ack 1 win 1024 <nop,nop,TS val 2 ecr 99>
            """);
        assertThat(r.status()).isEqualTo(DrillResult.Status.FAIL);
        assertThat(r.line()).isEqualTo(7);
        assertThat(r.message()).contains("unable to infer live TS ecr for script TS ecr 99");
    }

    @Test
    void strictSegmentsTurnsAggregationOff() {
        String body = HANDSHAKE + "   +0 write(4, ..., 2000) = 2000\n   +0 > P. 1:2001(2000) ack 1\n";
        assertThat(text(body).status()).isEqualTo(DrillResult.Status.PASS);
        DrillResult strict = text("--strict_segments\n" + body);
        assertThat(strict.status()).isEqualTo(DrillResult.Status.FAIL);
        assertThat(strict.message()).isEqualTo("error handling packet: live packet payload: expected 2000 bytes vs actual 1000 bytes");
    }

    @Test
    void optionsLinesAndMacros() {
        DrillResult r = Runner.run("inline.pkt", "--tolerance_usecs=600000\n" + HANDSHAKE
                + "   +0 setsockopt(4, SOL_SOCKET, SO_SNDBUF, [MY_SNDBUF], 4) = 0\n"
                + "   +0 getsockopt(4, SOL_SOCKET, SO_SNDBUF, [20000], [4]) = 0\n", Path.of("."),
                OPTS.withDefines(java.util.Map.of("MY_SNDBUF", "10000")));
        assertThat(r.status()).as(r.summaryLine()).isEqualTo(DrillResult.Status.PASS);
        DrillResult v6 = text("--ip_version=ipv6\n" + HANDSHAKE);
        assertThat(v6.status()).isEqualTo(DrillResult.Status.SKIP);
        assertThat(v6.construct()).isEqualTo("--ip_version=ipv6");
    }

    @Test
    void aMissingInitScriptFailsTheRun() {
        DrillResult r = text("`../common/defaults.sh`\n" + HANDSHAKE);
        assertThat(r.status()).isEqualTo(DrillResult.Status.FAIL);
        assertThat(r.line()).isEqualTo(1);
        assertThat(r.message()).isEqualTo("error executing init command: non-zero status 127");
        assertThat(r.detail()).contains("not found");
    }

    @Test
    void aFailingTimedCommandFails() {
        DrillResult r = text(HANDSHAKE + "   +0 `sysctl -q net.ipv4.tcp_nonexistent=1`\n");
        assertThat(r.status()).isEqualTo(DrillResult.Status.FAIL);
        assertThat(r.message()).isEqualTo("error executing `sysctl -q net.ipv4.tcp_nonexistent=1` command: non-zero status 255");
    }

    @Test
    void limitsStopARunawayScript() {
        DrillResult v = Runner.run("inline.pkt", HANDSHAKE + "  +100 < . 1:1(0) ack 1 win 1024\n", Path.of("."),
                OPTS.withLimits(10_000, 10_000_000_000L));
        assertThat(v.status()).isEqualTo(DrillResult.Status.FAIL);
        assertThat(v.message()).contains("virtual-time limit of 10 s exceeded");
        DrillResult w = Runner.run("inline.pkt", HANDSHAKE, Path.of("."), OPTS.withLimits(-1, 10_000_000_000L));
        assertThat(w.status()).isEqualTo(DrillResult.Status.FAIL);
        assertThat(w.message()).contains("wall-time limit");
    }

    @Test
    void runsAreDeterministic() {
        DrillOptions verbose = OPTS.withVerbose(true).withTrace(true);
        DrillResult a = Runner.run(resource("runner/passive-data.pkt"), verbose);
        DrillResult b = Runner.run(resource("runner/passive-data.pkt"), verbose);
        assertThat(a.log()).isNotEmpty().isEqualTo(b.log()).contains("inbound injected S 0:0(0) win 65535");
        assertThat(a.trace()).isNotEmpty();
        StringBuilder ja = new StringBuilder();
        StringBuilder jb = new StringBuilder();
        dev.jtcp.trace.Jsonl.write(a.trace(), ja);
        dev.jtcp.trace.Jsonl.write(b.trace(), jb);
        assertThat(ja.toString()).isEqualTo(jb.toString());
        assertThat(a.virtualNs()).isEqualTo(b.virtualNs());
    }

    @Test
    void tcpFastOpenCookieRequestAndServerCookie() {
        // Client: no cookie cached, so the SYN asks for one with an empty FO option.
        DrillResult client = text("""
                0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
               +0 fcntl(3, F_SETFL, O_RDWR|O_NONBLOCK) = 0
               +0 sendto(3, ..., 0, MSG_FASTOPEN, ..., ...) = -1 EINPROGRESS (Operation is now in progress)
               +0 > S 0:0(0) <mss 1460,sackOK,TS val 100 ecr 0,nop,wscale 10,FO,nop,nop>
            """);
        assertThat(client.status()).as(client.summaryLine()).isEqualTo(DrillResult.Status.PASS);
        // Server: the SYN's cookie (TFO_COOKIE, the default key's) is valid, the SYN-ACK acks its data.
        DrillResult server = text("""
                0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
               +0 setsockopt(3, SOL_SOCKET, SO_REUSEADDR, [1], 4) = 0
               +0 bind(3, ..., ...) = 0
               +0 listen(3, 1) = 0
               +0 `sysctl -q net.ipv4.tcp_fastopen=3 net.ipv4.tcp_fastopen_key=a1a1a1a1-b2b2b2b2-c3c3c3c3-d4d4d4d4`
               +0 setsockopt(3, SOL_TCP, TCP_FASTOPEN, [1], 4) = 0
               +0 < S 0:10(10) win 32792 <mss 1460,sackOK,nop,nop,FO TFO_COOKIE,nop,nop>
               +0 > S. 0:0(0) ack 11 <mss 1460,nop,nop,sackOK>
               +0 accept(3, ..., ...) = 4
               +0 read(4, ..., 512) = 10
            """);
        assertThat(server.status()).as(server.summaryLine()).isEqualTo(DrillResult.Status.PASS);
    }

    @Test
    void inboundIcmpIsInjectedAndQuotesOurSegment() {
        DrillResult r = Runner.run("inline.pkt", HANDSHAKE + """
               +0 write(4, ..., 1000) = 1000
               +0 > P. 1:1001(1000) ack 1
               +0 < icmp unreachable frag_needed mtu 1200 [1:1001(1000)]
              +.1 < . 1:1(0) ack 1001 win 1024
            """, Path.of("."), OPTS.withVerbose(true));
        assertThat(r.status()).as(r.summaryLine()).isEqualTo(DrillResult.Status.PASS);
        assertThat(r.log()).contains("inbound injected icmp unreachable frag_needed");
    }

    @Test
    void rangesAndAnyTime() {
        DrillResult ok = text(HANDSHAKE + "   +0 close(4) = 0\n    * > F. 1:1(0) ack 1\n");
        assertThat(ok.status()).as(ok.summaryLine()).isEqualTo(DrillResult.Status.PASS);
        DrillResult range = text(HANDSHAKE + "   +0 close(4) = 0\n+.1~+.2 > F. 1:1(0) ack 1\n");
        // the FIN left during close(), 1 us before the call returned and the range was anchored
        assertThat(range.status()).isEqualTo(DrillResult.Status.FAIL);
        assertThat(range.message()).isEqualTo("timing error: expected outbound packet in relative time range +0.100000~+0.200000 sec"
                + " but happened at -0.000001 sec");
    }
    private static final String ERRQUEUE_READ = """
               +0 recvmsg(4, {msg_name(...)=..., msg_iov(1)=[{...,0}], msg_flags=MSG_ERRQUEUE,
                              msg_control=[{cmsg_level=CMSG_LEVEL_IP, cmsg_type=CMSG_TYPE_RECVERR,
                                            cmsg_data={ee_errno=0, ee_origin=SO_EE_ORIGIN_ZEROCOPY, ee_type=0,
                                                       ee_code=SO_EE_CODE_ZEROCOPY_COPIED, ee_info=0, ee_data=%d}}]},
                              MSG_ERRQUEUE) = 0
            """;

    @Test
    void zerocopyCompletionsAreReadFromTheErrorQueueAndCompared() {
        String sends = """
               +0 setsockopt(4, SOL_SOCKET, SO_ZEROCOPY, [1], 4) = 0
               +0 recvmsg(4, {msg_name(...)=..., msg_iov(1)=[{...,0}], msg_flags=MSG_ERRQUEUE, msg_control=[]},
                          MSG_ERRQUEUE) = -1 EAGAIN (Resource temporarily unavailable)
               +0 send(4, ..., 100, MSG_ZEROCOPY) = 100
               +0 > P. 1:101(100) ack 1
               +0 poll([{fd=4, events=POLLOUT, revents=POLLOUT}], 1, 0) = 1
              +.1 < . 1:1(0) ack 101 win 1024
               +0 poll([{fd=4, events=POLLOUT, revents=POLLOUT|POLLERR}], 1, 0) = 1
            """;
        DrillResult ok = text(HANDSHAKE + sends + ERRQUEUE_READ.formatted(0));
        assertThat(ok.status()).as(ok.summaryLine()).isEqualTo(DrillResult.Status.PASS);
        DrillResult wrong = text(HANDSHAKE + sends + ERRQUEUE_READ.formatted(1));
        assertThat(wrong.status()).isEqualTo(DrillResult.Status.FAIL);
        assertThat(wrong.message()).isEqualTo("runtime error in recvmsg call: Bad data in extended err 0: expected=1 actual=0");
    }

    @Test
    void spliceMovesDataFromASocketThroughAPipeIntoASocket() {
        DrillResult r = text(HANDSHAKE + """
               +0 pipe([5, 6]) = 0
               +0 < P. 1:101(100) ack 1 win 1024
               +0 splice(4, NULL, 6, NULL, 1000, 0) = 100
               +0 splice(5, NULL, 4, NULL, 1000, 0) = 100
               +0 > P. 1:101(100) ack 101
               +0 fcntl(4, F_SETFL, O_RDWR|O_NONBLOCK) = 0
               +0 splice(4, NULL, 6, NULL, 10, 0) = -1 EAGAIN (Resource temporarily unavailable)
            """);
        assertThat(r.status()).as(r.summaryLine() + "\n" + r.detail()).isEqualTo(DrillResult.Status.PASS);
    }
}
