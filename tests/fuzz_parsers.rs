//! Parsers of ours fed random and damaged input must answer with an error, never panic:
//! tile JSON, FITS headers and tables (catalogs, HEALPix maps, MOCs, tile tables; plain
//! and gzip), headers built card by card from the keywords that matter, HDF5 catalogs,
//! and figure and wall files. Every target runs [`cases`] cases per test run (the README
//! counts them); a crash found becomes a regression test in tests/hostile_input.rs.

use std::path::{Path, PathBuf};

use proptest::prelude::*;

use clusterviz::data::TileSet;
use clusterviz::data::catalog_reader::read_catalog;
use clusterviz::data::healpix_fits::read_healpix_map;
use clusterviz::data::load_options::LoadOptions;
use clusterviz::data::tiles_fits::read_tiles;

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures")
            .join(name),
    )
    .unwrap()
}

/// A path in a folder of its own, which [`discard`] removes (cases run in parallel).
fn scratch(tag: &str) -> PathBuf {
    static CASES: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let case = CASES.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!("clusterviz-fuzz-{}-{case}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(format!("{tag}.fits"))
}

/// Removes a [`scratch`] path and its folder.
fn discard(path: &std::path::Path) {
    if let Some(dir) = path.parent() {
        let _ = std::fs::remove_dir_all(dir);
    }
}

/// Applies byte edits to a copy of `base`, biased to the 2880-byte header blocks where
/// the parsing happens.
fn damaged(base: &[u8], edits: &[(usize, u8)], cut: Option<usize>) -> Vec<u8> {
    damaged_within(base, edits, cut, 2880 * 3)
}

/// Applies byte edits within the first `span` bytes of a copy of `base`, then cuts it.
fn damaged_within(base: &[u8], edits: &[(usize, u8)], cut: Option<usize>, span: usize) -> Vec<u8> {
    let mut b = base.to_vec();
    for &(pos, byte) in edits {
        let i = pos % b.len().min(span);
        b[i] = byte;
    }
    if let Some(c) = cut {
        b.truncate(c % (b.len() + 1));
    }
    b
}

/// Real files of every kind the FITS readers take (hostile/ ones by astropy: complex and
/// variable-length columns, unsigned IDs, depth-29 maps, odd tile widths).
const FITS_FIXTURES: &[&str] = &[
    "catalog_all_types.fits",
    "nested_partial_n4096.fits",
    "ring_fullsky_n64.fits",
    "catalog_vizier_names.fits",
    "moc.fits",
    "multi_order.fits",
    "galactic_band_n64.fits",
    "hostile/complex_and_varlen.fits",
    "hostile/uint64_ids.fits",
    "hostile/map_nside_2p29.fits",
    "hostile/tiles_ra_wider.fits",
    "hostile/mixed_types.fits",
];

/// Tables other tools wrote: VOTables, ECSV, CSV and Parquet (make_table_fixtures.py,
/// make_stilts_fixtures.sh).
const TABLE_FIXTURES: &[&str] = &[
    "table_astropy_tabledata.vot",
    "table_astropy_binary.vot",
    "table_stilts_binary2.vot",
    "table_astropy.ecsv",
    "table_stilts_ecsv.ecsv",
    "table_pandas.csv",
    "table_pyarrow.parquet",
    "table_astropy.parquet",
];

fn no_panic(path: &Path) {
    let _ = read_catalog(path, "fuzz", &LoadOptions::default());
    let _ = read_healpix_map(path, None);
    let _ = read_tiles(path);
}

/// Cases each target runs per test run: 256, or CLUSTERVIZ_FUZZ_CASES for a longer
/// campaign.
fn cases() -> u32 {
    std::env::var("CLUSTERVIZ_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(256)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), .. ProptestConfig::default() })]

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
        which in 0usize..64,
        edits in proptest::collection::vec((any::<usize>(), any::<u8>()), 0..12),
        cut in proptest::option::of(any::<usize>()),
    ) {
        let name = FITS_FIXTURES[which % FITS_FIXTURES.len()];
        let bytes = damaged(&fixture(name), &edits, cut);
        let path = scratch(&format!("t{which}-{:x}", edits.len() * 31 + cut.unwrap_or(7) % 1000));
        std::fs::write(&path, &bytes).unwrap();
        no_panic(&path);
        discard(&path);
    }

    #[test]
    fn damaged_tables_never_panic(
        which in 0usize..64,
        edits in proptest::collection::vec((any::<usize>(), any::<u8>()), 0..12),
        cut in proptest::option::of(any::<usize>()),
    ) {
        let name = TABLE_FIXTURES[which % TABLE_FIXTURES.len()];
        let bytes = damaged_within(&fixture(name), &edits, cut, usize::MAX);
        let ext = name.rsplit('.').next().unwrap();
        let path = scratch(&format!("table{which}-{:x}", edits.len() * 31 + cut.unwrap_or(7) % 1000))
            .with_extension(ext);
        std::fs::write(&path, &bytes).unwrap();
        let _ = read_catalog(&path, "fuzz", &LoadOptions::default());
        discard(&path);
    }
}

/// One header card of the keywords that decide a table's layout, with a value that is
/// right, wrong, absurd or of the wrong type.
fn card() -> impl Strategy<Value = String> {
    let key = prop_oneof![
        Just("NAXIS".to_string()),
        Just("NAXIS1".to_string()),
        Just("NAXIS2".to_string()),
        Just("PCOUNT".to_string()),
        Just("GCOUNT".to_string()),
        Just("TFIELDS".to_string()),
        Just("BITPIX".to_string()),
        (1u32..4).prop_map(|i| format!("TFORM{i}")),
        (1u32..4).prop_map(|i| format!("TSCAL{i}")),
        (1u32..4).prop_map(|i| format!("TZERO{i}")),
        (1u32..4).prop_map(|i| format!("TNULL{i}")),
        (1u32..4).prop_map(|i| format!("TTYPE{i}")),
        (1u32..4).prop_map(|i| format!("TUNIT{i}")),
    ];
    let value = prop_oneof![
        (-3i64..40).prop_map(|v| v.to_string()),
        Just("9223372036854775808".to_string()),
        Just("99999999999999999999999".to_string()),
        Just("-1".to_string()),
        Just("1.5E300".to_string()),
        Just("NaN".to_string()),
        Just("'abc'".to_string()),
        Just("T".to_string()),
        Just("(1.0, 2.0)".to_string()),
        Just(String::new()),
        "[0-9]{0,4}[LXBIJKAEDCMPQZ]{1,2}(\\([0-9]{0,3}\\))?".prop_map(|t| format!("'{t}'")),
        Just("'rad'".to_string()),
        Just("'h'".to_string()),
    ];
    (key, value).prop_map(|(k, v)| format!("{k:<8}= {v}"))
}

/// A FITS file of a primary header and one table header built from `cards`, with
/// `data` bytes after it.
fn built_fits(cards: &[String], data: usize, end: bool) -> Vec<u8> {
    let mut text = format!(
        "{:<80}{:<80}{:<80}{:<80}",
        "SIMPLE  = T", "BITPIX  = 8", "NAXIS   = 0", "END"
    );
    text.push_str(&" ".repeat(2880 - text.len()));
    let mut table = format!("{:<80}", "XTENSION= 'BINTABLE'");
    for c in cards {
        table.push_str(&format!("{c:<80.80}"));
    }
    if end {
        table.push_str(&format!("{:<80}", "END"));
    }
    let padded = table.len().div_ceil(2880) * 2880;
    table.push_str(&" ".repeat(padded - table.len()));
    let mut bytes = (text + &table).into_bytes();
    bytes.extend((0..data).map(|i| (i * 37 % 251) as u8));
    bytes
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), .. ProptestConfig::default() })]

    #[test]
    fn headers_built_card_by_card_never_panic(
        cards in proptest::collection::vec(card(), 0..24),
        data in 0usize..6000,
        end in proptest::bool::weighted(0.9),
    ) {
        let path = scratch(&format!("cards-{}-{data}", cards.len()));
        std::fs::write(&path, built_fits(&cards, data, end)).unwrap();
        no_panic(&path);
        discard(&path);
    }

    #[test]
    fn damaged_gzip_fits_never_panics(
        edits in proptest::collection::vec((any::<usize>(), any::<u8>()), 0..8),
        cut in proptest::option::of(any::<usize>()),
    ) {
        let b = damaged_within(&fixture("catalog_all_types.fits.gz"), &edits, cut, usize::MAX);
        let path = scratch(&format!("gz-{}-{}", edits.len(), cut.unwrap_or(3) % 997)).with_extension("fits.gz");
        std::fs::write(&path, &b).unwrap();
        let opts = LoadOptions { hdu: Some(clusterviz::data::fits_table::HduSelect::Name("CLUSTERS".into())), ..Default::default() };
        let _ = read_catalog(&path, "fuzz", &opts);
        discard(&path);
    }

    #[test]
    fn damaged_hdf5_catalogs_never_panic(
        which in 0usize..2,
        edits in proptest::collection::vec((any::<usize>(), any::<u8>()), 0..8),
        cut in proptest::option::of(any::<usize>()),
    ) {
        let name = ["catalog_h5py.h5", "hostile/strings_and_2d.h5"][which];
        let b = damaged_within(&fixture(name), &edits, cut, usize::MAX);
        let path = scratch(&format!("h5-{which}-{}", edits.len())).with_extension("h5");
        std::fs::write(&path, &b).unwrap();
        let _ = read_catalog(&path, "fuzz", &LoadOptions::default());
        discard(&path);
    }

    #[test]
    fn figure_and_wall_files_never_panic(
        lines in proptest::collection::vec(toml_line(), 0..12),
    ) {
        let text = lines.join("\n");
        let path = Path::new("fuzz.toml");
        if let Ok(table) = clusterviz::cli::figure_file::parse_toml(path, &text) {
            let _ = clusterviz::cli::figure_file::render_args_of(path, &table);
            if let Some(toml::Value::Table(wall)) = table.get("wall") {
                let _ = clusterviz::wall::WallLayout::from_table(path, wall);
            }
        }
    }
}

