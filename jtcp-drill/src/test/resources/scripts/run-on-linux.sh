#!/bin/bash
# Runs one packetdrill script against the Linux kernel of this machine, as the headers of the scripts here
# say they were checked: google/packetdrill in a fresh network namespace (kernel defaults, plus
# tcp_congestion_control=cubic), with the arguments run_all.py uses for IPv4. Needs root.
#   usage: ./run-on-linux.sh SCRIPT.pkt [more packetdrill arguments]
#   PACKETDRILL=/path/to/packetdrill overrides where the binary is (built from github.com/google/packetdrill).
set -u
PD=${PACKETDRILL:-/work/ref/packetdrill-src/gtests/net/packetdrill/packetdrill}
S=$(readlink -f "$1"); shift
NS=jtcpdrill$$
ip netns add $NS || exit 1
ip netns exec $NS ip link set lo up
ip netns exec $NS sysctl -qw net.ipv4.tcp_congestion_control=cubic 2>/dev/null
cd "$(dirname "$S")"
ip netns exec $NS "$PD" --ip_version=ipv4 --local_ip=192.168.0.1 --gateway_ip=192.168.0.1 \
  --netmask_ip=255.255.0.0 --remote_ip=192.0.2.1 -D TFO_COOKIE=3021b9d889017eeb -D CODE=host_unreachable \
  -D CMSG_LEVEL_IP=SOL_IP -D CMSG_TYPE_RECVERR=IP_RECVERR --send_omit_free "$@" "$S"
RC=$?
ip netns del $NS
echo "$(basename "$S"): packetdrill exit status $RC"
exit $RC
