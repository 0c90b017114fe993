"""healpy on the same map files as benches/render_mask.rs (made by that bench in
target/bench-maps): read + mollview/gnomview + savefig at 2048 px wide, imports excluded.
Run: python3 benches/peers/healpy_maps.py  (healpy 1.20, matplotlib 3.11 were used)."""
import time

import healpy as hp
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

D = "target/bench-maps/"
cases = [
    ("nside4096_1000deg2/mol", D + "partial_n4096_1000deg2.fits", "mol", None),
    ("nside4096_1000deg2/tan_zoom_5deg", D + "partial_n4096_1000deg2.fits", "gnom", 5.0),
    # healpy expands partial maps to full-sky arrays: at nside 16384 that is 3.2e9 float64
    # cells (25 GB), and on the 24 GB test machine it was killed for lack of memory.
    # ("nside16384_100deg2/tan_12deg", D + "partial_n16384_100deg2.fits", "gnom", 12.0),
    ("nside1024_fullsky/mol", D + "fullsky_n1024_ring.fits", "mol", None),
]
import sys

only = sys.argv[1:]
for name, path, kind, fov in cases:
    if only and not any(o in name for o in only):
        continue
    times = []
    for _ in range(2):
        t0 = time.perf_counter()
        m = hp.read_map(path)
        if kind == "mol":
            hp.mollview(m, xsize=2048, rot=(150, 0) if "partial" in path else None)
        else:
            hp.gnomview(m, rot=(150, 2), xsize=2048, reso=fov * 60 / 2048)
        plt.savefig("/tmp/healpy_bench.png", dpi=100)
        plt.close("all")
        times.append(time.perf_counter() - t0)
    print(f"{name}: {min(times):.2f} s (best of 2)", flush=True)
