//! The command line as users type it: exit codes, messages, files written and not written.

use std::path::Path;

mod common;

use common::{run_cli as clusterviz, stderr};

fn tempdir(name: &str) -> common::TempDir {
    common::tempdir(&format!("cli-{name}"))
}

#[test]
fn bad_flags_exit_2_with_a_message_and_no_output() {
    let dir = tempdir("flags");
    let cases: &[(&[&str], &str)] = &[
        (
            &["render", "--demo", "--size", "0x5", "-o", "a.png"],
            "each side must be",
        ),
        (
            &["render", "--demo", "--center", "10,95", "-o", "a.png"],
            "outside [-90, 90]",
        ),
        (
            &["render", "--demo", "--fov", "abc", "-o", "a.png"],
            "field of view",
        ),
        (
            &["render", "--demo", "--projection", "xyz", "-o", "a.png"],
            "invalid value 'xyz'",
        ),
        (
            &["render", "--demo", "-o", "a.jpg"],
            "must end in .png, .svg or .pdf",
        ),
        (
            &[
                "render",
                "--demo",
                "--density-column",
                "NOPE",
                "-o",
                "a.png",
            ],
            "no column 'NOPE' to average",
        ),
        (
            &["render", "--demo", "-o", "no/such/dir/a.png"],
            "output folder does not exist",
        ),
        (&["render", "-o", "a.png"], "nothing to render"),
        (
            &["render", "--clusters", "x.fits", "-o", "a.png"],
            "x.fits: no such file",
        ),
        (&["view", "--demo"], "no display"),
        (&["view"], "nothing to view"),
        (
            &["view", "--clusters", "missing.fits"],
            "missing.fits: no such file",
        ),
        (&["render", "--demo"], "needs an output file"),
        (
            &["render", "--galaxies", "nothing/*.fits", "-o", "a.png"],
            "no files match",
        ),
        (
            &["render", "--demo", "--cone", "1,2", "-o", "a.png"],
            "RA,DEC,RADIUS",
        ),
        (
            &["render", "--demo", "--box", "1,2,30,10", "-o", "a.png"],
            "DECMIN < DECMAX",
        ),
        (
            &["demo", "--galaxies", "1000000000", "-o", "a.png"],
            "at most 100000000",
        ),
    ];
    for (args, expected) in cases {
        let o = clusterviz(args, &dir);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
        assert!(
            stderr(&o).contains(expected),
            "{args:?}: expected '{expected}' in: {}",
            stderr(&o)
        );
        assert!(!stderr(&o).contains("panicked"), "{args:?} panicked");
    }
    let left: Vec<_> = std::fs::read_dir(&dir).unwrap().collect();
    assert!(left.is_empty(), "no output files may be left: {left:?}");
}

#[test]
fn render_bare_writes_a_sky_png_of_the_asked_size() {
    let dir = tempdir("render");
    let o = clusterviz(
        &[
            "render",
            "--demo",
            "--demo-galaxies",
            "20000",
            "--projection",
            "mol",
            "--size",
            "300x150",
            "--bare",
            "-o",
            "m.png",
        ],
        &dir,
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let img = clusterviz::render::Image::load_png(&dir.join("m.png")).unwrap();
    assert_eq!((img.width, img.height), (300, 150));
    // The Mollweide ellipse leaves the corners as page, the centre as sky.
    assert_ne!(img.pixel(1, 1), img.pixel(150, 40));
    let text = std::fs::read(dir.join("m.png")).unwrap();
    assert!(
        text.windows(3).any(|w| w == b"MOL"),
        "PNG metadata names the projection"
    );
}

#[test]
fn info_names_the_adapter() {
    let o = clusterviz(&["info"], Path::new("."));
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        out.contains("adapter:") && out.contains("max_texture_dimension_2d"),
        "{out}"
    );
}

