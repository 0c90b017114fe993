"""hats-import (LSDB's importer) on a folder of Parquet files, for the HATS benchmarks:
Dask with 2 workers of 1 thread.

Usage: python hats_import_peer.py IN_DIR OUT_NAME [--threshold ROWS] [--margin ARCSEC]
          [--generate FILES ROWS]
(needs hats-import; writes OUT_NAME in the current folder). With --margin, OUT_NAME is a
collection: the catalog (OUT_NAME/catalog) and a margin cache of that many arcseconds
(OUT_NAME/margin), its default. With --generate, hats-import reads the rows of
`allsky_parquet.py IN_DIR FILES ROWS` as they are made, without those files on disk
(IN_DIR then holds one small file naming each file's number and size): a billion rows
need the disk of the catalog alone."""
import argparse
import glob
import os
import sys
from pathlib import Path

from dask.distributed import Client
from hats_import.catalog.arguments import ImportArguments
from hats_import.catalog.file_readers import InputReader
from hats_import.collection.arguments import CollectionArguments
from hats_import.pipeline import pipeline_with_client


class GeneratedReader(InputReader):
    """Reads a `.rows` file ("NUMBER ROWS") as the rows allsky_parquet.py writes in that
    file, in one piece: hats-import's splitting writes a shard a chunk and destination
    pixel, so a billion rows in chunks of a million made 3072 files a chunk, 3 million
    in all, and took hours on two cores."""

    def read(self, input_file, read_columns=None):
        from allsky_parquet import allsky_table

        k, rows = map(int, Path(input_file).read_text().split())
        table = allsky_table(k, rows)
        if read_columns:
            table = table.select(read_columns)
        yield table.to_pandas()


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("src")
    ap.add_argument("out")
    ap.add_argument("--threshold", type=int, default=1_000_000, help="pixel_threshold")
    ap.add_argument("--margin", type=float, help="margin cache threshold, arcseconds")
    ap.add_argument("--generate", type=int, nargs=2, metavar=("FILES", "ROWS"))
    a = ap.parse_args()
    reader, pattern = "parquet", "/*.parquet"
    if a.generate:
        files, rows = a.generate
        os.makedirs(a.src, exist_ok=True)
        # A bigger set made before would otherwise be read too.
        for old in glob.glob(a.src + "/*.rows"):
            os.remove(old)
        for k in range(files):
            Path(a.src, f"part_{k:04d}.rows").write_text(f"{k} {rows}\n")
        reader, pattern = GeneratedReader(), "/*.rows"
        # The workers import allsky_parquet from beside this script.
        here = os.path.dirname(os.path.abspath(__file__))
        sys.path.insert(0, here)
        os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [here, os.environ.get("PYTHONPATH")]))
    common = dict(
        input_file_list=sorted(glob.glob(a.src + pattern)),
        file_reader=reader,
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