/// A line of a figure or wall file: a section, or a key of the real ones with a value
/// of any TOML type, in range or not.
fn toml_line() -> impl Strategy<Value = String> {
    let section = prop_oneof![
        Just("[inputs]"),
        Just("[view]"),
        Just("[layers]"),
        Just("[style]"),
        Just("[figure]"),
        Just("[output]"),
        Just("[wall]"),
        Just("[nope]"),
    ]
    .prop_map(str::to_string);
    let key = prop_oneof![
        Just("demo"),
        Just("demo_galaxies"),
        Just("center"),
        Just("fov"),
        Just("rotation"),
        Just("size"),
        Just("dpi"),
        Just("projection"),
        Just("mask_opacity"),
        Just("snr_min"),
        Just("snr_max"),
        Just("z_min"),
        Just("proximity"),
        Just("marker_size"),
        Just("files"),
        Just("columns"),
        Just("rows"),
        Just("display"),
        Just("bezel"),
        Just("ranks"),
        Just("title"),
        Just("clusters"),
        Just("galaxies"),
        Just("mask_range"),
    ];
    let value = prop_oneof![
        Just("nan".to_string()),
        Just("inf".to_string()),
        Just("-inf".to_string()),
        (-1e6f64..1e6).prop_map(|v| v.to_string()),
        (-5i64..100000).prop_map(|v| v.to_string()),
        Just("true".to_string()),
        Just("\"tan\"".to_string()),
        Just("\"\\u001b\"".to_string()),
        Just("[1, 2]".to_string()),
        Just("[0.5, -30]".to_string()),
        Just("[[0, 0], [1, 5]]".to_string()),
        Just("[]".to_string()),
        Just("\"30arcsec\"".to_string()),
        Just("[\"a.png\", 3]".to_string()),
        Just("{ a = 1 }".to_string()),
    ];
    prop_oneof![
        section,
        (key, value).prop_map(|(k, v)| format!("{k} = {v}"))
    ]
}
