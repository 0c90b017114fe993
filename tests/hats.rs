//! HATS catalogs (issue 16) as the real `hats-import` writes them: the fixtures in
//! tests/fixtures/hats/ come from make_hats_fixtures.py (hats-import 0.11, checked by
//! opening them with LSDB). Rows are read back against the rows hats-import was given
//! (input.parquet); an area reads only its partitions; a sample is an even part of the
//! rows with the skymap's counts for the density; damaged catalogs are refused by name.

mod common;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use clusterviz::data::Catalog;
use clusterviz::data::catalog_reader::read_catalog;
use clusterviz::data::hats::{DensityOnly, read_hats};
use clusterviz::data::load_options::{LoadOptions, Pushdown};
use clusterviz::render::Image;
use common::{mismatches, run_cli, separation_deg, stderr, tempdir};

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/hats")
        .join(name)
}

/// ID → (RA, Dec, Z, MAG) of a catalog's rows.
fn rows_by_id(cat: &Catalog) -> HashMap<i64, [f64; 4]> {
    let col = |n: &str| cat.column(n).unwrap_or_else(|| panic!("no column {n}"));
    let (id, ra, dec, z, mag) = (col("ID"), col("RA"), col("DEC"), col("Z"), col("MAG"));
    (0..cat.len())
        .map(|i| {
            let key = id.integer(i).unwrap() as i64;
            let v = [ra, dec, z, mag].map(|c| c.data.get_f64(i));
            (key, v)
        })
        .collect()
}

/// The rows hats-import was given.
fn input_rows() -> HashMap<i64, [f64; 4]> {
    let (cat, _) = read_catalog(&fixture("input.parquet"), "input", &LoadOptions::default())
        .expect("input.parquet");
    rows_by_id(&cat)
}

#[test]
fn every_layout_hats_import_writes_reads_back_the_rows_it_was_given() {
    let input = input_rows();
    assert_eq!(input.len(), 6000);
    for name in ["galaxies", "npix_folders", "collection"] {
        let read = read_hats(&fixture(name), "galaxies", &LoadOptions::default())
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!((read.partitions_read, read.partitions), (35, 35), "{name}");
        assert_eq!(read.stride, 1, "{name}");
        assert!(
            read.counts.is_none(),
            "{name}: every row read, no skymap needed"
        );
        assert_eq!(
            read.catalog.roles.ra, "RA",
            "{name}: the role from hats_col_ra"
        );
        let got = rows_by_id(&read.catalog);
        assert_eq!(got.len(), input.len(), "{name}");
        for (id, want) in &input {
            let have = got
                .get(id)
                .unwrap_or_else(|| panic!("{name}: row {id} missing"));
            // RA/Dec are f64 and Z/MAG f32 in both: the same bits.
            assert_eq!(have, want, "{name}: row {id}");
        }
        // The 64-bit IDs are kept exactly (they exceed f64's 53 bits of integers? no,
        // but they exceed i32): the column is an integer one.
        assert!(read.catalog.column("ID").unwrap().is_integer(), "{name}");
    }
}

#[test]
fn a_cone_reads_only_the_partitions_it_touches_and_exactly_the_rows_inside() {
    let input = input_rows();
    let cone = (150.0, 2.0, 1.5);
    let opts = LoadOptions {
        filter: Pushdown {
            cone: Some(cone),
            ..Default::default()
        },
        ..Default::default()
    };
    let read = read_hats(&fixture("galaxies"), "galaxies", &opts).unwrap();
    assert!(
        read.partitions_read > 0 && read.partitions_read < read.partitions / 2,
        "{} of {} partitions opened",
        read.partitions_read,
        read.partitions
    );
    let want: Vec<i64> = input
        .iter()
        .filter(|(_, v)| separation_deg((v[0], v[1]), (cone.0, cone.1)) <= cone.2)
        .map(|(&id, _)| id)
        .collect();
    let got = rows_by_id(&read.catalog);
    assert!(want.len() > 500, "the patch lies in the cone");
    assert_eq!(got.len(), want.len());
    assert!(want.iter().all(|id| got.contains_key(id)));
    // Fewer rows were looked at than the catalog holds: the other partitions stayed shut.
    assert!(
        read.report.rows_in_file < 6000,
        "{}",
        read.report.rows_in_file
    );
}

#[test]
fn a_sample_is_every_kth_row_of_each_partition_and_the_density_counts_all_rows() {
    let input = input_rows();
    let cone = (150.0, 2.0, 4.0);
    let opts = LoadOptions {
        filter: Pushdown {
            cone: Some(cone),
            ..Default::default()
        },
        sample_rows: Some(1000),
        ..Default::default()
    };
    let read = read_hats(&fixture("galaxies"), "galaxies", &opts).unwrap();
    let all = read_hats(
        &fixture("galaxies"),
        "galaxies",
        &LoadOptions {
            sample_rows: None,
            ..opts.clone()
        },
    )
    .unwrap();
    let in_cone = all.catalog.len();
    assert!(read.stride >= 4, "stride {}", read.stride);
    // Every sampled row is a real row in the cone, and about 1/stride of them came.
    let got = rows_by_id(&read.catalog);
    for (id, v) in &got {
        assert_eq!(input.get(id), Some(v), "row {id}");
        assert!(separation_deg((v[0], v[1]), (cone.0, cone.1)) <= cone.2);
    }
    let expected = in_cone as f64 / read.stride as f64;
    assert!(
        (got.len() as f64 - expected).abs() <= 0.1 * expected + 40.0,
        "{} rows sampled, {expected:.0} expected",
        got.len()
    );
    // The sample is spread over the patch, not one corner of it: each quadrant of the
    // cone holds about a quarter.
    for (east, north) in [(true, true), (true, false), (false, true), (false, false)] {
        let n = got
            .values()
            .filter(|v| separation_deg((v[0], v[1]), (cone.0, cone.1)) <= 3.0)
            .filter(|v| (v[0] > cone.0) == east && (v[1] > cone.1) == north)
            .count();
        let quarter = got.len() as f64 / 4.0;
        assert!(
            n as f64 > 0.6 * quarter,
            "quadrant east={east} north={north}: {n} of {}",
            got.len()
        );
    }
    // The density's counts are the skymap's (hats-import counted every row), limited
    // to the cells whose centre lies in the cone.
    let counts = read.counts.expect("a sample brings the skymap's counts");
    assert_eq!(counts.depth, 8);
    let layer = cdshealpix::nested::get(8);
    let mut want: HashMap<u64, f32> = HashMap::new();
    for v in input.values() {
        let cell = layer.hash(v[0].to_radians(), v[1].to_radians());
        let (lon, lat) = layer.center(cell);
        if separation_deg((lon.to_degrees(), lat.to_degrees()), (cone.0, cone.1)) <= cone.2 {
            *want.entry(cell).or_default() += 1.0;
        }
    }
    let have: HashMap<u64, f32> = counts
        .cells
        .iter()
        .copied()
        .zip(counts.values.iter().copied())
        .collect();
    let differ: Vec<_> = want
        .iter()
        .filter(|(c, n)| have.get(c) != Some(n))
        .map(|(c, n)| (c, n, have.get(c)))
        .collect();
    let extra: Vec<_> = have.keys().filter(|c| !want.contains_key(c)).collect();
    assert!(
        differ.is_empty() && extra.is_empty(),
        "{} cells differ (cell, want, have): {:?}; {} cells not expected: {:?}",
        differ.len(),
        &differ[..differ.len().min(5)],
        extra.len(),
        &extra[..extra.len().min(5)]
    );
}