#[test]
fn demo_write_saves_fits_and_json_that_read_back() {
    let dir = tempdir("write");
    let o = clusterviz(
        &[
            "demo",
            "--write",
            "survey",
            "--galaxies",
            "30000",
            "--seed",
            "4",
        ],
        &dir,
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let s = dir.join("survey");
    let survey = clusterviz::data::demo::DemoSurvey::generate(clusterviz::data::demo::DemoConfig {
        seed: 4,
        galaxies: 30_000,
    });

    // Merged clusters: the seed's column names and the same values.
    let mut f = fitsio::FitsFile::open(s.join("clusters_merged.fits")).unwrap();
    let hdu = f.hdu("CLUSTERS").unwrap();
    let ra: Vec<f64> = hdu.read_col(&mut f, "RA_CLUSTER").unwrap();
    let snr: Vec<f32> = hdu.read_col(&mut f, "SNR_CLUSTER").unwrap();
    let z: Vec<f32> = hdu.read_col(&mut f, "Z_CLUSTER").unwrap();
    let _: Vec<i64> = hdu.read_col(&mut f, "ID").unwrap();
    assert_eq!(ra.len(), survey.merged.len());
    assert_eq!(ra[7], survey.merged.ra(7));
    assert_eq!(snr[7] as f64, survey.merged.snr(7));
    assert_eq!(z[3] as f64, survey.merged.z(3));
    let unit: String = hdu.read_key(&mut f, "TUNIT2").unwrap();
    assert_eq!(unit, "deg");

    // Mask: healpy-style partial map.
    let mut m = fitsio::FitsFile::open(s.join("mask.fits")).unwrap();
    let hdu = m.hdu(1).unwrap();
    let nside: i64 = hdu.read_key(&mut m, "NSIDE").unwrap();
    let scheme: String = hdu.read_key(&mut m, "INDXSCHM").unwrap();
    let ordering: String = hdu.read_key(&mut m, "ORDERING").unwrap();
    let pix: Vec<i64> = hdu.read_col(&mut m, "PIXEL").unwrap();
    assert_eq!(
        (nside, scheme.as_str(), ordering.as_str()),
        (4096, "EXPLICIT", "NESTED")
    );
    assert_eq!(pix.len(), survey.mask.cells.len());

    // Tiles: the seed's JSON shape.
    let text = std::fs::read_to_string(s.join("tiles.json")).unwrap();
    let tiles = clusterviz::data::TileSet::from_json(&text, &s.join("tiles.json")).unwrap();
    assert_eq!(tiles.tiles.len(), survey.tiles.tiles.len());

    // Galaxies split by tile: every galaxy inside a CORE written once.
    let mut total = 0;
    for e in std::fs::read_dir(s.join("catred")).unwrap() {
        let mut g = fitsio::FitsFile::open(e.unwrap().path()).unwrap();
        let hdu = g.hdu("CATRED").unwrap();
        let dec: Vec<f64> = hdu.read_col(&mut g, "DECLINATION").unwrap();
        total += dec.len();
    }
    assert!(
        total <= 30_000 && total > 29_000,
        "{total} galaxies in tile files"
    );
    let leftovers: Vec<_> = std::fs::read_dir(&s)
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().contains("partial"))
        .collect();
    assert!(leftovers.is_empty());
}

