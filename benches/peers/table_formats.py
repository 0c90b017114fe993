"""The all-sky catalog of allsky_catalog.py (N rows of RA, DEC float64; Z, MAG float32)
in the formats other tools write, for the table-format benchmark (BENCHMARKS.md):
OUT/allsky.fits (astropy), OUT/allsky.parquet (pyarrow, row groups of 1M rows, snappy),
OUT/allsky.csv (pandas), OUT/allsky.vot (astropy, BINARY2).

Usage: python table_formats.py OUT [N]   (needs numpy, astropy, pandas, pyarrow)
"""
import os
import sys

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
from astropy.table import Table

out = sys.argv[1]
n = int(sys.argv[2]) if len(sys.argv) > 2 else 10_000_000
os.makedirs(out, exist_ok=True)
rng = np.random.default_rng(7)
ra = rng.uniform(0.0, 360.0, n)
dec = np.degrees(np.arcsin(rng.uniform(-1.0, 1.0, n)))
z = rng.gamma(2.0, 0.3, n).astype(np.float32)
mag = rng.normal(23.0, 1.5, n).astype(np.float32)
t = Table({"RA": ra, "DEC": dec, "Z": z, "MAG": mag})
t["RA"].unit = t["DEC"].unit = "deg"
t.write(f"{out}/allsky.fits", overwrite=True)
pq.write_table(pa.table({"RA": ra, "DEC": dec, "Z": z, "MAG": mag}),
               f"{out}/allsky.parquet", row_group_size=1_000_000)
pd.DataFrame({"RA": ra, "DEC": dec, "Z": z, "MAG": mag}).to_csv(f"{out}/allsky.csv", index=False)
t.write(f"{out}/allsky.vot", format="votable", tabledata_format="binary2", overwrite=True)
