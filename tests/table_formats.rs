//! Catalogs in the formats the astronomer's other tools write (issue 17): VOTables from
//! astropy and STILTS (TABLEDATA, BINARY, BINARY2), ECSV from astropy and STILTS, CSV
//! from pandas and STILTS, Parquet from pyarrow and astropy. Fixtures and the rows they
//! hold come from tests/fixtures/make_table_fixtures.py and make_stilts_fixtures.sh.

mod common;

use std::path::{Path, PathBuf};

use clusterviz::data::catalog_reader::read_catalog;
use clusterviz::data::load_options::LoadOptions;
use clusterviz::render::Image;
use common::{mismatches, run_cli, stderr, tempdir};

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

struct Expected {
    ra: Vec<f64>,
    dec: Vec<f64>,
    z: Vec<f64>,
    snr: Vec<Option<f64>>,
    id: Vec<i64>,
    ngal: Vec<Option<f64>>,
}

fn expected() -> Expected {
    let text = std::fs::read_to_string(fixture("tables_expected.json")).unwrap();
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    let floats = |k: &str| -> Vec<Option<f64>> {
        v[k].as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_f64())
            .collect()
    };
    let all = |k: &str| floats(k).into_iter().map(Option::unwrap).collect();
    Expected {
        ra: all("ra"),
        dec: all("dec"),
        z: all("z"),
        snr: floats("snr"),
        id: v["id"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_i64().unwrap())
            .collect(),
        ngal: floats("ngal"),
    }
}

/// Every file, and how closely its positions match (f32 columns and unit conversions
/// are not exact).
const FILES: &[(&str, f64)] = &[
    ("table_astropy.fits", 0.0),
    ("table_astropy_tabledata.vot", 0.0),
    ("table_astropy_binary.vot", 0.0),
    ("table_astropy_binary2.vot", 0.0),
    ("table_astropy.ecsv", 1e-12),
    ("table_pandas.csv", 0.0),
    ("table_pyarrow.parquet", 0.0),
    ("table_astropy.parquet", 1e-12),
    ("table_stilts_binary2.vot", 0.0),
    ("table_stilts_tabledata.vot", 0.0),
    ("table_stilts_csv.csv", 0.0),
    ("table_stilts_ecsv.ecsv", 0.0),
];

#[test]
fn every_format_reads_back_the_rows_its_writer_wrote() {
    let e = expected();
    for &(name, tol) in FILES {
        let (cat, report) = read_catalog(&fixture(name), "merged", &LoadOptions::default())
            .unwrap_or_else(|err| panic!("{name}: {err}"));
        assert_eq!((cat.len(), report.kept), (7, 7), "{name}");
        assert!(
            cat.roles.z.is_some() && cat.roles.snr.is_some(),
            "{name}: {:?}",
            cat.roles
        );
        for i in 0..7 {
            assert!(
                (cat.ra(i) - e.ra[i]).abs() <= tol * 360.0,
                "{name} row {i}: RA {}",
                cat.ra(i)
            );
            assert!(
                (cat.dec(i) - e.dec[i]).abs() <= tol * 360.0,
                "{name} row {i}: Dec"
            );
            assert!(
                (cat.z(i) - e.z[i]).abs() < 1e-6,
                "{name} row {i}: z {}",
                cat.z(i)
            );
            match e.snr[i] {
                Some(s) => assert!((cat.snr(i) - s).abs() < 1e-6, "{name} row {i}: SNR"),
                None => assert!(
                    cat.snr(i).is_nan(),
                    "{name} row {i}: SNR missing, got {}",
                    cat.snr(i)
                ),
            }
            let ngal = cat
                .column("NGAL")
                .unwrap_or_else(|| panic!("{name}: NGAL kept"));
            match e.ngal[i] {
                Some(g) => assert_eq!(ngal.data.get_f64(i), g, "{name} row {i}: NGAL"),
                None => assert!(
                    ngal.data.get_f64(i).is_nan(),
                    "{name} row {i}: NGAL missing"
                ),
            }
            // 64-bit IDs above 2^53 stay exact.
            let id = cat
                .column("ID")
                .unwrap_or_else(|| panic!("{name}: ID kept"));
            assert_eq!(id.integer(i), Some(e.id[i] as i128), "{name} row {i}: ID");
        }
        // Text is not kept, and the report says so.
        assert!(cat.column("NAME").is_none(), "{name}");
        assert!(
            report
                .skipped_columns
                .iter()
                .any(|s| s.to_ascii_uppercase().starts_with("NAME")),
            "{name}: {:?}",
            report.skipped_columns
        );
    }
}

