package dev.jtcp.drill;

import dev.jtcp.sys.Sysctl;
import dev.jtcp.sys.SysctlKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The emulated shell commands: nothing is executed, sysctls land in jtcp's Sysctl. */
class ShellTest {
    @TempDir
    Path dir;

    private final Sysctl sysctl = new Sysctl();
    private final Sysctls sysctls = new Sysctls(sysctl);
    private final Map<String, byte[]> files = new HashMap<>();
    private final Map<String, Long> counters = new LinkedHashMap<>();
    private final Shell shell = new Shell(new Shell.Env() {
        @Override
        public Path scriptDir() {
            return dir;
        }

        @Override
        public Sysctls sysctls() {
            return sysctls;
        }

        @Override
        public Map<String, byte[]> files() {
            return files;
        }

        @Override
        public String procNetTcp() {
            return "  sl  local_address rem_address   st\n   0: 0100A8C0:1F90 00000000:0000 0A 0\n";
        }

        @Override
        public Map<String, Long> counters() {
            return counters;
        }

        @Override
        public void qdisc(int limit) {
            qdiscLimit = limit;
        }

        @Override
        public void route(String cidr, int mtu, boolean mtuLock, int advmss, int initcwnd) {
            routes.add(cidr + " mtu " + mtu + (mtuLock ? " lock" : "") + " advmss " + advmss + " initcwnd " + initcwnd);
        }
    });
    private int qdiscLimit = -1;
    private final java.util.List<String> routes = new java.util.ArrayList<>();

    @Test
    void defaultsShIsInterpretedFromTheScriptsDirectory() throws Exception {
        Files.createDirectories(dir.resolve("common"));
        Files.writeString(dir.resolve("common/defaults.sh"), """
                #!/bin/bash
                ip tcp_metrics flush all > /dev/null 2>&1
                sysctl -q net.ipv4.tcp_rmem="4096 540000 $((15*1024*1024))"
                sysctl -q net.ipv4.tcp_wmem="4096 $((256*1024)) 4194304"
                sysctl -q net.ipv4.tcp_fack=0
                sysctl -q net.ipv4.tcp_ecn=0
                sysctl -q net.ipv4.tcp_fastopen=0x70403
                sysctl -q net.ipv4.tcp_early_retrans=4 net.ipv4.tcp_recovery=1
                sysctl -q net.ipv4.tcp_notsent_lowat=4294967295 > /dev/null 2>&1
                tc qdisc add dev tun0 root pfifo
                """);
        Shell.Result r = shell.run("common/defaults.sh\n", 1);
        assertThat(r.status()).isZero();
        assertThat(sysctl.text(SysctlKey.TCP_RMEM)).isEqualTo("4096 540000 15728640");
        assertThat(sysctl.text(SysctlKey.TCP_WMEM)).isEqualTo("4096 262144 4194304");
        assertThat(sysctl.get(SysctlKey.TCP_EARLY_RETRANS)).isEqualTo(4);
        assertThat(sysctl.get(SysctlKey.TCP_ECN)).isZero();
        assertThat(sysctl.get(SysctlKey.TCP_FASTOPEN)).isEqualTo(0x70403);
        assertThat(sysctls.baselineOnly()).as("every setting defaults.sh makes is one of jtcp's").isEmpty();
        assertThat(shell.run("../nowhere/defaults.sh", 1).status()).isEqualTo(127);
    }

    @Test
    void setSysctlsAndTheRestoreScript() {
        assertThat(shell.run("../common/set_sysctls.py /proc/sys/net/ipv4/tcp_timestamps=0 "
                + "/proc/sys/net/ipv4/tcp_wmem=\"4096 50000 4194304\"", 1).status()).isZero();
        assertThat(sysctl.get(SysctlKey.TCP_TIMESTAMPS)).isZero();
        assertThat(sysctl.get(SysctlKey.TCP_WMEM, 1)).isEqualTo(50000);
        assertThat(shell.run("/tmp/sysctl_restore_${PPID}.sh", 9).status()).isZero();
        assertThat(sysctl.get(SysctlKey.TCP_TIMESTAMPS)).isEqualTo(1);
        assertThat(sysctl.get(SysctlKey.TCP_WMEM, 1)).isEqualTo(16384);
    }

    @Test
    void restoreWithoutSetSysctlsIsNotFound() {
        assertThat(shell.run("/tmp/sysctl_restore_$PPID.sh", 1).status()).isEqualTo(127);
    }

    @Test
    void sysctlFormsAndExitStatus() {
        assertThat(shell.run("sysctl -q net.ipv4.tcp_syn_retries=3", 1).status()).isZero();
        assertThat(sysctl.get(SysctlKey.TCP_SYN_RETRIES)).isEqualTo(3);
        assertThat(shell.run("sysctl -q net/ipv4/tcp_syn_retries=4", 1).status()).isZero();
        assertThat(sysctl.get(SysctlKey.TCP_SYN_RETRIES)).isEqualTo(4);
        Shell.Result bad = shell.run("sysctl -q net.ipv4.tcp_syn_retries=0", 1);
        assertThat(bad.status()).isEqualTo(255);
        assertThat(bad.err()).contains("Invalid argument");
        assertThat(shell.run("sysctl -q net.ipv4.tcp_no_such_thing=1", 1).status()).isEqualTo(255);
        assertThat(shell.run("sysctl -e -q net.ipv4.tcp_no_such_thing=1", 1).status()).isZero();
        assertThat(shell.run("sysctl net.ipv4.tcp_syn_retries", 1).out()).isEqualTo("net.ipv4.tcp_syn_retries = 4\n");
        // only the last command of a block counts, as with sh -c
        assertThat(shell.run("sysctl -q net.ipv4.tcp_no_such_thing=1\ntrue", 1).status()).isZero();
        assertThat(shell.run("sysctl -q net.ipv4.tcp_no_such_thing=1 &> /dev/null || ip tcp_metrics flush all", 1).status()).isZero();
        assertThat(shell.run("false && sysctl -q net.ipv4.tcp_syn_retries=5", 1).status()).isEqualTo(1);
        assertThat(sysctl.get(SysctlKey.TCP_SYN_RETRIES)).isEqualTo(4);
    }

