package dev.jtcp.drill;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Every construct of the packetdrill language the corpus uses, and the errors for bad input. */
class ParserTest {

    private static Ast.Script parse(String src) {
        return Parser.parse(src, "t.pkt");
    }

    private static Ast.Event only(String eventLine) {
        return parse(eventLine).events().getFirst();
    }

    private static Ast.Packet packet(String line) {
        return (Ast.Packet) only(line).action();
    }

    private static Ast.Syscall call(String line) {
        return (Ast.Syscall) only(line).action();
    }

    // ------------------------------------------------------------------ times

    @Test
    void absoluteAndRelativeTimesInMicroseconds() {
        Ast.Script s = parse("0 `true`\n0.100 `true`\n+.1 `true`\n+0.05 `true`\n+2 `true`\n");
        assertThat(s.events()).extracting(e -> e.time().type()).containsExactly(Ast.TimeType.ABSOLUTE,
                Ast.TimeType.ABSOLUTE, Ast.TimeType.RELATIVE, Ast.TimeType.RELATIVE, Ast.TimeType.RELATIVE);
        assertThat(s.events()).extracting(e -> e.time().startUs()).containsExactly(0L, 100_000L, 100_000L, 50_000L, 2_000_000L);
    }

    @Test
    void timesTruncateLikePacketdrill() {
        // (s64)(0.0029 * 1e6) is 2899 in C; the parser does the same arithmetic
        assertThat(only("0.0029 `true`").time().startUs()).isEqualTo((long) (0.0029 * 1.0e6));
    }

    @Test
    void rangesAndAnyTimeOnOutboundPackets() {
        Ast.Event rel = only("+.3~+.303 > . 1:1(0) ack 1");
        assertThat(rel.time()).isEqualTo(new Ast.Time(Ast.TimeType.RELATIVE_RANGE, 300_000, 303_000));
        Ast.Event abs = only("0.9~1.1 > . 1:1(0) ack 1");
        assertThat(abs.time()).isEqualTo(new Ast.Time(Ast.TimeType.ABSOLUTE_RANGE, 900_000, 1_100_000));
        assertThat(only("* > . 1:1(0) ack 1").time().type()).isEqualTo(Ast.TimeType.ANY);
    }

    @Test
    void rangeOrStarOnOtherEventsIsRejected() {
        assertThatThrownBy(() -> parse("* < . 1:1(0) ack 1 win 10")).isInstanceOf(ScriptError.class)
                .hasMessageContaining("event time <star> can only be used with outbound packets");
        assertThatThrownBy(() -> parse("0~1 read(3, ..., 1) = 1")).isInstanceOf(ScriptError.class)
                .hasMessageContaining("time range can only be used with outbound packets");
        assertThatThrownBy(() -> parse("1~0.5 > . 1:1(0) ack 1")).hasMessageContaining("time range is backwards");
    }

    @Test
    void blockingCallsHaveAnEndTime() {
        Ast.Syscall a = call("+0...0.200 accept(3, ..., ...) = 4");
        assertThat(a.endUs()).isEqualTo(200_000L);
        Ast.Syscall c = call("+.01 ... 0.004 connect(3, ..., ...) = 0");
        assertThat(c.endUs()).isEqualTo(4_000L);
        assertThat(call("+.1...0.200 connect(3, ..., ...) = 0").endUs()).isEqualTo(200_000L);
        assertThat(call("0 close(3) = 0").endUs()).isNull();
    }

    // ------------------------------------------------------------------ packets

    @Test
    void tcpLineWithEverything() {
        Ast.Packet p = packet("+0 < P. 1:1001(1000) ack 5 win 257 urg 3 <nop,nop,TS val 100 ecr 700>");
        assertThat(p.direction()).isEqualTo(Ast.Direction.INBOUND);
        assertThat(p.flags()).isEqualTo("P.");
        assertThat(p.seq()).isEqualTo(1);
        assertThat(p.len()).isEqualTo(1000);
        assertThat(p.ack()).isEqualTo(5);
        assertThat(p.window()).isEqualTo(257);
        assertThat(p.urg()).isEqualTo(3);
        assertThat(p.options()).containsExactly(new Ast.Nop(), new Ast.Nop(), new Ast.Ts(100, 700));
    }

