//! Which reader a catalog needs: HATS for a HATS folder; for a file, by its first bytes
//! where the format has a signature (FITS, HDF5, Parquet, XML, ECSV), else by its name.

use std::io::Read;
use std::path::Path;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TableFormat {
    Fits,
    Hdf5,
    VoTable,
    Parquet,
    Ecsv,
    Csv,
    /// A folder: a HATS catalog or collection.
    Hats,
}

impl TableFormat {
    /// The format of the catalog at `path`. Files that say nothing of themselves go to
    /// the FITS reader, whose message then names the problem ("not a FITS file").
    pub fn of(path: &Path) -> TableFormat {
        if is_hats_folder(path) {
            return TableFormat::Hats;
        }
        let mut head = [0u8; 64];
        let n = std::fs::File::open(path)
            .and_then(|mut f| read_up_to(&mut f, &mut head))
            .unwrap_or(0);
        // A gzip file holds a VOTable (VizieR's and TAP's `.vot.gz`) or, as before, FITS.
        if crate::data::gzip::is_gzip(&head[..n]) {
            let mut gz = Vec::new();
            let _ = std::fs::File::open(path).and_then(|f| f.take(1 << 16).read_to_end(&mut gz));
            let inner = crate::data::gzip::inflated_head(&gz, 64);
            if Self::from_signature(&inner) == Some(TableFormat::VoTable) {
                return TableFormat::VoTable;
            }
            return TableFormat::Fits;
        }
        Self::from_signature(&head[..n]).unwrap_or_else(|| Self::from_name(path))
    }

    /// Whether its reader can read a window of rows without reading the rest
    /// ([`LoadOptions::rows`](crate::data::load_options::LoadOptions::rows)).
    pub fn reads_row_windows(self) -> bool {
        matches!(
            self,
            TableFormat::Fits | TableFormat::Hdf5 | TableFormat::Parquet
        )
    }

    fn from_signature(head: &[u8]) -> Option<TableFormat> {
        let text = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
        let text = &text[text.iter().take_while(|b| b.is_ascii_whitespace()).count()..];
        if head.starts_with(b"SIMPLE  =") || head.starts_with(b"\x1f\x8b") {
            Some(TableFormat::Fits)
        } else if head.starts_with(b"\x89HDF\r\n\x1a\n") {
            Some(TableFormat::Hdf5)
        } else if head.starts_with(b"PAR1") {
            Some(TableFormat::Parquet)
        } else if text.starts_with(b"<?xml") || text.starts_with(b"<VOTABLE") {
            Some(TableFormat::VoTable)
        } else if text.starts_with(b"# %ECSV") {
            Some(TableFormat::Ecsv)
        } else {
            None
        }
    }

    fn from_name(path: &Path) -> TableFormat {
        let name = path.to_string_lossy().to_ascii_lowercase();
        let ends = |exts: &[&str]| exts.iter().any(|e| name.ends_with(e));
        if ends(&[".h5", ".hdf5", ".hdf", ".he5"]) {
            TableFormat::Hdf5
        } else if ends(&[".parquet", ".pq"]) {
            TableFormat::Parquet
        } else if ends(&[".vot", ".votable", ".xml"]) {
            TableFormat::VoTable
        } else if ends(&[".ecsv"]) {
            TableFormat::Ecsv
        } else if ends(&[".csv", ".tsv", ".txt", ".dat"]) {
            TableFormat::Csv
        } else {
            TableFormat::Fits
        }
    }
}

/// A folder is a HATS catalog or collection when it holds one of these.
const HATS_MARKERS: [&str; 3] = ["hats.properties", "properties", "collection.properties"];

/// Whether `path` is a HATS catalog or collection folder (one that lost its properties
/// still is, by its `dataset/` folder, so that it is reported as a broken catalog).
pub fn is_hats_folder(path: &Path) -> bool {
    path.is_dir()
        && (HATS_MARKERS.iter().any(|m| path.join(m).is_file()) || path.join("dataset").is_dir())
}

/// File names a folder of catalogs is searched for.
pub const CATALOG_EXTENSIONS: &[&str] = &[
    ".fits", ".fit", ".fits.gz", ".fit.gz", ".h5", ".hdf5", ".parquet", ".pq", ".vot", ".votable",
    ".vot.gz", ".csv", ".ecsv",
];

fn read_up_to(f: &mut impl Read, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match f.read(&mut buf[n..])? {
            0 => break,
            k => n += k,
        }
    }
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_win_over_names() {
        let sig = TableFormat::from_signature;
        assert_eq!(
            sig(b"SIMPLE  =                    T"),
            Some(TableFormat::Fits)
        );
        assert_eq!(sig(b"PAR1\x15\x04"), Some(TableFormat::Parquet));
        assert_eq!(
            sig(b"\xEF\xBB\xBF\n <?xml version"),
            Some(TableFormat::VoTable)
        );
        assert_eq!(sig(b"# %ECSV 1.0\n"), Some(TableFormat::Ecsv));
        assert_eq!(sig(b"ra,dec\n1,2\n"), None);
        assert_eq!(
            TableFormat::from_name(Path::new("a/B.CSV")),
            TableFormat::Csv
        );
        assert_eq!(
            TableFormat::from_name(Path::new("x.vot")),
            TableFormat::VoTable
        );
        assert_eq!(TableFormat::from_name(Path::new("x")), TableFormat::Fits);
    }
}