#[test]
fn units_and_ucds_are_honoured() {
    // astropy's ECSV holds radians, its Parquet hours of RA (in table_meta_yaml): both
    // arrive in degrees, with the unit said.
    for name in ["table_astropy.ecsv", "table_astropy.parquet"] {
        let (cat, _) = read_catalog(&fixture(name), "merged", &LoadOptions::default()).unwrap();
        assert_eq!(cat.column(&cat.roles.ra).unwrap().unit, "deg", "{name}");
        assert!((cat.ra(3) - 151.5).abs() < 1e-9, "{name}: {}", cat.ra(3));
    }
    // A VOTable whose positions only their UCDs name.
    let dir = tempdir("votable-ucd");
    let text = std::fs::read_to_string(fixture("table_stilts_tabledata.vot"))
        .unwrap()
        .replace("name=\"ra\"", "name=\"alpha_main\"")
        .replace("name=\"dec\"", "name=\"delta_main\"");
    let path = dir.join("renamed.vot");
    std::fs::write(&path, text).unwrap();
    let (cat, _) = read_catalog(&path, "merged", &LoadOptions::default()).unwrap();
    assert_eq!(
        (cat.roles.ra.as_str(), cat.roles.dec.as_str()),
        ("alpha_main", "delta_main")
    );
    assert_eq!((cat.ra(0), cat.dec(0)), (150.0, 2.0));
}

fn png(path: &Path) -> Image {
    let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(path).unwrap()));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    buf.truncate(info.buffer_size());
    Image {
        width: info.width,
        height: info.height,
        rgba: buf,
    }
}

#[test]
fn render_draws_every_format_as_it_draws_the_same_table_in_fits() {
    let dir = tempdir("table-formats-render");
    let draw = |name: &str, out: &str| {
        let file = fixture(name);
        let o = run_cli(
            &[
                "render",
                "--clusters",
                file.to_str().unwrap(),
                "--projection",
                "tan",
                "--center",
                "151.5,1.25",
                "--fov",
                "4",
                "--size",
                "320x240",
                "--bare",
                "-o",
                out,
            ],
            &dir,
        );
        assert_eq!(o.status.code(), Some(0), "{name}: {}", stderr(&o));
        png(&dir.join(out))
    };
    let reference = draw("table_astropy.fits", "fits.png");
    // Clusters are drawn: the reference is not a blank sky.
    let background = &reference.rgba[..4];
    assert!(
        reference
            .rgba
            .chunks(4)
            .filter(|p| p != &background)
            .count()
            > 100
    );
    for &(name, _) in &FILES[1..] {
        let out = format!("{}.png", name.replace('.', "_"));
        let (differ, worst) = mismatches(&reference, &draw(name, &out), 2);
        // Redshifts held as f32 (pyarrow, STILTS) may shift a colour by one step.
        assert!(
            differ == 0,
            "{name}: {differ} pixels differ (worst by {worst})"
        );
    }
}

#[test]
fn info_names_each_format_s_table_and_roles() {
    let dir = tempdir("table-formats-info");
    for name in [
        "table_astropy_binary2.vot",
        "table_pyarrow.parquet",
        "table_pandas.csv",
        "table_astropy.ecsv",
    ] {
        let o = run_cli(&["info", fixture(name).to_str().unwrap()], &dir);
        let out = String::from_utf8_lossy(&o.stdout).into_owned() + &stderr(&o);
        assert_eq!(o.status.code(), Some(0), "{name}: {out}");
        assert!(out.contains("catalog, 7 rows"), "{name}: {out}");
        assert!(
            out.to_ascii_lowercase()
                .contains("roles: ra ra, dec dec, z z, snr snr"),
            "{name}: {out}"
        );
    }
}