    @Test
    void flagsAsWritten() {
        assertThat(packet("0 > S 0:0(0) <...>").flags()).isEqualTo("S");
        assertThat(packet("0 > S. 0:0(0) ack 1 <...>").flags()).isEqualTo("S.");
        assertThat(packet("0 > . 1:1(0) ack 1").flags()).isEqualTo(".");
        assertThat(packet("0 > F. 1:1(0) ack 1").flags()).isEqualTo("F.");
        assertThat(packet("0 > FP. 1:2(1) ack 1").flags()).isEqualTo("FP.");
        assertThat(packet("0 > R 1:1(0)").flags()).isEqualTo("R");
        assertThat(packet("0 < - 1:1001(1000) win 100").flags()).isEqualTo("");
        assertThat(packet("0 > SEW 0:0(0) <...>").flags()).isEqualTo("SEW");
        assertThat(packet("0 < U. 1:101(100) ack 1 win 257 urg 100").flags()).isEqualTo("U.");
        assertThat(packet("0 > .5 1:1(0) ack 1").flags()).isEqualTo(".5");
        assertThat(packet("0 > P.5 1:2(1) ack 1").flags()).isEqualTo("P.5");
        assertThatThrownBy(() -> packet("0 > SX 0:0(0)")).hasMessageContaining("Invalid TCP flag: 'X'");
        assertThatThrownBy(() -> packet("0 > SE5 0:0(0)")).hasMessageContaining("Conflicting TCP flag");
    }

    @Test
    void optionsOfEveryKind() {
        Ast.Packet p = packet("0 > S. 0:0(0) ack 1 <mss 1460,sackOK,TS val 1 ecr 2,nop,wscale 7,nop,nop,sack 1:2,eol,nop,nop,nop>");
        assertThat(p.options()).hasSize(12);
        assertThat(p.options().get(0)).isEqualTo(new Ast.Mss(1460));
        assertThat(p.options().get(1)).isEqualTo(new Ast.SackOk());
        assertThat(p.options().get(4)).isEqualTo(new Ast.WScale(7));
        Ast.Sack sack = (Ast.Sack) p.options().get(7);
        assertThat(sack.blocks()).hasSize(1);
        assertThat(sack.blocks().get(0)).containsExactly(1L, 2L);
        Ast.Sack four = (Ast.Sack) packet("0 > . 1:1(0) ack 1 <nop,nop,sack 1:2 3:4 5:6 7:8>").options().get(2);
        assertThat(four.blocks()).hasSize(4);
        assertThat(four.blocks().get(3)).containsExactly(7L, 8L);
        assertThatThrownBy(() -> packet("0 > . 1:1(0) ack 1 <nop,nop,TS val 1 ecr 2,nop,nop,sack 1:2 3:4 5:6 7:8>"))
                .hasMessageContaining("TCP option list too long");
        assertThat(p.options().get(8)).isEqualTo(new Ast.Eol());
        assertThat(packet("0 > S. 0:0(0) ack 1 <...>").options()).isNull();
        assertThat(packet("0 > . 1:1(0) ack 1").options()).isEmpty();
    }

    @Test
    void md5AndFastOpenOptions() {
        Ast.Packet p = packet("0 < . 1:1(0) ack 1 win 514 <md5 000102030405060708090a0b0c0d0e0f,nop,nop>");
        assertThat(((Ast.Md5) p.options().getFirst()).digest()).hasSize(16).startsWith(0, 1, 2);
        Ast.Packet fo = packet("0 < S 0:0(0) win 100 <FO 3021b9d889017eeb,nop,nop>");
        Ast.FastOpen f = (Ast.FastOpen) fo.options().getFirst();
        assertThat(f.cookie()).hasSize(8);
        assertThat(f.experimental()).isFalse();
        Ast.Packet empty = packet("0 > S 0:0(0) <mss 1460,FO,nop,nop>");
        assertThat(((Ast.FastOpen) empty.options().get(1)).cookie()).isEmpty();
        Ast.Packet exp = packet("0 > S 0:0(0) <FOEXP 0102030405060708>");
        assertThat(((Ast.FastOpen) exp.options().getFirst()).experimental()).isTrue();
    }

    @Test
    void optionsMustBePaddedToFourBytes() {
        assertThatThrownBy(() -> packet("0 > . 1:1(0) ack 1 <sack 1:2>"))
                .hasMessageContaining("TCP options are not padded correctly");
    }

    @Test
    void ipEcnAndTosFields() {
        Ast.Packet p = packet("0 > [ect0] S. 0:0(0) ack 1 <...>");
        assertThat(p.tosCheck()).isEqualTo(Ast.TosCheck.ECN);
        assertThat(p.tos()).isEqualTo(2);
        assertThat(packet("0 < [ce] . 1:1(0) ack 1 win 1").tos()).isEqualTo(3);
        assertThat(packet("0 > (tos 0x10) . 1:1(0) ack 1").tosCheck()).isEqualTo(Ast.TosCheck.TOS);
        assertThat(packet("0 > [ect01] . 1:1(0) ack 1").tosCheck()).isEqualTo(Ast.TosCheck.ECT01);
        assertThatThrownBy(() -> packet("0 < [ect01] . 1:1(0) ack 1 win 1")).hasMessageContaining("[ect01] can only be used with outbound");
    }

