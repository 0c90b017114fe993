//! Parsers of ours fed random and damaged input must answer with an error, never panic:
//! tile JSON, FITS table headers and rows (catalogs, HEALPix maps, tile tables).

use std::path::{Path, PathBuf};

use proptest::prelude::*;

use clusterviz::data::TileSet;
use clusterviz::data::catalog_fits::{LoadOptions, read_catalog};
use clusterviz::data::healpix_fits::read_healpix_map;
use clusterviz::data::tiles_fits::read_tiles;

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures")
            .join(name),
    )
    .unwrap()
}

fn scratch(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("clusterviz-fuzz-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(format!("{tag}.fits"))
}

/// Applies byte edits to a copy of `base`, biased to the 2880-byte header blocks where
/// the parsing happens.
fn damaged(base: &[u8], edits: &[(usize, u8)], cut: Option<usize>) -> Vec<u8> {
    let mut b = base.to_vec();
    for &(pos, byte) in edits {
        let i = pos % b.len().min(2880 * 3);
        b[i] = byte;
    }
    if let Some(c) = cut {
        b.truncate(c % (b.len() + 1));
    }
    b
}

fn no_panic(path: &Path) {
    let _ = read_catalog(path, "fuzz", &LoadOptions::default());
    let _ = read_healpix_map(path, None);
    let _ = read_tiles(path);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, .. ProptestConfig::default() })]

    #[test]
    fn tile_json_never_panics(text in "\\PC{0,200}") {
        let _ = TileSet::from_json(&text, Path::new("fuzz.json"));
    }

    #[test]
    fn tile_json_like_structures_never_panic(
        id in "[0-9a-z]{0,5}",
        pts in proptest::collection::vec((-1e3f64..1e3, -200f64..200.0), 0..6),
        part in prop_oneof![Just("LEV1"), Just("CORE"), Just("XX")],
    ) {
        let ring: Vec<String> = pts.iter().map(|(a, d)| format!("[{a},{d}]")).collect();
        let text = format!(r#"{{"{id}": {{"{part}": {{"POLYGON": [[{}]]}}, "CORE": {{"POLYGON": [[{}]]}}}}}}"#, ring.join(","), ring.join(","));
        let _ = TileSet::from_json(&text, Path::new("fuzz.json"));
    }

    #[test]
    fn damaged_fits_files_never_panic(
        which in 0usize..4,
        edits in proptest::collection::vec((any::<usize>(), any::<u8>()), 0..12),
        cut in proptest::option::of(any::<usize>()),
    ) {
        let name = ["catalog_all_types.fits", "nested_partial_n4096.fits", "ring_fullsky_n64.fits", "catalog_vizier_names.fits"][which];
        let bytes = damaged(&fixture(name), &edits, cut);
        let path = scratch(&format!("t{which}-{:x}", edits.len() * 31 + cut.unwrap_or(7) % 1000));
        std::fs::write(&path, &bytes).unwrap();
        no_panic(&path);
        let _ = std::fs::remove_file(&path);
    }
}
