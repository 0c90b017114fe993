//! `clusterviz import` (issue 16, item 2): catalogs into HATS. The partitions and the
//! skymap must be those hats-import makes of the same rows with the same limits (its
//! catalog is the fixture tests/fixtures/hats/galaxies), LSDB (in the venv setup.sh
//! makes) must open the result and see every row, and a failed import leaves nothing.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use clusterviz::data::Catalog;
use clusterviz::data::catalog_reader::read_catalog;
use clusterviz::data::hats::{HatsRead, SAMPLE_FILE, read_hats};
use clusterviz::data::healpix_fits::read_healpix_map;
use clusterviz::data::inputs::{expand_paths, read_stacked};
use clusterviz::data::load_options::LoadOptions;
use clusterviz::data::tables::parquet_bytes::prefix_stretch;
use clusterviz::data::tables::parquet_file::{
    ParquetFooter, RowPick, read_parquet, read_parquet_rows,
};
use common::{run_cli, stderr, tempdir};
use parquet::arrow::ProjectionMask;

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn import(dir: &Path, args: &[&str]) -> std::process::Output {
    let mut all = vec!["import"];
    all.extend_from_slice(args);
    run_cli(&all, dir)
}

/// Imports the hats-import fixture's input into `dir/ours`, with the limits
/// make_hats_fixtures.py gave hats-import.
fn import_fixture_input(dir: &Path) {
    let o = import(
        dir,
        &[
            fixture("hats/input.parquet").to_str().unwrap(),
            "-o",
            "ours",
            "--max-rows",
            "500",
            "--highest-order",
            "8",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
}

/// Runs `script` with `args` in the tests' venv (made by scripts/setup.sh); its output.
fn venv_python(script: &str, args: &[&Path]) -> String {
    let python = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(".venv-tests/bin/python");
    assert!(
        python.exists(),
        "{} is missing: run scripts/setup.sh",
        python.display()
    );
    let out = std::process::Command::new(&python)
        .arg("-c")
        .arg(script)
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Partition (order, pixel) → the IDs in it, read from the Parquet files themselves.
fn ids_by_partition(catalog: &Path) -> BTreeMap<(u8, u64), BTreeSet<i64>> {
    let verbatim = LoadOptions {
        verbatim: true,
        ..Default::default()
    };
    let mut out = BTreeMap::new();
    for order_dir in std::fs::read_dir(catalog.join("dataset")).unwrap() {
        let order_dir = order_dir.unwrap().path();
        let Some(order) = order_dir
            .file_name()
            .and_then(|n| n.to_str()?.strip_prefix("Norder=")?.parse::<u8>().ok())
        else {
            continue;
        };
        for dir in std::fs::read_dir(&order_dir).unwrap() {
            for f in std::fs::read_dir(dir.unwrap().path()).unwrap() {
                let f = f.unwrap().path();
                let name = f.file_name().unwrap().to_string_lossy().into_owned();
                let pixel: u64 = name
                    .trim_start_matches("Npix=")
                    .trim_end_matches(".parquet")
                    .parse()
                    .unwrap();
                let (cat, _) = read_parquet(&f, "p", &verbatim).unwrap();
                let id = cat.column("ID").unwrap();
                let ids = (0..cat.len())
                    .map(|i| id.integer(i).unwrap() as i64)
                    .collect();
                out.insert((order, pixel), ids);
            }
        }
    }
    out
}

#[test]
fn import_makes_the_partitions_and_skymap_hats_import_makes_of_the_same_rows() {
    let dir = tempdir("import-like-hats-import");
    import_fixture_input(&dir);
    let ours = dir.join("ours");
    let theirs = fixture("hats/galaxies");
    let listed = |c: &Path| -> BTreeSet<String> {
        std::fs::read_to_string(c.join("partition_info.csv"))
            .unwrap()
            .lines()
            .skip(1)
            .map(str::to_string)
            .collect()
    };
    assert_eq!(listed(&ours), listed(&theirs));
    assert_eq!(listed(&ours).len(), 35);
    // Every row in the same partition.
    assert_eq!(ids_by_partition(&ours), ids_by_partition(&theirs));
    // The same skymap: rows per order-8 cell.
    let (a, b) = (
        read_healpix_map(&ours.join("skymap.fits"), None).unwrap(),
        read_healpix_map(&theirs.join("skymap.fits"), None).unwrap(),
    );
    assert_eq!(
        (a.depth, &a.cells, &a.values),
        (b.depth, &b.cells, &b.values)
    );
    // Rows in spread order: the first 16 are every ~n/16th along the HEALPix curve.
    let first = ours.join("dataset/Norder=5/Dir=0/Npix=6810.parquet");
    let (cat, _) = read_parquet(
        &first,
        "p",
        &LoadOptions {
            verbatim: true,
            ..Default::default()
        },
    )
    .unwrap();
    let cells = cat.column("_healpix_29").unwrap().integers().unwrap();
    let mut along = cells.clone();
    along.sort_unstable();
    let mut ranks: Vec<usize> = cells[..16]
        .iter()
        .map(|c| along.binary_search(c).unwrap())
        .collect();
    ranks.sort_unstable();
    let n = cells.len();
    assert!(n > 100);
    let widest = ranks.windows(2).map(|w| w[1] - w[0]).max().unwrap();
    assert!(widest <= 2 * n / 16 + 1, "{ranks:?} of {n}");
    assert!(
        ranks[0] < n / 16 + 1 && ranks[15] + n / 16 + 1 >= n,
        "{ranks:?} of {n}"
    );
    // A sample of the imported catalog is the first rows of each partition in the
    // area, spread over it like the rows themselves.
    let opts = LoadOptions {
        filter: clusterviz::data::load_options::Pushdown {
            cone: Some((150.0, 2.0, 4.0)),
            ..Default::default()
        },
        sample_rows: Some(1000),
        ..Default::default()
    };
    let read = clusterviz::data::hats::read_hats(&ours, "g", &opts).unwrap();
    assert_eq!(read.stride, 5);
    let (ra, dec) = (
        read.catalog.column("RA").unwrap(),
        read.catalog.column("DEC").unwrap(),
    );
    let mut quadrants = [0usize; 4];
    for i in 0..read.catalog.len() {
        let (x, y) = (ra.data.get_f64(i) - 150.0, dec.data.get_f64(i) - 2.0);
        if x.hypot(y) < 2.5 {
            quadrants[usize::from(x > 0.0) * 2 + usize::from(y > 0.0)] += 1;
        }
    }
    let inner: usize = quadrants.iter().sum();
    assert!(inner > 500, "{quadrants:?}");
    assert!(
        quadrants.iter().all(|&q| q as f64 > 0.2 * inner as f64),
        "{quadrants:?}"
    );
    std::fs::remove_dir_all(&dir).ok();
}

/// A figure samples the first rows of thousands of partitions: an import writes them,
/// every column of them, side by side (row groups of 256, 512, ... rows), so that one
/// short read per file brings them, and they read back as the partition's first rows.
#[test]
fn an_imported_partitions_first_rows_lie_together_and_read_back_in_order() {
    let dir = tempdir("import-first-rows");
    import_fixture_input(&dir);
    // The partition with the most rows.
    let footer = std::fs::read_to_string(dir.join("ours/partition_info.csv"))
        .unwrap()
        .lines()
        .skip(1)
        .map(|line| {
            let (order, pixel) = line.split_once(',').unwrap();
            let path = dir.join(format!(
                "ours/dataset/Norder={order}/Dir={}/Npix={pixel}.parquet",
                pixel.parse::<u64>().unwrap() / 10_000 * 10_000
            ));
            ParquetFooter::open(&path).unwrap()
        })
        .max_by_key(|f| f.rows())
        .unwrap();
    let meta = footer.metadata();
    let n = footer.rows();
    assert!(n > 256 && n <= 500, "{n} rows");
    let groups: Vec<i64> = meta.row_groups().iter().map(|g| g.num_rows()).collect();
    assert_eq!(groups, vec![256, n as i64 - 256]);
    // The first 100 rows of every column: within the first row group's bytes, in one
    // stretch no longer than that group.
    let columns = meta.file_metadata().schema_descr().num_columns();
    let all = ProjectionMask::all();
    let stretch = prefix_stretch(meta, &[(0, 100)], &all).expect("the pages lie together");
    let first_group = meta.row_group(0);
    let group_start = (0..columns)
        .map(|c| first_group.column(c).byte_range().0)
        .min()
        .unwrap();
    let group_end = (0..columns)
        .map(|c| {
            let (at, len) = first_group.column(c).byte_range();
            at + len
        })
        .max()
        .unwrap();
    assert!(
        stretch.start >= group_start && stretch.end <= group_end,
        "{stretch:?} outside the first group {group_start}..{group_end}"
    );
    // Prefixes within and across the groups read back as the first rows of a whole read.
    let verbatim = LoadOptions {
        verbatim: true,
        ..Default::default()
    };
    let (whole, _) = read_parquet_rows(&footer, "p", &verbatim, RowPick::All).unwrap();
    for take in [1, 100, 256, 300, n] {
        let (first, report) =
            read_parquet_rows(&footer, "p", &verbatim, RowPick::First(take)).unwrap();
        assert_eq!((first.len() as u64, report.kept), (take, take));
        for c in &whole.columns {
            let read = first.column(&c.name).unwrap();
            for row in 0..take as usize {
                assert_eq!(
                    read.data.get_f64(row).to_bits(),
                    c.data.get_f64(row).to_bits(),
                    "{} row {row} of the first {take}",
                    c.name
                );
            }
        }
    }
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn lsdb_opens_an_imported_folder_of_fits_tiles_and_sees_every_row() {
    let dir = tempdir("import-lsdb");
    let o = run_cli(&["demo", "--write", "demo", "--galaxies", "30000"], &dir);
    assert!(o.status.success(), "{}", stderr(&o));
    let o = import(
        &dir,
        &["demo/catred", "-o", "galaxies", "--max-rows", "2000"],
    );
    let log = stderr(&o);
    assert!(o.status.success(), "{log}");
    assert!(log.contains("from 332 files"), "{log}");
    // Our side: the tiles read as FITS.
    let tiles = expand_paths(&[dir.join("demo/catred")]).unwrap();
    let (cat, _) = read_stacked(&tiles, "g", &LoadOptions::default()).unwrap();
    let sum = |name: &str| -> f64 {
        let c = cat.column(name).unwrap();
        (0..cat.len()).map(|i| c.data.get_f64(i)).sum()
    };
    let script = "import json, sys, lsdb\n\
        import pyarrow.parquet as pq\n\
        from hats.io.validation import is_valid_catalog\n\
        ok = is_valid_catalog(sys.argv[1], strict=True)\n\
        df = lsdb.open_catalog(sys.argv[1]).compute()\n\
        md = pq.read_metadata(sys.argv[1] + '/dataset/_metadata')\n\
        files = {md.row_group(i).column(0).file_path for i in range(md.num_row_groups)}\n\
        print(json.dumps({'valid': bool(ok), 'rows': len(df), 'ra': float(df.RIGHT_ASCENSION.sum()),\
         'dec': float(df.DECLINATION.sum()), 'ids': int(df.OBJECT_ID.nunique()),\
         'metadata_rows': md.num_rows, 'metadata_files': len(files)}))\n";
    let text = venv_python(script, &[&dir.join("galaxies")]);
    let v: serde_json::Value = serde_json::from_str(text.lines().last().unwrap()).unwrap();
    assert_eq!(v["valid"], true, "{text}");
    assert_eq!(v["rows"].as_u64(), Some(cat.len() as u64), "{text}");
    assert_eq!(v["ids"].as_u64(), Some(cat.len() as u64), "{text}");
    // dataset/_metadata holds every partition's row groups, as hats-import's does.
    let partitions = std::fs::read_to_string(dir.join("galaxies/partition_info.csv"))
        .unwrap()
        .lines()
        .count()
        - 1;
    assert_eq!(
        v["metadata_rows"].as_u64(),
        Some(cat.len() as u64),
        "{text}"
    );
    assert_eq!(
        v["metadata_files"].as_u64(),
        Some(partitions as u64),
        "{text}"
    );
    for (key, col) in [("ra", "RIGHT_ASCENSION"), ("dec", "DECLINATION")] {
        let (theirs, ours) = (v[key].as_f64().unwrap(), sum(col));
        assert!(
            (theirs - ours).abs() <= 1e-9 * ours.abs().max(1.0),
            "{key}: {theirs} vs {ours}"
        );
    }
    // And clusterviz draws it: the same rows as the tiles.
    let read = read_catalog(&dir.join("galaxies"), "g", &LoadOptions::default()).unwrap();
    assert_eq!(read.0.len(), cat.len());
    std::fs::remove_dir_all(&dir).ok();
}

fn leftovers(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("partial"))
        .collect()
}

#[test]
fn a_failed_import_leaves_nothing_and_a_finished_one_is_replaced_only_when_asked() {
    let dir = tempdir("import-failures");
    let good = fixture("hats/input.parquet");
    let truncated = dir.join("truncated.fits");
    let bytes = std::fs::read(fixture("catalog_all_types.fits")).unwrap();
    std::fs::write(&truncated, &bytes[..bytes.len() / 2]).unwrap();
    let o = import(
        &dir,
        &[
            good.to_str().unwrap(),
            truncated.to_str().unwrap(),
            "-o",
            "cat",
        ],
    );
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("truncated.fits"), "{err}");
    assert!(!dir.join("cat").exists());
    assert_eq!(leftovers(&dir), Vec::<String>::new());

    // Files whose columns differ are not one catalog.
    let o = import(
        &dir,
        &[
            good.to_str().unwrap(),
            fixture("table_pyarrow.parquet").to_str().unwrap(),
            "-o",
            "cat",
        ],
    );
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("its columns differ"), "{err}");
    assert!(!dir.join("cat").exists());

    // A finished catalog stays unless --force replaces it.
    let o = import(&dir, &[good.to_str().unwrap(), "-o", "cat"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let o = import(
        &dir,
        &[good.to_str().unwrap(), "-o", "cat", "--max-rows", "100"],
    );
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains("exists already (give --force to replace it)"),
        "{err}"
    );
    let partitions = |c: &str| {
        std::fs::read_to_string(dir.join(c).join("partition_info.csv"))
            .unwrap()
            .lines()
            .count()
            - 1
    };
    assert_eq!(
        partitions("cat"),
        12,
        "the base cells, 6000 rows being under 1M"
    );
    let o = import(
        &dir,
        &[
            good.to_str().unwrap(),
            "-o",
            "cat",
            "--max-rows",
            "100",
            "--force",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(partitions("cat") > 60);
    // --force replaces catalogs only, not any folder.
    std::fs::create_dir_all(dir.join("notes")).unwrap();
    let o = import(&dir, &[good.to_str().unwrap(), "-o", "notes", "--force"]);
    assert!(
        stderr(&o).contains("is not a HATS catalog"),
        "{}",
        stderr(&o)
    );
    let o = import(
        &dir,
        &[
            good.to_str().unwrap(),
            "-o",
            "x",
            "--lowest-order",
            "5",
            "--highest-order",
            "3",
        ],
    );
    assert!(stderr(&o).contains("--lowest-order 5 is deeper than --highest-order 3"));
    assert_eq!(leftovers(&dir), Vec::<String>::new());
    std::fs::remove_dir_all(&dir).ok();
}

/// Every file under `dir` (relative path → bytes).
fn files_under(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let rel = p.strip_prefix(dir).unwrap().to_path_buf();
                out.insert(rel, std::fs::read(&p).unwrap());
            }
        }
    }
    out
}

/// Imports `input` whole and in pieces of `piece_rows` rows: the partitions, skymaps and
/// metadata must be the same bytes (only the creation time may differ).
fn assert_pieces_change_nothing(dir: &Path, input: &str, piece_rows: &str, pieces: usize) {
    let mut made = Vec::new();
    for (out, extra) in [
        ("whole", vec![]),
        ("pieces", vec!["--piece-rows", piece_rows]),
    ] {
        let mut args = vec![input, "-o", out, "--max-rows", "2000", "--name", "g"];
        args.extend(extra);
        let o = import(dir, &args);
        let log = stderr(&o);
        assert!(o.status.success(), "{log}");
        if out == "pieces" {
            assert!(log.contains(&format!("(read in {pieces} pieces)")), "{log}");
        }
        made.push(files_under(&dir.join(out)));
        std::fs::remove_dir_all(dir.join(out)).unwrap();
    }
    let (whole, pieces) = (&made[0], &made[1]);
    assert_eq!(
        whole.keys().collect::<Vec<_>>(),
        pieces.keys().collect::<Vec<_>>()
    );
    let partitions = whole
        .keys()
        .filter(|k| k.extension().is_some_and(|e| e == "parquet"))
        .count();
    assert!(partitions >= 10, "{input}: {partitions} partitions");
    for (name, bytes) in whole {
        let theirs = &pieces[name];
        if name.to_string_lossy().contains("properties") {
            let strip = |b: &[u8]| -> String {
                String::from_utf8_lossy(b)
                    .lines()
                    .filter(|l| !l.starts_with("hats_creation_date"))
                    .collect::<Vec<_>>()
                    .join("\n")
            };
            assert_eq!(strip(bytes), strip(theirs), "{input}: {}", name.display());
        } else {
            assert!(bytes == theirs, "{input}: {} differs", name.display());
        }
    }
}

#[test]
fn big_files_imported_a_window_of_rows_at_a_time_make_the_same_catalog() {
    // A file bigger than a piece is read a window of rows at a time (bounded memory);
    // the catalog must not change. Small pieces stand for big files here: FITS tiles
    // of ~90 rows in pieces of 37, and one HDF5 and one Parquet file (four row groups)
    // of all the rows in pieces that straddle row groups.
    let dir = tempdir("import-pieces");
    let o = run_cli(&["demo", "--write", "demo", "--galaxies", "30000"], &dir);
    assert!(o.status.success(), "{}", stderr(&o));
    // 332 tiles of 60 to 120 rows: 2 to 4 pieces each.
    let tiles = expand_paths(&[dir.join("demo/catred")]).unwrap();
    let pieces: usize = tiles
        .iter()
        .map(|t| {
            let rows = read_catalog(t, "g", &LoadOptions::default())
                .unwrap()
                .1
                .rows_in_file;
            rows.div_ceil(37).max(1) as usize
        })
        .sum();
    assert_pieces_change_nothing(&dir, "demo/catred", "37", pieces);

    let (cat, _) = read_stacked(&tiles, "g", &LoadOptions::default()).unwrap();
    clusterviz::data::hdf5_io::write_catalog_h5(&cat, "galaxies", &dir.join("all.h5")).unwrap();
    let pieces = cat.len().div_ceil(4999);
    assert!(pieces > 4);
    assert_pieces_change_nothing(&dir, "all.h5", "4999", pieces);

    let script = "import sys, glob\n\
        from astropy.table import Table, vstack\n\
        import pyarrow as pa, pyarrow.parquet as pq\n\
        t = vstack([Table.read(f) for f in sorted(glob.glob(sys.argv[1] + '/*.fits'))])\n\
        pq.write_table(pa.table({c: t[c].data for c in t.colnames}), sys.argv[2], row_group_size=8000)\n";
    venv_python(
        script,
        &[&dir.join("demo/catred"), &dir.join("all.parquet")],
    );
    let footer =
        clusterviz::data::tables::parquet_file::ParquetFooter::open(&dir.join("all.parquet"))
            .unwrap();
    assert_eq!(footer.rows(), cat.len() as u64);
    assert_pieces_change_nothing(&dir, "all.parquet", "4999", pieces);
}

/// Every value of every column, bit for bit, row by row.
fn assert_same_rows(a: &Catalog, b: &Catalog, what: &str) {
    let names = |c: &Catalog| c.columns.iter().map(|c| c.name.clone()).collect::<Vec<_>>();
    assert_eq!(names(a), names(b), "{what}: columns");
    assert_eq!(a.len(), b.len(), "{what}: rows");
    for (x, y) in a.columns.iter().zip(&b.columns) {
        let differ =
            (0..a.len()).find(|&i| x.data.get_f64(i).to_bits() != y.data.get_f64(i).to_bits());
        assert_eq!(
            differ, None,
            "{what}: column {} differs at that row",
            x.name
        );
    }
}

/// A sample of the whole sky comes from the one sample file the import writes beside the
/// partitions: the same rows in the same order as the partitions' own prefixes (read from
/// a copy without the file), the same counts, and no partition opened (a damaged one
/// does not stop it, where the copy refuses it). Samples finer than the file holds read
/// the partitions; a damaged sample file is refused by name.
#[test]
fn a_whole_sky_sample_is_read_from_the_sample_file_as_from_the_partitions() {
    let dir = tempdir("import-sample-file");
    common::demo_hats_catalog(&dir);
    let ours = dir.join("hg");
    let plain = dir.join("plain");
    common::copy_dir(&ours, &plain);
    std::fs::remove_file(plain.join(SAMPLE_FILE)).unwrap();
    let sampled = |want: u64| LoadOptions {
        sample_rows: Some(want),
        ..Default::default()
    };
    for want in [1000, 3000] {
        let from_file = read_hats(&ours, "g", &sampled(want)).unwrap();
        let from_parts = read_hats(&plain, "g", &sampled(want)).unwrap();
        assert!(from_file.stride >= 8, "stride {}", from_file.stride);
        assert_eq!(from_file.stride, from_parts.stride);
        assert!(from_file.catalog.len() as u64 > want / 2);
        assert_same_rows(&from_file.catalog, &from_parts.catalog, &format!("{want}"));
        let counts = |r: &HatsRead| r.counts.clone().map(|m| (m.cells, m.values));
        assert!(counts(&from_file).is_some());
        assert_eq!(counts(&from_file), counts(&from_parts));
        assert_eq!(
            (from_file.partitions_read, from_file.partitions),
            (253, 253)
        );
    }
    // `info` says how each is sampled.
    let info =
        |cat: &str| String::from_utf8_lossy(&run_cli(&["info", cat], &dir).stdout).into_owned();
    assert!(
        info("hg").contains(
            "the whole sky's 1-in-8 samples and coarser from clusterviz_sample.parquet alone"
        ),
        "{}",
        info("hg")
    );
    assert!(
        info("plain").contains("samples: the first rows of each partition\n"),
        "{}",
        info("plain")
    );
    // Damage one partition of each catalog.
    let partition = |cat: &Path| {
        expand_paths(&[cat.join("dataset/Norder=*/Dir=*/Npix=*.parquet")])
            .unwrap()
            .into_iter()
            .next()
            .unwrap()
    };
    for cat in [&ours, &plain] {
        let f = partition(cat);
        let bytes = std::fs::read(&f).unwrap();
        std::fs::write(&f, &bytes[..bytes.len() / 2]).unwrap();
    }
    let before = read_hats(&plain, "g", &sampled(1000));
    let err = before
        .expect_err("the copy reads its damaged partition")
        .to_string();
    assert!(err.contains("Npix="), "{err}");
    let from_file = read_hats(&ours, "g", &sampled(1000)).unwrap();
    assert!(from_file.catalog.len() > 500);
    // A 1-in-3 sample is finer than the file's 1-in-8: the partitions are read.
    let err = read_hats(&ours, "g", &sampled(10_000)).expect_err("a partition is damaged");
    assert!(err.to_string().contains("Npix="), "{err}");
    // A damaged sample file is refused by name, by the library and the CLI (exit 2).
    let bytes = std::fs::read(ours.join(SAMPLE_FILE)).unwrap();
    std::fs::write(ours.join(SAMPLE_FILE), &bytes[..bytes.len() / 2]).unwrap();
    let err = read_hats(&ours, "g", &sampled(1000)).expect_err("a damaged sample");
    assert!(err.to_string().contains(SAMPLE_FILE), "{err}");
    let o = run_cli(
        &[
            "render",
            "--galaxies",
            "hg",
            "--max-markers",
            "250",
            "-o",
            "f.png",
        ],
        &dir,
    );
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains(SAMPLE_FILE), "{}", stderr(&o));
    assert!(!dir.join("f.png").exists());
    assert!(
        info("hg").contains("its whole-sky sample is damaged"),
        "{}",
        info("hg")
    );
    std::fs::remove_dir_all(&dir).ok();
}
