//! Survey tiles: each a LEV1 polygon (the full footprint, overlapping its neighbours) and
//! a CORE polygon inside it (the area the tile owns). JSON in the seed app's shape:
//! `{"<tile id>": {"LEV1": {"POLYGON": [[[ra, dec], ...]]}, "CORE": {"POLYGON": [...]}}}`.

use std::path::Path;

use serde_json::{Map, Value, json};

use crate::error::{Error, Result};

/// A polygon as rings of (RA, Dec) vertices in degrees; the closing edge is implied.
pub type Polygon = Vec<Vec<(f64, f64)>>;

#[derive(Clone, Debug, PartialEq)]
pub struct Tile {
    pub id: String,
    pub lev1: Polygon,
    pub core: Polygon,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TilePart {
    Lev1,
    Core,
}

#[derive(Clone, Debug, PartialEq, Default)]
pub struct TileSet {
    pub tiles: Vec<Tile>,
}

impl TileSet {
    /// Every ring of the chosen part of every tile.
    pub fn rings(&self, part: TilePart) -> impl Iterator<Item = &Vec<(f64, f64)>> {
        self.tiles.iter().flat_map(move |t| match part {
            TilePart::Lev1 => t.lev1.iter(),
            TilePart::Core => t.core.iter(),
        })
    }

    pub fn to_json(&self) -> Value {
        let ring_json = |p: &Polygon| -> Value {
            Value::Array(
                p.iter()
                    .map(|ring| Value::Array(ring.iter().map(|&(a, d)| json!([a, d])).collect()))
                    .collect(),
            )
        };
        let mut map = Map::new();
        for t in &self.tiles {
            map.insert(
                t.id.clone(),
                json!({"LEV1": {"POLYGON": ring_json(&t.lev1)}, "CORE": {"POLYGON": ring_json(&t.core)}}),
            );
        }
        Value::Object(map)
    }

    /// Parses the seed's JSON shape; `source` names the file in error messages.
    pub fn from_json(text: &str, source: &Path) -> Result<TileSet> {
        let bad = |msg: String| Error::file(source, format!("not a tile file: {msg}"));
        let value: Value =
            serde_json::from_str(text).map_err(|e| bad(format!("invalid JSON ({e})")))?;
        let Value::Object(map) = value else {
            return Err(bad("the top level must be an object of tile IDs".into()));
        };
        let mut tiles = Vec::with_capacity(map.len());
        for (id, entry) in map {
            let polygon = |part: &str| -> Result<Polygon> {
                let rings = entry
                    .get(part)
                    .and_then(|p| p.get("POLYGON"))
                    .ok_or_else(|| bad(format!("tile {id} has no {part}.POLYGON")))?;
                parse_rings(rings).map_err(|m| bad(format!("tile {id} {part}.POLYGON: {m}")))
            };
            tiles.push(Tile {
                lev1: polygon("LEV1")?,
                core: polygon("CORE")?,
                id,
            });
        }
        Ok(TileSet { tiles })
    }

    pub fn write_json(&self, path: &Path) -> Result<()> {
        crate::fsutil::write_atomically(path, |tmp| {
            let text = serde_json::to_string(&self.to_json()).expect("tiles serialise");
            std::fs::write(tmp, text).map_err(|e| Error::file(path, e))
        })
    }
}

fn parse_rings(v: &Value) -> std::result::Result<Polygon, String> {
    let rings = v.as_array().ok_or("expected a list of rings")?;
    if rings.is_empty() {
        return Err("no rings".into());
    }
    rings
        .iter()
        .map(|ring| {
            let pts = ring
                .as_array()
                .ok_or("a ring must be a list of [ra, dec]")?;
            if pts.len() < 3 {
                return Err(format!(
                    "a ring needs at least 3 vertices, found {}",
                    pts.len()
                ));
            }
            pts.iter()
                .map(|p| {
                    let pair = p.as_array().filter(|a| a.len() == 2);
                    let num = |i: usize| pair.and_then(|a| a[i].as_f64());
                    match (num(0), num(1)) {
                        (Some(ra), Some(dec)) if ra.is_finite() && dec.abs() <= 90.0 => {
                            Ok((ra, dec))
                        }
                        _ => Err(format!("bad vertex {p} (expected [ra, dec] in degrees)")),
                    }
                })
                .collect()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_round_trip() {
        let set = TileSet {
            tiles: vec![Tile {
                id: "102018211".into(),
                lev1: vec![vec![
                    (359.5, -30.5),
                    (0.5, -30.5),
                    (0.5, -29.5),
                    (359.5, -29.5),
                ]],
                core: vec![vec![
                    (359.6, -30.4),
                    (0.4, -30.4),
                    (0.4, -29.6),
                    (359.6, -29.6),
                ]],
            }],
        };
        let text = set.to_json().to_string();
        assert_eq!(TileSet::from_json(&text, Path::new("t.json")).unwrap(), set);
    }

    #[test]
    fn bad_files_name_the_problem() {
        let p = Path::new("tiles.json");
        let e = TileSet::from_json("[1,2]", p).unwrap_err().to_string();
        assert!(
            e.contains("tiles.json") && e.contains("object of tile IDs"),
            "{e}"
        );
        let e = TileSet::from_json(r#"{"7": {"LEV1": {"POLYGON": [[[0,0],[1,0],[1,1]]]}}}"#, p)
            .unwrap_err()
            .to_string();
        assert!(e.contains("tile 7 has no CORE.POLYGON"), "{e}");
        let e = TileSet::from_json(r#"{"7": {"LEV1": {"POLYGON": [[[0,0],[1,95],[1,1]]]}, "CORE": {"POLYGON": [[[0,0],[1,0],[1,1]]]}}}"#, p)
            .unwrap_err()
            .to_string();
        assert!(e.contains("bad vertex [1,95]"), "{e}");
        assert!(
            TileSet::from_json("{", p)
                .unwrap_err()
                .to_string()
                .contains("invalid JSON")
        );
    }
}
