//! What an import reads at a time: a "piece" is a whole input file, or a window of rows
//! of a big FITS, HDF5 or Parquet file, so that a worker holds about
//! [`PIECE_BYTES`] of columns however big one file is. Pieces keep the inputs' order
//! (file by file, window by window), which the partitions keep for rows of one cell.

use std::ops::Range;
use std::path::{Path, PathBuf};

use crate::data::fits_table::{FitsTable, HduSelect};
use crate::data::load_options::LoadOptions;
use crate::data::tables::format::TableFormat;
use crate::data::tables::parquet_file::ParquetFooter;
use crate::error::Result;

/// The columns a piece holds, in the file's own types (the worker then adds 24 bytes a
/// row: the cell of each row, and its partition for the sort).
pub const PIECE_BYTES: u64 = 256 << 20;

/// One input file, or a window of its rows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Piece {
    pub path: PathBuf,
    pub rows: Option<Range<u64>>,
}

impl Piece {
    /// How the piece is read: `load` with its window.
    pub fn load_options(&self, load: &LoadOptions) -> LoadOptions {
        LoadOptions {
            rows: self.rows.clone(),
            ..load.clone()
        }
    }
}

/// The pieces of `files`: files whose format reads a window of rows are cut into pieces
/// of `piece_rows` rows (default: [`PIECE_BYTES`] of their columns); others are read
/// whole.
pub fn plan_pieces(
    files: &[PathBuf],
    load: &LoadOptions,
    piece_rows: Option<u64>,
) -> Result<Vec<Piece>> {
    let mut pieces = Vec::new();
    for path in files {
        let Some((rows, row_bytes)) = table_shape(path, load)? else {
            pieces.push(Piece {
                path: path.clone(),
                rows: None,
            });
            continue;
        };
        let per_piece = piece_rows.unwrap_or(PIECE_BYTES / row_bytes.max(1)).max(1);
        if rows <= per_piece {
            pieces.push(Piece {
                path: path.clone(),
                rows: None,
            });
            continue;
        }
        let mut start = 0;
        while start < rows {
            let end = (start + per_piece).min(rows);
            pieces.push(Piece {
                path: path.clone(),
                rows: Some(start..end),
            });
            start = end;
        }
    }
    Ok(pieces)
}

/// Rows and bytes a row of a file that can be read in windows; `None` for formats
/// read whole (text, XML, gzip-compressed FITS).
fn table_shape(path: &Path, load: &LoadOptions) -> Result<Option<(u64, u64)>> {
    let format = TableFormat::of(path);
    if !format.reads_row_windows() {
        return Ok(None);
    }
    Ok(match format {
        TableFormat::Fits => {
            let t = FitsTable::open(path, load.hdu.as_ref().unwrap_or(&HduSelect::FirstTable))?;
            t.is_mapped().then_some((t.nrows, t.row_bytes as u64))
        }
        TableFormat::Hdf5 => Some(crate::data::hdf5_io::table_shape(path, load.hdu.as_ref())?),
        TableFormat::Parquet => {
            let footer = ParquetFooter::open(path)?;
            let rows = footer.rows();
            Some((rows, footer.uncompressed_bytes() / rows.max(1)))
        }
        _ => None,
    })
}
