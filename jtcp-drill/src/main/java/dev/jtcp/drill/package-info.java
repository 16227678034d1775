/**
 * The packetdrill runner: Linux's own TCP test scripts (google/packetdrill) played against one jtcp stack in
 * virtual time.
 *
 * <ul>
 *   <li>{@link dev.jtcp.drill.Parser} reads the packetdrill language into an {@link dev.jtcp.drill.Ast}
 *       (syntax errors are {@link dev.jtcp.drill.ScriptError}s naming line and column);</li>
 *   <li>{@link dev.jtcp.drill.Runner} plays one script with packetdrill's rules (run.c, run_packet.c,
 *       run_system_call.c): packets injected and matched, system calls on {@link dev.jtcp.api.TcpSocket},
 *       backquoted commands emulated by {@code Shell}, {@code %{ }%} snippets evaluated by
 *       {@link dev.jtcp.drill.Snippets};</li>
 *   <li>{@link dev.jtcp.drill.Drill} runs many scripts in parallel and {@link dev.jtcp.drill.DrillReport} writes
 *       the Markdown conformance report.</li>
 * </ul>
 *
 * <p>What jtcp or the runner does not support is never a pass: it raises {@link dev.jtcp.drill.Unsupported}
 * and the script is reported as SKIP naming the construct.
 */
package dev.jtcp.drill;
