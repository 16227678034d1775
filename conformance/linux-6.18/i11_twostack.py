# Item 11 (two kernels): server accept()s and close()s immediately (nothing unread);
# client waits 100 ms, write()s 5 bytes three times 10 ms apart, then read()s.
import socket, sys, time, errno
def log(*a): print("%.6f" % time.time(), *a, flush=True)
if sys.argv[1] == "server":
    l = socket.socket(); l.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    l.bind(("10.7.0.2", 5000)); l.listen(5)
    c, _ = l.accept(); log("server accepted"); c.close(); log("server closed")
    time.sleep(1)
else:
    s = socket.socket(); s.connect(("10.7.0.2", 5000)); log("client connected")
    time.sleep(0.1)
    for i in range(3):
        try: log("write", i + 1, "->", s.send(b"hello"))
        except OSError as e: log("write", i + 1, "-> errno", errno.errorcode[e.errno])
        time.sleep(0.01)
    for i in range(3):
        try: log("read", i + 1, "->", repr(s.recv(100)))
        except OSError as e: log("read", i + 1, "-> errno", errno.errorcode[e.errno])
