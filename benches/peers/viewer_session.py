"""A user's viewer session, timed: `clusterviz view` on a private Xvfb with its trace
(CLUSTERVIZ_TRACE), then panning by mouse drags and zooming by the wheel for SECONDS,
the resident memory sampled every second. Prints the time to the first frame with
galaxies, the moving and still frame times (median, 95th percentile, worst) and the
resident memory at the end and at its peak.

Usage: python viewer_session.py SECONDS CLUSTERVIZ [VIEW ARGS...]
  e.g. python viewer_session.py 300 target/release/clusterviz --galaxies hats1b
(needs Xvfb and xdotool; Python's standard library only).
"""
import os
import re
import statistics
import subprocess
import sys
import threading
import time

seconds, program, args = float(sys.argv[1]), sys.argv[2], sys.argv[3:]
SIZE = (1280, 800)

xvfb = subprocess.Popen(
    ["Xvfb", "-displayfd", "1", "-screen", "0", f"{SIZE[0]}x{SIZE[1]}x24", "-nolisten", "tcp"],
    stdout=subprocess.PIPE,
    stderr=subprocess.DEVNULL,
    text=True,
)
display = ":" + xvfb.stdout.readline().strip()
env = dict(os.environ, DISPLAY=display, CLUSTERVIZ_TRACE="1")
env.setdefault("XDG_RUNTIME_DIR", "/tmp")
start = time.monotonic()
viewer = subprocess.Popen(
    [program, "view", *args, "--size", f"{SIZE[0]}x{SIZE[1]}"],
    env=env,
    stdout=subprocess.DEVNULL,
    stderr=subprocess.PIPE,
    text=True,
)
lines = []  # (seconds since start, line)


def collect():
    for line in viewer.stderr:
        lines.append((time.monotonic() - start, line.rstrip()))


threading.Thread(target=collect, daemon=True).start()


def rss_kb():
    with open(f"/proc/{viewer.pid}/status") as f:
        fields = dict(l.split(":", 1) for l in f if ":" in l)
    return int(fields["VmRSS"].split()[0]), int(fields["VmHWM"].split()[0])


SKY = re.compile(r"trace: sky (still|moving) in ([0-9.]+) ms, (\d+) of (\d+) galaxies")


def first_galaxies():
    for t, line in lines:
        m = SKY.search(line)
        if m and int(m.group(3)) > 0:
            return t, line
    return None


def xdo(*a):
    subprocess.run(["xdotool", *map(str, a)], env=env, check=False)


# Wait for galaxies on screen (at most two minutes), then act as a user would.
while first_galaxies() is None and time.monotonic() - start < 120 and viewer.poll() is None:
    time.sleep(0.05)
first = first_galaxies()
acting_from = len(lines)
rss = []
cx, cy = SIZE[0] // 2, SIZE[1] // 2
k = 0
end = time.monotonic() + seconds
next_sample = time.monotonic()
while time.monotonic() < end and viewer.poll() is None:
    # A drag across a fifth of the window, in turn each way; every fourth gesture a
    # wheel notch in (or, later, out) around the centre.
    dx, dy = [(250, 0), (0, 160), (-250, 0), (0, -160)][k % 4]
    xdo("mousemove", cx, cy, "mousedown", "1")
    for s in range(1, 11):
        xdo("mousemove", cx + dx * s // 10, cy + dy * s // 10)
        time.sleep(0.03)
    xdo("mouseup", "1")
    if k % 4 == 3:
        xdo("mousemove", cx, cy, "click", "4" if (k // 16) % 2 == 0 else "5")
    k += 1
    time.sleep(0.3)
    if time.monotonic() >= next_sample:
        rss.append(rss_kb())
        next_sample += 1.0
if viewer.poll() is None:
    rss.append(rss_kb())
viewer.terminate()
try:
    viewer.wait(10)
except subprocess.TimeoutExpired:
    viewer.kill()
xvfb.terminate()


def summary(kind):
    ms = [float(m.group(2)) for _, l in lines[acting_from:] if (m := SKY.search(l)) and m.group(1) == kind]
    if not ms:
        return f"{kind}: none"
    ms.sort()
    p95 = ms[min(len(ms) - 1, int(0.95 * len(ms)))]
    return f"{kind}: {len(ms)} frames, median {statistics.median(ms):.0f} ms, p95 {p95:.0f} ms, worst {ms[-1]:.0f} ms"


loaded = [(t, l) for t, l in lines if "trace: loaded" in l]
for t, l in loaded + [(t, l) for t, l in lines[:acting_from] if SKY.search(l)][:4]:
    print(f"{t:6.2f} s  {l}")
print(f"gestures: {k} in {seconds:.0f} s")
print("first loaded: " + (f"{loaded[0][0]:.2f} s ({loaded[0][1]})" if loaded else "never"))
print("first frame with galaxies: " + (f"{first[0]:.2f} s ({first[1]})" if first else "never"))
print(summary("moving"))
print(summary("still"))
if rss:
    print(f"resident at the end: {rss[-1][0] / 1e6:.2f} GB, peak {max(h for _, h in rss) / 1e6:.2f} GB")
for t, l in lines:
    if "error" in l or "panick" in l:
        print(f"{t:.2f} s: {l}")
