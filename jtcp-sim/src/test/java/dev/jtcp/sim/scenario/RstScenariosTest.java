package dev.jtcp.sim.scenario;

import dev.jtcp.sys.Mib;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import static dev.jtcp.sim.scenario.Ladder.CLIENT;
import static dev.jtcp.sim.scenario.Ladder.SERVER;
import static dev.jtcp.sim.scenario.Ladder.ns;
import static dev.jtcp.sim.scenario.Ladder.t;
import static org.assertj.core.api.Assertions.assertThat;

/** Resets: rst-closed-port, rst-unread-data, linger-zero, data-to-closed (REPORT.md items 10 and 11). */
class RstScenariosTest {

    @Nested
    class RstClosedPort {
        final Ladder l = Ladder.run("rst-closed-port");

        @Test
        void synToAClosedPortIsAnsweredWithRstAck() {
            // Item 10a: SYN -> "R. seq 0, ack SEG.SEQ+1, win 0", no options, at once.
            assertThat(l.lines(s -> true)).containsExactly(
                    "0.000000 client send S 0:0 win 64240",
                    "0.025000 server recv S 0:0 win 64240",
                    "0.025000 server send R. 0:0 ack 1 win 0",
                    "0.050000 client recv R. 0:0 ack 1 win 0");
            Ladder.Seg rst = l.sent(SERVER).get(0);
            assertThat(rst.raw().tcp().seq()).isZero();
            assertThat(rst.opts()).isEmpty();
            assertThat(rst.why()).contains("no socket listens on port 81");
        }

        @Test
        void connectFailsWithEconnrefused() {
            assertThat(l.callLines(CLIENT, "connect")).containsExactly("0.050000 connect=ECONNREFUSED");
            assertThat(l.statePath(CLIENT)).isEqualTo("CLOSE SYN_SENT CLOSE");
            assertThat(l.stateChange(CLIENT, l.connection(CLIENT), "CLOSE").why()).contains("ECONNREFUSED");
            assertThat(l.connections(SERVER)).isEmpty();
            assertThat(l.mib(SERVER, Mib.TcpOutRsts)).isEqualTo(1);
            assertThat(l.mib(CLIENT, Mib.TcpActiveOpens)).isEqualTo(1);
            assertThat(l.mib(CLIENT, Mib.TcpAttemptFails)).isEqualTo(1);
            assertThat(l.mib(CLIENT, Mib.TcpRetransSegs)).isZero();
        }
    }

    @Nested
    class RstUnreadData {
        final Ladder l = Ladder.run("rst-unread-data");

        @Test
        void closeWithUnreadDataSendsRstInsteadOfFin() {
            // Item 10c: "R. seq snd_nxt, ack rcv_nxt", normal window and TS option; no FIN.
            assertThat(l.sentLines(SERVER)).containsExactly(
                    "0.025000 S. 0:0 ack 1 win 65160",
                    "0.075000 . 1:1 ack 6 win 64",
                    "0.275000 R. 1:1 ack 6 win 64");
            Ladder.Seg rst = l.sent(SERVER).getLast();
            assertThat(rst.opts()).startsWith("nop,nop,TS val ");
            assertThat(rst.why()).contains("RFC 2525 2.17");
            String s = l.connection(SERVER);
            assertThat(l.statePath(SERVER, s)).isEqualTo("LISTEN SYN_RECV ESTABLISHED CLOSE");
            assertThat(t(l.enteredNs(SERVER, s, "CLOSE"))).isEqualTo("0.275000");
            assertThat(l.mib(SERVER, Mib.TcpExtTCPAbortOnClose)).isEqualTo(1);
            assertThat(l.mib(SERVER, Mib.TcpEstabResets)).isEqualTo(1);
            assertThat(l.mib(SERVER, Mib.TcpOutRsts)).isEqualTo(1);
        }

        @Test
        void peerReadsEconnresetThenEofAndWriteGetsEpipe() {
            // Item 10e: read() -> ECONNRESET, read() -> 0, write() -> EPIPE.
            String c = l.connection(CLIENT);
            assertThat(l.statePath(CLIENT, c)).isEqualTo("CLOSE SYN_SENT ESTABLISHED CLOSE");
            assertThat(t(l.enteredNs(CLIENT, c, "CLOSE"))).isEqualTo("0.300000");
            assertThat(l.stateChange(CLIENT, c, "CLOSE").why()).contains("RST");
            assertThat(l.callLines(CLIENT, "read", "write", "close")).containsExactly(
                    "0.050000 write=5", "0.550000 read=ECONNRESET", "0.550000 read=0", "0.550000 write=EPIPE",
                    "0.550000 close=0");
            assertThat(l.sent(CLIENT)).noneMatch(s -> s.tNs() > ns("0.05"));
            assertThat(l.mib(CLIENT, Mib.TcpEstabResets)).isEqualTo(1);
        }
    }

    @Nested
    class LingerZero {
        final Ladder l = Ladder.run("linger-zero");