    @Test
    void explicitPorts() {
        Ast.Packet p = packet("0 < 1234 > 8080 S 0:0(0) win 100");
        assertThat(p.srcPort()).isEqualTo(1234);
        assertThat(p.dstPort()).isEqualTo(8080);
    }

    @Test
    void icmpLines() {
        Ast.Packet p = packet("0 < icmp unreachable frag_needed mtu 1200 [1:1461(1460)]");
        assertThat(p.icmp()).isEqualTo(new Ast.Icmp("unreachable", "frag_needed", 1200, 1, 1460, "tcp"));
        Map<String, String> d = new HashMap<>();
        d.put("CODE", "host_unreachable");
        Ast.Packet q = (Ast.Packet) Parser.parse("0 < icmp unreachable CODE", "t", d).events().getFirst().action();
        assertThat(q.icmp().code()).isEqualTo("host_unreachable");
    }

    @Test
    void inconsistentSequenceRangeIsAnError() {
        assertThatThrownBy(() -> packet("0 > . 1:1001(999) ack 1"))
                .hasMessageContaining("inconsistent TCP sequence numbers and payload size");
    }

    @Test
    void inboundPacketsNeedAWindowAndSpecificOptions() {
        assertThatThrownBy(() -> packet("0 < . 1:1(0) ack 1")).hasMessageContaining("window must be specified for inbound packets");
        assertThatThrownBy(() -> packet("0 < . 1:1(0) ack 1 win 1 <...>"))
                .hasMessageContaining("<...> for TCP options can only be used with outbound packets");
    }

    @Test
    void unsupportedEncapsulationsAreSkipsNotErrors() {
        assertThatThrownBy(() -> packet("0 > udp (1)")).isInstanceOf(Unsupported.class);
        assertThatThrownBy(() -> packet("0 > gre: . 1:1(0) ack 1")).isInstanceOf(Unsupported.class);
        assertThatThrownBy(() -> packet("0 > ipv4 1.2.3.4 > 5.6.7.8: . 1:1(0) ack 1")).isInstanceOf(Unsupported.class);
    }

    // ------------------------------------------------------------------ system calls

    @Test
    void syscallArgumentsAndSymbolicConstants() {
        Ast.Syscall s = call("0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3");
        assertThat(s.name()).isEqualTo("socket");
        assertThat(s.args()).containsExactly(new Expr.Ellipsis(), new Expr.Word("SOCK_STREAM"), new Expr.Word("IPPROTO_TCP"));
        assertThat(s.result()).isEqualTo(new Expr.Int(3, false));
        Ast.Syscall f = call("0 fcntl(3, F_SETFL, O_RDWR|O_NONBLOCK) = 0");
        assertThat(f.args().get(2)).isEqualTo(new Expr.Binary("|", new Expr.Word("O_RDWR"), new Expr.Word("O_NONBLOCK")));
        Ast.Syscall o = call("0 setsockopt(3, SOL_SOCKET, SO_REUSEADDR, [1], 4) = 0");
        assertThat(o.args().get(3)).isEqualTo(new Expr.ListExpr(List.of(new Expr.Int(1, false))));
    }

    @Test
    void errnoWithNoteAndHexResultWithNote() {
        Ast.Syscall c = call("0 connect(3, ..., ...) = -1 EINPROGRESS (Operation now in progress)");
        assertThat(c.result()).isEqualTo(new Expr.Int(-1, false));
        assertThat(c.errno()).isEqualTo("EINPROGRESS");
        assertThat(c.note()).isEqualTo("Operation now in progress");
        Ast.Syscall g = call("0 fcntl(3, F_GETFL) = 0x2 (flags O_RDWR)");
        assertThat(g.result()).isEqualTo(new Expr.Int(2, true));
        assertThat(g.errno()).isNull();
        assertThat(g.note()).isEqualTo("flags O_RDWR");
        assertThatThrownBy(() -> parse("0 read(3, ..., 1) = -1 EAGAIN\n+0 `true`"))
                .hasMessageContaining("a note in parentheses after the errno name");
    }

