//! A Parquet file's bytes fetched in few requests: the footer and offset index in one
//! read from the file's end, and the pages holding a prefix of rows in one read where
//! they lie together (clusterviz's HATS imports put a file's first rows, every column of
//! them, side by side). On a cold disk a request costs about what its bytes do (here,
//! 2000 random reads took 0.14–0.17 s at 8 KiB and 0.32–0.34 s at 64 KiB), and a
//! full-sky figure of a billion-row catalog reads the first rows of thousands of files.

use std::fs::File;
use std::io::{BufReader, Read};
use std::ops::Range;
use std::os::unix::fs::FileExt;
use std::sync::Arc;

use bytes::Bytes;
use parquet::arrow::ProjectionMask;
use parquet::errors::{ParquetError, Result};
use parquet::file::metadata::{PageIndexPolicy, ParquetMetaData, ParquetMetaDataReader};
use parquet::file::reader::{ChunkReader, Length};

/// Bytes read at once from a file's end, where the footer and offset index lie (a
/// partition of 325k rows that clusterviz imported keeps 13 KiB after its data, its
/// column index included); more is read when they do not fit.
const TAIL_BYTES: u64 = 16 << 10;

/// The largest stretch read ahead in one request; a longer prefix is read page by page.
const MAX_READ_AHEAD: u64 = 64 << 20;

/// The footer of `file`, with its offset index when it has one, in one read when they
/// fit the file's last [`TAIL_BYTES`] (the reader alone makes three).
pub fn read_footer(file: &File) -> Result<ParquetMetaData> {
    let len = file.metadata()?.len();
    let mut want = TAIL_BYTES.min(len);
    loop {
        let tail = read_range(file, len - want..len)?;
        let mut reader =
            ParquetMetaDataReader::new().with_offset_index_policy(PageIndexPolicy::Optional);
        match reader.try_parse_sized(&tail, len) {
            Ok(()) => return reader.finish(),
            // Asking for more than the last read held and no more than the file.
            Err(ParquetError::NeedMoreData(n)) if n as u64 > want && n as u64 <= len => {
                want = n as u64;
            }
            Err(e) => return Err(e),
        }
    }
}

/// `range` of `file`, read in one request.
fn read_range(file: &File, range: Range<u64>) -> Result<Bytes> {
    let mut buf = vec![0u8; (range.end - range.start) as usize];
    file.read_exact_at(&mut buf, range.start).map_err(|e| {
        ParquetError::General(format!(
            "cannot read bytes {}..{}: {e}",
            range.start, range.end
        ))
    })?;
    Ok(buf.into())
}

/// The stretch of the file holding the pages of rows `0..rows` of each `(group, rows)`
/// in `wanted`, in the columns of `mask`, when those pages lie together (the stretch at
/// most twice their bytes and 16 KiB): read in one request, it replaces a read a page.
/// `None` without an offset index, or when the pages are scattered.
pub fn prefix_stretch(
    meta: &ParquetMetaData,
    wanted: &[(usize, u64)],
    mask: &ProjectionMask,
) -> Option<Range<u64>> {
    let index = meta.page_index()?;
    let mut pages: Vec<Range<u64>> = Vec::new();
    for &(g, rows) in wanted {
        let group = meta.row_groups().get(g)?;
        for (c, column) in group.columns().iter().enumerate() {
            if !mask.leaf_included(c) {
                continue;
            }
            // A dictionary page comes before the data pages, outside the offset index.
            if let Some(dict) = column.dictionary_page_offset() {
                let data = column.data_page_offset().max(0) as u64;
                pages.push((dict.max(0) as u64).min(data)..data);
            }
            let locations = index.offset_index(g, c)?.page_locations();
            pages.extend(
                locations
                    .iter()
                    .filter(|p| (p.first_row_index.max(0) as u64) < rows)
                    .map(|p| {
                        let at = p.offset.max(0) as u64;
                        at..at + p.compressed_page_size.max(0) as u64
                    }),
            );
        }
    }
    let start = pages.iter().map(|p| p.start).min()?;
    let end = pages.iter().map(|p| p.end).max()?;
    let bytes: u64 = pages.iter().map(|p| p.end - p.start).sum();
    let together = end - start <= 2 * bytes + (16 << 10);
    (together && end - start <= MAX_READ_AHEAD).then_some(start..end)
}

/// A Parquet file read by position (one open file shared by the threads decoding its
/// row groups), with one stretch read ahead and served from memory.
#[derive(Clone)]
pub struct FileWindow {
    file: Arc<File>,
    len: u64,
    ahead: Option<(u64, Bytes)>,
}

impl FileWindow {
    pub fn new(file: File) -> std::io::Result<FileWindow> {
        let len = file.metadata()?.len();
        Ok(FileWindow {
            file: Arc::new(file),
            len,
            ahead: None,
        })
    }

    /// Reads `range` now, in one request; later reads inside it come from memory.
    pub fn read_ahead(&mut self, range: Range<u64>) -> Result<()> {
        let range = range.start.min(self.len)..range.end.min(self.len);
        self.ahead = Some((range.start, read_range(&self.file, range)?));
        Ok(())
    }

    /// `length` bytes at `start` from the stretch read ahead, when it holds them.
    fn held(&self, start: u64, length: usize) -> Option<Bytes> {
        let (at, bytes) = self.ahead.as_ref()?;
        let from = start.checked_sub(*at)? as usize;
        (from + length <= bytes.len()).then(|| bytes.slice(from..from + length))
    }
}

