"""Uniform all-sky galaxies as Parquet files, for the HATS benchmarks (issue 16): FILES
files of ROWS rows each of RA, DEC (float64, degrees), Z and MAG (float32), the same
distribution as allsky_catalog.py, each file from its own seed.

Usage: python allsky_parquet.py OUT_DIR FILES ROWS [FIRST]   (needs numpy and pyarrow;
FIRST: the first file's number, to write a set in several processes)

`allsky_table(k, rows)` makes file k's rows in memory: hats_import_peer.py --generate
streams the same rows into hats-import without writing the files.
"""
import sys
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq


def allsky_table(k, rows):
    """The rows of file number k."""
    rng = np.random.default_rng(1000 + k)
    return pa.table(
        {
            "RA": rng.uniform(0.0, 360.0, rows),
            "DEC": np.degrees(np.arcsin(rng.uniform(-1.0, 1.0, rows))),
            "Z": rng.gamma(2.0, 0.3, rows).astype(np.float32),
            "MAG": rng.normal(23.0, 1.5, rows).astype(np.float32),
        }
    )


if __name__ == "__main__":
    out, files, rows = Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
    first = int(sys.argv[4]) if len(sys.argv) > 4 else 0
    out.mkdir(parents=True, exist_ok=True)
    for k in range(first, first + files):
        pq.write_table(allsky_table(k, rows), out / f"part_{k:04d}.parquet")
