//! `dataset/_metadata`, as hats-import (through pyarrow) writes it: one Parquet footer
//! holding every partition's row groups, each column chunk naming its partition file
//! (relative to `dataset/`). Readers that plan over a whole catalog read it instead of
//! thousands of footers.

use std::fs::File;
use std::path::Path;

use parquet::file::metadata::{
    FileMetaData, ParquetMetaDataBuilder, ParquetMetaDataReader, ParquetMetaDataWriter,
};

use crate::data::hats_import::partition_file;
use crate::error::{Error, Result};

/// Writes `dir/dataset/_metadata` from the footers of the partitions in `plan`.
pub fn write_dataset_metadata(dir: &Path, plan: &[(u8, u64, u64)]) -> Result<()> {
    let dataset = dir.join("dataset");
    let mut row_groups = Vec::new();
    let mut first = None;
    let mut rows = 0i64;
    for &(order, pixel, _) in plan {
        let path = partition_file(dir, order, pixel);
        let bad = |e: parquet::errors::ParquetError| Error::file(&path, format!("Parquet: {e}"));
        let file =
            File::open(&path).map_err(|e| Error::file(&path, format!("cannot read: {e}")))?;
        let meta = ParquetMetaDataReader::new()
            .parse_and_finish(&file)
            .map_err(bad)?;
        let relative = path
            .strip_prefix(&dataset)
            .map_err(|_| Error::file(&path, "is not under the catalog's dataset folder"))?
            .to_string_lossy()
            .into_owned();
        for rg in meta.row_groups() {
            let columns = rg
                .columns()
                .iter()
                .map(|c| {
                    c.clone()
                        .into_builder()
                        .set_file_path(relative.clone())
                        .build()
                })
                .collect::<std::result::Result<Vec<_>, _>>()
                .map_err(bad)?;
            let rg = rg
                .clone()
                .into_builder()
                .set_column_metadata(columns)
                .build()
                .map_err(bad)?;
            row_groups.push(rg);
        }
        rows += meta.file_metadata().num_rows();
        first.get_or_insert(meta);
    }
    let Some(first) = first else {
        return Ok(());
    };
    let f = first.file_metadata();
    let file_meta = FileMetaData::new(
        f.version(),
        rows,
        f.created_by().map(str::to_string),
        f.key_value_metadata().cloned(),
        f.schema_descr_ptr(),
        f.column_orders().cloned(),
    );
    let all = ParquetMetaDataBuilder::new(file_meta)
        .set_row_groups(row_groups)
        .build();
    // A footer-only Parquet file: the magic, then the footer and its length and magic.
    let mut bytes = b"PAR1".to_vec();
    let target = dataset.join("_metadata");
    ParquetMetaDataWriter::new(&mut bytes, &all)
        .finish()
        .map_err(|e| Error::file(&target, format!("Parquet: {e}")))?;
    std::fs::write(&target, bytes).map_err(|e| Error::file(&target, format!("cannot write: {e}")))
}
