#!/bin/bash
# Runs one packetdrill script against the Linux kernel of this machine, as the headers of the scripts here
# say they were checked: google/packetdrill in a fresh network namespace (kernel defaults, plus
# tcp_congestion_control=cubic), with the arguments run_all.py uses for IPv4. Needs root.
#   usage: ./run-on-linux.sh SCRIPT.pkt [more packetdrill arguments]
#   PACKETDRILL=/path/to/packetdrill overrides where the binary is (built from github.com/google/packetdrill).
#   Run scripts from a google/packetdrill checkout (its gtests/net/tcp/common/set_sysctls.py is needed by
#   scripts that call it; ../shared's copy of the corpus leaves it out). Timing-sensitive scripts need an
#   otherwise idle machine: packetdrill runs on the wall clock.
set -u
PD=${PACKETDRILL:-/work/ref/packetdrill-src/gtests/net/packetdrill/packetdrill}
S=$(readlink -f "$1"); shift
NS=jtcpdrill$$
ip netns add $NS || exit 1
ip netns exec $NS ip link set lo up
# A new namespace inherits the host's default congestion control and may only pick from the host's
# tcp_allowed_congestion_control: add cubic there when it is missing (the host's default is untouched).
ALLOWED=$(sysctl -n net.ipv4.tcp_allowed_congestion_control)
case " $ALLOWED " in *" cubic "*) ;; *) sysctl -qw net.ipv4.tcp_allowed_congestion_control="$ALLOWED cubic" ;; esac
if ! ip netns exec $NS sysctl -qw net.ipv4.tcp_congestion_control=cubic; then
  echo "run-on-linux.sh: cannot make cubic the congestion control in the test namespace" >&2
  ip netns del $NS; exit 2
fi
cd "$(dirname "$S")"
ip netns exec $NS "$PD" --ip_version=ipv4 --local_ip=192.168.0.1 --gateway_ip=192.168.0.1 \
  --netmask_ip=255.255.0.0 --remote_ip=192.0.2.1 -D TFO_COOKIE=3021b9d889017eeb -D CODE=host_unreachable \
  -D CMSG_LEVEL_IP=SOL_IP -D CMSG_TYPE_RECVERR=IP_RECVERR --send_omit_free "$@" "$S"
RC=$?
ip netns del $NS
echo "$(basename "$S"): packetdrill exit status $RC"
exit $RC