        @Test
        void abortSendsRstWithSndNxt() {
            // Item 10d: "R. seq snd_nxt (11 there, 8 here), ack rcv_nxt", TS option; no TIME_WAIT.
            assertThat(l.sentLines(SERVER)).containsExactly(
                    "0.025000 S. 0:0 ack 1 win 65160",
                    "0.075000 P. 1:8 ack 1 win 64",
                    "0.275000 R. 8:8 ack 1 win 64");
            assertThat(l.sent(SERVER).getLast().opts()).startsWith("nop,nop,TS val ");
            assertThat(l.callLines(SERVER, "setsockopt", "close")).containsExactly("0.275000 setsockopt=0", "0.275000 close=0");
            String s = l.connection(SERVER);
            assertThat(l.statePath(SERVER, s)).isEqualTo("LISTEN SYN_RECV ESTABLISHED CLOSE");
            assertThat(l.timers(SERVER, "time_wait", "arm")).isEmpty();
            // Linux counts TCPAbortOnData for SO_LINGER {1, 0}, not TCPAbortOnLinger.
            assertThat(l.mib(SERVER, Mib.TcpExtTCPAbortOnData)).isEqualTo(1);
            assertThat(l.mib(SERVER, Mib.TcpExtTCPAbortOnLinger)).isZero();
            assertThat(l.mib(SERVER, Mib.TcpEstabResets)).isEqualTo(1);
            assertThat(l.mib(SERVER, Mib.TcpOutRsts)).isEqualTo(1);
        }

        @Test
        void peerReadsQueuedDataThenEconnresetThenEof() {
            assertThat(l.sentLines(CLIENT)).endsWith("0.100000 . 1:1 ack 8 win 63");
            assertThat(l.callLines(CLIENT, "read")).containsExactly(
                    "0.550000 read=7", "0.550000 read=ECONNRESET", "0.550000 read=0");
            assertThat(l.calls(CLIENT, "read").get(0).detail()).isEqualTo("\"welcome\"");
            assertThat(l.statePath(CLIENT)).isEqualTo("CLOSE SYN_SENT ESTABLISHED CLOSE");
        }
    }

    @Nested
    class DataToClosed {
        final Ladder l = Ladder.run("data-to-closed");

        @Test
        void ladder() {
            assertThat(l.sentLines(SERVER)).containsExactly(
                    "0.025000 S. 0:0 ack 1 win 65160",
                    "0.075000 F. 1:1 ack 1 win 64",       // close() right after accept()
                    "0.275000 R 2:2 win 0");              // item 11a: RST, seq = the segment's ack, no ACK flag
            assertThat(l.sentLines(CLIENT)).containsExactly(
                    "0.000000 S 0:0 win 64240",
                    "0.050000 . 1:1 ack 1 win 63",
                    "0.104000 . 1:1 ack 2 win 63",        // FIN with no data received: ACK after one tick
                    "0.250000 P. 1:6 ack 2 win 63");      // write 1 from CLOSE_WAIT
            Ladder.Seg rst = l.sent(SERVER).getLast();
            assertThat(rst.opts()).isEmpty();
            assertThat(rst.raw().tcp().ack()).isZero();
            assertThat(rst.why()).contains("RFC 1122 4.2.2.13");
        }

        @Test
        void rstInCloseWaitGivesEpipeNotEconnreset() {
            // Item 11b: write 1 -> 5, write 2 -> EPIPE, write 3 -> EPIPE, reads -> 0; never ECONNRESET.
            assertThat(l.callLines(CLIENT, "read", "write", "close")).containsExactly(
                    "0.250000 write=5", "0.350000 write=EPIPE", "0.450000 write=EPIPE",
                    "0.550000 read=0", "0.550000 read=0", "0.550000 close=0");
            String c = l.connection(CLIENT);
            assertThat(l.statePath(CLIENT, c)).isEqualTo("CLOSE SYN_SENT ESTABLISHED CLOSE_WAIT CLOSE");
            assertThat(t(l.enteredNs(CLIENT, c, "CLOSE"))).isEqualTo("0.300000");
            assertThat(l.mib(CLIENT, Mib.TcpEstabResets)).isEqualTo(1);
        }

        @Test
        void serverFinWait2RecordIsKilledByTheData() {
            String s = l.connection(SERVER);
            assertThat(l.statePath(SERVER, s)).isEqualTo("LISTEN SYN_RECV ESTABLISHED FIN_WAIT1 FIN_WAIT2 CLOSE");
            assertThat(t(l.enteredNs(SERVER, s, "FIN_WAIT2"))).isEqualTo("0.129000");
            assertThat(t(l.enteredNs(SERVER, s, "CLOSE"))).isEqualTo("0.275000");
            assertThat(l.mib(SERVER, Mib.TcpOutRsts)).isEqualTo(1);
            // In the FIN_WAIT2 mini-socket case Linux does not count TCPAbortOnData (only TcpOutRsts).
            assertThat(l.mib(SERVER, Mib.TcpExtTCPAbortOnData)).isZero();
        }

        @Test
        void timewaitCountersAsLinux() {
            assertThat(l.mib(SERVER, Mib.TcpExtTW)).isEqualTo(1);
            assertThat(l.mib(SERVER, Mib.TcpExtTWKilled)).isZero();
        }
    }
}
