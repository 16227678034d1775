/**
 * What every layer shares with Linux by name: settings ({@link dev.jtcp.sys.Sysctl}, keyed by sysctl
 * name with Linux's defaults), counters ({@link dev.jtcp.sys.Mib}, nstat names) and {@link dev.jtcp.sys.Errno}.
 * Depends on nothing else in jtcp.
 */
package dev.jtcp.sys;