    @Test
    void settingsJtcpLacksSkipUnlessUnchanged() {
        assertThat(shell.run("sysctl -q net.ipv4.tcp_thin_linear_timeouts=0", 1).status()).isZero();   // the value in effect
        assertThatThrownBy(() -> shell.run("sysctl -q net.ipv4.tcp_thin_linear_timeouts=1", 7))
                .isInstanceOf(Unsupported.class)
                .hasMessageContaining("net.ipv4.tcp_thin_linear_timeouts=1")
                .satisfies(e -> assertThat(((Unsupported) e).construct()).isEqualTo("sysctl net.ipv4.tcp_thin_linear_timeouts"));
        // Fast Open's settings are jtcp's own: they take any valid value.
        assertThat(shell.run("sysctl -q net.ipv4.tcp_fastopen=0x402", 7).status()).isZero();
        assertThat(shell.run("sysctl -q net.ipv4.tcp_fastopen_key=00000000-00000000-00000000-0000000g", 8).status())
                .isNotZero();
    }

    @Test
    void toolsTheCorpusUses() {
        assertThat(shell.run("ethtool -K tun0 tso off gso off", 1).status()).isZero();
        assertThat(shell.run("tc qdisc delete dev tun0 root 2>/dev/null ; tc qdisc add dev tun0 root pfifo", 1).status()).isZero();
        Shell.Result fq = shell.run("tc qdisc replace dev tun0 root fq", 1);
        assertThat(fq.status()).isEqualTo(2);
        assertThat(fq.err()).contains("Specified qdisc kind is unknown");
        assertThat(shell.run("ip route change 192.0.2.1 via 192.168.0.2 dev tun0 advmss 600 mtu lock 640 initcwnd 11", 1)
                .status()).isZero();
        assertThat(shell.run("ip route change 192.0.2.1 via 192.168.0.2 dev tun0 mtu 1500", 1).status()).isZero();
        assertThat(routes).containsExactly("192.0.2.1 mtu 640 lock advmss 600 initcwnd 11", "192.0.2.1 mtu 1500 advmss 0 initcwnd 0");
        assertThat(shell.run("ip route change 192.0.2.1 dev tun0 mtu lock", 1).status()).isEqualTo(255);
        assertThatThrownBy(() -> shell.run("ip route change 192.0.2.1 dev tun0 rto_min 10ms", 1))
                .isInstanceOf(Unsupported.class).hasMessageContaining("rto_min");
        assertThat(shell.run("echo 3 > /sys/module/tcp_cubic/parameters/hystart_detect", 1).status()).isZero();
        assertThat(shell.run("grep \" 0A \" /proc/net/tcp /proc/net/tcp6 | grep \":1F90\"", 1).status()).isZero();
        assertThat(shell.run("grep \" 01 \" /proc/net/tcp", 1).status()).isEqualTo(1);
        assertThatThrownBy(() -> shell.run("wget http://example.com", 3)).isInstanceOf(Unsupported.class)
                .hasMessageContaining("wget");
    }

    @Test
    void tcQdiscStateFollowsAddReplaceAndDelete() {
        assertThat(shell.run("tc qdisc delete dev tun0 root", 1).status()).isEqualTo(2);   // tun0 starts without one
        assertThat(shell.run("tc qdisc add dev tun0 root pfifo", 1).status()).isZero();
        assertThat(qdiscLimit).isEqualTo(500);   // the tun device's tx_queue_len
        Shell.Result again = shell.run("tc qdisc add dev tun0 root pfifo limit 0", 1);
        assertThat(again.status()).isEqualTo(2);
        assertThat(again.err()).contains("Exclusivity flag on");
        assertThat(qdiscLimit).isEqualTo(500);
        assertThat(shell.run("tc qdisc replace dev tun0 root pfifo limit 0", 1).status()).isZero();
        assertThat(qdiscLimit).isZero();
        assertThat(shell.run("tc qdisc delete dev tun0 root 2>/dev/null ; tc qdisc add dev tun0 root pfifo limit 0", 1)
                .status()).isZero();
        assertThat(qdiscLimit).isZero();
        assertThat(shell.run("tc qdisc del dev tun0 root", 1).status()).isZero();
        assertThat(qdiscLimit).isEqualTo(-1);
    }

    @Test
    void nstatReportsIncrementsSinceItsLastRun() {
        counters.put("TcpExtOutOfWindowIcmps", 0L);
        assertThat(shell.run("nstat > /dev/null", 1).status()).isZero();
        assertThat(shell.run("nstat | grep TcpExtOutOfWindowIcmps > /dev/null", 2).status()).isEqualTo(1);
        counters.put("TcpExtOutOfWindowIcmps", 1L);
        assertThat(shell.run("nstat | grep TcpExtOutOfWindowIcmps > /dev/null", 3).status()).isZero();
    }

    @Test
    void filesForSendfile() {
        assertThat(shell.run("/bin/rm -f /tmp/testfile\n/bin/dd bs=1 count=5 if=/dev/zero of=/tmp/testfile status=none", 1).status()).isZero();
        assertThat(files.get("/tmp/testfile")).hasSize(5).containsOnly(0);
        assertThat(shell.run("rm /tmp/nothing", 1).status()).isEqualTo(1);
    }
}
