"""The usual Python way to a full-sky density figure of a HATS catalog, for the side-by-side
benchmark of issue 16: LSDB opens the catalog (RA/Dec columns only), Dask counts the rows
per HEALPix cell partition by partition (healpy's ang2pix, NESTED), the counts are summed
and healpy draws them in Mollweide to a PNG WIDTH pixels wide.

Usage: python lsdb_fullsky.py CATALOG OUT.png [ORDER] [WIDTH] [WORKERS]
  (needs lsdb, healpy and matplotlib; ORDER 8 and WIDTH 2048 by default; WORKERS Dask
  processes of one thread each, default the machine's cores)
       python lsdb_fullsky.py --skymap CATALOG OUT.png [ORDER] [WIDTH]
  (no row read: the catalog's skymap.fits, as hats-import and clusterviz import write it,
  read by the hats library and summed to ORDER)

Prints the time of each phase; run it under /usr/bin/time for the peak memory (Dask's
workers are child processes: `/usr/bin/time` counts the largest single process).
"""
import os
import sys
import time

t0 = time.perf_counter()
import healpy as hp
import lsdb
import matplotlib
import numpy as np
from dask.distributed import Client, LocalCluster

matplotlib.use("Agg")
import matplotlib.pyplot as plt

t_imports = time.perf_counter() - t0


def plot(density, out, width):
    dpi = 100
    fig = plt.figure(figsize=(width / dpi, width / dpi / 2), dpi=dpi)
    hp.mollview(density, nest=True, fig=fig.number, title=f"{int(density.sum())} rows", cmap="magma")
    hp.graticule()
    fig.savefig(out, dpi=dpi)


def from_skymap(path, out, order, width):
    t = time.perf_counter()
    # As the hats library reads it (an explicit partial map's empty cells count 0).
    from hats.io.file_io import read_fits_image

    counts = read_fits_image(os.path.join(path, "skymap.fits")).astype(np.float64)
    fine = hp.npix2order(counts.size)
    density = counts.reshape(-1, 4 ** (fine - order)).sum(axis=1)
    t_read = time.perf_counter() - t
    t = time.perf_counter()
    plot(density, out, width)
    t_plot = time.perf_counter() - t
    print(
        f"imports {t_imports:.2f} s, skymap read and summed {t_read:.2f} s, plot {t_plot:.2f} s; "
        f"{int(density.sum())} rows"
    )


def main():
    if sys.argv[1] == "--skymap":
        order = int(sys.argv[4]) if len(sys.argv) > 4 else 8
        width = int(sys.argv[5]) if len(sys.argv) > 5 else 2048
        return from_skymap(sys.argv[2], sys.argv[3], order, width)
    path, out = sys.argv[1], sys.argv[2]
    order = int(sys.argv[3]) if len(sys.argv) > 3 else 8
    width = int(sys.argv[4]) if len(sys.argv) > 4 else 2048
    workers = int(sys.argv[5]) if len(sys.argv) > 5 else os.cpu_count()
    nside = 1 << order
    t = time.perf_counter()
    cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True)
    client = Client(cluster)
    t_dask = time.perf_counter() - t
    t = time.perf_counter()
    cat = lsdb.read_hats(path)
    ra, dec = cat.hc_structure.catalog_info.ra_column, cat.hc_structure.catalog_info.dec_column
    cat = lsdb.read_hats(path, columns=[ra, dec])

    def counts(df):
        cells = hp.ang2pix(nside, df[ra].to_numpy(), df[dec].to_numpy(), nest=True, lonlat=True)
        return np.bincount(cells, minlength=12 * nside * nside)

    import dask

    # Summed in a tree: one sum of thousands of count maps would not fit a worker.
    maps = [dask.delayed(counts)(p) for p in cat.to_delayed()]
    while len(maps) > 1:
        maps = [
            dask.delayed(np.add)(maps[i], maps[i + 1]) if i + 1 < len(maps) else maps[i]
            for i in range(0, len(maps), 2)
        ]
    density = maps[0].compute()
    t_count = time.perf_counter() - t
    t = time.perf_counter()
    plot(density, out, width)
    t_plot = time.perf_counter() - t
    client.close()
    cluster.close()
    print(
        f"imports {t_imports:.2f} s, dask start {t_dask:.2f} s, read and count {t_count:.2f} s, "
        f"plot {t_plot:.2f} s; {int(density.sum())} rows"
    )


if __name__ == "__main__":
    main()