/// A sample of hats-import's rows (sorted by `_healpix_29`) decodes every row in the area:
/// beyond `DECODED_PER_KEPT` rows a kept row, no row is read and the skymap's counts
/// alone show the area; a bigger sample of the same area reads its rows.
#[test]
fn a_sample_that_would_decode_too_many_rows_reads_none_and_keeps_the_counts() {
    let cone = (150.0, 2.0, 4.0);
    let opts = |sample| LoadOptions {
        filter: Pushdown {
            cone: Some(cone),
            ..Default::default()
        },
        sample_rows: Some(sample),
        ..Default::default()
    };
    let all = read_hats(&fixture("galaxies"), "galaxies", &opts(u64::MAX)).unwrap();
    let sampled = read_hats(&fixture("galaxies"), "galaxies", &opts(1000)).unwrap();
    let in_area = sampled.counts.as_ref().expect("skymap counts").total();
    // The skymap counts the cells whose centre lies in the cone: about its rows.
    assert!(
        (in_area - all.catalog.len() as f64).abs() < 0.1 * in_area,
        "{in_area} counted, {} rows in the cone",
        all.catalog.len()
    );
    // 1000 rows kept may decode 64 000: all 4k in the area are.
    assert_eq!(sampled.density_only, None);
    assert!(
        sampled.catalog.len() > 500,
        "{} rows",
        sampled.catalog.len()
    );
    // 20 rows kept may decode 1 280, fewer than the area's rows: none read.
    let small = read_hats(&fixture("galaxies"), "galaxies", &opts(20)).unwrap();
    assert_eq!(
        small.density_only,
        Some(DensityOnly {
            decoded: in_area.round() as u64,
            cap: 20 * 64
        })
    );
    assert_eq!(small.catalog.len(), 0);
    assert_eq!(small.partitions_read, sampled.partitions_read);
    assert_eq!(small.counts, sampled.counts);
    // The columns are still the catalog's (the viewer's panels and picking read them).
    assert_eq!(small.catalog.columns.len(), sampled.catalog.columns.len());
    assert!(small.catalog.column("MAG").is_some());
}

/// The same from the command line: the figure of that area shows the density of all
/// its rows, says why no marker is drawn, and frames the area by its counts.
#[test]
fn render_of_a_hats_import_catalog_too_big_to_sample_shows_the_density_alone() {
    let dir = tempdir("hats-density-only");
    let render = |extra: &[&str], out: &str| {
        let view = [
            "--cone",
            "150,2,4",
            "--max-markers",
            "5",
            "--size",
            "600x500",
            "--bare",
            "-o",
            out,
        ];
        render_galaxies(&dir, &[&view[..], extra].concat())
    };
    // 5 markers: a sample of 20 rows, which may decode 1 280 of the area's 4 004.
    let log = render(&[], "density.png");
    assert!(
        log.contains("the density only: an even sample would decode all 4004 rows"),
        "{log}"
    );
    assert!(log.contains("0 of 0 rows"), "{log}");
    // Framed on the 8° patch the counts cover (not the whole sky's default): the
    // centre is lit, a corner is the page.
    let lit = lit_across_centre(&png(&dir.join("density.png")), (2, 2));
    assert!(
        lit >= 18,
        "density under the centre: {lit} of 20 pixels lit"
    );
    // A redshift range cannot use the skymap (it counts every redshift): the sample is
    // decoded however many rows that takes, and the report says so.
    let log = render(&["--z-max", "0.5"], "z.png");
    assert!(!log.contains("the density only"), "{log}");
    assert!(
        log.contains("cannot use the skymap's counts, so all 4004 rows in the area are decoded"),
        "{log}"
    );
    assert!(log.contains("(the density is the sample's)"), "{log}");
    std::fs::remove_dir_all(&dir).ok();
}

/// A skymap's density zoomed in until its cells span many pixels (here ~40) shows as a
/// smooth density, not a mosaic of HEALPix diamonds: across the patch, neighbouring
/// pixels differ little (cell edges jumped by up to 214 levels before), while the patch
/// still stands out from the sky around it.
#[test]
fn a_density_whose_cells_span_many_pixels_is_drawn_smooth() {
    let dir = tempdir("hats-smooth-density");
    let view = [
        "--projection",
        "tan",
        "--center",
        "150,2",
        "--fov",
        "30",
        "--max-markers",
        "5",
        "--size",
        "600x500",
        "--bare",
        "-o",
        "smooth.png",
    ];
    let log = render_galaxies(&dir, &view);
    assert!(log.contains("the density only"), "{log}");
    let img = png(&dir.join("smooth.png"));
    let rgb = |x: u32, y: u32| -> [i32; 3] {
        let p = img.pixel(x, y);
        [p[0] as i32, p[1] as i32, p[2] as i32]
    };
    let (cx, cy) = (img.width / 2, img.height / 2);
    for y in [cy - 20, cy, cy + 20] {
        let jump = (cx - 100..cx + 100)
            .map(|x| {
                let (a, b) = (rgb(x, y), rgb(x + 1, y));
                (0..3).map(|c| (a[c] - b[c]).abs()).max().unwrap()
            })
            .max()
            .unwrap();
        assert!(jump <= 40, "row {y}: neighbours differ by {jump} levels");
    }
    // The 8° patch (~160 px wide) against the sky 150 px from its centre.
    let (centre, outside) = (rgb(cx, cy), rgb(cx + 150, cy));
    let diff = (0..3)
        .map(|c| (centre[c] - outside[c]).abs())
        .max()
        .unwrap();
    assert!(diff > 100, "{centre:?} at the patch, {outside:?} beside it");
    std::fs::remove_dir_all(&dir).ok();
}

/// `clusterviz render --galaxies <the galaxies fixture> ARGS` in `dir`, which must
/// succeed: its messages.
fn render_galaxies(dir: &Path, args: &[&str]) -> String {
    let catalog = fixture("galaxies");
    let mut all = vec!["render", "--galaxies", catalog.to_str().unwrap()];
    all.extend_from_slice(args);
    let o = run_cli(&all, dir);
    assert!(o.status.success(), "{}", stderr(&o));
    stderr(&o)
}

/// Of 20 pixels along the centre row (120 px wide), those whose colour is not the page's
/// at `corner`.
fn lit_across_centre(img: &Image, corner: (u32, u32)) -> usize {
    let rgb = |x: u32, y: u32| img.pixel(x, y)[..3].to_vec();
    let page = rgb(corner.0, corner.1);
    let (cx, cy) = (img.width / 2, img.height / 2);
    (0..20).filter(|k| rgb(cx - 60 + 6 * k, cy) != page).count()
}

