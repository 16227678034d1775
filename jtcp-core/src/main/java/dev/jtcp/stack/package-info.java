/**
 * The sans-IO host: {@link dev.jtcp.stack.NetStack} parses IPv4, counts under Linux's MIB names, hands
 * TCP segments to {@code tcp}, builds outgoing packets, and is driven entirely by its caller (packets
 * in, time in, packets out). Depends on {@code tcp}, {@code wire}, {@code trace}, {@code sys}, {@code time}.
 */
package dev.jtcp.stack;
