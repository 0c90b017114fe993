"""hats-import (LSDB's importer) on a folder of Parquet files, for the HATS benchmarks:
Dask with 2 workers of 1 thread.

Usage: python hats_import_peer.py IN_DIR OUT_NAME [--threshold ROWS] [--margin ARCSEC]
(needs hats-import; writes OUT_NAME in the current folder). With --margin, OUT_NAME is a
collection: the catalog (OUT_NAME/catalog) and a margin cache of that many arcseconds
(OUT_NAME/margin), its default."""
import argparse
import glob

from dask.distributed import Client
from hats_import.catalog.arguments import ImportArguments
from hats_import.collection.arguments import CollectionArguments
from hats_import.pipeline import pipeline_with_client

if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("src")
    ap.add_argument("out")
    ap.add_argument("--threshold", type=int, default=1_000_000, help="pixel_threshold")
    ap.add_argument("--margin", type=float, help="margin cache threshold, arcseconds")
    a = ap.parse_args()
    common = dict(
        input_file_list=sorted(glob.glob(a.src + "/*.parquet")),
        file_reader="parquet",
        ra_column="RA",
        dec_column="DEC",
        pixel_threshold=a.threshold,
        progress_bar=False,
    )
    if a.margin:
        args = (
            CollectionArguments(output_artifact_name=a.out, output_path=".", progress_bar=False)
            .catalog(output_artifact_name="catalog", **common)
            .add_margin(margin_threshold=a.margin, output_artifact_name="margin", is_default=True)
        )
    else:
        args = ImportArguments(output_artifact_name=a.out, output_path=".", **common)
    with Client(n_workers=2, threads_per_worker=1, memory_limit="6GB") as client:
        pipeline_with_client(args, client)