fn png(path: &Path) -> Image {
    Image::load_png(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn render_draws_a_hats_catalog_as_the_same_rows_in_one_parquet_file() {
    let dir = tempdir("hats-render");
    let hats = fixture("galaxies");
    let flat = fixture("input.parquet");
    let render = |input: &Path, out: &str| {
        let o = run_cli(
            &[
                "render",
                "--galaxies",
                input.to_str().unwrap(),
                "--cone",
                "150,2,4",
                "--size",
                "600x500",
                "-o",
                out,
            ],
            &dir,
        );
        assert!(o.status.success(), "{}", stderr(&o));
        stderr(&o)
    };
    let log = render(&hats, "hats.png");
    assert!(log.contains("galaxies (HATS, 16 of 35 partitions"), "{log}");
    render(&flat, "flat.png");
    let (a, b) = (png(&dir.join("hats.png")), png(&dir.join("flat.png")));
    // The same rows in another order: the same markers, only where two overlap does the
    // rim of the one drawn last lie over the other (a few levels; a marker missing or
    // moved would differ by over a hundred).
    let (bad, worst) = mismatches(&a, &b, 2);
    assert!(
        worst <= 16 && bad < 600,
        "{bad} pixels differ (worst {worst})"
    );
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn render_of_a_sampled_hats_catalog_shows_all_rows_density_under_the_markers() {
    let dir = tempdir("hats-sample-render");
    let o = run_cli(
        &[
            "render",
            "--galaxies",
            fixture("collection").to_str().unwrap(),
            "--cone",
            "150,2,4",
            "--max-markers",
            "300",
            "--size",
            "600x500",
            "--no-grid",
            "--bare",
            "-o",
            "sample.png",
        ],
        &dir,
    );
    let log = stderr(&o);
    assert!(o.status.success(), "{log}");
    assert!(log.contains("1 row in 4 (the density counts all)"), "{log}");
    // The patch (a 3° disc at the centre) is covered by the density layer; a corner of
    // the 8° field, outside the cone, is the page.
    let lit = lit_across_centre(&png(&dir.join("sample.png")), (5, 5));
    assert!(
        lit >= 18,
        "density under the centre: {lit} of 20 pixels lit"
    );
    std::fs::remove_dir_all(&dir).ok();
}

/// `--memory-budget` bounds the galaxies a figure reads from a HATS catalog: the default
/// reads all 6000 rows, a budget of nothing the 1000 read at least (an even sample; the
/// density, from the skymap, counts all of them).
#[test]
fn render_reads_no_more_galaxies_than_its_memory_budget_pays_for() {
    let dir = tempdir("hats-render-budget");
    let render = |extra: &[&str], out: &str| {
        let view = ["--size", "600x300", "--no-grid", "--bare", "-o", out];
        render_galaxies(&dir, &[&view[..], extra].concat())
    };
    let all = render(&[], "all.png");
    assert!(all.contains(": 6000 of 6000 rows"), "{all}");
    let paid = render(&["--memory-budget", "0"], "paid.png");
    assert!(
        paid.contains("1 row in 6 (the density counts all)"),
        "{paid}"
    );
    let rows: u64 = number_after(&paid, "): ");
    assert!((950..=1050).contains(&rows), "{rows} rows read: {paid}");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn a_figure_with_a_centre_and_field_reads_only_the_partitions_in_its_view() {
    let dir = tempdir("hats-view");
    let catalog = fixture("galaxies");
    let render = |extra: &[&str]| {
        let mut args = vec![
            "render",
            "--galaxies",
            catalog.to_str().unwrap(),
            "--size",
            "400x300",
            "-o",
            "v.png",
        ];
        args.extend_from_slice(extra);
        let o = run_cli(&args, &dir);
        assert!(o.status.success(), "{}", stderr(&o));
        stderr(&o)
    };
    // In Galactic coordinates, the centre (l, b) = (236.83, 42.06) is (150, 2) in ICRS.
    let zoomed = render(&[
        "--frame",
        "galactic",
        "--center",
        "236.83,42.06",
        "--fov",
        "1",
        "--projection",
        "tan",
    ]);
    let read = |log: &str| -> usize { number_after(log, "galaxies (HATS, ") };
    assert!(read(&zoomed) <= 4, "{zoomed}");
    let all_sky = render(&["--projection", "ait"]);
    assert_eq!(read(&all_sky), 35, "{all_sky}");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn info_describes_a_catalog_and_a_collection_without_reading_rows() {
    let dir = tempdir("hats-info");
    for (name, primary) in [("galaxies", "galaxies"), ("collection", "survey")] {
        let o = run_cli(&["info", fixture(name).to_str().unwrap()], &dir);
        let out = String::from_utf8_lossy(&o.stdout);
        assert!(o.status.success(), "{}", stderr(&o));
        assert!(
            out.contains(&format!("HATS catalog {primary} (object v1.0"))
                && out.contains("6000 rows in 35 partitions (orders 0–5)")
                && out.contains("roles: ra RA, dec DEC; skymap order 8")
                && out.contains(
                    "ID (Int64), RA (Float64), DEC (Float64), Z (Float32), MAG (Float32)"
                ),
            "{out}"
        );
        // The collection's margin cache and how far it reaches.
        let margin = "survey_10arcmin (600\" past each partition";
        assert_eq!(out.contains(margin), name == "collection", "{out}");
    }
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn convert_writes_a_hats_catalog_to_one_fits_file_with_every_row() {
    let dir = tempdir("hats-convert");
    let o = run_cli(
        &[
            "convert",
            fixture("npix_folders").to_str().unwrap(),
            "all.fits",
        ],
        &dir,
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let (cat, _) = read_catalog(&dir.join("all.fits"), "all", &LoadOptions::default()).unwrap();
    assert_eq!(rows_by_id(&cat), input_rows());
    std::fs::remove_dir_all(&dir).ok();
}

/// `convert --cone` cuts the cone out of a HATS catalog: exactly the source rows inside.
#[test]
fn convert_with_a_cone_writes_exactly_the_rows_inside() {
    let dir = tempdir("hats-convert-cone");
    let cone = (150.0, 2.0, 2.0);
    let galaxies = fixture("galaxies");
    let convert = || {
        let args = [galaxies.to_str().unwrap(), "cone.fits", "--cone", "150,2,2"];
        let o = run_cli(&[&["convert", "--force"][..], &args].concat(), &dir);
        assert!(o.status.success(), "{}", stderr(&o));
        stderr(&o)
    };
    convert();
    let (cat, _) = read_catalog(&dir.join("cone.fits"), "cone", &LoadOptions::default()).unwrap();
    let want: HashMap<i64, [f64; 4]> = input_rows()
        .into_iter()
        .filter(|(_, v)| separation_deg((v[0], v[1]), (cone.0, cone.1)) <= cone.2)
        .collect();
    assert!(
        want.len() > 1000 && want.len() < 6000,
        "{} rows",
        want.len()
    );
    assert_eq!(rows_by_id(&cat), want);
    // The same rows in every process: a cone's cells once came out different, now and
    // then, when a process's first coverages raced cdshealpix's lazily written constants
    // on several threads (a galaxy near the edge was lost in about one process in 300;
    // see src/sky/coverage.rs). A hundred processes would have caught that about a third
    // of the time.
    for run in 0..100 {
        let log = convert();
        let rows: usize = number_after(&log, "cone.fits: ");
        assert_eq!(rows, want.len(), "run {run}: {log}");
    }
    std::fs::remove_dir_all(&dir).ok();
}

/// `info --cone` describes the cone: of a catalog file, the rows inside (counted as a
/// brute force counts them); of a HATS catalog, without reading a row, the partitions
/// a read of the cone opens and the skymap's count there.
#[test]
fn info_with_a_cone_describes_the_rows_inside() {
    let dir = tempdir("hats-info-cone");
    let cone = (150.0, 2.0, 2.0);
    let inside = input_rows()
        .values()
        .filter(|v| separation_deg((v[0], v[1]), (cone.0, cone.1)) <= cone.2)
        .count();
    let info = |catalog: &str| {
        let path = fixture(catalog);
        let o = run_cli(&["info", path.to_str().unwrap(), "--cone", "150,2,2"], &dir);
        assert!(o.status.success(), "{}", stderr(&o));
        String::from_utf8_lossy(&o.stdout).into_owned()
    };
    let flat = info("input.parquet");
    assert!(
        flat.contains(&format!("6000 rows, {inside} in --cone 150,2,2")),
        "{flat}"
    );
    let hats = info("galaxies");
    let read = read_hats(
        &fixture("galaxies"),
        "galaxies",
        &LoadOptions {
            filter: Pushdown {
                cone: Some(cone),
                ..Default::default()
            },
            ..Default::default()
        },
    )
    .unwrap();
    assert!(
        hats.contains(&format!(
            "in --cone 150,2,2: {} of 35 partitions; about ",
            read.partitions_read
        )),
        "{hats}"
    );
    // Skymap cells of order 8 (14') centred in the cone: within 3% of the rows inside.
    let about: f64 = number_after(&hats, "about ");
    let exact = inside as f64;
    assert!(
        (about - exact).abs() <= 0.03 * exact,
        "{about} for {exact}: {hats}"
    );
    std::fs::remove_dir_all(&dir).ok();
}

/// A copy of the galaxies catalog to damage.
fn copy_catalog(dir: &Path) -> PathBuf {
    copy_fixture("galaxies", dir)
}

/// A copy of the fixture `name` in `dir`.
fn copy_fixture(name: &str, dir: &Path) -> PathBuf {
    let to = dir.join("cat");
    let _ = std::fs::remove_dir_all(&to);
    common::copy_dir(&fixture(name), &to);
    to
}

#[test]
fn damaged_catalogs_are_refused_with_the_file_and_the_problem() {
    let dir = tempdir("hats-damaged");
    type Damage = fn(&Path);
    let cases: Vec<(&str, Damage, Vec<&str>)> = vec![
        (
            "a partition missing",
            |c| std::fs::remove_file(c.join("dataset/Norder=1/Dir=0/Npix=25.parquet")).unwrap(),
            vec![
                "Npix=25.parquet",
                "is missing: partition_info.csv lists partition Norder=1 Npix=25",
            ],
        ),
        (
            "a partition not listed",
            |c| {
                std::fs::copy(
                    c.join("dataset/Norder=1/Dir=0/Npix=25.parquet"),
                    c.join("dataset/Norder=1/Dir=0/Npix=26.parquet"),
                )
                .unwrap();
            },
            vec!["Npix=26.parquet", "is not listed in partition_info.csv"],
        ),
        (
            "a truncated partition",
            |c| {
                let p = c.join("dataset/Norder=1/Dir=0/Npix=25.parquet");
                let bytes = std::fs::read(&p).unwrap();
                std::fs::write(&p, &bytes[..bytes.len() / 2]).unwrap();
            },
            vec!["Npix=25.parquet", "Parquet"],
        ),
        (
            "rows in the wrong partition",
            |c| {
                // Partition 25's file in partition 24's place (and the other way).
                let d = c.join("dataset/Norder=1/Dir=0");
                std::fs::rename(d.join("Npix=25.parquet"), d.join("tmp")).unwrap();
                std::fs::rename(d.join("Npix=24.parquet"), d.join("Npix=25.parquet")).unwrap();
                std::fs::rename(d.join("tmp"), d.join("Npix=24.parquet")).unwrap();
            },
            vec!["Npix=2", "outside its partition Norder=1 Npix=2"],
        ),
        (
            "a partition with other columns",
            |c| {
                std::fs::copy(
                    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                        .join("tests/fixtures/table_pyarrow.parquet"),
                    c.join("dataset/Norder=1/Dir=0/Npix=25.parquet"),
                )
                .unwrap();
            },
            vec!["Npix=25.parquet", "columns"],
        ),
        (
            "no properties",
            |c| {
                std::fs::remove_file(c.join("hats.properties")).unwrap();
                std::fs::remove_file(c.join("properties")).unwrap();
            },
            vec!["is not a HATS catalog: it holds no hats.properties"],
        ),
        (
            "a bad partition list",
            |c| {
                std::fs::write(c.join("partition_info.csv"), "Norder,Npix\n0,0\n1,x\n").unwrap();
            },
            vec!["partition_info.csv", "line 3", "'1,x' is not a partition"],
        ),
        (
            "a margin cache instead of a catalog",
            |c| {
                let p = c.join("hats.properties");
                let text = std::fs::read_to_string(&p).unwrap();
                std::fs::write(
                    &p,
                    text.replace("dataproduct_type=object", "dataproduct_type=margin"),
                )
                .unwrap();
            },
            vec!["hats.properties", "is a HATS margin catalog"],
        ),
    ];
    for (what, damage, words) in cases {
        let cat = copy_catalog(&dir);
        damage(&cat);
        let o = run_cli(
            &["render", "--galaxies", cat.to_str().unwrap(), "-o", "x.png"],
            &dir,
        );
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{what}: {err}");
        for w in words {
            assert!(err.contains(w), "{what}: '{w}' not in: {err}");
        }
        assert!(!err.contains("panicked"), "{what}: {err}");
        assert!(
            !dir.join("x.png").exists(),
            "{what}: no figure from a damaged catalog"
        );
    }
    std::fs::remove_dir_all(&dir).ok();
}

/// The headless viewers' window size.
const VIEWER_SIZE: (u32, u32) = (900, 600);

/// A headless viewer on `view` over the galaxies fixture, framed on load as `frame_on_load`
/// says (when given), drawing at most `max_markers` markers.
fn hats_viewer(
    view: clusterviz::view::View,
    frame_on_load: Option<clusterviz::scene::ViewSpec>,
    max_markers: usize,
) -> clusterviz::app::headless::HeadlessViewer {
    use clusterviz::app::loader::SceneOptions;
    let ctx = std::sync::Arc::new(common::gpu());
    let mut v =
        clusterviz::app::headless::HeadlessViewer::new(ctx, VIEWER_SIZE, view, 200_000).unwrap();
    v.frame.frame_on_load = frame_on_load;
    let style = clusterviz::scene::SceneStyle {
        max_markers: Some(max_markers),
        ..Default::default()
    };
    let inputs = clusterviz::data::load::SurveyInputs {
        galaxies: vec![fixture("galaxies")],
        ..Default::default()
    };
    let options = SceneOptions::new(clusterviz::view::Theme::Dark, style);
    v.load(inputs, options).unwrap();
    v
}

/// Steps `v` until its refiner has finished reading and shows a cone (`cone_shown`) or
/// the whole catalog's sample.
fn wait_for_read(v: &mut clusterviz::app::headless::HeadlessViewer, cone_shown: bool) {
    let t0 = std::time::Instant::now();
    loop {
        v.step().unwrap();
        let hats = v.frame.hats.as_ref().expect("a HATS refiner");
        if hats.shown_cone().is_some() == cone_shown && !hats.is_reading() {
            return;
        }
        assert!(t0.elapsed().as_secs() < 30, "no read of the view");
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}

#[test]
fn the_viewer_rereads_the_galaxies_where_it_settles_and_returns_to_the_sample() {
    use clusterviz::app::headless::HeadlessViewer;
    use clusterviz::app::scene_data::ObjectRef;
    use clusterviz::scene::ViewSpec;
    use clusterviz::scene::layers::LayerKind;
    use clusterviz::sky::{Frame, Projection};
    use clusterviz::view::View;
    use std::time::{Duration, Instant};

    let sky = View::new(Projection::Ait, Frame::Icrs, (0.0, 0.0), 360.0, VIEWER_SIZE);
    // A budget of 500 markers: 2000 of the 6000 rows are read, as an even sample.
    let mut v = hats_viewer(sky, Some(ViewSpec::default()), 500);
    let galaxies = |v: &HeadlessViewer| {
        let s = &v.frame.data.as_ref().unwrap().survey;
        (
            rows_by_id(s.galaxies.as_ref().unwrap()),
            s.galaxy_counts.is_some(),
        )
    };
    let (first, sampled) = galaxies(&v);
    assert!(sampled && first.len() < 2500, "{} rows read", first.len());
    // The layer panel counts the catalog's 6000 galaxies (all in view), not the sample's.
    v.step().unwrap();
    let (drawn, in_view, total) = v.frame.counts_for(LayerKind::Galaxies).unwrap();
    assert_eq!((in_view, total), (6000, 6000), "{drawn} drawn");
    // The ID of the galaxy selected, as the rows shown now number it.
    let selected_id = |v: &HeadlessViewer| {
        let o = v.frame.state.selection?;
        let cat = v.frame.data.as_ref()?.catalog(o.layer)?;
        cat.column("ID")?.integer(o.row as usize).map(|i| i as i64)
    };
    // A galaxy of the sample in the patch zoomed onto below is selected.
    let sample = v.frame.data.as_ref().unwrap().catalog(LayerKind::Galaxies);
    let sample = sample.unwrap();
    let row = (0..sample.len())
        .find(|&r| separation_deg((sample.ra(r), sample.dec(r)), (150.0, 2.0)) < 0.3)
        .expect("a sampled galaxy in the patch");
    v.frame.state.selection = Some(ObjectRef {
        layer: LayerKind::Galaxies,
        row: row as u32,
    });
    let chosen = selected_id(&v).unwrap();
    // Steps until the galaxies change (the read runs on a worker thread).
    let settle = |v: &mut HeadlessViewer, before: usize| {
        let t0 = Instant::now();
        while galaxies(v).0.len() == before && t0.elapsed() < Duration::from_secs(30) {
            v.step().unwrap();
            std::thread::sleep(Duration::from_millis(50));
        }
    };
    // Zoomed onto the patch: every row in view is read.
    let canvas = v.frame.state.view.canvas;
    v.frame.state.touched = true;
    v.frame.state.view = View::new(Projection::Tan, Frame::Icrs, (150.0, 2.0), 1.0, canvas);
    // The frame that starts the read (once the view is still) says so; the sky view
    // shows it until the rows come.
    let t0 = Instant::now();
    while v.frame.loading().is_none() && t0.elapsed() < Duration::from_secs(30) {
        std::thread::sleep(Duration::from_millis(20));
        v.step().unwrap();
    }
    let (what, _) = v.frame.loading().expect("the read under way is shown");
    assert!(what.starts_with("reading the galaxies in view"), "{what}");
    settle(&mut v, first.len());
    let (zoomed, sampled) = galaxies(&v);
    assert!(!sampled, "all rows of the area read, no sample");
    assert!(v.frame.loading().is_none(), "{:?}", v.frame.loading());
    let input = input_rows();
    let in_view: Vec<i64> = input
        .iter()
        .filter(|(_, r)| separation_deg((r[0], r[1]), (150.0, 2.0)) < 0.5)
        .map(|(&id, _)| id)
        .collect();
    assert!(in_view.len() > 50, "{}", in_view.len());
    for id in &in_view {
        assert_eq!(zoomed.get(id), input.get(id), "row {id} in view");
    }
    assert!(zoomed.len() < first.len(), "only the area around the view");
    // The rows were numbered anew: the selection still names the same galaxy.
    assert_eq!(selected_id(&v), Some(chosen));
    // Back to the whole sky: the whole catalog's sample again, the partitions of the
    // zoomed read (every row of them, kept in memory) giving their share of it.
    let cache = |v: &HeadlessViewer| v.frame.hats.as_ref().unwrap().cache_stats();
    let after_zoom = cache(&v);
    assert_eq!(after_zoom.hits, 0, "{after_zoom:?}");
    v.frame.state.view = sky;
    settle(&mut v, zoomed.len());
    let (back, sampled) = galaxies(&v);
    assert!(sampled);
    assert_eq!(back, first);
    assert_eq!(selected_id(&v), Some(chosen), "the sample holds it again");
    let after_back = cache(&v);
    assert!(after_back.hits > 0, "{after_back:?}");
    // Zoomed in again: every partition comes from memory, the same rows.
    v.frame.state.view = View::new(Projection::Tan, Frame::Icrs, (150.0, 2.0), 1.0, canvas);
    settle(&mut v, back.len());
    // The rows a read of the same cone from the files gives (the cone follows the sky
    // panel's size, which the first frames may change).
    let cone = v.frame.hats.as_ref().unwrap().shown_cone();
    assert!(cone.is_some());
    let opts = LoadOptions {
        filter: Pushdown {
            cone,
            ..Default::default()
        },
        sample_rows: Some(2000),
        ..Default::default()
    };
    let from_files = read_hats(&fixture("galaxies"), "galaxies", &opts).unwrap();
    assert_eq!(from_files.stride, 1);
    assert_eq!(galaxies(&v).0, rows_by_id(&from_files.catalog));
    let again = cache(&v);
    assert_eq!(again.misses, after_back.misses, "{again:?}");
    assert!(
        again.hits >= after_back.hits + after_zoom.misses,
        "{again:?}"
    );
}

/// The viewer opened on a view given on the command line (a 1° TAN field on the patch)
/// reads that view's area first, every row of it, and the whole catalog's sample only
/// once zoomed out to the sky.
#[test]
fn the_viewer_opened_on_a_narrow_view_reads_its_area_before_the_whole_catalog() {
    use clusterviz::sky::{Frame, Projection};
    use clusterviz::view::View;
    use std::time::{Duration, Instant};

    // No framing on load: the view is the one given. A budget of 500 markers: the whole
    // sky would be read as a sample of 2000 rows.
    let field = View::new(Projection::Tan, Frame::Icrs, (150.0, 2.0), 1.0, VIEWER_SIZE);
    let mut v = hats_viewer(field, None, 500);
    let cone = v.frame.hats.as_ref().unwrap().shown_cone();
    let (ra, dec, radius) = cone.expect("the view's area read first");
    assert!(separation_deg((ra, dec), (150.0, 2.0)) < 1e-9, "{cone:?}");
    // Twice the field's half diagonal (0.6°), for panning.
    assert!(radius > 1.0 && radius < 1.5, "{cone:?}");
    // Every row of it, the rows the files hold there, no sample.
    let survey = &v.frame.data.as_ref().unwrap().survey;
    assert!(survey.galaxy_source.is_none() && survey.galaxy_counts.is_none());
    let shown = rows_by_id(survey.galaxies.as_ref().unwrap());
    let opts = LoadOptions {
        filter: Pushdown {
            cone,
            ..Default::default()
        },
        ..Default::default()
    };
    let from_files = read_hats(&fixture("galaxies"), "galaxies", &opts).unwrap();
    assert_eq!(shown, rows_by_id(&from_files.catalog));
    let input = input_rows();
    let inside: Vec<i64> = input
        .iter()
        .filter(|(_, r)| separation_deg((r[0], r[1]), (ra, dec)) < radius)
        .map(|(&id, _)| id)
        .collect();
    assert!(inside.len() > 100, "{} rows in the cone", inside.len());
    for id in &inside {
        assert_eq!(shown.get(id), input.get(id), "row {id}");
    }
    assert!(shown.len() < inside.len() + 20, "{} rows read", shown.len());
    // Still on that view, nothing is read again.
    let t0 = Instant::now();
    while t0.elapsed() < Duration::from_millis(1500) {
        v.step().unwrap();
        assert!(!v.frame.hats.as_ref().unwrap().is_reading());
        std::thread::sleep(Duration::from_millis(50));
    }
    // Zoomed out to the whole sky: the whole catalog's sample, the density of all rows.
    v.frame.state.touched = true;
    v.frame.state.view = View::new(Projection::Ait, Frame::Icrs, (0.0, 0.0), 360.0, VIEWER_SIZE);
    wait_for_read(&mut v, false);
    let survey = &v.frame.data.as_ref().unwrap().survey;
    let sample = survey.galaxies.as_ref().unwrap().len();
    assert!(sample > 1000 && sample < 2500, "{sample} rows");
    let counted = survey.galaxy_counts.as_ref().expect("the skymap's counts");
    assert_eq!(counted.total().round() as usize, input.len());
}

#[test]
fn proximity_on_a_sampled_catalog_looks_at_every_galaxy_near_the_clusters() {
    use clusterviz::data::survey::{GalaxySource, Survey};
    use clusterviz::scene::layers::NEAR_GALAXIES;
    use clusterviz::scene::mark_proximity;
    // 300 "clusters" spread evenly over the sphere (a Fibonacci lattice).
    let n = 300;
    let (ra, dec): (Vec<f64>, Vec<f64>) = (0..n)
        .map(|i| {
            let z = 1.0 - (2 * i + 1) as f64 / n as f64;
            let lon = (i as f64 * 137.507_764_05).rem_euclid(360.0);
            (lon, z.asin().to_degrees())
        })
        .unzip();
    let clusters = Catalog::of_positions("merged", ra.clone(), dec.clone());
    // A sample of 1 galaxy in 6, as a 250-marker figure reads.
    let opts = LoadOptions {
        sample_rows: Some(1000),
        ..Default::default()
    };
    let sample = read_hats(&fixture("galaxies"), "galaxies", &opts).unwrap();
    assert!(sample.stride > 1);
    let marks = |source: Option<GalaxySource>| -> Vec<bool> {
        let mut survey = Survey {
            merged: Some(clusters.clone()),
            galaxies: Some(sample.catalog.clone()),
            galaxy_counts: sample.counts.clone(),
            galaxy_source: source,
            ..Default::default()
        };
        mark_proximity(&mut survey, 60.0).unwrap();
        let m = survey.merged.unwrap();
        let col = m.column(NEAR_GALAXIES).unwrap();
        (0..m.len()).map(|i| col.integer(i) == Some(1)).collect()
    };
    let exact = marks(Some(GalaxySource::new(&fixture("galaxies"), &opts, 2)));
    // Against every row hats-import was given.
    let rows = input_rows();
    let expected: Vec<bool> = (0..n)
        .map(|i| {
            rows.values()
                .any(|r| separation_deg((r[0], r[1]), (ra[i], dec[i])) <= 60.0 / 60.0)
        })
        .collect();
    let near = expected.iter().filter(|&&b| b).count();
    assert!(
        near > 30 && near < n - 30,
        "{near} of {n} clusters near a galaxy"
    );
    let wrong: Vec<usize> = (0..n).filter(|&i| exact[i] != expected[i]).collect();
    assert!(wrong.is_empty(), "marked wrongly: {wrong:?}");
    // The sample alone misses neighbours.
    let from_sample = marks(None);
    assert!(from_sample.iter().filter(|&&b| b).count() < near);
}

/// Places on a grid over the dense patch (partitions of order 2 to 5, many edges) and a
/// lattice over the whole sky (some in pixels no partition holds).
fn proximity_places() -> Vec<(f64, f64)> {
    let grid = (0..40)
        .flat_map(|i| (0..40).map(move |j| (147.0 + 0.15 * i as f64, -1.0 + 0.15 * j as f64)));
    let n = 300;
    let lattice = (0..n).map(move |i| {
        let z = 1.0 - (2 * i + 1) as f64 / n as f64;
        (
            (i as f64 * 137.507_764_05).rem_euclid(360.0),
            z.asin().to_degrees(),
        )
    });
    grid.chain(lattice).collect()
}

/// What a visit of the rows near places found.
struct Visited {
    /// For each place, the IDs of the rows visited within the radius.
    near: Vec<std::collections::BTreeSet<i64>>,
    /// Rows handed over in all.
    rows: usize,
    reads: clusterviz::data::hats::NearReads,
}

fn rows_visited_near(
    path: &Path,
    places: &[(f64, f64)],
    radius_deg: f64,
    margin: clusterviz::data::hats::MarginUse,
) -> Visited {
    use clusterviz::data::hats::visit_partitions_near;
    use clusterviz::sky::unit_vector;
    use std::sync::Mutex;
    let dirs: Vec<_> = places
        .iter()
        .map(|&(ra, dec)| unit_vector(ra, dec))
        .collect();
    let found = Mutex::new((vec![std::collections::BTreeSet::new(); places.len()], 0));
    let reads = visit_partitions_near(
        path,
        &LoadOptions::default(),
        &dirs,
        radius_deg,
        margin,
        |cat| {
            let rows = rows_by_id(cat);
            let mut found = found.lock().unwrap();
            found.1 += rows.len();
            for (k, &place) in places.iter().enumerate() {
                for (id, r) in &rows {
                    if separation_deg((r[0], r[1]), place) <= radius_deg {
                        found.0[k].insert(*id);
                    }
                }
            }
            Ok(())
        },
    )
    .unwrap();
    let (near, rows) = found.into_inner().unwrap();
    Visited { near, rows, reads }
}

/// Two places a few arcminutes from the edges of order-0 partitions of the sparse sky.
const EDGE_PLACES: [(f64, f64); 2] = [(45.02, 0.01), (135.02, 0.01)];

#[test]
fn rows_near_places_come_from_their_partitions_and_the_margin_cache_not_the_neighbours() {
    use clusterviz::data::hats::MarginUse::{Always, Never, WhereCheaper};
    let places = proximity_places();
    let rows = input_rows();
    let expected =
        |places: &[(f64, f64)], radius_deg: f64| -> Vec<std::collections::BTreeSet<i64>> {
            places
                .iter()
                .map(|&p| {
                    rows.iter()
                        .filter(|(_, r)| separation_deg((r[0], r[1]), p) <= radius_deg)
                        .map(|(id, _)| *id)
                        .collect()
                })
                .collect()
        };
    // The collection's margin cache reaches 600" past each partition.
    let collection = fixture("collection");
    let radius = 9.0 / 60.0;
    let want = expected(&places, radius);
    let pairs: usize = want.iter().map(|s| s.len()).sum();
    assert!(pairs > 1000, "{pairs} place-row pairs within the radius");
    let margin = rows_visited_near(&collection, &places, radius, Always);
    assert_eq!(
        margin.reads.margin_threshold_deg,
        Some(600.0 / 3600.0),
        "{:?}",
        margin.reads
    );
    assert!(margin.reads.margin_files > 0 && margin.reads.margin_unused.is_none());
    let wrong: Vec<usize> = (0..places.len())
        .filter(|&k| margin.near[k] != want[k])
        .collect();
    assert!(
        wrong.is_empty(),
        "rows near {} places differ, e.g. {:?}",
        wrong.len(),
        wrong.first().map(|&k| places[k])
    );
    // The neighbouring partitions instead (as for a catalog without margins): the same rows.
    let neighbours = rows_visited_near(&collection, &places, radius, Never);
    assert_eq!(neighbours.near, want);
    assert_eq!(neighbours.reads.margin_threshold_deg, None);
    assert_eq!(
        rows_visited_near(&fixture("collection/survey"), &places, radius, Always).near,
        want
    );
    // A few places (most partitions hold one of the many above): fewer partitions read,
    // and of those only the rows of the places' cells (hats-import sorts them by cell).
    let few: Vec<(f64, f64)> = places.iter().step_by(53).copied().collect();
    let (margin, neighbours) = (
        rows_visited_near(&collection, &few, radius, Always),
        rows_visited_near(&collection, &few, radius, Never),
    );
    assert_eq!(margin.near, expected(&few, radius));
    assert_eq!(neighbours.near, margin.near);
    assert!(
        margin.reads.partitions_read < neighbours.reads.partitions_read,
        "{:?} {:?}",
        margin.reads,
        neighbours.reads
    );
    let near: usize = margin.near.iter().map(|s| s.len()).sum();
    assert!(
        neighbours.rows < 4 * near.max(10) && neighbours.rows < 6000 / 4,
        "{} rows read for {near} near",
        neighbours.rows
    );
    // Left to choose, the way with fewer bytes of files: here the neighbours; near the
    // edges of big partitions, the margin cache.
    for (places, margin_wins) in [(&few[..], false), (&EDGE_PLACES[..], true)] {
        let (always, never) = (
            rows_visited_near(&collection, places, radius, Always).reads,
            rows_visited_near(&collection, places, radius, Never).reads,
        );
        let chosen = rows_visited_near(&collection, places, radius, WhereCheaper);
        assert_eq!(chosen.near, expected(places, radius));
        assert_eq!(
            always.bytes_read < never.bytes_read,
            margin_wins,
            "{always:?} {never:?}"
        );
        let (cheap, dear) = if margin_wins {
            (&always, &never)
        } else {
            (&never, &always)
        };
        assert_eq!(chosen.reads.bytes_read, cheap.bytes_read);
        assert_eq!(chosen.reads.other_way_bytes, Some(dear.bytes_read));
        assert_eq!(chosen.reads.margin_threshold_deg.is_some(), margin_wins);
    }
    // Wider than the margin: the neighbours are read, and the rows are still all there.
    let wide = 12.0 / 60.0;
    let beyond = rows_visited_near(&collection, &places, wide, Always);
    assert_eq!(beyond.reads.margin_threshold_deg, None);
    let unused = beyond.reads.margin_unused.as_deref().unwrap_or("");
    assert!(unused.contains("less than the radius"), "{unused}");
    assert_eq!(beyond.near, expected(&places, wide));
}

/// `render` of clusters at `places` (written to `dir`/clusters.csv) coloured by whether
/// galaxies of `galaxies` lie within 9′, as a sampled catalog; its standard error.
fn render_clusters_near(
    dir: &Path,
    places: &[(f64, f64)],
    galaxies: &Path,
    size: &str,
    out: &str,
) -> String {
    let csv: String = std::iter::once("RA,DEC\n".to_string())
        .chain(places.iter().map(|(ra, dec)| format!("{ra},{dec}\n")))
        .collect();
    std::fs::write(dir.join("clusters.csv"), csv).unwrap();
    let galaxies = galaxies.to_str().unwrap();
    let args = [
        "render",
        "--clusters",
        "clusters.csv",
        "--galaxies",
        galaxies,
        "--proximity",
        "9",
        "--color-by",
        "near",
        "--max-markers",
        "250",
        "--size",
        size,
        "-o",
        out,
    ];
    let o = run_cli(&args, dir);
    assert!(o.status.success(), "{}", stderr(&o));
    stderr(&o)
}

#[test]
fn render_proximity_uses_a_collections_margin_cache_and_reads_neighbours_when_it_cannot() {
    let dir = tempdir("hats-margin");
    let collection = copy_fixture("collection", &dir);
    let render = |out: &str| render_clusters_near(&dir, &EDGE_PLACES, &collection, "400x300", out);
    let with_margin = render("margin.png");
    assert!(
        with_margin.contains(
            "read from the 2 of 35 partitions holding them and 2 files of their 600\" margin cache"
        ),
        "{with_margin}"
    );
    // A margin cache whose threshold is not a number: a note, and the neighbours read.
    let props = collection.join("survey_10arcmin/hats.properties");
    let text = std::fs::read_to_string(&props).unwrap();
    std::fs::write(
        &props,
        text.replace("hats_margin_threshold=600.0", "hats_margin_threshold=abc"),
    )
    .unwrap();
    let without = render("neighbours.png");
    for part in [
        "note:",
        "hats_margin_threshold=abc is not a positive number of arcseconds",
        "the partitions around the clusters are read instead",
        "partitions near them",
    ] {
        assert!(without.contains(part), "{part}: {without}");
    }
    // The same clusters marked: the same figure.
    let (a, b) = (
        png(&dir.join("margin.png")),
        png(&dir.join("neighbours.png")),
    );
    assert_eq!(mismatches(&a, &b, 0).0, 0);
}

#[test]
fn a_figure_coloured_by_proximity_names_both_kinds_of_cluster_with_their_counts() {
    let dir = tempdir("hats-near-legend");
    let places: Vec<(f64, f64)> = proximity_places().into_iter().step_by(53).collect();
    render_clusters_near(&dir, &places, &fixture("collection"), "800x500", "near.svg");
    let rows = input_rows();
    let near = places
        .iter()
        .filter(|&&p| {
            rows.values()
                .any(|r| separation_deg((r[0], r[1]), p) <= 9.0 / 60.0)
        })
        .count();
    assert!(
        near > 0 && near < places.len(),
        "{near} of {}",
        places.len()
    );
    let svg = std::fs::read_to_string(dir.join("near.svg")).unwrap();
    for label in [
        format!("Merged clusters, galaxies within 9′ ({near})"),
        format!("Merged clusters, none within 9′ ({})", places.len() - near),
    ] {
        assert!(svg.contains(&label), "{label} not in the legend");
    }
    // A flag is named in the legend, not read off a scale.
    assert!(!svg.contains("yes, 0 no") && !svg.contains("Galaxies within 9′"));
}

/// The viewer on a catalog whose sample would decode too many rows: no row is read (nor
/// when it reads the view's cone), the density shows the catalog, and the layer panel
/// counts its galaxies from the skymap.
#[test]
fn the_viewer_shows_the_density_alone_where_a_sample_would_decode_too_many_rows() {
    use clusterviz::scene::ViewSpec;
    use clusterviz::scene::layers::LayerKind;
    use clusterviz::sky::{Frame, Projection};
    use clusterviz::view::View;

    let sky = View::new(Projection::Ait, Frame::Icrs, (0.0, 0.0), 360.0, VIEWER_SIZE);
    // A 60° field on the patch: the sky's corners lie far outside it. 5 markers: a
    // sample of 20 rows may decode 1 280 of the 6 000.
    let focus = ViewSpec {
        projection: Some(Projection::Tan),
        center: Some((150.0, 2.0)),
        fov: Some(60.0),
        ..ViewSpec::default()
    };
    let mut v = hats_viewer(sky, Some(focus), 5);
    // Once still, the viewer reads the field's cone again (its 4.8k rows are still too
    // many for the sample): waits for that read, so the counts below are the last ones.
    wait_for_read(&mut v, true);
    v.frame.texts_shown = Some(Vec::new());
    v.step().unwrap();
    let survey = &v.frame.data.as_ref().unwrap().survey;
    assert_eq!(survey.galaxies.as_ref().map(Catalog::len), Some(0));
    // The layer panel says why no marker is drawn (the reason on hovering it).
    let source = survey.galaxy_source.as_ref().expect("a sampled catalog");
    let why = source.density_only.expect("no row read, and why");
    assert!(why.decoded > why.cap, "{why:?}");
    let texts = v.frame.texts_shown.clone().unwrap();
    assert!(
        texts
            .iter()
            .any(|t| t == clusterviz::app::panels::DENSITY_ONLY_LABEL),
        "{texts:?}"
    );
    let counted = survey.galaxy_counts.as_ref().expect("the skymap's counts");
    let counted = counted.total().round() as usize;
    assert!(
        counted > 4000 && counted < 6000,
        "{counted} counted in the cone"
    );
    // None drawn; in view, the galaxies the skymap counts there (those of the patch and
    // a few of the all-sky ones; cells are judged whole at the field's edge).
    let view = v.frame.state.view;
    let sub = view.sub;
    let on_screen = input_rows()
        .values()
        .filter(|r| {
            view.project(clusterviz::sky::unit_vector(r[0], r[1]))
                .is_some_and(|p| {
                    p.x >= sub.x as f64
                        && p.x < (sub.x + sub.width) as f64
                        && p.y >= sub.y as f64
                        && p.y < (sub.y + sub.height) as f64
                })
        })
        .count();
    let (drawn, in_view, total) = v.frame.counts_for(LayerKind::Galaxies).unwrap();
    assert_eq!((drawn, total), (0, counted));
    assert!(
        in_view.abs_diff(on_screen) <= 20 && on_screen > 4000,
        "{in_view} counted in view, {on_screen} on screen"
    );
    // The density shows at the patch, not in the empty corner of the field.
    let shot = v.screenshot().unwrap();
    // The sky's canvas sits at `sky_origin` in the window.
    let (ox, oy) = v.frame.sky_origin;
    let at = |x: u32, y: u32| {
        let (x, y) = (x + ox.round() as u32, y + oy.round() as u32);
        let i = ((y * shot.width + x) * 4) as usize;
        [shot.rgba[i], shot.rgba[i + 1], shot.rgba[i + 2]]
    };
    let corner = at(sub.x + 5, sub.y + sub.height - 5);
    let centre = at(sub.x + sub.width / 2, sub.y + sub.height / 2);
    assert_ne!(centre, corner, "no density at the patch");
    // Zoomed onto a 1° field, whose ~500 rows a sample may decode: markers, no label.
    v.frame.state.touched = true;
    v.frame.state.view = View::new(Projection::Tan, Frame::Icrs, (150.0, 2.0), 1.0, VIEWER_SIZE);
    let t0 = std::time::Instant::now();
    while v
        .frame
        .data
        .as_ref()
        .unwrap()
        .survey
        .galaxies
        .as_ref()
        .map(Catalog::len)
        == Some(0)
    {
        assert!(t0.elapsed().as_secs() < 30, "no read of the 1° field");
        v.step().unwrap();
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    v.step().unwrap();
    let texts = v.frame.texts_shown.clone().unwrap();
    assert!(
        !texts
            .iter()
            .any(|t| t == clusterviz::app::panels::DENSITY_ONLY_LABEL),
        "{texts:?}"
    );
}

#[test]
fn the_viewer_holds_no_more_galaxies_than_its_memory_budget_pays_for() {
    use clusterviz::app::headless::HeadlessViewer;
    use clusterviz::app::loader::SceneOptions;
    use clusterviz::data::load::{ColumnChoices, SurveyInputs};
    use clusterviz::data::read_bounds::VIEWER_BYTES_PER_GALAXY;
    use clusterviz::scene::SceneStyle;
    use clusterviz::sky::{Frame, Projection};
    use clusterviz::view::{Theme, View};
    use std::sync::Arc;

    const SIZE: (u32, u32) = (600, 400);
    let ctx = Arc::new(common::gpu());
    let open = |memory_budget: Option<u64>| {
        let sky = View::new(Projection::Ait, Frame::Icrs, (0.0, 0.0), 360.0, SIZE);
        let mut v = HeadlessViewer::new(ctx.clone(), SIZE, sky, 200_000).unwrap();
        let inputs = SurveyInputs {
            galaxies: vec![fixture("galaxies")],
            columns: ColumnChoices {
                memory_budget,
                ..Default::default()
            },
            ..Default::default()
        };
        v.load(
            inputs,
            SceneOptions::new(Theme::Dark, SceneStyle::default()),
        )
        .unwrap();
        let survey = &v.frame.data.as_ref().unwrap().survey;
        (
            rows_by_id(survey.galaxies.as_ref().unwrap()),
            survey.galaxy_counts.is_some(),
        )
    };
    // The default budget (half the machine's memory) holds all 6000 rows.
    let (all, sampled) = open(None);
    assert_eq!((all.len(), sampled), (6000, false));
    // 1 MB: a third of it pays for the galaxies held (a third for an area read again,
    // a third for partitions kept), an even sample of the catalog.
    let paid = (1u64 << 20) / 3 / VIEWER_BYTES_PER_GALAXY;
    let (few, sampled) = open(Some(1));
    assert!(sampled, "the density still counts every row");
    let n = few.len() as u64;
    assert!(
        n * 4 >= paid * 3 && n * 4 <= paid * 5,
        "{n} rows held for {paid} paid"
    );
    for (id, row) in &few {
        assert_eq!(all.get(id), Some(row), "row {id} as the catalog holds it");
    }
    // Spread as the catalog is, not the first partitions' rows: the same share of
    // galaxies north of the equator.
    let north = |rows: &HashMap<i64, [f64; 4]>| {
        rows.values().filter(|r| r[1] > 0.0).count() as f64 / rows.len() as f64
    };
    let (held, whole) = (north(&few), north(&all));
    assert!(
        (held - whole).abs() < 0.05,
        "{held} of the sample north, {whole} of all"
    );
}

/// The number that follows the first `marker` in `text` (up to the next space).
fn number_after<T: std::str::FromStr>(text: &str, marker: &str) -> T {
    text.split_once(marker)
        .and_then(|(_, tail)| tail.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no number after {marker:?} in {text}"))
}

/// The viewer's sample of a HATS catalog shows first as a sample of it (a quarter at the
/// default budget), over the skymap's counts of every row, while the whole sample is
/// ordered and uploaded; then the whole sample replaces it.
#[test]
fn the_viewer_shows_a_sample_of_its_hats_sample_first_over_the_same_counts() {
    use clusterviz::app::loader::{self, LoadEvent, SceneOptions};
    use clusterviz::data::Survey;
    use clusterviz::data::load::SurveyInputs;
    use clusterviz::scene::SceneStyle;
    use clusterviz::view::Theme;
    use std::sync::Arc;

    let ctx = Arc::new(common::gpu());
    let stages = |max_markers: Option<usize>| -> Vec<(Survey, bool)> {
        let inputs = SurveyInputs {
            galaxies: vec![fixture("galaxies")],
            ..Default::default()
        };
        let style = SceneStyle {
            max_markers,
            ..SceneStyle::default()
        };
        let options = SceneOptions::new(Theme::Dark, style);
        let (tx, rx) = std::sync::mpsc::channel();
        let worker = loader::spawn(
            ctx.clone(),
            inputs,
            Default::default(),
            options,
            None,
            move |e| {
                let _ = tx.send(e);
            },
        );
        let stages = rx
            .into_iter()
            .filter_map(|e| match e {
                LoadEvent::Loaded { data, complete, .. } => Some((data.survey, complete)),
                LoadEvent::Failed(m) => panic!("{m}"),
                LoadEvent::Progress { .. } => None,
            })
            .collect();
        worker.join().unwrap();
        stages
    };
    // 500 markers: the viewer reads four times that, an even sample of the 6000 rows.
    let s = stages(Some(500));
    assert_eq!(s.len(), 3, "first stage, preview, whole sample");
    assert!(s[0].0.galaxies.is_none());
    assert!(!s[1].1 && s[2].1);
    let (preview, full) = (&s[1].0, &s[2].0);
    let (sample, all) = (
        preview.galaxies.as_ref().unwrap(),
        full.galaxies.as_ref().unwrap(),
    );
    let n = all.len();
    assert!(
        (1500..=2500).contains(&n),
        "{n} rows in the viewer's sample"
    );
    let k = n.div_ceil(500);
    assert_eq!(sample.len(), n.div_ceil(k));
    for r in 0..sample.len() {
        assert_eq!(
            (sample.ra(r), sample.dec(r)),
            (all.ra(r * k), all.dec(r * k)),
            "preview row {r}"
        );
    }
    // The same counts of every row under both, and one row in the product of the strides.
    let (pc, fc) = (
        preview.galaxy_counts.as_ref().unwrap(),
        full.galaxy_counts.as_ref().unwrap(),
    );
    assert_eq!(
        (pc.depth, &pc.cells, &pc.values),
        (fc.depth, &fc.cells, &fc.values)
    );
    let total: f64 = fc.values.iter().map(|&v| f64::from(v)).sum();
    assert_eq!(total, 6000.0);
    let stride = |s: &Survey| s.galaxy_source.as_ref().unwrap().stride;
    assert_eq!(stride(preview), stride(full) * k as u64);
    // All 6000 rows held (the default budget): no sample, no preview.
    let s = stages(None);
    assert_eq!(s.len(), 2);
    assert_eq!(s[1].0.galaxies.as_ref().unwrap().len(), 6000);
}
