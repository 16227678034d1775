#!/bin/bash
# usage: nsrun.sh NAME "sysctl1=v sysctl2=v" -- command...
# Creates fresh netns NAME, sets cubic + given sysctls, captures all ifaces to NAME.pcap,
# runs command inside the netns, then writes NAME.txt (relative times) and deletes the netns.
set -u
NAME=$1; SYSCTLS=$2; shift 2; [ "$1" = "--" ] && shift
D=/work/ref/linux
ip netns del $NAME 2>/dev/null
ip netns add $NAME
ip netns exec $NAME ip link set lo up
ip netns exec $NAME sysctl -qw net.ipv4.tcp_congestion_control=cubic
for s in $SYSCTLS; do ip netns exec $NAME sysctl -qw net.ipv4.$s; done
ip netns exec $NAME tcpdump -i any --immediate-mode -U -n -s 300 -w $D/$NAME.pcap "tcp or icmp" 2>/dev/null &
TP=$!
sleep 1
ip netns exec $NAME "$@"
RC=$?
sleep 0.5
kill $TP; wait $TP 2>/dev/null
ip netns del $NAME
tcpdump -r $D/$NAME.pcap -n -ttttt 2>/dev/null > $D/$NAME.txt
echo "rc=$RC"
exit $RC
