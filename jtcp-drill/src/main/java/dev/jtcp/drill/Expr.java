package dev.jtcp.drill;

import java.util.List;

/** An expression in a system call line (parser.y's expression). */
public sealed interface Expr {

    /** {@code ...}: "don't care" (an address, a buffer). */
    record Ellipsis() implements Expr {
        @Override
        public String toString() {
            return "...";
        }
    }

    record Int(long value, boolean hex) implements Expr {
        @Override
        public String toString() {
            return hex ? "0x" + Long.toHexString(value) : Long.toString(value);
        }
    }

    /** A symbolic name (SOL_SOCKET, O_NONBLOCK, NULL, ...). */
    record Word(String name) implements Expr {
        @Override
        public String toString() {
            return name;
        }
    }

    /** A string, possibly followed by {@code ...} ("abc"...). */
    record Str(String value, boolean ellipsis) implements Expr {
        @Override
        public String toString() {
            return '"' + value + '"' + (ellipsis ? "..." : "");
        }
    }

    /** {@code a | b}, or {@code name = value}. */
    record Binary(String op, Expr lhs, Expr rhs) implements Expr {
        @Override
        public String toString() {
            return lhs + op + rhs;
        }
    }

    /** {@code [a, b]}: an array, or an int passed by pointer ({@code [1]}). */
    record ListExpr(List<Expr> items) implements Expr {
        @Override
        public String toString() {
            return items.toString();
        }
    }

    /** {@code {a, b}}: a brace list that is not one of the named structs. */
    record Braces(List<Expr> items) implements Expr {
    }

    /** {@code {msg_name(...)=..., msg_iov(N)=[...], msg_flags=F [, msg_control=[...]]}}. */
    record Msghdr(long iovLen, List<Expr> iov, Expr flags, List<Expr> control) implements Expr {
    }

    /** {@code {..., LEN}}: one iovec. */
    record Iovec(long len) implements Expr {
    }

    /** {@code {fd=F, events=E [, revents=R]}}. */
    record PollFd(Expr fd, Expr events, Expr revents) implements Expr {
    }

    /** {@code {events=E, fd=F}} (or ptr=, u32=, u64=). */
    record EpollEvent(Expr events, String dataKind, Expr data) implements Expr {
    }

    /** {@code {cmsg_level=L, cmsg_type=T, cmsg_data=D}}. */
    record Cmsg(Expr level, Expr type, Expr data) implements Expr {
    }

    /** {@code {onoff=1, linger=0}}. */
    record Linger(long onoff, long linger) implements Expr {
    }

    /** {@code {ee_errno=.., ee_origin=.., ee_type=.., ee_code=.., ee_info=.., ee_data=..}}. */
    record SockExtendedErr(List<Expr> fields) implements Expr {
    }

    /** {@code {scm_sec=S, scm_nsec=N}}. */
    record ScmTimestamping(long sec, long nsec) implements Expr {
    }

    /** {@code {sa_family=AF_INET, sin_port=htons(P), sin_addr=inet_addr("A")}} or {@code inet_addr("A")}. */
    record SockAddr(String family, long port, String addr) implements Expr {
    }
}