    @Test
    void structuredArguments() {
        Ast.Syscall m = call("""
                0 sendmsg(4, {msg_name(...)=...,
                              msg_iov(2)=[{..., 100}, {..., 200}],
                              msg_flags=0}, MSG_MORE) = 300
                """);
        Expr.Msghdr h = (Expr.Msghdr) m.args().get(1);
        assertThat(h.iovLen()).isEqualTo(2);
        assertThat(h.iov()).containsExactly(new Expr.Iovec(100), new Expr.Iovec(200));
        Ast.Syscall r = call("""
                0 recvmsg(3, {msg_name(...)=..., msg_iov(1)=[{..., 1000}], msg_flags=0,
                              msg_control=[{cmsg_level=SOL_TCP, cmsg_type=TCP_CM_INQ, cmsg_data=9000}]}, 0) = 1000
                """);
        Expr.Msghdr rh = (Expr.Msghdr) r.args().get(1);
        assertThat(rh.control()).containsExactly(new Expr.Cmsg(new Expr.Word("SOL_TCP"), new Expr.Word("TCP_CM_INQ"),
                new Expr.Int(9000, false)));
        Ast.Syscall p = call("0...0.040 poll([{fd=4, events=POLLOUT, revents=POLLOUT}], 1, 1000) = 1");
        assertThat(((Expr.ListExpr) p.args().getFirst()).items().getFirst())
                .isEqualTo(new Expr.PollFd(new Expr.Int(4, false), new Expr.Word("POLLOUT"), new Expr.Word("POLLOUT")));
        Ast.Syscall e = call("0 epoll_ctl(5, EPOLL_CTL_ADD, 4, {events=EPOLLIN|EPOLLET, fd=4}) = 0");
        assertThat(e.args().get(3)).isInstanceOf(Expr.EpollEvent.class);
        assertThat(((Expr.EpollEvent) call("0 epoll_wait(5, {events=0, ptr=0}, 1, 0) = 0").args().get(1)).dataKind()).isEqualTo("ptr");
        assertThat(call("0 setsockopt(3, SOL_SOCKET, SO_LINGER, {onoff=1, linger=0}, 8) = 0").args().get(3))
                .isEqualTo(new Expr.Linger(1, 0));
        assertThat(call("0 open(\"/tmp/testfile\", O_RDONLY) = 5").args().getFirst()).isEqualTo(new Expr.Str("/tmp/testfile", false));
        assertThat(call("0 pipe([5, 6]) = 0").args().getFirst()).isInstanceOf(Expr.ListExpr.class);
        assertThat(call("0 write(4, NULL, 1000) = -1 EFAULT (Bad address)").args().get(1)).isEqualTo(new Expr.Word("NULL"));
    }

    // ------------------------------------------------------------------ commands, code, options, macros

    @Test
    void initCommandEventsAndCleanupCommand() {
        Ast.Script s = parse("""
                // a comment
                `../common/defaults.sh
                 ../common/set_sysctls.py /proc/sys/net/ipv4/tcp_timestamps=0
                `
                /* a C comment */
                0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
                +0 `sysctl -q net.ipv4.tcp_ecn=2`
                `/tmp/sysctl_restore_${PPID}.sh`
                """);
        assertThat(s.init().text()).contains("defaults.sh").contains("set_sysctls.py");
        assertThat(s.events()).hasSize(2);
        assertThat(s.events().get(1).action()).isEqualTo(new Ast.Command("sysctl -q net.ipv4.tcp_ecn=2", 7));
        assertThat(s.cleanup().text()).isEqualTo("/tmp/sysctl_restore_${PPID}.sh");
        assertThat(s.cleanup().line()).isEqualTo(8);
    }

    @Test
    void codeSnippetsSpanLines() {
        Ast.Script s = parse("""
                0 `true`
                +0 %{
                assert tcpi_snd_cwnd == 10, tcpi_snd_cwnd
                assert tcpi_ca_state == TCP_CA_Open
                }%
                +0 %{ print(tcpi_rtt) }%
                """);
        Ast.Code c = (Ast.Code) s.events().get(1).action();
        assertThat(c.text()).contains("assert tcpi_snd_cwnd == 10").contains("TCP_CA_Open");
        assertThat(c.line()).isEqualTo(2);
        assertThat(((Ast.Code) s.events().get(2).action()).text()).isEqualTo("print(tcpi_rtt)");
    }

