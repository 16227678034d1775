package dev.jtcp.trace;

import dev.jtcp.sys.Errno;

/**
 * A socket call returned. The event is stamped with the time the call returns (a blocking connect() that
 * times out after two minutes has its event two minutes in).
 *
 * @param fd the socket the call was made on (-1 for socket() failures)
 * @param call socket, bind, listen, connect, accept, write, read, recv, shutdown, close, setsockopt, getsockopt
 * @param args the arguments, as a short readable string ("10.0.0.2:80", "5 bytes", "SHUT_WR")
 * @param result the return value: non-negative on success, -errno on failure
 * @param detail extra output worth showing (the bytes read, the peer accepted); may be empty
 */
public record CallEvent(long tNs, String host, int fd, String call, String args, long result, String detail,
                        String why) implements TraceEvent {
    @Override
    public String type() {
        return "call";
    }

    /** "5", or the errno name ("ECONNREFUSED"). */
    public String resultText() {
        return Errno.describe(result);
    }

    public boolean failed() {
        return result < 0;
    }
}
