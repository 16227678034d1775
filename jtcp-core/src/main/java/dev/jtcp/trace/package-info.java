/**
 * The trace model: typed events (segment sent / received / dropped, state change, timer, socket call),
 * each carrying the rule that caused it, and their JSON Lines form. Depends on {@code wire}, {@code sys}
 * and {@code time} only; renderers live in jtcp-report.
 */
package dev.jtcp.trace;
