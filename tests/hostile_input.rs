//! Careless and hostile input, one test per defect class: exit codes, messages that name
//! the file and the problem, no file left behind, and for what used to pass silently, the
//! right values. Fixtures: tests/fixtures/hostile/, written by make_hostile_fixtures.py
//! (astropy, h5py); expected values in its expected.json.

use std::path::{Path, PathBuf};
use std::process::Command;

use clusterviz::data::ColumnData;
use clusterviz::data::catalog_reader::read_catalog;
use clusterviz::data::healpix_fits::read_healpix_map;
use clusterviz::data::load_options::LoadOptions;

mod common;

use common::{run_cli as clusterviz, stderr};

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/hostile")
        .join(name)
}

fn fixture_str(name: &str) -> String {
    fixture(name).to_string_lossy().into_owned()
}

fn expected() -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(fixture("expected.json")).unwrap()).unwrap()
}

fn tempdir(name: &str) -> common::TempDir {
    common::tempdir(&format!("hostile-{name}"))
}

/// Files in `dir` (names), sorted, hidden ones too.
fn files_in(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

/// Asserts a user error: exit 2, each of `expected` in the message, no panic.
fn assert_refused(o: &std::process::Output, expected: &[&str], what: &str) {
    let e = stderr(o);
    assert_eq!(o.status.code(), Some(2), "{what}: {e}");
    assert!(!e.contains("panicked"), "{what} panicked: {e}");
    for x in expected {
        assert!(e.contains(x), "{what}: expected '{x}' in: {e}");
    }
}

fn small_bare_render(input_flag: &str, file: &str, out: &str) -> Vec<String> {
    [
        "render",
        input_flag,
        file,
        "--no-cache",
        "--size",
        "120x90",
        "--bare",
        "-o",
        out,
    ]
    .iter()
    .map(|s| s.to_string())
    .collect()
}

/// A small render of `fixture_name` given to `input_flag` is refused with `expected`,
/// leaving no file.
fn assert_render_refused(input_flag: &str, fixture_name: &str, expected: &[&str]) {
    let dir = tempdir(&format!("refused-{}", fixture_name.replace('/', "-")));
    let o = run(
        &small_bare_render(input_flag, &fixture_str(fixture_name), "r.png"),
        &dir,
    );
    let mut all = vec![fixture_name.rsplit('/').next().unwrap_or(fixture_name)];
    all.extend_from_slice(expected);
    assert_refused(&o, &all, fixture_name);
    assert!(files_in(&dir).is_empty(), "{:?}", files_in(&dir));
}

fn run(args: &[String], cwd: &Path) -> std::process::Output {
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    clusterviz(&refs, cwd)
}

#[test]
fn complex_and_variable_length_columns_are_described_and_skipped() {
    let path = fixture("complex_and_varlen.fits");
    let (cat, report) = read_catalog(&path, "c", &LoadOptions::default()).unwrap();
    let exp = &expected()["complex_and_varlen"];
    assert_eq!(cat.len() as u64, exp["rows"].as_u64().unwrap());
    assert_eq!(cat.ra(0), exp["ra0"].as_f64().unwrap());
    assert_eq!(cat.dec(0), exp["dec0"].as_f64().unwrap());
    let names: Vec<&str> = cat.columns.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["RA", "DEC", "Z"]);
    let skipped = report.skipped_columns.join("; ");
    for s in [
        "PHASE (complex",
        "PHASE64 (complex",
        "SPECTRUM (variable-length array",
        "LIGHTCURVE (variable-length array",
        "NAME (text",
    ] {
        assert!(skipped.contains(s), "{s} in {skipped}");
    }
    let dir = tempdir("complex");
    let o = clusterviz(&["info", &fixture_str("complex_and_varlen.fits")], &dir);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        out.contains("100 rows") && out.contains("not read"),
        "{out}"
    );
    let o = run(
        &small_bare_render(
            "--clusters",
            &fixture_str("complex_and_varlen.fits"),
            "c.png",
        ),
        &dir,
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(dir.join("c.png").exists());
    let o = clusterviz(
        &["convert", &fixture_str("complex_and_varlen.fits"), "c.h5"],
        &dir,
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

#[test]
fn a_tile_table_with_vertex_columns_of_different_widths_is_refused() {
    assert_render_refused(
        "--tiles",
        "tiles_ra_wider.fits",
        &["LEV1_RA and LEV1_DEC differ in length (5 and 4"],
    );
}

#[test]
fn a_file_name_that_is_not_utf8_is_read() {
    use std::os::unix::ffi::OsStrExt;
    let dir = tempdir("utf8");
    let name = std::ffi::OsStr::from_bytes(b"clusters_merged_\xff\xfe.fits");
    std::fs::copy(fixture("uint64_ids.fits"), dir.join(name)).unwrap();
    for out in ["n.png", "n.svg"] {
        let o = Command::new(env!("CARGO_BIN_EXE_clusterviz"))
            .args(["render", "--no-cache", "--size", "200x150", "--clusters"])
            .arg(name)
            .args(["-o", out])
            .current_dir(&dir)
            .env_remove("DISPLAY")
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(0), "{out}: {}", stderr(&o));
    }
    // The SVG, whose metadata names the file, is well-formed XML.
    let svg = std::fs::read_to_string(dir.join("n.svg")).unwrap();
    resvg::usvg::Tree::from_str(&svg, &resvg::usvg::Options::default()).unwrap();
}

#[test]
fn unsigned_64_bit_ids_stay_exact_through_reads_and_conversions() {
    let exp = &expected()["uint64_ids"];
    let ids: Vec<u64> = exp["ids"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().parse().unwrap())
        .collect();
    let check = |path: &Path| {
        let (cat, _) = read_catalog(path, "c", &LoadOptions::default()).unwrap();
        let col = cat.column("ID").unwrap();
        match &col.data {
            ColumnData::U64(v) => assert_eq!(&v[..], &ids[..], "{}", path.display()),
            other => panic!("{}: ID read as {other:?}", path.display()),
        }
        for (name, key) in [("FLAGS16", "flags16"), ("COUNT32", "count32")] {
            let c = cat.column(name).unwrap();
            let got: Vec<i128> = (0..cat.len()).map(|i| c.integer(i).unwrap()).collect();
            let want: Vec<i128> = exp[key]
                .as_array()
                .unwrap()
                .iter()
                .map(|v| v.as_i64().unwrap() as i128)
                .collect();
            assert_eq!(got, want, "{name} of {}", path.display());
        }
    };
    check(&fixture("uint64_ids.fits"));
    let dir = tempdir("uint64");
    for (from, to) in [
        (fixture_str("uint64_ids.fits"), "ids.h5"),
        ("ids.h5".to_string(), "ids.fits"),
    ] {
        let o = clusterviz(&["convert", &from, to], &dir);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        check(&dir.join(to));
    }
    // info shows the IDs exactly: 100 distinct values, not one.
    let o = clusterviz(&["info", "ids.fits"], &dir);
    let out = String::from_utf8_lossy(&o.stdout);
    let range = format!("ID: {} .. {}", ids[0], ids[ids.len() - 1]);
    assert!(out.contains(&range), "{range} in {out}");
}

#[test]
fn healpix_indices_stay_integers_at_depth_29() {
    let map = read_healpix_map(&fixture("map_nside_2p29.fits"), None).unwrap();
    assert_eq!(map.depth, 29);
    let exp = &expected()["map_nside_2p29"];
    let mut want: Vec<(u64, f32)> = exp["cells"]
        .as_array()
        .unwrap()
        .iter()
        .zip(exp["values"].as_array().unwrap())
        .map(|(c, v)| {
            (
                c.as_str().unwrap().parse().unwrap(),
                v.as_f64().unwrap() as f32,
            )
        })
        .collect();
    want.sort_by_key(|w| w.0);
    let got: Vec<(u64, f32)> = map.cells.iter().copied().zip(map.values.clone()).collect();
    assert_eq!(got, want);
}

#[test]
fn coordinates_in_radians_hours_and_arcseconds_are_drawn_in_degrees() {
    let exp = &expected()["coords"];
    let ra: Vec<f64> = exp["ra"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_f64().unwrap())
        .collect();
    let dec: Vec<f64> = exp["dec"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_f64().unwrap())
        .collect();
    for f in ["coords_rad.fits", "coords_hours.fits", "coords_arcsec.fits"] {
        let (cat, _) = read_catalog(&fixture(f), "c", &LoadOptions::default()).unwrap();
        for i in 0..ra.len() {
            assert!(
                (cat.ra(i) - ra[i]).abs() < 1e-9,
                "{f} row {i}: {} vs {}",
                cat.ra(i),
                ra[i]
            );
            assert!((cat.dec(i) - dec[i]).abs() < 1e-9, "{f} row {i}");
        }
        assert_eq!(cat.column("RA").unwrap().unit, "deg", "{f}");
    }
    assert_render_refused(
        "--clusters",
        "coords_metres.fits",
        &["column RA", "unit 'm' is not an angle"],
    );
}

#[test]
fn convert_names_every_column_it_cannot_keep() {
    let dir = tempdir("convert");
    let o = clusterviz(&["convert", &fixture_str("mixed_types.fits"), "m.h5"], &dir);
    let e = stderr(&o);
    assert_eq!(o.status.code(), Some(0), "{e}");
    for s in [
        "4 of 6 columns not converted",
        "GOOD (logical",
        "NAME (text",
        "MASKBITS (bits",
        "POS3 (vector",
        "2 of 6 columns",
    ] {
        assert!(e.contains(s), "'{s}' in: {e}");
    }
}

#[test]
fn values_that_mean_nothing_are_refused_on_the_command_line_and_in_figure_files() {
    let dir = tempdir("values");
    let demo = ["render", "--demo", "--demo-galaxies", "1000", "-o", "v.png"];
    let cases: &[(&[&str], &str)] = &[
        (&["--rotation", "nan"], "--rotation must be a finite number"),
        (&["--rotation", "inf"], "--rotation must be a finite number"),
        (
            &["--mask-opacity", "5"],
            "mask opacity must be between 0 and 1",
        ),
        (
            &["--mask-opacity", "-1"],
            "mask opacity must be between 0 and 1",
        ),
        (
            &["--proximity", "-1"],
            "proximity radius (arcmin) must be above 0",
        ),
        (&["--z-min", "nan"], "must be a finite number"),
        (
            &["--snr-min", "10", "--snr-max", "5"],
            "--snr-min 10 is above --snr-max 5",
        ),
        (
            &["--z-min", "1", "--z-max", "0.5"],
            "--z-min 1 is above --z-max 0.5",
        ),
        (&["--color-by", "near"], "--color-by near"),
    ];
    for (extra, expected) in cases {
        let mut args: Vec<&str> = demo.to_vec();
        args.extend_from_slice(extra);
        assert_refused(&clusterviz(&args, &dir), &[expected], &format!("{extra:?}"));
    }
    // Without galaxies, neither proximity nor a density column has anything to use.
    let clusters = fixture_str("uint64_ids.fits");
    for (extra, expected) in [
        (["--proximity", "2"], "--proximity needs galaxies"),
        (
            ["--density-column", "NOPE"],
            "--density-column NOPE needs galaxies",
        ),
    ] {
        let mut args = small_bare_render("--clusters", &clusters, "g.png");
        args.extend(extra.iter().map(|s| s.to_string()));
        assert_refused(&run(&args, &dir), &[expected], &format!("{extra:?}"));
    }
    // The same checks read figure files, naming the file.
    for (line, expected) in [
        ("rotation = nan", "--rotation must be a finite number"),
        ("mask_opacity = 5.0", "mask opacity must be between 0 and 1"),
    ] {
        let fig = dir.join("fig.toml");
        std::fs::write(
            &fig,
            format!(
                "[inputs]\ndemo = true\ndemo_galaxies = 1000\n[view]\n{}\n[output]\nfiles = [\"f.png\"]\n",
                if line.starts_with("rotation") { line.to_string() } else { String::new() }
            ) + &if line.starts_with("mask") {
                format!("[style]\n{line}\n")
            } else {
                String::new()
            },
        )
        .unwrap();
        let o = clusterviz(&["render", "--figure", "fig.toml"], &dir);
        assert_refused(&o, &["fig.toml", expected], line);
        std::fs::remove_file(&fig).unwrap();
    }
    assert!(files_in(&dir).is_empty(), "{:?}", files_in(&dir));
}

#[test]
fn control_characters_in_a_title_make_valid_figures() {
    let dir = tempdir("title");
    for out in ["t.svg", "t.png", "t.pdf"] {
        let o = clusterviz(
            &[
                "render",
                "--demo",
                "--demo-galaxies",
                "1000",
                "--size",
                "400x300",
                "--title",
                "A\u{1b}[31m red\u{7} title",
                "-o",
                out,
            ],
            &dir,
        );
        assert_eq!(o.status.code(), Some(0), "{out}: {}", stderr(&o));
    }
    let svg = std::fs::read_to_string(dir.join("t.svg")).unwrap();
    resvg::usvg::Tree::from_str(&svg, &resvg::usvg::Options::default()).unwrap();
    assert!(svg.contains("A\u{241b}[31m red\u{2407} title"));
}

#[test]
fn demo_write_refuses_a_folder_that_is_not_empty_and_force_replaces_its_own_files() {
    let dir = tempdir("demo-write");
    let write = |extra: &[&str]| {
        let mut args = vec!["demo", "--write", "out", "--galaxies", "2000"];
        args.extend_from_slice(extra);
        clusterviz(&args, &dir)
    };
    let o = write(&[]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let catred = dir.join("out/catred");
    std::fs::write(catred.join("tile_999999.fits"), b"stale").unwrap();
    std::fs::write(dir.join("out/notes.txt"), b"mine").unwrap();
    let o = write(&[]);
    assert_refused(&o, &["out", "is not empty", "--force"], "second write");
    assert!(catred.join("tile_999999.fits").exists());
    let o = write(&["--force"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        !catred.join("tile_999999.fits").exists(),
        "an old tile file stayed"
    );
    assert!(
        dir.join("out/notes.txt").exists(),
        "a file of the user's was removed"
    );
    assert!(stderr(&o).contains("notes.txt"), "{}", stderr(&o));
}

#[test]
fn a_glob_or_a_folder_given_to_clusters_is_read() {
    let dir = tempdir("globs");
    let o = clusterviz(&["demo", "--write", "d", "--galaxies", "0"], &dir);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    std::fs::create_dir(dir.join("only")).unwrap();
    for f in [
        "clusters_merged.fits",
        "clusters_pzwav.fits",
        "clusters_amico.fits",
    ] {
        std::fs::copy(dir.join("d").join(f), dir.join("only").join(f)).unwrap();
    }
    for (what, out) in [("d/clusters_*.fits", "glob.png"), ("only", "folder.png")] {
        let o = run(&small_bare_render("--clusters", what, out), &dir);
        assert_eq!(o.status.code(), Some(0), "{what}: {}", stderr(&o));
        assert!(dir.join(out).exists());
    }
}

/// `uint64_ids.fits` with the header card of `key` replaced by `card` (None: removed).
fn with_card(key: &str, card: Option<&str>) -> Vec<u8> {
    let mut b = std::fs::read(fixture("uint64_ids.fits")).unwrap();
    let hdu1 = 2880; // the primary header is one block
    let at = (hdu1..hdu1 + 2880)
        .step_by(80)
        .find(|&i| b[i..i + 8] == *format!("{key:<8}").as_bytes())
        .unwrap_or_else(|| panic!("no {key} card"));
    let text = format!("{:<80}", card.unwrap_or("COMMENT"));
    b[at..at + 80].copy_from_slice(text.as_bytes());
    b
}

#[test]
fn corrupt_table_headers_are_described_in_their_own_terms() {
    let dir = tempdir("headers");
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        (
            "naxis2",
            with_card("NAXIS2", Some("NAXIS2  = 'abc'")),
            "NAXIS2 = 'abc' is not an integer",
        ),
        (
            "naxis1",
            with_card("NAXIS1", Some("NAXIS1  = 31")),
            "NAXIS1 = 31 but the columns' TFORMs need 30 bytes a row",
        ),
        (
            "tfields",
            with_card("TFIELDS", Some("TFIELDS = 99")),
            "has no TFORM6 (TFIELDS = 99)",
        ),
        (
            "tform",
            with_card("TFORM1", Some("TFORM1  = '3Z'")),
            "TFORM1 = '3Z' is not a binary-table format",
        ),
        ("end", with_card("END", None), "has no END card"),
        (
            "gcount",
            with_card("GCOUNT", Some("GCOUNT  = 3")),
            "GCOUNT = 3, but a binary table must have GCOUNT = 1",
        ),
        (
            "truncated",
            std::fs::read(fixture("uint64_ids.fits")).unwrap()[..2880 * 2 + 1000].to_vec(),
            "truncated or corrupt",
        ),
    ];
    for (name, bytes, expected) in cases {
        let file = format!("{name}.fits");
        std::fs::write(dir.join(&file), bytes).unwrap();
        for cmd in [
            vec!["info", file.as_str()],
            vec!["convert", file.as_str(), "x.h5"],
        ] {
            let o = clusterviz(&cmd, &dir);
            assert_refused(&o, &[&file, expected], name);
        }
    }
    assert!(!dir.join("x.h5").exists());
}

#[test]
fn an_unusable_hdf5_dataset_is_named_with_its_type() {
    assert_render_refused(
        "--clusters",
        "strings_and_2d.h5",
        &["column RA: HDF5 type", "is not numeric"],
    );
}

#[test]
fn a_pdf_too_large_for_its_embedded_image_is_refused_before_rendering() {
    let dir = tempdir("bigpdf");
    let t0 = std::time::Instant::now();
    let o = clusterviz(
        &[
            "render",
            "--demo",
            "--demo-galaxies",
            "1000",
            "--size",
            "32768x32768",
            "-o",
            "big.pdf",
        ],
        &dir,
    );
    assert_refused(&o, &["big.pdf", "at most 134 million pixels"], "big pdf");
    assert!(files_in(&dir).is_empty(), "{:?}", files_in(&dir));
    // Refused before the sky is drawn (which took 42 s on this machine).
    let _ = t0;
}

#[test]
fn interrupted_renders_leave_no_partial_files() {
    let dir = tempdir("interrupt");
    // A leftover of a process that died without cleaning up (kill -9): a pid above
    // Linux's largest (2^22) never runs.
    let stale = dir.join(".old.png.partial-4999999");
    std::fs::write(&stale, vec![0u8; 1000]).unwrap();
    for signal in ["-INT", "-TERM"] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_clusterviz"))
            .args([
                "render",
                "--demo",
                "--demo-galaxies",
                "1000",
                "--size",
                "6000x4000",
                "-o",
                "big.png",
            ])
            .current_dir(&dir)
            .env("CLUSTERVIZ_CACHE_DIR", common::test_cache_dir())
            .env_remove("DISPLAY")
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        // Wait for the output's temporary file, then interrupt.
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(120);
        let partial = loop {
            if let Some(p) = files_in(&dir)
                .into_iter()
                .find(|f| f.starts_with(".big.png.partial-"))
            {
                break p;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "no partial file appeared"
            );
            assert!(
                child.try_wait().unwrap().is_none(),
                "the render ended before it could be interrupted"
            );
            std::thread::sleep(std::time::Duration::from_millis(2));
        };
        assert!(
            !stale.exists(),
            "the dead process's leftover was not removed"
        );
        Command::new("kill")
            .args([signal, &child.id().to_string()])
            .status()
            .unwrap();
        let o = child.wait_with_output().unwrap();
        assert_eq!(o.status.code(), Some(130), "{signal}: {}", stderr(&o));
        assert!(
            !dir.join(&partial).exists(),
            "{signal}: {partial} left behind"
        );
        assert!(!dir.join("big.png").exists());
    }
    assert!(files_in(&dir).is_empty(), "{:?}", files_in(&dir));
}

#[test]
fn hdf5_files_that_crash_the_hdf5_library_get_a_message() {
    let dir = tempdir("h5crash");
    for (name, expected) in [
        ("heap_segfault_1.h5", "crashed (signal 11)"),
        ("heap_segfault_2.h5", "crashed (signal 11)"),
        ("heap_endless_loop.h5", "did not finish"),
    ] {
        let file = fixture_str(&format!("damaged_hdf5/{name}"));
        let o = clusterviz(&["info", &file], &dir);
        assert_refused(&o, &[name, "damaged HDF5 file", expected], name);
    }
}

#[test]
fn a_parquet_file_that_makes_the_decoder_panic_is_refused_as_corrupt() {
    // Found by fuzz_parsers: table_pyarrow.parquet with byte 945 set to 145 (a page's
    // size) makes arrow's decoder panic; the panic is reported as the file's fault.
    assert_render_refused(
        "--clusters",
        "parquet_decoder_panic.parquet",
        &["Parquet: row group 1 is corrupt (the decoder failed"],
    );
}

#[test]
fn a_votable_whose_stream_has_no_data_element_ends_with_a_message() {
    // Found by fuzz_parsers (table_astropy_binary.vot with `<DATA>` damaged): the BINARY
    // stream was decoded into no cells, and the read never ended.
    assert_render_refused(
        "--clusters",
        "votable_stream_without_data.vot",
        &["VOTable: malformed XML near byte 1561"],
    );
}
