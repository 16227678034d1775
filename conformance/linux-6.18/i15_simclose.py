# Item 15: close / half-close between two kernels. argv: role variant
import socket, sys, time, subprocess
def log(*a): print("%.6f" % time.time(), *a, flush=True)
role, variant = sys.argv[1], sys.argv[2]
START = float(sys.argv[3])  # common epoch for synchronised actions
def wait_until(t):
    while time.time() < t: time.sleep(0.0005)
if role == "server":
    l = socket.socket(); l.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); l.bind(("10.7.0.2", 5000)); l.listen(5)
    c, _ = l.accept(); log("accepted")
    if variant == "simul":
        wait_until(START + 1.0); c.close(); log("server close()")
        if len(sys.argv) > 4:
            wait_until(START + 1.05); subprocess.run("nft delete table inet f", shell=True); log("server: FIN drop rule removed")
    elif variant == "half":
        d = c.recv(100); log("server read", repr(d))          # EOF from client's shutdown
        d = c.recv(100); log("server read", repr(d))
        wait_until(START + 1.5); log("server send", c.send(b"x" * 100))
        wait_until(START + 2.0); c.close(); log("server close()")
    time.sleep(3)
else:
    s = socket.socket(); s.connect(("10.7.0.2", 5000)); log("connected")
    if variant == "simul":
        wait_until(START + 1.0); s.close(); log("client close()")
        if len(sys.argv) > 4:
            wait_until(START + 1.05); subprocess.run("nft delete table inet f", shell=True); log("client: FIN drop rule removed")
    elif variant == "half":
        s.send(b"hello"); wait_until(START + 1.0); s.shutdown(socket.SHUT_WR); log("client shutdown(SHUT_WR)")
        d = s.recv(1000); log("client read", len(d), "bytes")
        d = s.recv(1000); log("client read", repr(d))
        wait_until(START + 2.5); s.close(); log("client close()")
    time.sleep(3)
