"""astropy on the same 10M-row file as benches/load_catalog.rs (target/bench-data):
Table.read of all columns, best of 3. Run: python3 benches/peers/astropy_load.py"""
import time

from astropy.table import Table

path = "target/bench-data/galaxies_10m.fits"
best = 1e9
for _ in range(3):
    t0 = time.perf_counter()
    t = Table.read(path, hdu=1)
    # Use every value (as our loader makes them usable), so lazy memory maps cannot hide the cost.
    s = sum(float(t[c].astype("f8").sum()) for c in t.colnames)
    best = min(best, time.perf_counter() - t0)
print(f"astropy Table.read, 10M rows x {len(t.colnames)} columns: {best:.2f} s (best of 3)")