impl Length for FileWindow {
    fn len(&self) -> u64 {
        self.len
    }
}

impl ChunkReader for FileWindow {
    type T = BufReader<WindowRead>;

    fn get_read(&self, start: u64) -> Result<Self::T> {
        Ok(BufReader::new(WindowRead {
            window: self.clone(),
            at: start,
        }))
    }

    fn get_bytes(&self, start: u64, length: usize) -> Result<Bytes> {
        match self.held(start, length) {
            Some(bytes) => Ok(bytes),
            None => read_range(&self.file, start..start + length as u64),
        }
    }
}

/// Reads a [`FileWindow`] from a position on, from memory where it was read ahead.
pub struct WindowRead {
    window: FileWindow,
    at: u64,
}

impl Read for WindowRead {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = match &self.window.ahead {
            Some((at, bytes)) if (*at..*at + bytes.len() as u64).contains(&self.at) => {
                let from = (self.at - at) as usize;
                let n = buf.len().min(bytes.len() - from);
                buf[..n].copy_from_slice(&bytes[from..from + n]);
                n
            }
            _ => self.window.file.read_at(buf, self.at)?,
        };
        self.at += n as u64;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use std::error::Error;

    use arrow_array::{ArrayRef, Float64Array, RecordBatch};
    use parquet::arrow::ArrowWriter;
    use parquet::file::properties::WriterProperties;

    use super::*;

    /// 100k rows of three f64 columns, uncompressed, pages of 1024 rows, cut into row
    /// groups of `groups` rows: the footer read back in one read.
    fn written(
        name: &str,
        groups: &[usize],
    ) -> std::result::Result<ParquetMetaData, Box<dyn Error>> {
        let path = std::env::temp_dir().join(format!("cv-{name}-{}.parquet", std::process::id()));
        let column = |k: f64| {
            Arc::new(Float64Array::from_iter_values(
                (0..100_000).map(|i| i as f64 * k),
            )) as ArrayRef
        };
        let batch = RecordBatch::try_from_iter([
            ("A", column(1.0)),
            ("B", column(2.0)),
            ("C", column(3.0)),
        ])?;
        let props = WriterProperties::builder()
            .set_dictionary_enabled(false)
            .set_data_page_row_count_limit(1024)
            .set_write_batch_size(1024)
            .build();
        let mut writer = ArrowWriter::try_new(File::create(&path)?, batch.schema(), Some(props))?;
        let mut at = 0;
        for &n in groups {
            writer.write(&batch.slice(at, n))?;
            writer.flush()?;
            at += n;
        }
        writer.close()?;
        let meta = read_footer(&File::open(&path)?)?;
        std::fs::remove_file(&path)?;
        Ok(meta)
    }

    #[test]
    fn a_prefix_is_one_stretch_only_where_its_pages_lie_together()
    -> std::result::Result<(), Box<dyn Error>> {
        let all = ProjectionMask::all();
        // One row group: each column's first page lies 800 KB from the next one's.
        let whole = written("one-group", &[100_000])?;
        assert_eq!(whole.num_row_groups(), 1);
        assert!(whole.page_index().is_some(), "the offset index was read");
        assert_eq!(prefix_stretch(&whole, &[(0, 100)], &all), None);
        // One column's first pages do lie together.
        let first = ProjectionMask::leaves(whole.file_metadata().schema_descr(), [0]);
        let one = prefix_stretch(&whole, &[(0, 3000)], &first).ok_or("no stretch")?;
        assert!(
            one.end - one.start >= 3 * 8192 && one.end - one.start < 5 * 8192,
            "{one:?}"
        );
        // A small first row group: its three columns in one stretch of ~24 KB.
        let doubling = written("doubling", &[1024, 2048, 96_928])?;
        let lead = prefix_stretch(&doubling, &[(0, 100)], &all).ok_or("no stretch")?;
        assert!(
            lead.end - lead.start >= 3 * 8192 && lead.end - lead.start < 4 * 8192,
            "{lead:?}"
        );
        let two = prefix_stretch(&doubling, &[(0, 1024), (1, 1000)], &all).ok_or("no stretch")?;
        assert!(
            two.start == lead.start && two.end > lead.end,
            "{two:?} after {lead:?}"
        );
        Ok(())
    }

    #[test]
    fn a_window_reads_the_same_bytes_from_memory_and_from_the_file()
    -> std::result::Result<(), Box<dyn std::error::Error>> {
        let path = std::env::temp_dir().join(format!("cv-window-{}", std::process::id()));
        let data: Vec<u8> = (0..100_000u32).map(|i| (i * 7 % 251) as u8).collect();
        std::fs::write(&path, &data)?;
        let plain = FileWindow::new(File::open(&path)?)?;
        let mut ahead = plain.clone();
        ahead.read_ahead(1000..50_000)?;
        for (start, len) in [
            (0, 10),
            (999, 2),
            (1000, 49_000),
            (20_000, 40_000),
            (99_990, 10),
        ] {
            let want = &data[start..start + len];
            for w in [&plain, &ahead] {
                assert_eq!(&w.get_bytes(start as u64, len)?[..], want);
                let mut read = Vec::new();
                w.get_read(start as u64)?
                    .take(len as u64)
                    .read_to_end(&mut read)?;
                assert_eq!(read, want, "from {start}, {len} bytes");
            }
        }
        assert!(ahead.get_bytes(99_990, 20).is_err(), "past the end");
        std::fs::remove_file(&path)?;
        Ok(())
    }
}
