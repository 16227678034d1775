/**
 * The application's view of a socket: {@link dev.jtcp.api.TcpSocket}, non-blocking, with Linux's errno
 * results. Depends on {@code stack} and {@code tcp}; drivers build blocking APIs on top of it.
 */
package dev.jtcp.api;
