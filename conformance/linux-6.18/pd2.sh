#!/bin/bash
# usage: pd.sh SCRIPT.pkt ["sysctl=v ..."] [extra packetdrill args]
# Runs packetdrill in a fresh netns with Linux defaults (+cubic +given sysctls); capture in NAME.pcap/NAME.txt,
# packetdrill output in NAME.out
S=$1; SYS=${2:-}; shift; shift
NAME=$(basename $S .pkt)
PD=/work/ref/packetdrill-src/gtests/net/packetdrill/packetdrill
cd /work/ref/linux
./nsrun2.sh $NAME "$SYS" -- $PD --local_ip=192.168.0.2 --remote_ip=192.0.2.1 --tolerance_usecs=1000000 --tcp_ts_ecr_scaled --verbose "$@" $S > $NAME.out 2>&1
echo "$NAME rc=$?"; tail -1 $NAME.out
