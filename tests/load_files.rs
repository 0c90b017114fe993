//! Reading catalogs and tiles from files: every numeric TFORM, scaling, nulls, gzip,
//! HDUs, column roles, load-time filters, per-tile files, and bad input.

mod common;

use std::path::{Path, PathBuf};

use clusterviz::data::catalog_reader::read_catalog;
use clusterviz::data::fits_table::HduSelect;
use clusterviz::data::inputs::read_stacked;
use clusterviz::data::load_options::{LoadOptions, Pushdown};
use clusterviz::data::roles::RoleNames;
use clusterviz::data::tiles_fits::{read_tiles, write_tiles_fits};
use clusterviz::data::{Catalog, ColumnData};

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn clusters_hdu() -> LoadOptions {
    LoadOptions {
        hdu: Some(HduSelect::Name("CLUSTERS".into())),
        ..Default::default()
    }
}

fn expected() -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(fixture("catalogs.json")).unwrap()).unwrap()
}

fn column_f64(cat: &Catalog, name: &str) -> Vec<f64> {
    let c = cat.column(name).unwrap();
    (0..cat.len()).map(|i| c.data.get_f64(i)).collect()
}

#[test]
fn every_numeric_type_reads_as_astropy_reads_it() {
    let want = expected();
    for file in ["catalog_all_types.fits", "catalog_all_types.fits.gz"] {
        let (cat, report) = read_catalog(&fixture(file), "test", &clusters_hdu()).unwrap();
        // Row 3 has a NaN RA and row 4 a Dec of 95: dropped and counted.
        assert_eq!(
            (report.rows_in_file, report.kept, report.invalid_coordinates),
            (8, 6, 2),
            "{file}"
        );
        let kept = [0usize, 1, 2, 5, 6, 7];
        let ids = match &cat.column("ID").unwrap().data {
            ColumnData::I64(v) => v.clone(),
            other => panic!("ID should stay an exact integer, got {other:?}"),
        };
        for (k, &row) in kept.iter().enumerate() {
            assert_eq!(
                ids[k] as u64,
                want["ID"][row].as_u64().unwrap(),
                "{file} ID beyond 2^53"
            );
            for name in ["RA", "DEC", "Z", "SNR", "RICH_B", "COUNT_U16"] {
                let got = column_f64(&cat, name)[k];
                let exp = want[name][row].as_f64().unwrap();
                assert!(
                    (got - exp).abs() <= 1e-9 * exp.abs().max(1.0),
                    "{file} {name}[{row}]: {got} vs {exp}"
                );
            }
            let flag = column_f64(&cat, "FLAG")[k];
            match want["FLAG"][row].as_f64() {
                Some(f) => assert_eq!(flag, f),
                None => assert!(flag.is_nan(), "TNULL must read as missing"),
            }
        }
        assert_eq!(cat.roles.snr.as_deref(), Some("SNR"));
        assert_eq!(cat.column("RA").unwrap().unit, "deg");
        assert!(
            cat.column("NAME").is_none(),
            "text columns are not numeric data"
        );
    }
}

