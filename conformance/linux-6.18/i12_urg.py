# Item 12: urgent data. client: "abc", send(b"!", MSG_OOB), "def" with TCP_NODELAY. server variants.
import socket, sys, time, errno
def log(*a): print(*a, flush=True)
def rd(s, n, flags=0, label=""):
    try:
        d = s.recv(n, flags); log(f"  recv({n}{', MSG_OOB' if flags & socket.MSG_OOB else ''}{', MSG_PEEK' if flags & socket.MSG_PEEK else ''}) -> {d!r}  {label}")
    except OSError as e:
        log(f"  recv({n}{', MSG_OOB' if flags & socket.MSG_OOB else ''}) -> -1 {errno.errorcode[e.errno]}  {label}")
if sys.argv[1] == "server":
    l = socket.socket(); l.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); l.bind(("10.7.0.2", 5000)); l.listen(5)
    for variant in ("A: no OOBINLINE, plain reads", "B: no OOBINLINE, MSG_OOB first", "C: SO_OOBINLINE", "D: no OOBINLINE, read OOB twice / peek"):
        c, _ = l.accept()
        if variant.startswith("C"): c.setsockopt(socket.SOL_SOCKET, socket.SO_OOBINLINE, 1)
        time.sleep(0.3)  # all data has arrived
        log("server variant " + variant)
        try:
            import fcntl, struct, termios
            SIOCATMARK = 0x8905
            log("  SIOCATMARK at start:", struct.unpack("i", fcntl.ioctl(c, SIOCATMARK, b"\0\0\0\0"))[0])
        except Exception as e: log("  SIOCATMARK err", e)
        if variant.startswith("A"):
            rd(c, 100); log("  SIOCATMARK now:", struct.unpack("i", fcntl.ioctl(c, SIOCATMARK, b"\0\0\0\0"))[0]); rd(c, 100); rd(c, 1, socket.MSG_OOB); rd(c, 100, socket.MSG_DONTWAIT)
        elif variant.startswith("B"):
            rd(c, 1, socket.MSG_OOB); rd(c, 100); rd(c, 100); rd(c, 100, socket.MSG_DONTWAIT)
        elif variant.startswith("C"):
            rd(c, 1, socket.MSG_OOB, "(OOB with OOBINLINE)"); rd(c, 100); log("  SIOCATMARK now:", struct.unpack("i", fcntl.ioctl(c, SIOCATMARK, b"\0\0\0\0"))[0]); rd(c, 100); rd(c, 100, socket.MSG_DONTWAIT)
        else:
            rd(c, 1, socket.MSG_OOB | socket.MSG_PEEK); rd(c, 1, socket.MSG_OOB); rd(c, 1, socket.MSG_OOB); rd(c, 2); rd(c, 100); rd(c, 100, socket.MSG_DONTWAIT)
        c.close()
    time.sleep(0.2)
else:
    for i in range(4):
        s = socket.socket(); s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1); s.connect(("10.7.0.2", 5000))
        s.send(b"abc"); time.sleep(0.02); s.send(b"!", socket.MSG_OOB); time.sleep(0.02); s.send(b"def")
        time.sleep(0.6); s.close(); time.sleep(0.1)
