# Item 2: blocking connect() to an address whose packets are silently dropped.
# veth pair v0/v1 in the same netns; 10.9.0.2 has a static neighbour entry pointing at v1,
# which has no such address (forwarding off) -> SYNs vanish.
import socket, time, subprocess, errno
subprocess.run("ip link add v0 type veth peer name v1; ip addr add 10.9.0.1/24 dev v0; ip link set v0 up; ip link set v1 up;"
               "ip neigh add 10.9.0.2 lladdr $(cat /sys/class/net/v1/address) dev v0 nud permanent", shell=True, check=True)
s = socket.socket()
t0 = time.time()
print("connect start %.6f" % t0, flush=True)
try:
    s.connect(("10.9.0.2", 80))
except OSError as e:
    t1 = time.time()
    print("connect failed at %.6f, after %.6f s errno=%d (%s)" % (t1, t1 - t0, e.errno, errno.errorcode[e.errno]), flush=True)
