package dev.jtcp.cli;

import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;

import static org.assertj.core.api.Assertions.assertThat;

/** jtcp tun: bad options are one line naming what is wrong and what is accepted, before any device is touched. */
class TunCommandTest {
    private record Run(int code, String out, String err) {
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void anAddressOffTheSubnetIsRefused() {
        Run r = run("tun", "echo", "--addr", "10.78.0.2");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).startsWith("jtcp: --addr: 10.78.0.2 must be another address on 10.77.0.1/24's subnet");
    }

    @Test
    void aHostAddressWithoutPrefixIsRefused() {
        Run r = run("tun", "discard", "--host-addr", "10.77.0.1");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("--host-addr: '10.77.0.1' is not accepted").contains("e.g. 10.77.0.1/24");
    }

    @Test
    void badMtuSettingAndDeviceNameAreRefused() {
        assertThat(run("tun", "echo", "--mtu", "20").err()).startsWith("jtcp: --mtu: 20 is out of range; accepted: 68..65535");
        assertThat(run("tun", "echo", "--set", "net.ipv4.tcp_nope=1").err()).startsWith("jtcp: --set");
        Run dev = run("tun", "echo", "--dev", "a-name-far-too-long");
        assertThat(dev.code()).isEqualTo(1);
        assertThat(dev.err().strip()).isEqualTo("jtcp: bad device name 'a-name-far-too-long': 1 to 15 characters expected");
    }

    @Test
    void connectChecksItsArguments() {
        assertThat(run("tun", "connect", "nowhere", "80").err()).startsWith("jtcp: HOST: 'nowhere' is not an IPv4 address");
        assertThat(run("tun", "connect", "10.77.0.1", "70000").err()).startsWith("jtcp: PORT: 70000 is out of range");
        assertThat(run("tun", "http", "--root", "/no/such/dir").err()).startsWith("jtcp: --root: /no/such/dir is not a directory");
    }

    @Test
    void offloadIsAutomaticUnlessForcedOnOrOff() {
        assertThat(TunCommand.offloadMode(null)).isEqualTo(dev.jtcp.tun.TunStack.Offload.AUTO);
        assertThat(TunCommand.offloadMode(true)).isEqualTo(dev.jtcp.tun.TunStack.Offload.ON);
        assertThat(TunCommand.offloadMode(false)).isEqualTo(dev.jtcp.tun.TunStack.Offload.OFF);
        assertThat(run("tun", "echo", "--help").out()).contains("--[no-]offload");
        assertThat(run("bench", "tun", "--help").out()).contains("--[no-]offload");
        // Parsed before the device is touched: the device name is what fails here.
        assertThat(run("tun", "echo", "--no-offload", "--dev", "a-name-far-too-long").err()).contains("bad device name");
    }

    @Test
    void onlyTunCommandsAndTheSoakKeepTheDefaultVirtualThreadScheduler() {
        assertThat(Main.runsInParallel(new String[] {"tun", "echo", "--dev", "jt0"})).isTrue();
        assertThat(Main.runsInParallel(new String[] {"bench", "tun", "--mtu", "1500"})).isTrue();
        assertThat(Main.runsInParallel(new String[] {"bench", "soak", "--seeds", "10"})).isTrue();
        assertThat(Main.runsInParallel(new String[] {"bench", "throughput"})).isFalse();
        assertThat(Main.runsInParallel(new String[] {"scenario", "handshake"})).isFalse();
        assertThat(Main.runsInParallel(new String[] {})).isFalse();
    }

    @Test
    void benchTunNamesABadDirection() {
        assertThat(run("bench", "tun", "--direction", "up").err())
                .startsWith("jtcp: --direction: 'up' is not accepted; accepted: both, k2j, j2k");
        assertThat(run("bench", "tun", "--help").out()).contains("--kernel-cc");
    }

    @Test
    void helpListsTheCommands() {
        Run r = run("tun", "--help");
        assertThat(r.out()).contains("echo", "discard", "http", "connect");
    }
}
