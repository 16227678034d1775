# polls `ss -tan` every 20 ms inside the netns and prints (epoch time, state lines) whenever the set changes
import subprocess, time, sys
prev = None
while True:
    out = subprocess.run(["ss", "-tanH"], capture_output=True, text=True).stdout
    lines = sorted(" ".join(l.split()[i] for i in (0, 3, 4)) for l in out.splitlines() if l.strip())
    if lines != prev:
        print("%.6f %s" % (time.time(), " | ".join(lines) if lines else "(none)"), flush=True)
        prev = lines
    time.sleep(0.02)
