#!/bin/bash
# usage: twons.sh NAME "sysctls" SERVER_CMD CLIENT_CMD
# Two fresh netns NAME_a (10.7.0.1, client) and NAME_b (10.7.0.2, server) joined by veth; tcpdump in NAME_a
# (captures the veth, i.e. both directions); server runs in background in NAME_b, client in NAME_a.
set -u
NAME=$1; SYS=$2; SRV=$3; CLI=$4
D=/work/ref/linux
A=${NAME}_a; B=${NAME}_b
ip netns del $A 2>/dev/null; ip netns del $B 2>/dev/null
ip netns add $A; ip netns add $B
R=$RANDOM; VA=va$R; VB=vb$R; ip link add $VA type veth peer name $VB
ip link set $VA netns $A; ip link set $VB netns $B
ip netns exec $A ip link set lo up; ip netns exec $B ip link set lo up
ip netns exec $A ip addr add 10.7.0.1/24 dev $VA; ip netns exec $A ip link set $VA up
ip netns exec $B ip addr add 10.7.0.2/24 dev $VB; ip netns exec $B ip link set $VB up
for n in $A $B; do ip netns exec $n sysctl -qw net.ipv4.tcp_congestion_control=cubic; for s in $SYS; do ip netns exec $n sysctl -qw net.ipv4.$s; done; done
ip netns exec $A tcpdump -i $VA --immediate-mode -U -n -s 300 -w $D/$NAME.pcap "tcp" 2>/dev/null &
TP=$!
if [ -n "${SSPOLL:-}" ]; then ip netns exec $A python3 $D/sspoll.py > $D/$NAME.a.ss & SPA=$!; ip netns exec $B python3 $D/sspoll.py > $D/$NAME.b.ss & SPB=$!; fi
if [ -n "${PRE:-}" ]; then A=$A B=$B bash -c "$PRE"; fi
sleep 1.5
ip netns exec $B bash -c "$SRV" > $D/$NAME.srv.out 2>&1 &
SP=$!
sleep 0.3
ip netns exec $A bash -c "$CLI" > $D/$NAME.cli.out 2>&1
wait $SP
sleep 0.3
kill $TP; wait $TP 2>/dev/null
if [ -n "${SSPOLL:-}" ]; then kill $SPA $SPB; wait $SPA $SPB 2>/dev/null; fi
tcpdump -r $D/$NAME.pcap -n -tt -c 1 2>/dev/null | awk '{print "first packet epoch: "$1}' > $D/$NAME.t0
ip netns del $A; ip netns del $B
tcpdump -r $D/$NAME.pcap -n -ttttt 2>/dev/null | sed -E 's/10\.7\.0\.1\.([0-9]+) > 10\.7\.0\.2\.([0-9]+)/C:\1 > S:\2/; s/10\.7\.0\.2\.([0-9]+) > 10\.7\.0\.1\.([0-9]+)/S:\1 > C:\2/; s/IP //; s/, length 0$//' > $D/$NAME.txt
echo "== server"; cat $D/$NAME.srv.out; echo "== client"; cat $D/$NAME.cli.out; echo "== capture"; cat $D/$NAME.txt
