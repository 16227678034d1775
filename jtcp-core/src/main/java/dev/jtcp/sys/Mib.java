package dev.jtcp.sys;

/**
 * Counters under the names Linux's {@code nstat} prints them (include/uapi/linux/snmp.h, net/ipv4/proc.c),
 * so a jtcp run can be diffed against the kernel's. Gauges (TcpCurrEstab) go up and down.
 */
public enum Mib {
    // IP (RFC 4293 IP-MIB; snmp.h IPSTATS_MIB_*)
    IpInReceives, IpInHdrErrors, IpInAddrErrors, IpInUnknownProtos, IpInDiscards, IpInDelivers,
    IpOutRequests, IpOutNoRoutes, IpReasmFails, IpExtInCsumErrors, IpExtInTruncatedPkts,
    // the ECN field of every IPv4 packet received (IPSTATS_MIB_NOECTPKTS + (tos & INET_ECN_MASK), in that order)
    IpExtInNoECTPkts, IpExtInECT1Pkts, IpExtInECT0Pkts, IpExtInCEPkts,
    // ICMP (RFC 2011 ICMP-MIB; ICMP_MIB_* and the per-type ICMPMSG counters /proc/net/snmp derives them from)
    IcmpInMsgs, IcmpInErrors, IcmpInCsumErrors, IcmpInDestUnreachs, IcmpInTimeExcds, IcmpInParmProbs,
    IcmpInSrcQuenchs, IcmpInRedirects, IcmpInEchos, IcmpInEchoReps, IcmpOutMsgs, IcmpOutErrors, IcmpOutEchoReps,
    IcmpMsgInType0, IcmpMsgInType3, IcmpMsgInType4, IcmpMsgInType5, IcmpMsgInType8, IcmpMsgInType11, IcmpMsgInType12,
    IcmpMsgOutType0,
    // TCP (RFC 4022 TCP-MIB; TCP_MIB_*)
    TcpActiveOpens, TcpPassiveOpens, TcpAttemptFails, TcpEstabResets, TcpCurrEstab, TcpInSegs, TcpOutSegs,
    TcpRetransSegs, TcpInErrs, TcpOutRsts, TcpInCsumErrors,
    // TcpExt (LINUX_MIB_*)
    TcpExtDelayedACKs, TcpExtDelayedACKLost, TcpExtTCPTimeouts, TcpExtTCPLossProbes, TcpExtTCPLossProbeRecovery,
    TcpExtTCPSynRetrans, TcpExtTCPAbortOnData, TcpExtTCPAbortOnClose, TcpExtTCPAbortOnTimeout,
    TcpExtTCPAbortOnLinger, TcpExtTCPAbortFailed, TcpExtTW, TcpExtTWKilled, TcpExtTCPTimeWaitOverflow,
    TcpExtTCPChallengeACK, TcpExtTCPSYNChallenge, TcpExtPAWSEstab, TcpExtTCPACKSkippedSynRecv,
    TcpExtTCPACKSkippedPAWS, TcpExtTCPACKSkippedSeq, TcpExtTCPACKSkippedFinWait2, TcpExtTCPACKSkippedTimeWait,
    TcpExtTCPACKSkippedChallenge, TcpExtListenOverflows, TcpExtListenDrops, TcpExtTCPReqQFullDrop, TcpExtTCPReqQFullDoCookies,
    TcpExtSyncookiesSent, TcpExtSyncookiesRecv, TcpExtSyncookiesFailed,
    TcpExtTCPDSACKOldSent, TcpExtTCPDSACKOfoSent, TcpExtTCPDSACKRecv, TcpExtTCPDSACKOfoRecv, TcpExtTCPDSACKIgnoredDubious, TcpExtTcpTimeoutRehash, TcpExtTCPHPHits, TcpExtTCPOFOQueue, TcpExtTCPOFODrop,
    TcpExtTCPOFOMerge, TcpExtTCPFastRetrans, TcpExtTCPSlowStartRetrans, TcpExtTCPLostRetransmit,
    TcpExtTCPSackRecovery, TcpExtTCPRenoRecovery, TcpExtTCPPureAcks, TcpExtTCPHPAcks, TcpExtTCPOrigDataSent,
    TcpExtTCPDelivered, TcpExtTCPDeliveredCE, TcpExtTCPToZeroWindowAdv, TcpExtTCPFromZeroWindowAdv, TcpExtTCPWantZeroWindowAdv,
    TcpExtTCPWinProbe, TcpExtTCPKeepAlive, TcpExtTCPSpuriousRTOs, TcpExtTCPRetransFail, TcpExtTCPRcvQDrop,
    TcpExtTCPZeroWindowDrop, TcpExtTCPSackShifted, TcpExtTCPRetransCollapsed, TcpExtEmbryonicRsts,
    TcpExtOutOfWindowIcmps, TcpExtTCPSACKReneging, TcpExtTCPSackFailures, TcpExtTCPLossFailures,
    TcpExtTCPSACKDiscard, TcpExtPruneCalled, TcpExtRcvPruned, TcpExtOfoPruned,
    TcpExtTCPFullUndo, TcpExtTCPPartialUndo, TcpExtTCPDSACKUndo, TcpExtTCPLossUndo, TcpExtTCPSACKReorder,
    TcpExtTCPRenoReorder, TcpExtTCPTSReorder, TcpExtTCPRenoFailures, TcpExtTCPSackRecoveryFail,
    TcpExtTCPRenoRecoveryFail, TcpExtTCPDSACKRecvSegs,
    TcpExtTCPHystartTrainDetect, TcpExtTCPHystartTrainCwnd, TcpExtTCPHystartDelayDetect, TcpExtTCPHystartDelayCwnd,
    TcpExtTCPMTUPFail, TcpExtTCPMTUPSuccess,
    // TCP Fast Open (RFC 7413)
    TcpExtTCPFastOpenActive, TcpExtTCPFastOpenActiveFail, TcpExtTCPFastOpenPassive, TcpExtTCPFastOpenPassiveFail,
    TcpExtTCPFastOpenListenOverflow, TcpExtTCPFastOpenCookieReqd, TcpExtTCPFastOpenBlackhole,
    TcpExtTCPFastOpenPassiveAltKey;

    /** True for counters that are levels, not event counts. */
    public boolean isGauge() {
        return this == TcpCurrEstab;
    }
}