    @Test
    void optionLinesAndDefines() {
        Map<String, String> d = new HashMap<>();
        d.put("TFO_COOKIE", "3021b9d889017eeb");
        Ast.Script s = Parser.parse("""
                --tolerance_usecs=10000
                --strict_segments
                --local_ip=192.168.0.1
                --define=PORT=8081
                0 < S 0:0(0) win 1 <FO TFO_COOKIE,nop,nop>
                +0 bind(3, ..., PORT) = 0
                """, "t", d);
        assertThat(s.options()).extracting(Ast.Option::name).containsExactly("tolerance_usecs", "strict_segments", "local_ip", "define");
        assertThat(s.options().getFirst().value()).isEqualTo("10000");
        assertThat(s.options().get(1).value()).isNull();
        assertThat(((Ast.FastOpen) ((Ast.Packet) s.events().getFirst().action()).options().getFirst()).cookie()).hasSize(8);
        assertThat(((Ast.Syscall) s.events().get(1).action()).args().get(2)).isEqualTo(new Expr.Int(8081, false));
    }

    @Test
    void reservedWordsAreNotReplacedByMacros() {
        Map<String, String> d = new HashMap<>();
        d.put("ack", "99");
        assertThat(((Ast.Packet) Parser.parse("0 > . 1:1(0) ack 1", "t", d).events().getFirst().action()).ack()).isEqualTo(1);
    }

    // ------------------------------------------------------------------ errors

    @Test
    void syntaxErrorsNameFileLineColumnAndWhatWasExpected() {
        assertThatThrownBy(() -> parse("0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n+0 < S 0:0(0) akc 1 win 100\n"))
                .isInstanceOf(ScriptError.class)
                .hasMessage("t.pkt:2:15: syntax error: expected ack N, win N, urg N, <options> or the next event, found 'akc'")
                .satisfies(e -> {
                    ScriptError se = (ScriptError) e;
                    assertThat(se.line()).isEqualTo(2);
                    assertThat(se.col()).isEqualTo(15);
                    assertThat(se.file()).isEqualTo("t.pkt");
                });
        assertThatThrownBy(() -> parse("0 write(4, ..., 10 = 10\n")).hasMessageStartingWith("t.pkt:1:20: syntax error: expected ')'");
        assertThatThrownBy(() -> parse("x socket() = 3")).hasMessageContaining("expected an event time");
        assertThatThrownBy(() -> parse("")).hasMessageContaining("at least one event");
        assertThatThrownBy(() -> parse("0 %{ assert 1")).hasMessageContaining("code snippet %{ is never closed");
        assertThatThrownBy(() -> parse("0 `true")).hasMessageContaining("command ` is never closed");
        assertThatThrownBy(() -> parse("0 `true`\n`a`\n+0 `b`")).hasMessageContaining("cleanup command");
        assertThatThrownBy(() -> parse("-1 `true`")).hasMessageContaining("negative time");
    }

    @Test
    void lexerLongestMatchRules() {
        Lexer lx = new Lexer("0x70403 1e3 192.168.0.1 fd3d::1 1:1001 ... .5 -1 --opt", "t", Map.of());
        assertThat(lx.next().kind()).isEqualTo(Token.Kind.HEX);
        assertThat(lx.next().kind()).isEqualTo(Token.Kind.WORD);
        assertThat(lx.next().kind()).isEqualTo(Token.Kind.IPV4);
        assertThat(lx.next().kind()).isEqualTo(Token.Kind.IPV6);
        assertThat(lx.next().kind()).isEqualTo(Token.Kind.INT);
        assertThat(lx.next().is(':')).isTrue();
        assertThat(lx.next().num()).isEqualTo(1001);
        assertThat(lx.next().kind()).isEqualTo(Token.Kind.ELLIPSIS);
        assertThat(lx.next().kind()).isEqualTo(Token.Kind.FLOAT);
        assertThat(lx.next().num()).isEqualTo(-1);
        assertThat(lx.next().kind()).isEqualTo(Token.Kind.OPTION);
        assertThat(lx.next().kind()).isEqualTo(Token.Kind.EOF);
    }

    @Test
    void theWholeCorpusParsesWhenPresent() throws Exception {
        java.nio.file.Path root = Corpus.dir();
        org.junit.jupiter.api.Assumptions.assumeTrue(root != null, "packetdrill corpus not found");
        int n = 0;
        for (java.nio.file.Path p : Drill.collect(List.of(root.resolve("gtests")), List.of())) {
            String src = java.nio.file.Files.readString(p);
            try {
                Parser.parse(src, p.toString(), new HashMap<>(DrillOptions.runAllDefines()));
            } catch (Unsupported u) {
                // allowed: reported as SKIP
            }
            n++;
        }
        assertThat(n).isGreaterThanOrEqualTo(150);
    }
}
