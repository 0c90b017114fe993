//! A wall's geometry from the `[wall]` section of its file: the grid of displays, their
//! pixels and bezels, and which process shows which displays.

use std::path::Path;

use crate::error::{Error, Result};
use crate::view::SubRect;

/// One display of the wall: its place in the grid and on the virtual canvas.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Display {
    pub column: u32,
    pub row: u32,
    /// The part of the virtual canvas this display shows.
    pub rect: SubRect,
}

#[derive(Clone, Debug, PartialEq)]
pub struct WallLayout {
    pub columns: u32,
    pub rows: u32,
    /// Pixels of each display.
    pub display: (u32, u32),
    /// Pixels hidden between neighbouring displays' active areas (horizontal, vertical).
    pub bezel: (u32, u32),
    /// The displays each process (rank) shows, by rank.
    pub ranks: Vec<Vec<(u32, u32)>>,
}

/// The smallest rectangle of the canvas holding every one of `displays`.
pub fn bounding_rect(displays: &[Display]) -> Option<SubRect> {
    let x0 = displays.iter().map(|d| d.rect.x).min()?;
    let y0 = displays.iter().map(|d| d.rect.y).min()?;
    let x1 = displays.iter().map(|d| d.rect.x + d.rect.width).max()?;
    let y1 = displays.iter().map(|d| d.rect.y + d.rect.height).max()?;
    Some(SubRect {
        x: x0,
        y: y0,
        width: x1 - x0,
        height: y1 - y0,
    })
}

/// The largest virtual canvas side accepted.
const MAX_CANVAS_SIDE: u64 = 1 << 20;

impl WallLayout {
    /// The layout in a wall file's `[wall]` table (`path` names the file in errors).
    pub fn from_table(path: &Path, wall: &toml::Table) -> Result<WallLayout> {
        let bad = |what: String| Error::file(path, format!("[wall] {what}"));
        for key in wall.keys() {
            if !["columns", "rows", "display", "bezel", "ranks"].contains(&key.as_str()) {
                return Err(bad(format!(
                    "unknown key '{key}'; it takes columns, rows, display, bezel, ranks"
                )));
            }
        }
        let count = |key: &str| -> Result<u32> {
            match wall.get(key) {
                Some(toml::Value::Integer(n)) if (1..=64).contains(n) => Ok(*n as u32),
                Some(v) => Err(bad(format!(
                    "{key}: expected a whole number from 1 to 64, got {v}"
                ))),
                None => Err(bad(format!("{key} is missing"))),
            }
        };
        let pair = |key: &str, min: i64, default: Option<(u32, u32)>| -> Result<(u32, u32)> {
            match wall.get(key) {
                Some(toml::Value::Array(a)) if a.len() == 2 => {
                    let v: Vec<i64> = a.iter().filter_map(|x| x.as_integer()).collect();
                    match v.as_slice() {
                        [w, h] if *w >= min && *h >= min && *w <= 1 << 16 && *h <= 1 << 16 => {
                            Ok((*w as u32, *h as u32))
                        }
                        _ => Err(bad(format!(
                            "{key}: expected [width, height] in pixels, at least {min}"
                        ))),
                    }
                }
                Some(_) => Err(bad(format!("{key}: expected [width, height] in pixels"))),
                None => default.ok_or_else(|| bad(format!("{key} is missing"))),
            }
        };
        let columns = count("columns")?;
        let rows = count("rows")?;
        let display = pair("display", 1, None)?;
        let bezel = pair("bezel", 0, Some((0, 0)))?;
        let all: Vec<(u32, u32)> = (0..rows)
            .flat_map(|r| (0..columns).map(move |c| (c, r)))
            .collect();
        let ranks = match wall.get("ranks") {
            // Default: display i (row by row) on rank i.
            None => all.iter().map(|&d| vec![d]).collect(),
            Some(toml::Value::Array(ranks)) => {
                let mut out = Vec::new();
                for (i, r) in ranks.iter().enumerate() {
                    let Some(list) = r.as_array() else {
                        return Err(bad(format!("ranks[{i}]: expected a list of [column, row]")));
                    };
                    let mut shows = Vec::new();
                    for d in list {
                        let cr: Vec<i64> = d
                            .as_array()
                            .map(|a| a.iter().filter_map(|x| x.as_integer()).collect())
                            .unwrap_or_default();
                        match cr.as_slice() {
                            [c, r]
                                if (0..columns as i64).contains(c)
                                    && (0..rows as i64).contains(r) =>
                            {
                                shows.push((*c as u32, *r as u32));
                            }
                            _ => {
                                return Err(bad(format!(
                                    "ranks[{i}]: {d} is not a display [column, row] of the {columns}x{rows} grid"
                                )));
                            }
                        }
                    }
                    out.push(shows);
                }
                out
            }
            Some(_) => {
                return Err(bad(
                    "ranks: expected a list per rank of [column, row]".into()
                ));
            }
        };
        for d in &all {
            let n = ranks.iter().flatten().filter(|x| *x == d).count();
            if n != 1 {
                return Err(bad(format!(
                    "display [{}, {}] is shown by {n} ranks; each must be shown by exactly one",
                    d.0, d.1
                )));
            }
        }
        let layout = WallLayout {
            columns,
            rows,
            display,
            bezel,
            ranks,
        };
        let (w, h) = layout.canvas_u64();
        if w > MAX_CANVAS_SIDE || h > MAX_CANVAS_SIDE {
            return Err(bad(format!(
                "the wall's canvas of {w}x{h} pixels is too large"
            )));
        }
        Ok(layout)
    }

