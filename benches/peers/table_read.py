"""Peers' readers of the table-format benchmark (BENCHMARKS.md): pyarrow for Parquet,
pandas (C engine) and pyarrow.csv for CSV, astropy for VOTable.

Usage: python table_read.py parquet|csv|csv-arrow|vot FILE
"""
import sys, time
fmt, path = sys.argv[1], sys.argv[2]
t0 = time.perf_counter()
if fmt == "parquet":
    import pyarrow.parquet as pq
    t1 = time.perf_counter(); t = pq.read_table(path); n = t.num_rows
elif fmt == "csv":
    import pandas as pd
    t1 = time.perf_counter(); t = pd.read_csv(path); n = len(t)
elif fmt == "csv-arrow":
    import pyarrow.csv as pc
    t1 = time.perf_counter(); t = pc.read_csv(path); n = t.num_rows
elif fmt == "vot":
    from astropy.table import Table
    t1 = time.perf_counter(); t = Table.read(path, format="votable"); n = len(t)
t2 = time.perf_counter()
print(f"{fmt} {path}: {n} rows, read {t2-t1:.2f} s (imports {t1-t0:.2f} s)")
