# Item 14: bind() errno cases (one netns, loopback).
import socket, errno, time, subprocess
def tryb(addr, port, reuse):
    s = socket.socket()
    if reuse: s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        s.bind((addr, port)); r = "OK"
    except OSError as e:
        r = "-1 " + errno.errorcode[e.errno]
    return s, r
def ss(): return subprocess.run("ss -tan", shell=True, capture_output=True, text=True).stdout.strip()

print("== (1) second bind to a port in LISTEN")
for r1 in (0, 1):
    for r2 in (0, 1):
        for a2 in ("127.0.0.1", "0.0.0.0"):
            port = 6000 + r1 * 10 + r2 * 5 + (a2 == "0.0.0.0")
            l, _ = tryb("0.0.0.0", port, r1); l.listen(5)
            s, res = tryb(a2, port, r2)
            print(f"listener 0.0.0.0:{port} SO_REUSEADDR={r1}; new bind {a2}:{port} SO_REUSEADDR={r2} -> {res}")
            s.close(); l.close()
# also: listener on a specific address, new bind on wildcard
l, _ = tryb("127.0.0.1", 6100, 1); l.listen(5)
s, res = tryb("0.0.0.0", 6100, 1); print(f"listener 127.0.0.1:6100 reuse=1; new bind 0.0.0.0:6100 reuse=1 -> {res}"); s.close(); l.close()

print("== (2) port whose only user is a TIME_WAIT connection (client side: explicitly bound client closes first)")
port = 7000
for orig in (0, 1):
    for new in (0, 1):
        for a2 in ("127.0.0.1", "0.0.0.0"):
            port += 1
            srv = socket.socket(); srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            srv.bind(("127.0.0.1", 0)); srv.listen(5)
            c, r = tryb("127.0.0.1", port, orig)
            c.connect(srv.getsockname()); a, _ = srv.accept()
            c.close(); time.sleep(0.05); a.close(); time.sleep(0.05); srv.close()
            st = [l.split()[0] for l in ss().splitlines() if f":{port} " in l + " "]
            s, res = tryb(a2, port, new)
            print(f"TIME_WAIT on 127.0.0.1:{port} (orig SO_REUSEADDR={orig}), states={st}; new bind {a2}:{port} SO_REUSEADDR={new} -> {res}")
            s.close()

print("== (3) server restart: listener port whose only user is a TIME_WAIT of an accepted connection (server closed first)")
port = 7100
for orig in (0, 1):
    for new in (0, 1):
        port += 1
        srv, _ = tryb("0.0.0.0", port, orig); srv.listen(5)
        c = socket.socket(); c.connect(("127.0.0.1", port)); a, _ = srv.accept()
        a.close(); time.sleep(0.05); c.close(); time.sleep(0.05); srv.close()
        st = [l.split()[0] for l in ss().splitlines() if f":{port} " in l + " "]
        s, res = tryb("0.0.0.0", port, new)
        if res == "OK":
            try: s.listen(5); res += ", listen OK"
            except OSError as e: res += ", listen -1 " + errno.errorcode[e.errno]
        print(f"TIME_WAIT on :{port} (listener SO_REUSEADDR={orig}), states={st}; new bind 0.0.0.0:{port} SO_REUSEADDR={new} -> {res}")
        s.close()

print("== (4) connect() from a socket bound (with SO_REUSEADDR) to the TIME_WAIT port, to the same peer")
srv = socket.socket(); srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); srv.bind(("127.0.0.1", 7200)); srv.listen(5)
c, _ = tryb("127.0.0.1", 7201, 1); c.connect(("127.0.0.1", 7200)); a, _ = srv.accept(); c.close(); time.sleep(0.05); a.close(); time.sleep(0.05)
s, res = tryb("127.0.0.1", 7201, 1); print("bind ->", res)
try: s.connect(("127.0.0.1", 7200)); print("connect same 4-tuple -> OK (TIME_WAIT reused, tcp_tw_reuse=2 allows loopback)")
except OSError as e: print("connect same 4-tuple -> -1", errno.errorcode[e.errno])
print(ss())