    fn canvas_u64(&self) -> (u64, u64) {
        let span = |n: u32, d: u32, b: u32| n as u64 * d as u64 + (n as u64 - 1) * b as u64;
        (
            span(self.columns, self.display.0, self.bezel.0),
            span(self.rows, self.display.1, self.bezel.1),
        )
    }

    /// The virtual canvas: every display and the bezels between them.
    pub fn canvas(&self) -> (u32, u32) {
        let (w, h) = self.canvas_u64();
        (w as u32, h as u32)
    }

    /// The display at (column, row).
    pub fn display_at(&self, column: u32, row: u32) -> Display {
        let (w, h) = self.display;
        Display {
            column,
            row,
            rect: SubRect {
                x: column * (w + self.bezel.0),
                y: row * (h + self.bezel.1),
                width: w,
                height: h,
            },
        }
    }

    /// The displays process `rank` shows (all of them when `rank` is `None`).
    pub fn displays(&self, rank: Option<usize>) -> Result<Vec<Display>> {
        let list: Vec<(u32, u32)> = match rank {
            None => self.ranks.iter().flatten().copied().collect(),
            Some(r) => self.ranks.get(r).cloned().ok_or_else(|| {
                Error::user(format!(
                    "rank {r} has no displays: the wall file lists {} ranks",
                    self.ranks.len()
                ))
            })?,
        };
        Ok(list
            .into_iter()
            .map(|(c, r)| self.display_at(c, r))
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn layout(text: &str) -> Result<WallLayout> {
        let t: toml::Table = text.parse().unwrap();
        WallLayout::from_table(Path::new("w.toml"), t["wall"].as_table().unwrap())
    }

    #[test]
    fn displays_tile_the_canvas_with_bezels_between() {
        let l = layout("[wall]\ncolumns = 3\nrows = 2\ndisplay = [100, 50]\nbezel = [10, 4]\n")
            .unwrap();
        assert_eq!(l.canvas(), (320, 104));
        let d = l.display_at(2, 1);
        assert_eq!(
            d.rect,
            SubRect {
                x: 220,
                y: 54,
                width: 100,
                height: 50
            }
        );
        assert_eq!(l.displays(None).unwrap().len(), 6);
        assert_eq!(l.displays(Some(4)).unwrap()[0].rect.x, 110);
        assert!(l.displays(Some(6)).is_err());
    }

    #[test]
    fn bad_walls_say_what_is_wrong() {
        let cases = [
            ("[wall]\nrows = 2\ndisplay = [1, 1]\n", "columns is missing"),
            (
                "[wall]\ncolumns = 0\nrows = 1\ndisplay = [1, 1]\n",
                "columns: expected",
            ),
            (
                "[wall]\ncolumns = 1\nrows = 1\ndisplay = [0, 5]\n",
                "display: expected",
            ),
            (
                "[wall]\ncolumns = 1\nrows = 1\ndisplay = [5, 5]\nfoo = 1\n",
                "unknown key 'foo'",
            ),
            (
                "[wall]\ncolumns = 2\nrows = 1\ndisplay = [5, 5]\nranks = [[[0, 0]], [[0, 0]]]\n",
                "display [0, 0] is shown by 2 ranks",
            ),
            (
                "[wall]\ncolumns = 2\nrows = 1\ndisplay = [5, 5]\nranks = [[[0, 0], [5, 0]]]\n",
                "is not a display",
            ),
        ];
        for (text, expect) in cases {
            let e = layout(text).unwrap_err().to_string();
            assert!(e.contains("w.toml") && e.contains(expect), "{text}: {e}");
        }
    }
}
