/**
 * TCP as Linux implements it, split like net/ipv4: {@link dev.jtcp.tcp.Tcp} (tables and socket calls),
 * TcpInput (arrival), TcpOutput (transmission), TcpTimers (timer decisions), TcpMinisocks (listener,
 * SYN_RECV requests, TIME_WAIT). Consumes and produces TCP headers plus addresses; the IP layer is behind
 * {@link dev.jtcp.tcp.TcpHost}. Depends on {@code wire}, {@code trace}, {@code sys}, {@code time} only.
 */
package dev.jtcp.tcp;
