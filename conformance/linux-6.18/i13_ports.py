# Item 13: ephemeral port choice for successive connect()s without bind()
import socket, sys, time
if sys.argv[1] == "server":
    ls = []
    for p in (5000, 5001):
        l = socket.socket(); l.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); l.bind(("10.7.0.2", p)); l.listen(64); ls.append(l)
    time.sleep(4)
else:
    keep = []
    for dport, n in ((5000, 6), (5001, 6), (5000, 3)):
        ports = []
        for i in range(n):
            s = socket.socket(); s.connect(("10.7.0.2", dport)); ports.append(s.getsockname()[1]); keep.append(s)
        print("to 10.7.0.2:%d  local ports %s  diffs %s  parity %s" % (dport, ports, [b - a for a, b in zip(ports, ports[1:])], ["even" if p % 2 == 0 else "odd" for p in ports]))
    # connect + close each time (ports then sit in TIME_WAIT)
    ports = []
    for i in range(6):
        s = socket.socket(); s.connect(("10.7.0.2", 5000)); ports.append(s.getsockname()[1]); s.close(); time.sleep(0.05)
    print("to 10.7.0.2:5000 with close() after each: local ports %s diffs %s" % (ports, [b - a for a, b in zip(ports, ports[1:])]))
    s = socket.socket(); s.bind(("0.0.0.0", 0)); print("bind(port 0) gives", s.getsockname()[1], "odd" if s.getsockname()[1] % 2 else "even")
    s = socket.socket(); s.bind(("0.0.0.0", 0)); print("bind(port 0) gives", s.getsockname()[1], "odd" if s.getsockname()[1] % 2 else "even")