#[test]
fn hdus_by_index_or_name_and_clear_errors() {
    let (by_index, _) = read_catalog(
        &fixture("catalog_all_types.fits"),
        "t",
        &LoadOptions {
            hdu: Some(HduSelect::Index(2)),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(by_index.len(), 6);
    // The first table is META, which has no coordinates: the message lists its columns.
    let e = read_catalog(
        &fixture("catalog_all_types.fits"),
        "t",
        &LoadOptions::default(),
    )
    .unwrap_err()
    .to_string();
    assert!(
        e.contains("catalog_all_types.fits")
            && e.contains("no right-ascension column")
            && e.contains("columns: VERSION"),
        "{e}"
    );
    let e = read_catalog(
        &fixture("catalog_all_types.fits"),
        "t",
        &LoadOptions {
            hdu: Some(HduSelect::Name("NOPE".into())),
            ..Default::default()
        },
    )
    .unwrap_err()
    .to_string();
    assert!(e.contains("no HDU named NOPE"), "{e}");
    let mut opts = clusters_hdu();
    opts.roles.ra = Some("NAME".into());
    let e = read_catalog(&fixture("catalog_all_types.fits"), "t", &opts)
        .unwrap_err()
        .to_string();
    assert!(e.contains("column NAME is not a numeric scalar"), "{e}");
}

#[test]
fn other_column_names_are_recognised_or_named() {
    let (cat, _) = read_catalog(
        &fixture("catalog_vizier_names.fits"),
        "t",
        &LoadOptions::default(),
    )
    .unwrap();
    assert_eq!(
        (cat.roles.ra.as_str(), cat.roles.dec.as_str()),
        ("RAJ2000", "DEJ2000")
    );
    assert_eq!(
        (cat.roles.z.as_deref(), cat.roles.snr.as_deref()),
        (Some("REDSHIFT"), Some("S_N"))
    );
    assert_eq!(cat.ra(1), 150.1);
    let opts = LoadOptions {
        roles: RoleNames {
            snr: Some("redshift".into()),
            ..Default::default()
        },
        ..Default::default()
    };
    let (cat, _) = read_catalog(&fixture("catalog_vizier_names.fits"), "t", &opts).unwrap();
    assert_eq!(cat.snr(0), 0.3f32 as f64);
}

#[test]
fn load_time_filters_keep_exactly_the_matching_rows() {
    let path = fixture("catalog_all_types.fits");
    let (all, _) = read_catalog(&path, "t", &clusters_hdu()).unwrap();
    let cases = [
        Pushdown {
            snr_min: Some(10.0),
            ..Default::default()
        },
        Pushdown {
            z_min: Some(0.4),
            z_max: Some(1.2),
            ..Default::default()
        },
        Pushdown {
            cone: Some((10.5, -30.0, 0.6)),
            ..Default::default()
        },
        // A box through RA 0.
        Pushdown {
            sky_box: Some((359.0, 1.0, -31.0, -29.0)),
            ..Default::default()
        },
    ];
    for filter in cases {
        let mut opts = clusters_hdu();
        opts.filter = filter.clone();
        let (cat, report) = read_catalog(&path, "t", &opts).unwrap();
        let expect: Vec<f64> = (0..all.len())
            .filter(|&i| {
                let (ra, dec, z, snr) = (all.ra(i), all.dec(i), all.z(i), all.snr(i));
                filter.snr_min.is_none_or(|m| snr >= m)
                    && filter.z_min.is_none_or(|m| z >= m)
                    && filter.z_max.is_none_or(|m| z <= m)
                    && filter.cone.is_none_or(|(a, d, r)| {
                        clusterviz::sky::angular_distance_deg(
                            clusterviz::sky::unit_vector(ra, dec),
                            clusterviz::sky::unit_vector(a, d),
                        ) <= r
                    })
                    && filter.sky_box.is_none_or(|(a0, a1, d0, d1)| {
                        (ra >= a0 || ra <= a1) && dec >= d0 && dec <= d1
                    })
            })
            .map(|i| all.ra(i))
            .collect();
        let got: Vec<f64> = (0..cat.len()).map(|i| cat.ra(i)).collect();
        assert_eq!(got, expect, "{filter:?}");
        assert!(
            !got.is_empty() && got.len() < all.len(),
            "{filter:?} should keep some, not all"
        );
        assert_eq!(report.filtered_out as usize, all.len() - got.len());
    }
    let mut opts = LoadOptions::default();
    opts.filter.snr_min = Some(3.0);
    let e = read_catalog(
        &fixture("catalog_vizier_names.fits"),
        "t",
        &LoadOptions {
            roles: RoleNames::default(),
            ..opts.clone()
        },
    );
    assert!(e.is_ok(), "S_N is an SNR column");
}

fn tempdir(name: &str) -> common::TempDir {
    common::tempdir(&format!("load-{name}"))
}

#[test]
fn per_tile_galaxy_files_stack_in_parallel_with_their_tile() {
    let dir = tempdir("tiles");
    let survey = clusterviz::data::demo::DemoSurvey::generate(clusterviz::data::demo::DemoConfig {
        seed: 3,
        galaxies: 20_000,
    });
    clusterviz::data::demo::write_survey(&survey, &dir).unwrap();
    let files = clusterviz::data::inputs::expand_paths(&[dir.join("catred")]).unwrap();
    assert!(files.len() > 100);
    let (gal, report) = read_stacked(&files, "galaxies", &LoadOptions::default()).unwrap();
    assert_eq!(gal.len() as u64, report.kept);
    assert_eq!(gal.roles.ra, "RIGHT_ASCENSION");
    // Every galaxy's TILE_ID is the tile whose CORE holds it.
    let tile_ids = match &gal.column("TILE_ID").unwrap().data {
        ColumnData::I64(v) => v.clone(),
        _ => panic!("TILE_ID is an integer column"),
    };
    for i in (0..gal.len()).step_by(97) {
        let t = clusterviz::data::demo::core_tile_index(gal.ra(i), gal.dec(i)).unwrap();
        assert_eq!(tile_ids[i].to_string(), survey.tiles.tiles[t].id);
    }
    // One file alone is no stack: no column of a single tile number.
    let (one, _) = read_stacked(&files[..1], "galaxies", &LoadOptions::default()).unwrap();
    assert!(one.column("TILE_ID").is_none());
    // The same rows as the generated catalog (those inside a CORE), in any order.
    let mut a: Vec<i64> = match &gal.column("OBJECT_ID").unwrap().data {
        ColumnData::I64(v) => v.to_vec(),
        _ => panic!(),
    };
    a.sort();
    let b: Vec<i64> = (0..survey.galaxies.len())
        .filter(|&i| {
            clusterviz::data::demo::core_tile_index(survey.galaxies.ra(i), survey.galaxies.dec(i))
                .is_some()
        })
        .map(|i| i as i64 + 1)
        .collect();
    assert_eq!(a, b);
    // Tiles round-trip through both formats.
    let from_json = read_tiles(&dir.join("tiles.json")).unwrap();
    let from_fits = read_tiles(&dir.join("tiles.fits")).unwrap();
    assert_eq!(from_json.tiles.len(), survey.tiles.tiles.len());
    let mut sorted_json = from_json.tiles.clone();
    sorted_json.sort_by(|x, y| x.id.cmp(&y.id));
    let mut sorted_fits = from_fits.tiles.clone();
    sorted_fits.sort_by(|x, y| x.id.cmp(&y.id));
    assert_eq!(sorted_json.len(), sorted_fits.len());
    for (j, f) in sorted_json.iter().zip(&sorted_fits) {
        assert!(
            j == f,
            "tile {} differs between JSON and FITS: {:?} vs {:?}",
            j.id,
            j.core,
            f.core
        );
    }
}

#[test]
fn bad_files_fail_cleanly() {
    let dir = tempdir("bad");
    let src = std::fs::read(fixture("catalog_all_types.fits")).unwrap();
    // Truncated data.
    let cut = dir.join("cut.fits");
    std::fs::write(&cut, &src[..src.len() - 2880]).unwrap();
    let e = read_catalog(&cut, "t", &clusters_hdu())
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("cut.fits") && (e.contains("truncated") || e.contains("not a readable FITS")),
        "{e}"
    );
    // An absurd row count in the header: refused before any allocation.
    let text = String::from_utf8_lossy(&src).into_owned();
    let at = text
        .match_indices("NAXIS2  =")
        .nth(1)
        .map(|(i, _)| i)
        .expect("NAXIS2 card of the second table");
    let mut huge = src.clone();
    huge[at..at + 30].copy_from_slice(format!("{:<30}", "NAXIS2  =  900000000000000").as_bytes());
    let absurd = dir.join("absurd.fits");
    std::fs::write(&absurd, &huge).unwrap();
    let e = read_catalog(&absurd, "t", &clusters_hdu())
        .unwrap_err()
        .to_string();
    assert!(e.contains("absurd.fits") && e.contains("claims"), "{e}");
    // Not FITS; a FITS image without tables; tiles that are not a tile table.
    let junk = dir.join("junk.fits");
    std::fs::write(&junk, b"SIMPLE nope").unwrap();
    assert!(
        read_catalog(&junk, "t", &LoadOptions::default())
            .unwrap_err()
            .to_string()
            .contains("junk.fits")
    );
    let e = read_tiles(&fixture("catalog_vizier_names.fits"))
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("not a tile table") && e.contains("RAJ2000"),
        "{e}"
    );
    let e = read_tiles(Path::new("/nonexistent/tiles.json"))
        .unwrap_err()
        .to_string();
    assert!(e.contains("tiles.json"), "{e}");
    // Writing tiles with non-numeric IDs to FITS is refused, leaving no file.
    let mut set = clusterviz::data::TileSet::default();
    set.tiles.push(clusterviz::data::Tile {
        id: "T-1".into(),
        lev1: vec![vec![(0.0, 0.0), (1.0, 0.0), (1.0, 1.0)]],
        core: vec![vec![(0.0, 0.0), (1.0, 0.0), (1.0, 1.0)]],
    });
    let out = dir.join("t.fits");
    assert!(write_tiles_fits(&set, &out).is_err());
    assert!(!out.exists());
}