#[test]
fn damaged_tables_are_refused_naming_the_file_and_the_fault() {
    let dir = tempdir("table-formats-bad");
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        (
            "cut.parquet",
            std::fs::read(fixture("table_pyarrow.parquet")).unwrap()[..3000].to_vec(),
            "Parquet",
        ),
        (
            "cut.vot",
            std::fs::read(fixture("table_astropy_tabledata.vot")).unwrap()[..1500].to_vec(),
            "VOTable: ",
        ),
        (
            "tap_error.vot",
            br#"<?xml version="1.0"?><VOTABLE version="1.4"><RESOURCE type="results"><INFO name="QUERY_STATUS" value="ERROR">Column 'ra_x' does not exist</INFO></RESOURCE></VOTABLE>"#.to_vec(),
            "the service reported an error: Column 'ra_x' does not exist",
        ),
        ("ragged.csv", b"ra,dec\n1,2\n3\n".to_vec(), "line 3: 1 fields where the header names 2"),
        (
            "sexagesimal.csv",
            b"ra,dec\n10:00:00,+02:00:00\n".to_vec(),
            "column ra: text (e.g. '10:00:00'), not numbers",
        ),
        (
            "bad_value.ecsv",
            b"# %ECSV 1.0\n# ---\n# datatype:\n# - {name: ra, datatype: float64}\n# - {name: dec, datatype: float64}\nra dec\n1.0 x\n".to_vec(),
            "line 7, column dec: 'x' is not a number",
        ),
        ("empty.csv", Vec::new(), "has no header line"),
    ];
    for (name, bytes, message) in cases {
        std::fs::write(dir.join(name), &bytes).unwrap();
        let o = run_cli(
            &[
                "render",
                "--clusters",
                name,
                "--size",
                "200x150",
                "-o",
                "x.png",
            ],
            &dir,
        );
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{name}: {err}");
        assert!(err.contains(name) && err.contains(message), "{name}: {err}");
        assert!(!err.contains("panicked"), "{name}: {err}");
        assert!(!dir.join("x.png").exists(), "{name}");
    }
}

#[test]
fn convert_turns_a_votable_and_a_parquet_file_into_fits_with_every_kept_column() {
    let dir = tempdir("table-formats-convert");
    let e = expected();
    for name in ["table_stilts_binary2.vot", "table_pyarrow.parquet"] {
        let out = dir.join(format!("{name}.fits"));
        let o = run_cli(
            &[
                "convert",
                fixture(name).to_str().unwrap(),
                out.to_str().unwrap(),
            ],
            &dir,
        );
        assert_eq!(o.status.code(), Some(0), "{name}: {}", stderr(&o));
        let (cat, _) = read_catalog(&out, "merged", &LoadOptions::default()).unwrap();
        let names: Vec<&str> = cat.columns.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["ra", "dec", "z", "snr", "id", "ngal"], "{name}");
        for i in 0..7 {
            assert_eq!(
                (cat.ra(i), cat.dec(i)),
                (e.ra[i], e.dec[i]),
                "{name} row {i}"
            );
            let id = cat.column("id").unwrap().integer(i);
            assert_eq!(id, Some(e.id[i] as i128), "{name} row {i}");
        }
    }
}

