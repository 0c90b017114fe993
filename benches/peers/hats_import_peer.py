"""hats-import (LSDB's importer) on a folder of Parquet files, for the HATS import benchmark:
Dask with 2 workers of 1 thread. Usage: python hats_import_peer.py IN_DIR OUT_NAME
(needs hats-import; writes OUT_NAME in the current folder)."""
import sys, glob
from dask.distributed import Client
from hats_import.catalog.arguments import ImportArguments
from hats_import.pipeline import pipeline_with_client
if __name__ == "__main__":
    src, out = sys.argv[1], sys.argv[2]
    args = ImportArguments(output_artifact_name=out, input_file_list=sorted(glob.glob(src + "/*.parquet")),
        file_reader="parquet", ra_column="RA", dec_column="DEC", output_path=".", progress_bar=False)
    with Client(n_workers=2, threads_per_worker=1, memory_limit="6GB") as client:
        pipeline_with_client(args, client)