#[test]
fn hdf5_catalogs_read_and_round_trip_through_fits() {
    use clusterviz::data::fits_write::write_catalog;
    use clusterviz::data::hdf5_io::write_catalog_h5;
    // Written by h5py: a group, compressed datasets, a unit attribute, 64-bit IDs.
    let (cat, report) =
        read_catalog(&fixture("catalog_h5py.h5"), "t", &LoadOptions::default()).unwrap();
    assert_eq!(
        (report.rows_in_file, report.kept, report.invalid_coordinates),
        (4, 3, 1)
    );
    assert_eq!(
        (cat.roles.ra.as_str(), cat.roles.z.as_deref()),
        ("RA", Some("Z_PHOT"))
    );
    assert_eq!(cat.column("RA").unwrap().unit, "deg");
    assert_eq!(
        cat.column("ID").unwrap().integers().unwrap()[2],
        (1i64 << 62) + 2
    );
    assert_eq!(cat.dec(1), 2.1);
    // FITS -> HDF5 -> FITS keeps names, units, types and values.
    let dir = tempdir("h5");
    let opts = LoadOptions {
        hdu: Some(HduSelect::Name("CLUSTERS".into())),
        verbatim: true,
        ..Default::default()
    };
    let (orig, _) = read_catalog(&fixture("catalog_all_types.fits"), "t", &opts).unwrap();
    write_catalog_h5(&orig, "CLUSTERS", &dir.join("a.h5")).unwrap();
    let (via_h5, _) = read_catalog(
        &dir.join("a.h5"),
        "t",
        &LoadOptions {
            verbatim: true,
            ..Default::default()
        },
    )
    .unwrap();
    write_catalog(&via_h5, None, "CLUSTERS", &dir.join("b.fits")).unwrap();
    let (back, _) = read_catalog(
        &dir.join("b.fits"),
        "t",
        &LoadOptions {
            verbatim: true,
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(orig.len(), 8, "conversions keep rows with bad coordinates");
    for c in &orig.columns {
        for other in [&via_h5, &back] {
            let o = other
                .column(&c.name)
                .unwrap_or_else(|| panic!("{} lost", c.name));
            assert_eq!(
                (o.unit.as_str(), o.storage()),
                (c.unit.as_str(), c.storage()),
                "{}",
                c.name
            );
            for i in 0..orig.len() {
                let (a, b) = (c.data.get_f64(i), o.data.get_f64(i));
                assert!(
                    a == b || (a.is_nan() && b.is_nan()),
                    "{}[{i}]: {a} vs {b}",
                    c.name
                );
            }
        }
    }
    // Not HDF5 at all.
    std::fs::write(dir.join("junk.h5"), b"not hdf5").unwrap();
    let e = read_catalog(&dir.join("junk.h5"), "t", &LoadOptions::default())
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("junk.h5") && e.contains("not a readable HDF5 file"),
        "{e}"
    );
}

#[test]
fn roles_only_ucds_tell_are_recognised_in_a_table_stilts_wrote() {
    // tests/fixtures/make_stilts_fixtures.sh: names no survey uses, UCDs as VizieR writes.
    let (cat, report) = read_catalog(
        &fixture("catalog_ucd_only.fits"),
        "merged",
        &LoadOptions::default(),
    )
    .unwrap();
    assert_eq!(report.kept, 5);
    // The main position, not the other RA (RA_B) nor the proper motion in RA (RA_PM).
    assert_eq!(
        (cat.roles.ra.as_str(), cat.roles.dec.as_str()),
        ("ALPHA", "DELTA")
    );
    assert_eq!(cat.roles.z.as_deref(), Some("ZBEST"));
    assert_eq!(cat.roles.snr.as_deref(), Some("SIGNIF"));
    for i in 0..5 {
        let f = i as f64;
        assert_eq!((cat.ra(i), cat.dec(i)), (10.0 + f, f - 5.0));
        assert!((cat.z(i) - (f + 1.0) / 10.0).abs() < 1e-12);
        assert_eq!(cat.snr(i), 5.0 + f);
    }
}