#[test]
fn a_folder_of_parquet_and_csv_files_is_read_whole() {
    let dir = tempdir("table-formats-folder");
    for name in [
        "table_pyarrow.parquet",
        "table_pandas.csv",
        "table_astropy.ecsv",
    ] {
        std::fs::copy(fixture(name), dir.join(name)).unwrap();
    }
    std::fs::write(dir.join("notes.md"), "not a catalog").unwrap();
    let files = clusterviz::data::inputs::expand_paths(std::slice::from_ref(&dir)).unwrap();
    let names: Vec<String> = files
        .iter()
        .map(|f| f.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    assert_eq!(
        names,
        [
            "table_astropy.ecsv",
            "table_pandas.csv",
            "table_pyarrow.parquet"
        ]
    );
}

/// The values of every column of `cat` (NaN for nulls), by name.
fn columns_of(cat: &clusterviz::data::Catalog) -> Vec<(String, Vec<f64>)> {
    cat.columns
        .iter()
        .map(|c| {
            let v = (0..cat.len())
                .map(|i| c.integer(i).map_or_else(|| c.data.get_f64(i), |x| x as f64))
                .collect();
            (c.name.clone(), v)
        })
        .collect()
}

#[test]
fn convert_writes_votables_that_clusterviz_and_astropy_read_as_their_source() {
    let dir = tempdir("table-formats-votable-out");
    let python = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(".venv-tests/bin/python");
    assert!(
        python.exists(),
        "{} is missing: run scripts/setup.sh",
        python.display()
    );
    // Every integer width, scaled and unsigned columns and nulls; and a STILTS VOTable.
    for (name, hdu) in [
        ("catalog_all_types.fits", Some("CLUSTERS")),
        ("table_stilts_binary2.vot", None),
        ("table_pyarrow.parquet", None),
    ] {
        let out = dir.join(format!("{name}.vot"));
        let input = fixture(name);
        let mut args = vec!["convert", input.to_str().unwrap(), out.to_str().unwrap()];
        if let Some(h) = hdu {
            args.extend(["--hdu", h]);
        }
        let o = run_cli(&args, &dir);
        assert_eq!(o.status.code(), Some(0), "{name}: {}", stderr(&o));
        // Read back by clusterviz: every column, every value (nulls as NaN).
        let opts = LoadOptions {
            hdu: hdu.map(|h| clusterviz::data::fits_table::HduSelect::Name(h.into())),
            verbatim: true,
            ..LoadOptions::default()
        };
        let (source, _) = read_catalog(&fixture(name), "c", &opts).unwrap();
        let verbatim = LoadOptions {
            verbatim: true,
            ..LoadOptions::default()
        };
        let (back, _) = read_catalog(&out, "c", &verbatim).unwrap();
        let (want, got) = (columns_of(&source), columns_of(&back));
        assert_eq!(
            want.iter().map(|c| &c.0).collect::<Vec<_>>(),
            got.iter().map(|c| &c.0).collect::<Vec<_>>(),
            "{name}"
        );
        for ((col, a), (_, b)) in want.iter().zip(&got) {
            let same = a
                .iter()
                .zip(b)
                .all(|(x, y)| x == y || (x.is_nan() && y.is_nan()));
            assert!(same, "{name} {col}: {a:?} became {b:?}");
        }
        // Read by astropy: the same values and nulls as astropy reads from the source, and
        // the position's UCDs (TOPCAT finds RA/Dec by them).
        let script = r#"
import sys, json, warnings
warnings.simplefilter('ignore')
import numpy as np
from astropy.table import Table
from astropy.io.votable import parse_single_table
kw = {'hdu': sys.argv[3]} if len(sys.argv) > 3 else {}
src, out = Table.read(sys.argv[1], **kw), Table.read(sys.argv[2])
bad = []
for c in out.colnames:
    a = np.ma.filled(np.ma.asarray(src[c]).astype(float), np.nan)
    b = np.ma.filled(np.ma.asarray(out[c]).astype(float), np.nan)
    if not np.array_equal(a, b, equal_nan=True):
        bad.append(c)
ucds = {f.name: f.ucd for f in parse_single_table(sys.argv[2]).fields}
print(json.dumps({'rows': len(out), 'bad': bad, 'ucds': ucds}))
"#;
        let mut cmd = std::process::Command::new(&python);
        cmd.args([
            "-c",
            script,
            fixture(name).to_str().unwrap(),
            out.to_str().unwrap(),
        ]);
        if let Some(h) = hdu {
            cmd.arg(h);
        }
        let o = cmd.output().unwrap();
        assert!(
            o.status.success(),
            "{name}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        let text = String::from_utf8_lossy(&o.stdout);
        let v: serde_json::Value = serde_json::from_str(text.lines().last().unwrap()).unwrap();
        assert_eq!(
            v["rows"].as_u64(),
            Some(source.len() as u64),
            "{name}: {text}"
        );
        assert_eq!(v["bad"], serde_json::json!([]), "{name}: {text}");
        let ucd = |c: &str| v["ucds"][c].as_str().unwrap_or("").to_string();
        assert_eq!(
            ucd(&source.roles.ra),
            "pos.eq.ra;meta.main",
            "{name}: {text}"
        );
        assert_eq!(
            ucd(&source.roles.dec),
            "pos.eq.dec;meta.main",
            "{name}: {text}"
        );
    }
}

#[test]
fn gzip_compressed_votables_read_as_the_plain_file_and_damage_is_named() {
    use std::io::Write;
    let dir = tempdir("table-formats-vot-gz");
    for name in ["table_astropy_binary2.vot", "table_stilts_tabledata.vot"] {
        let plain = std::fs::read(fixture(name)).unwrap();
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        gz.write_all(&plain).unwrap();
        let gz = gz.finish().unwrap();
        let path = dir.join(format!("{name}.gz"));
        std::fs::write(&path, &gz).unwrap();
        let verbatim = LoadOptions {
            verbatim: true,
            ..LoadOptions::default()
        };
        let (want, _) = read_catalog(&fixture(name), "c", &verbatim).unwrap();
        let (got, _) = read_catalog(&path, "c", &verbatim).unwrap();
        assert_eq!(columns_of(&got).len(), columns_of(&want).len(), "{name}");
        for ((n, a), (_, b)) in columns_of(&want).iter().zip(&columns_of(&got)) {
            let same = a
                .iter()
                .zip(b)
                .all(|(x, y)| x == y || (x.is_nan() && y.is_nan()));
            assert!(same, "{name} {n}: {a:?} became {b:?}");
        }
        // Cut short: refused, naming the file and the fault.
        let cut = dir.join(format!("cut-{name}.gz"));
        std::fs::write(&cut, &gz[..gz.len() / 2]).unwrap();
        let e = read_catalog(&cut, "c", &verbatim).unwrap_err().to_string();
        assert!(
            e.contains(&cut.display().to_string()) && e.contains("damaged gzip data"),
            "{e}"
        );
    }
}
