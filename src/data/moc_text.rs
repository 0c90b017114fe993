//! MOCs as text, in the two serialisations of IVOA MOC 2.0 that mocpy and Aladin write:
//! ASCII (`6/27245 27258-27259 7/108988 9/`: a depth, then cells and ranges) and JSON
//! (`{"6": [27245, 27258], "9": []}`). Read as a map whose covered cells are 1.

use std::io::Read;
use std::path::Path;

use crate::data::HealpixMap;
use crate::data::multi_order::{MAX_EXPANDED_CELLS, multi_order_map};
use crate::error::{Error, Result};
use crate::sky::Frame;

/// The MOC in `path` if the file is a text MOC (its first non-blank byte is `{` or a
/// digit), `None` for anything else (a FITS file starts with `SIMPLE`).
pub fn read_text_moc(path: &Path) -> Result<Option<HealpixMap>> {
    // A file that cannot be opened is the FITS reader's to report, in its words.
    let Ok(mut file) = std::fs::File::open(path) else {
        return Ok(None);
    };
    let mut head = [0u8; 64];
    let n = file.read(&mut head).map_err(|e| Error::file(path, e))?;
    let first = head[..n].iter().find(|b| !b.is_ascii_whitespace());
    let json = match first {
        Some(b'{') => true,
        Some(b) if b.is_ascii_digit() => false,
        _ => return Ok(None),
    };
    let text = std::fs::read_to_string(path)
        .map_err(|e| Error::file(path, format!("not a text MOC: {e}")))?;
    let bad = |msg: String| Error::file(path, format!("not a MOC: {msg}"));
    let cells = if json {
        json_cells(&text).map_err(bad)?
    } else {
        ascii_cells(&text).map_err(bad)?
    };
    let entries: Vec<(u8, u64, f32)> = cells.into_iter().map(|(d, c)| (d, c, 1.0)).collect();
    // MOCs are equatorial (a space-time or galactic MOC would say so in FITS only).
    Ok(Some(multi_order_map(
        &entries,
        Frame::Icrs,
        "MOC".to_string(),
    )))
}

/// A cell index that exists at `depth` (12·4^depth cells).
fn checked(depth: u64, cell: u64) -> std::result::Result<(u8, u64), String> {
    if depth > 29 {
        return Err(format!("depth {depth} is deeper than 29"));
    }
    let n = 12u64 << (2 * depth);
    if cell >= n {
        return Err(format!(
            "cell {cell} does not exist at depth {depth} (0..{n})"
        ));
    }
    Ok((depth as u8, cell))
}

/// (depth, cell) of every cell of an ASCII MOC; ranges `a-b` include both ends.
fn ascii_cells(text: &str) -> std::result::Result<Vec<(u8, u64)>, String> {
    let mut depth: Option<u64> = None;
    let mut out = Vec::new();
    let number = |s: &str| {
        s.parse::<u64>()
            .map_err(|_| format!("'{s}' is not a cell number"))
    };
    for word in text.split(|c: char| c.is_ascii_whitespace() || c == ',') {
        if word.is_empty() {
            continue;
        }
        let cells = match word.split_once('/') {
            Some((d, rest)) => {
                depth = Some(d.parse().map_err(|_| format!("'{d}' is not a depth"))?);
                rest
            }
            None => word,
        };
        if cells.is_empty() {
            continue;
        }
        let d = depth.ok_or_else(|| format!("cells '{cells}' come before any depth ('6/')"))?;
        let (lo, hi) = match cells.split_once('-') {
            Some((a, b)) => (number(a)?, number(b)?),
            None => (number(cells)?, number(cells)?),
        };
        if lo > hi {
            return Err(format!("range {lo}-{hi} runs backwards"));
        }
        checked(d, hi)?;
        // Cells are listed one by one: a MOC beyond the expansion limit is refused here,
        // not after filling memory (FITS MOCs are coarsened instead).
        if (out.len() as u64).saturating_add(hi - lo + 1) > MAX_EXPANDED_CELLS {
            return Err(format!(
                "more than {MAX_EXPANDED_CELLS} cells at depth {d}; save it coarser, or as FITS"
            ));
        }
        for c in lo..=hi {
            out.push(checked(d, c)?);
        }
    }
    Ok(out)
}

/// (depth, cell) of every cell of a JSON MOC: an object of depth → list of cells.
fn json_cells(text: &str) -> std::result::Result<Vec<(u8, u64)>, String> {
    let value: serde_json::Value =
        serde_json::from_str(text).map_err(|e| format!("not valid JSON: {e}"))?;
    let object = value
        .as_object()
        .ok_or("a JSON MOC is an object of depth: [cells]")?;
    let mut out = Vec::new();
    for (depth, cells) in object {
        let d: u64 = depth
            .parse()
            .map_err(|_| format!("key '{depth}' is not a depth"))?;
        let cells = cells
            .as_array()
            .ok_or_else(|| format!("depth {depth} does not hold a list of cells"))?;
        for c in cells {
            let c = c
                .as_u64()
                .ok_or_else(|| format!("{c} at depth {depth} is not a cell number"))?;
            out.push(checked(d, c)?);
        }
    }
    Ok(out)
}