#[test]
fn catalogs_with_unknown_column_names_work_through_flags_or_a_column_file() {
    use clusterviz::data::catalog::Roles;
    use clusterviz::data::{Catalog, Column, ColumnData};
    let dir = tempdir("columns");
    let cat = Catalog {
        name: "odd".into(),
        columns: vec![
            Column::new(
                "X_DEG",
                "deg",
                ColumnData::F64((vec![150.0, 150.2, 150.4]).into()),
            ),
            Column::new(
                "Y_DEG",
                "deg",
                ColumnData::F64((vec![2.0, 2.1, 2.2]).into()),
            ),
            Column::new("ZB", "", ColumnData::F32((vec![0.3, 0.5, 0.9]).into())),
        ],
        roles: Roles::default(),
        cache_tag: Default::default(),
    };
    clusterviz::data::fits_write::write_catalog(
        &cat,
        None,
        "CLUSTERS",
        &dir.join("odd_merged.fits"),
    )
    .unwrap();
    let o = clusterviz(
        &[
            "render",
            "--clusters",
            "odd_merged.fits",
            "--size",
            "200x150",
            "-o",
            "a.png",
        ],
        &dir,
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("no right-ascension column") && stderr(&o).contains("X_DEG, Y_DEG, ZB"),
        "{}",
        stderr(&o)
    );
    assert!(!dir.join("a.png").exists());
    let o = clusterviz(
        &[
            "render",
            "--clusters",
            "odd_merged.fits",
            "--ra",
            "x_deg",
            "--dec",
            "Y_DEG",
            "--size",
            "200x150",
            "-o",
            "a.png",
        ],
        &dir,
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    std::fs::write(
        dir.join("columns.toml"),
        "[clusters]\nra = \"X_DEG\"\ndec = \"Y_DEG\"\nz = \"ZB\"\n",
    )
    .unwrap();
    let o = clusterviz(
        &[
            "render",
            "--clusters",
            "odd_merged.fits",
            "--config",
            "columns.toml",
            "--size",
            "200x150",
            "-o",
            "b.png",
        ],
        &dir,
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    std::fs::write(dir.join("bad.toml"), "[clusters]\nright_ascension = 1\n").unwrap();
    let o = clusterviz(
        &[
            "render",
            "--clusters",
            "odd_merged.fits",
            "--config",
            "bad.toml",
            "-o",
            "c.png",
        ],
        &dir,
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("bad.toml") && stderr(&o).contains("not a valid column file"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn convert_goes_between_fits_and_hdf5_without_clobbering() {
    let dir = tempdir("convert");
    let src = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/catalog_vizier_names.fits");
    std::fs::copy(&src, dir.join("in.fits")).unwrap();
    let o = clusterviz(&["convert", "in.fits", "out.h5"], &dir);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let o = clusterviz(&["convert", "out.h5", "back.fits"], &dir);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let o = clusterviz(&["convert", "in.fits", "out.h5"], &dir);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("exists already"), "{}", stderr(&o));
    let o = clusterviz(&["convert", "in.fits", "out.csv"], &dir);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("must end in .fits"), "{}", stderr(&o));
    let o = clusterviz(&["info", "back.fits"], &dir);
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        out.contains("3 rows") && out.contains("ra RAJ2000"),
        "{out}"
    );
}

#[test]
fn without_a_projection_an_all_sky_catalog_is_drawn_in_aitoff_and_a_patch_in_tan() {
    use clusterviz::data::catalog::Roles;
    use clusterviz::data::{Catalog, Column, ColumnData};
    let dir = tempdir("auto-projection");
    // 2000 galaxies on a Fibonacci sphere (the whole sky), and the same squeezed into a
    // 4° patch.
    let n = 2000;
    let golden = std::f64::consts::PI * (3.0 - 5f64.sqrt());
    let sky: Vec<(f64, f64)> = (0..n)
        .map(|i| {
            let z = 1.0 - 2.0 * (i as f64 + 0.5) / n as f64;
            (
                (i as f64 * golden).to_degrees().rem_euclid(360.0),
                z.asin().to_degrees(),
            )
        })
        .collect();
    let patch: Vec<(f64, f64)> = sky
        .iter()
        .map(|&(ra, dec)| (150.0 + ra / 90.0, 2.0 + dec / 45.0))
        .collect();
    for (name, rows) in [("sky", &sky), ("patch", &patch)] {
        let cat = Catalog {
            name: "galaxies".into(),
            columns: vec![
                Column::new(
                    "RA",
                    "deg",
                    ColumnData::F64(rows.iter().map(|r| r.0).collect::<Vec<_>>().into()),
                ),
                Column::new(
                    "DEC",
                    "deg",
                    ColumnData::F64(rows.iter().map(|r| r.1).collect::<Vec<_>>().into()),
                ),
            ],
            roles: Roles::default(),
            cache_tag: Default::default(),
        };
        let file = format!("{name}.fits");
        clusterviz::data::fits_write::write_catalog(&cat, None, "GALAXIES", &dir.join(&file))
            .unwrap();
        let out = format!("{name}.png");
        let o = clusterviz(
            &[
                "render",
                "--galaxies",
                &file,
                "--size",
                "400x300",
                "-o",
                &out,
            ],
            &dir,
        );
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        // The PNG says the view it shows.
        let png = String::from_utf8_lossy(&std::fs::read(dir.join(&out)).unwrap()).into_owned();
        let expected = if name == "sky" {
            "AIT ICRS"
        } else {
            "TAN ICRS"
        };
        assert!(
            png.contains(expected),
            "{name}: no '{expected}' in the PNG's text"
        );
    }
    // A projection given is kept.
    let o = clusterviz(
        &[
            "render",
            "--galaxies",
            "sky.fits",
            "--projection",
            "tan",
            "--size",
            "400x300",
            "-o",
            "tan.png",
        ],
        &dir,
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let png = String::from_utf8_lossy(&std::fs::read(dir.join("tan.png")).unwrap()).into_owned();
    assert!(png.contains("TAN ICRS"));
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn cluster_colours_span_the_datas_redshifts_rounded_unless_a_range_is_given() {
    use clusterviz::data::catalog::Roles;
    use clusterviz::data::{Catalog, Column, ColumnData};
    use clusterviz::render::Image;
    use clusterviz::sky::{Frame, Projection, unit_vector};
    use clusterviz::view::View;
    let dir = tempdir("color-range");
    // Three clusters as ACT's span them, 0.10 to 1.36, a degree apart.
    let rows = [(150.0, 2.0, 0.10), (151.0, 2.0, 0.73), (149.0, 2.0, 1.36)];
    let column = |name: &str, f: fn(&(f64, f64, f64)) -> f64| {
        Column::new(
            name,
            "",
            ColumnData::F64(rows.iter().map(f).collect::<Vec<_>>().into()),
        )
    };
    let cat = Catalog {
        name: "merged".into(),
        columns: vec![
            column("RA", |r| r.0),
            column("DEC", |r| r.1),
            column("Z", |r| r.2),
            column("SNR", |_| 10.0),
        ],
        roles: Roles::default(),
        cache_tag: Default::default(),
    };
    clusterviz::data::fits_write::write_catalog(&cat, None, "CLUSTERS", &dir.join("merged.fits"))
        .unwrap();
    let render = |out: &str, extra: &[&str]| {
        let mut args = vec![
            "render",
            "--clusters",
            "merged.fits",
            "--bare",
            "--projection",
            "tan",
            "--center",
            "150,2",
            "--fov",
            "4",
            "--size",
            "300x200",
            "-o",
            out,
        ];
        args.extend_from_slice(extra);
        let o = clusterviz(&args, &dir);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        (Image::load_png(&dir.join(out)).unwrap(), stderr(&o))
    };
    let (auto, said) = render("auto.png", &[]);
    let (rounded, quiet) = render("rounded.png", &["--color-range", "0.1,1.4"]);
    let (wide, _) = render("wide.png", &["--color-range", "0,2"]);
    assert!(
        said.contains("redshift over 0.1–1.4: the data's range"),
        "{said}"
    );
    assert!(!quiet.contains("the data's range"), "{quiet}");
    let view = View::new(Projection::Tan, Frame::Icrs, (150.0, 2.0), 4.0, (300, 200));
    for &(ra, dec, z) in &rows {
        let p = view.project(unit_vector(ra, dec)).unwrap();
        let (x, y) = (p.x.round() as u32, p.y.round() as u32);
        // The data's range is 0.1–1.4, drawn as that range given by hand, not as 0–2.
        assert_eq!(auto.pixel(x, y), rounded.pixel(x, y), "z {z} at ({x}, {y})");
        assert_ne!(auto.pixel(x, y), wide.pixel(x, y), "z {z} at ({x}, {y})");
    }
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn info_describes_mocs_in_every_serialisation() {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    for name in ["moc_cone.fits", "moc_cone.txt", "moc_cone.json"] {
        let o = clusterviz(&["info", fixtures.join(name).to_str().unwrap()], &fixtures);
        let out = String::from_utf8_lossy(&o.stdout);
        assert_eq!(o.status.code(), Some(0), "{name}: {}", stderr(&o));
        assert!(
            out.contains("HEALPix map, nside 512 (depth 9), 596 cells"),
            "{name}: {out}"
        );
    }
}

#[test]
fn a_figure_s_moc_covers_the_sky_it_shows_and_reads_back_as_a_moc_2_file() {
    use clusterviz::sky::{Frame, Projection};
    use clusterviz::view::View;
    let dir = tempdir("figure-moc");
    let o = clusterviz(
        &[
            "render",
            "--demo",
            "--demo-galaxies",
            "2000",
            "--projection",
            "tan",
            "--center",
            "0.5,-30",
            "--fov",
            "6",
            "--rotation",
            "20",
            "--size",
            "400x300",
            "--bare",
            "--moc",
            "-o",
            "sky.png",
        ],
        &dir,
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("sky.moc.fits: the sky the figure shows"),
        "{}",
        stderr(&o)
    );
    // Read back as a MOC 2.0 file (NUNIQ ordering), expanded to its finest order.
    let map =
        clusterviz::data::healpix_fits::read_healpix_map(&dir.join("sky.moc.fits"), None).unwrap();
    let mut view = View::new(Projection::Tan, Frame::Icrs, (0.5, -30.0), 6.0, (400, 300));
    view.rotation_deg = 20.0;
    let cell_px = 58.6 / f64::from(1u32 << map.depth) / view.pixel_scale_deg();
    let mut shown = 0;
    for i in 0..100 {
        for j in 0..100 {
            let (ra, dec) = (
                0.5 + (i as f64 - 50.0) * 0.12,
                -30.0 + (j as f64 - 50.0) * 0.12,
            );
            let p = view.project_radec(ra, dec).unwrap();
            let inside = p.x >= 0.0 && p.x <= 400.0 && p.y >= 0.0 && p.y <= 300.0;
            let far = p.x < -2.0 * cell_px
                || p.x > 400.0 + 2.0 * cell_px
                || p.y < -2.0 * cell_px
                || p.y > 300.0 + 2.0 * cell_px;
            let covered = map.value_at(ra, dec).is_some();
            if inside {
                shown += 1;
                assert!(covered, "({ra}, {dec}) is in the figure but not its MOC");
            }
            if far {
                assert!(
                    !covered,
                    "({ra}, {dec}) is far outside the figure but in its MOC"
                );
            }
        }
    }
    assert!(shown > 1000, "{shown} grid points in the figure");
    // The MOC's area is the figure's: 6° wide, 4.5° high (TAN, nearly flat).
    assert!(
        (map.area_deg2() - 27.0).abs() < 1.5,
        "{} deg²",
        map.area_deg2()
    );
}

/// A redshift range keeps galaxies as it keeps clusters, and where galaxies crowd into a
/// density the density counts only those kept: galaxies at z = 0.2 north of the equator
/// and z = 0.8 south of it, drawn as a density (a marker budget of 100) with
/// `--z-max 0.5`, light the north half of the patch and leave the south half bare.
#[test]
fn a_redshift_range_keeps_galaxies_out_of_the_density_too() {
    let dir = tempdir("galaxy-z-density");
    let z = |dec: f64| if dec > 0.0 { 0.2 } else { 0.8 };
    write_patch_galaxies(&dir.join("galaxies.csv"), 40_000, Some(z));
    let render = |extra: &[&str], out: &str| {
        let mut args = vec![
            "render",
            "--galaxies",
            "galaxies.csv",
            "--center",
            "150,0",
            "--fov",
            "24",
            "--size",
            "400x400",
            "--max-markers",
            "100",
            "--bare",
            "-o",
            out,
        ];
        args.extend_from_slice(extra);
        let o = clusterviz(&args, &dir);
        assert!(o.status.success(), "{}", stderr(&o));
        clusterviz::render::Image::load_png(&dir.join(out)).unwrap()
    };
    // The share of pixels in rows `ys` (inside the patch's columns) unlike the corner's.
    let lit = |img: &clusterviz::render::Image, ys: std::ops::Range<u32>| {
        let sky = img.pixel(2, 2)[..3].to_vec();
        let cells: Vec<(u32, u32)> = ys.flat_map(|y| (60..340).map(move |x| (x, y))).collect();
        let on = cells
            .iter()
            .filter(|&&(x, y)| img.pixel(x, y)[..3] != sky[..])
            .count();
        on as f64 / cells.len() as f64
    };
    let (north, south) = (60..180, 220..340);
    let all = render(&[], "all.png");
    assert!(lit(&all, north.clone()) > 0.9 && lit(&all, south.clone()) > 0.9);
    let near = render(&["--z-max", "0.5"], "near.png");
    let (n, s) = (lit(&near, north), lit(&near, south));
    assert!(n > 0.9, "{n} of the north lit");
    assert!(
        s < 0.01,
        "{s} of the south lit: galaxies beyond z-max drawn"
    );
}

/// Galaxies without a redshift column are not emptied by a redshift range (given for the
/// clusters, say): they are drawn, and a warning says the range keeps none of them out.
#[test]
fn a_redshift_range_leaves_galaxies_without_a_redshift_drawn() {
    let dir = tempdir("galaxy-no-z");
    write_patch_galaxies(&dir.join("galaxies.csv"), 2000, None);
    let o = clusterviz(
        &[
            "render",
            "--galaxies",
            "galaxies.csv",
            "--z-min",
            "0.3",
            "--center",
            "150,0",
            "--fov",
            "24",
            "--size",
            "300x300",
            "--bare",
            "-o",
            "g.png",
        ],
        &dir,
    );
    let log = stderr(&o);
    assert!(o.status.success(), "{log}");
    assert!(log.contains("2000 of 2000 rows"), "{log}");
    assert!(log.contains("no redshift column"), "{log}");
    let img = clusterviz::render::Image::load_png(&dir.join("g.png")).unwrap();
    let sky = img.pixel(2, 2)[..3].to_vec();
    let lit = img.rgba.chunks(4).filter(|p| p[..3] != sky[..]).count();
    assert!(lit > 2000, "{lit} pixels lit by 2000 galaxies");
}

/// `n` galaxies uniform over RA 140–160°, Dec −10–10° as a CSV file, with a Z column
/// (by Dec) when `z` gives one.
fn write_patch_galaxies(path: &Path, n: usize, z: Option<fn(f64) -> f64>) {
    let mut csv = String::from(if z.is_some() {
        "RA,DEC,Z\n"
    } else {
        "RA,DEC\n"
    });
    let mut rng = clusterviz::data::rng::Rng::new(11);
    for _ in 0..n {
        let (ra, dec) = (140.0 + 20.0 * rng.uniform(), -10.0 + 20.0 * rng.uniform());
        match z {
            Some(z) => csv.push_str(&format!("{ra},{dec},{}\n", z(dec))),
            None => csv.push_str(&format!("{ra},{dec}\n")),
        }
    }
    std::fs::write(path, csv).unwrap();
}
