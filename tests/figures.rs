//! Figures for papers: pages rendered in strips equal pages rendered whole; tick labels
//! and tick marks sit where the projection puts their coordinates; colour bars end on
//! their range's colours and values; SVG and PDF are valid and keep text as text; figure
//! files reproduce figures and bad ones are refused; PNG metadata and the WCS sidecar.

mod common;

use std::path::Path;
use std::process::Command;

use clusterviz::cli::args::{RenderArgs, parse_render_args};
use clusterviz::export::graticule::Coord;
use clusterviz::export::pipeline::{FigureRequest, render_figures};
use clusterviz::export::svg::Anchor;
use clusterviz::export::{Figure, Strips};
use clusterviz::render::{BackendChoice, Image};
use clusterviz::sky::lonlat_deg;
use glam::DVec2;

fn tempdir(name: &str) -> common::TempDir {
    common::tempdir(&format!("fig-{name}"))
}

fn render_args(flags: &[&str]) -> RenderArgs {
    let mut all = vec!["--demo"];
    all.extend(flags);
    parse_render_args(&all).unwrap()
}

/// Renders the small demo survey with `flags` into `out`, in-process.
fn figure(flags: &[&str], out: &Path, strips: Strips) -> Option<Figure> {
    let spec = render_args(flags).spec();
    let outputs = [out.to_path_buf()];
    let req = FigureRequest {
        strips,
        ..FigureRequest::new(&spec.view, &spec.style, &spec.figure, &outputs)
    };
    let backend = BackendChoice::from_env().unwrap_or(BackendChoice::Vulkan);
    render_figures(backend, &common::small_survey(), &req).unwrap()
}

fn luminance(p: [u8; 4]) -> u32 {
    (p[0] as u32 * 3 + p[1] as u32 * 6 + p[2] as u32) / 10
}

#[test]
fn pages_in_strips_and_tiles_equal_pages_rendered_whole() {
    let dir = tempdir("strips");
    for (proj, theme) in [("tan", "light"), ("ait", "dark")] {
        let flags = [
            "--projection",
            proj,
            "--theme",
            theme,
            "--size",
            "900x640",
            "--title",
            "Stitched",
        ];
        let whole = dir.join(format!("{proj}-whole.png"));
        let cut = dir.join(format!("{proj}-cut.png"));
        figure(&flags, &whole, Strips::default());
        // GPU tiles of 128 px and page strips of 53 rows: seams everywhere.
        figure(
            &flags,
            &cut,
            Strips {
                max_tile: 128,
                strip_pixels: 900 * 53,
            },
        );
        let (a, b) = (
            Image::load_png(&whole).unwrap(),
            Image::load_png(&cut).unwrap(),
        );
        let (bad, worst) = common::mismatches(&a, &b, 0);
        assert_eq!(bad, 0, "{proj}: {bad} pixels differ (worst {worst})");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn tick_labels_and_marks_sit_where_the_projection_puts_their_coordinates() {
    let dir = tempdir("ticks");
    let out = dir.join("ticks.png");
    let fig = figure(
        &["--theme", "light", "--size", "1000x700", "--no-grid"],
        &out,
        Strips::default(),
    )
    .expect("a composed figure");
    let img = Image::load_png(&out).unwrap();
    let plot = fig.plot;
    let bottom = (plot.y + plot.height) as f64;
    let left = plot.x as f64;
    let mut checked = [0, 0];
    for l in fig.labels() {
        let (coord, canvas) = if l.anchor == Anchor::Middle && l.rotate == 0.0 && l.at.y > bottom {
            (Coord::Lon, DVec2::new(l.at.x - left, plot.height as f64))
        } else if l.anchor == Anchor::End && l.at.x < left {
            // Latitude labels are vertically centred on their line (baseline 0.36 em low).
            let y = l.at.y - 0.36 * l.size - plot.y as f64;
            (Coord::Lat, DVec2::new(0.0, y))
        } else {
            continue;
        };
        let Some(line) = fig
            .grid
            .lines
            .iter()
            .find(|g| g.coord == coord && fig.grid.label(g) == l.text)
        else {
            continue;
        };
        // The label's line passes through the frame where the label points.
        let (lon, lat) = lonlat_deg(fig.view.unproject(canvas).unwrap());
        let off = match coord {
            Coord::Lon => ((lon - line.value_deg + 540.0) % 360.0 - 180.0).abs(),
            Coord::Lat => (lat - line.value_deg).abs(),
        };
        assert!(off < 1e-6, "label {} is {off}° off its line", l.text);
        // A dark tick mark is drawn there, just inside the frame...
        let page = canvas + DVec2::new(left, plot.y as f64);
        let (tx, ty) = match coord {
            Coord::Lon => (page.x, bottom - 2.5),
            Coord::Lat => (left + 2.5, page.y),
        };
        let darkest = (-1..=1)
            .flat_map(|d| {
                let (x, y) = match coord {
                    Coord::Lon => (tx as i64 + d, ty as i64),
                    Coord::Lat => (tx as i64, ty as i64 + d),
                };
                Some(luminance(img.pixel(x as u32, y as u32)))
            })
            .min()
            .unwrap();
        assert!(
            darkest < 110,
            "no tick mark for {} (luminance {darkest})",
            l.text
        );
        // ...and the label's text is inked inside its box on the page.
        let (lo, hi) = l.bounds();
        let inked = (lo.y.max(0.0) as u32..hi.y as u32)
            .flat_map(|y| (lo.x.max(0.0) as u32..hi.x as u32).map(move |x| (x, y)))
            .filter(|&(x, y)| luminance(img.pixel(x, y)) < 110)
            .count();
        assert!(
            inked > 10,
            "label {} has no ink ({inked} dark pixels)",
            l.text
        );
        checked[coord as usize] += 1;
    }
    assert!(
        checked[0] >= 3 && checked[1] >= 3,
        "labels checked: {checked:?}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn colour_bars_end_on_their_ranges_colours_and_values() {
    let dir = tempdir("bars");
    // A wide page keeps the bars upright beside the plot; a single-column page lays them
    // flat under it.
    for (size, upright) in [("1400x800", true), ("3.4x3.2in", false)] {
        let out = dir.join("bars.png");
        let fig = figure(
            &["--theme", "light", "--size", size],
            &out,
            Strips::default(),
        )
        .expect("a composed figure");
        let img = Image::load_png(&out).unwrap();
        let bars = fig.bar_rects();
        let (r, bar) = bars
            .iter()
            .find(|(_, b)| b.label == "Cluster redshift")
            .expect("a redshift colour bar");
        assert_eq!(r.h > r.w, upright, "{size}: bar {r:?}");
        // The merged clusters' redshifts, rounded outwards to tenths (they span over 1).
        let survey = common::small_survey();
        let merged = survey.merged.as_ref().unwrap();
        let z: Vec<f64> = (0..merged.len()).map(|i| merged.z(i)).collect();
        let (lo, hi) = z
            .iter()
            .fold((f64::MAX, f64::MIN), |(a, b), &v| (a.min(v), b.max(v)));
        assert!(hi - lo > 1.0 && hi - lo < 10.0, "{lo}..{hi}");
        let (lo, hi) = ((lo * 10.0).floor() / 10.0, (hi * 10.0).ceil() / 10.0);
        assert_eq!(bar.range, (lo as f32 as f64, hi as f32 as f64));
        let table = bar.colormap.table();
        // (pixel, expected colour) at the low and high ends.
        let ends = if upright {
            let x = r.x + r.w / 2.0;
            [
                ((x, r.y + r.h - 2.0), table[0]),
                ((x, r.y + 2.0), table[255]),
            ]
        } else {
            let y = r.y + r.h / 2.0;
            [
                ((r.x + 2.0, y), table[0]),
                ((r.x + r.w - 2.0, y), table[255]),
            ]
        };
        for ((x, y), expect) in ends {
            let p = img.pixel(x as u32, y as u32);
            let d = (0..3).map(|i| p[i].abs_diff(expect[i])).max().unwrap();
            assert!(d <= 8, "{size}: bar at ({x}, {y}): {p:?} vs {expect:?}");
        }
        let length = if upright { r.h } else { r.w };
        let ticks = clusterviz::export::compose::bar_ticks(bar, length, 24.0);
        let (first, last) = (format!("{lo}"), format!("{hi}"));
        assert_eq!(ticks.first().map(|t| t.1.as_str()), Some(first.as_str()));
        assert_eq!(ticks.last().map(|t| t.1.as_str()), Some(last.as_str()));
        let svg = fig.svg(None, false, "");
        assert!(
            svg.contains(&format!(">{first}</text>")) && svg.contains(&format!(">{last}</text>"))
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

use common::{run_cli as clusterviz, stderr};

fn tool(name: &str) -> bool {
    Command::new(name).arg("-v").output().is_ok()
}

#[test]
fn svg_and_pdf_are_valid_vector_figures_with_text_as_text() {
    let dir = tempdir("vector");
    let base = [
        "render",
        "--demo",
        "--demo-galaxies",
        "20000",
        "--theme",
        "light",
        "--size",
        "6x4in",
        "--dpi",
        "150",
        "--title",
        "Vector & text",
    ];
    for out in ["f.svg", "f.pdf"] {
        let mut args = base.to_vec();
        args.extend(["-o", out]);
        let o = clusterviz(&args, &dir);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    }
    // SVG: parses back, is 6x4 inches, and its labels are <text> elements.
    let svg = std::fs::read_to_string(dir.join("f.svg")).unwrap();
    clusterviz::export::write::parse_svg(&svg).expect("the SVG parses");
    assert!(svg.contains(r#"width="6.0000in" height="4.0000in""#));
    for text in [
        "Right ascension",
        "Declination",
        "Cluster redshift",
        "Vector &amp; text",
    ] {
        assert!(
            svg.contains(&format!(">{text}</text>")),
            "SVG lacks text {text}"
        );
    }
    assert!(
        svg.matches("<path").count() > 3,
        "grid and tiles are vector paths"
    );
    // PDF: a PDF file; where poppler is installed (scripts/setup.sh installs it), its
    // text extracts as text and it renders at the page size asked for.
    let pdf = std::fs::read(dir.join("f.pdf")).unwrap();
    assert!(pdf.starts_with(b"%PDF-"));
    if !tool("pdftotext") || !tool("pdftoppm") || !tool("pdfinfo") {
        eprintln!("SKIPPED the PDF text and rendering checks: poppler-utils is missing");
        return;
    }
    let text = Command::new("pdftotext")
        .args(["f.pdf", "-"])
        .current_dir(&dir)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&text.stdout);
    for t in [
        "Right ascension",
        "Declination",
        "Cluster redshift",
        "Vector & text",
        "−30°",
    ] {
        assert!(text.contains(t), "PDF text lacks {t}: {text}");
    }
    // Its document information says what it is and how it was made, as a PNG's text does.
    let info = Command::new("pdfinfo")
        .args(["-custom", "f.pdf"])
        .current_dir(&dir)
        .output()
        .unwrap();
    let info = String::from_utf8_lossy(&info.stdout);
    for t in [
        "Title:           Vector & text",
        "Creator:         clusterviz ",
        "Subject:         ",
        "ClusterVizCommand:",
    ] {
        assert!(info.contains(t), "PDF information lacks {t}: {info}");
    }
    assert!(info.contains(" fov ") && info.contains("render "), "{info}");
    let o = Command::new("pdftoppm")
        .args(["-r", "50", "-png", "-singlefile", "f.pdf", "page"])
        .current_dir(&dir)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let page = Image::load_png(&dir.join("page.png")).unwrap();
    assert_eq!(
        (page.width, page.height),
        (300, 200),
        "6x4 inches at 50 dpi"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn figure_files_reproduce_figures_and_bad_ones_are_refused() {
    let dir = tempdir("figfile");
    std::fs::write(
        dir.join("fig.toml"),
        "[inputs]\ndemo = true\ndemo_galaxies = 20000\n\
         [view]\nprojection = \"sin\"\nsize = [640, 480]\ntheme = \"light\"\n\
         [layers]\nsnr_min = 5\n[figure]\ntitle = \"From a file\"\ngrid_format = \"hms\"\n\
         [output]\nfiles = [\"out/a.png\", \"out/a.svg\"]\n",
    )
    .unwrap();
    std::fs::create_dir_all(dir.join("out")).unwrap();
    let run = clusterviz(&["render", "--figure", "fig.toml"], &dir);
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    assert!(dir.join("out/a.svg").exists());
    let first = Image::load_png(&dir.join("out/a.png")).unwrap();
    // The same file gives the same pixels; so do the same settings as flags.
    let again = clusterviz(&["render", "--figure", "fig.toml", "-o", "b.png"], &dir);
    assert_eq!(again.status.code(), Some(0), "{}", stderr(&again));
    let flags = clusterviz(
        &[
            "render",
            "--demo",
            "--demo-galaxies",
            "20000",
            "--projection",
            "sin",
            "--size",
            "640x480",
            "--theme",
            "light",
            "--snr-min",
            "5",
            "--title",
            "From a file",
            "--grid-format",
            "hms",
            "-o",
            "c.png",
        ],
        &dir,
    );
    assert_eq!(flags.status.code(), Some(0), "{}", stderr(&flags));
    for other in ["b.png", "c.png"] {
        let img = Image::load_png(&dir.join(other)).unwrap();
        assert_eq!(common::mismatches(&first, &img, 0).0, 0, "{other} differs");
    }
    // The figure file travels inside the PNG.
    let bytes = std::fs::read(dir.join("out/a.png")).unwrap();
    assert!(bytes.windows(11).any(|w| w == b"From a file"));

    let cases: &[(&str, &str)] = &[
        ("[view]\nzoom = 3\n", "unknown key 'zoom' in [view]"),
        ("[camera]\nfov = 3\n", "unknown section [camera]"),
        ("[view\n", "not valid TOML"),
        (
            "[inputs]\ndemo = true\n[view]\nfov = -3\n[output]\nfiles = \"x.png\"\n",
            "field of view",
        ),
        ("[inputs]\ndemo = true\n", "names no output"),
        (
            "[inputs]\ndemo = true\n[output]\nfiles = \"x.jpg\"\n",
            "must end in .png, .svg or .pdf",
        ),
    ];
    for (text, expect) in cases {
        std::fs::write(dir.join("bad.toml"), text).unwrap();
        let o = clusterviz(&["render", "--figure", "bad.toml"], &dir);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{text}: {err}");
        assert!(
            err.contains("bad.toml") || expect.contains("must end"),
            "{text}: {err}"
        );
        assert!(err.contains(expect), "{text}: expected '{expect}' in {err}");
        assert!(!err.contains("panicked"));
    }
    let o = clusterviz(&["render", "--figure", "fig.toml", "--fov", "3"], &dir);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("give '--fov' in the figure file"));
    assert!(!dir.join("x.png").exists());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn png_carries_its_dpi_its_making_and_a_wcs_sidecar() {
    let dir = tempdir("meta");
    let o = clusterviz(
        &[
            "render",
            "--demo",
            "--demo-galaxies",
            "20000",
            "--size",
            "4x3in",
            "--dpi",
            "120",
            "--wcs",
            "-o",
            "m.png",
        ],
        &dir,
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let decoder = png::Decoder::new(std::io::BufReader::new(
        std::fs::File::open(dir.join("m.png")).unwrap(),
    ));
    let reader = decoder.read_info().unwrap();
    let info = reader.info();
    assert_eq!((info.width, info.height), (480, 360));
    let dims = info.pixel_dims.expect("a pHYs chunk");
    assert_eq!((dims.xppu, dims.unit), (4724, png::Unit::Meter), "120 dpi");
    let text: Vec<(String, String)> = info
        .uncompressed_latin1_text
        .iter()
        .map(|t| (t.keyword.clone(), t.text.clone()))
        .collect();
    let get = |k: &str| {
        text.iter()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.clone())
    };
    assert!(get("Software").unwrap().starts_with("clusterviz "));
    assert!(get("clusterviz command").unwrap().contains("--dpi 120"));
    assert!(
        get("clusterviz view")
            .unwrap()
            .starts_with("TAN ICRS centre")
    );
    // The sidecar is a FITS header cfitsio reads, with the figure's WCS.
    let mut fits = fitsio::FitsFile::open(dir.join("m.wcs.fits")).expect("cfitsio opens it");
    let hdu = fits.primary_hdu().unwrap();
    let ctype: String = hdu.read_key(&mut fits, "CTYPE1").unwrap();
    assert_eq!(ctype, "RA---TAN");
    let w: i64 = hdu.read_key(&mut fits, "IMAGEW").unwrap();
    assert_eq!(w, 480);
    // A figure of files names each with its size and checksum.
    let o = clusterviz(&["demo", "--write", "dw", "--galaxies", "20000"], &dir);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let o = clusterviz(
        &[
            "render",
            "--clusters",
            "dw/clusters_merged.fits",
            "--tiles",
            "dw/tiles.json",
            "--galaxies",
            "dw/catred",
            "-o",
            "f.png",
        ],
        &dir,
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let reader = png::Decoder::new(std::io::BufReader::new(
        std::fs::File::open(dir.join("f.png")).unwrap(),
    ))
    .read_info()
    .unwrap();
    let source = reader
        .info()
        .uncompressed_latin1_text
        .iter()
        .find(|t| t.keyword == "Source")
        .map(|t| t.text.clone())
        .expect("a Source chunk");
    let merged_len = std::fs::metadata(dir.join("dw/clusters_merged.fits"))
        .unwrap()
        .len();
    assert!(
        source.contains(&format!(
            "dw/clusters_merged.fits ({merged_len} bytes, xxh3 "
        )),
        "{source}"
    );
    assert!(
        source.contains("dw/tiles.json (") && source.contains("catred/tile_"),
        "{source}"
    );
    // A sidecar describes PNG pixels only.
    let o = clusterviz(&["render", "--demo", "--wcs", "-o", "m.pdf"], &dir);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--wcs describes PNG pixels"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn wcs_sidecars_read_by_wcslib_give_the_cameras_directions() {
    use clusterviz::export::wcs::wcs_cards;
    use clusterviz::sky::{Frame, Projection};
    use clusterviz::view::{SubRect, View};
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let text = std::fs::read_to_string(fixtures.join("wcs_probes.json")).unwrap();
    let views: Vec<serde_json::Value> = serde_json::from_str(&text).unwrap();
    let mut checked = 0;
    for v in &views {
        let proj: Projection = serde_json::from_value(v["projection"].clone()).unwrap();
        let fov = v["fov"].as_f64().unwrap();
        let rot = v["rotation"].as_f64().unwrap();
        let c = (
            v["center"][0].as_f64().unwrap(),
            v["center"][1].as_f64().unwrap(),
        );
        let (w, h) = (600u32, 400u32);
        let mut view = View::new(proj, Frame::Icrs, c, fov, (w, h));
        view.rotation_deg = rot;
        let plot = SubRect {
            x: 0,
            y: 0,
            width: w,
            height: h,
        };
        // The fixture's header is the one the code writes today.
        let name = format!(
            "wcs/w_{}_{}_{}.wcs.fits",
            proj.code().to_lowercase(),
            fov,
            rot
        );
        let header = std::fs::read_to_string(fixtures.join(&name)).unwrap();
        for (key, value) in wcs_cards(&view, plot, (w, h)).unwrap() {
            let card = header
                .as_bytes()
                .chunks(80)
                .map(|c| String::from_utf8_lossy(c).into_owned())
                .find(|c| c.starts_with(&format!("{key:<8}=")))
                .unwrap_or_else(|| panic!("{name} lacks {key}"));
            assert!(
                card.contains(value.trim()),
                "{name}: {key} is now {value}: {card}"
            );
        }
        for p in v["probes"].as_array().unwrap() {
            let p: Vec<f64> = p
                .as_array()
                .unwrap()
                .iter()
                .map(|x| x.as_f64().unwrap())
                .collect();
            // FITS (p1, p2) is the canvas pixel centre (p1 - 0.5, h - p2 + 0.5).
            let px = DVec2::new(p[0] - 0.5, h as f64 - p[1] + 0.5);
            let Some(d) = view.unproject(px) else {
                panic!("{name}: WCSLIB shows sky at {p:?}, the camera none");
            };
            let (lon, lat) = lonlat_deg(d);
            let dlon = ((lon - p[2] + 540.0) % 360.0 - 180.0) * lat.to_radians().cos();
            assert!(
                dlon.abs() < 1e-7 && (lat - p[3]).abs() < 1e-7,
                "{name} at {p:?}: camera ({lon}, {lat})"
            );
            checked += 1;
        }
    }
    assert!(checked > 200, "{checked} probes");
}

#[test]
fn the_gallery_figure_files_still_make_their_figures() {
    let gallery = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/gallery");
    let dir = tempdir("gallery");
    let mut made = 0;
    for entry in std::fs::read_dir(&gallery).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().and_then(|e| e.to_str()) != Some("toml") {
            continue;
        }
        let committed = Image::load_png(&path.with_extension("png")).unwrap();
        let out = dir.join(path.with_extension("png").file_name().unwrap());
        let o = clusterviz(
            &[
                "render",
                "--figure",
                path.to_str().unwrap(),
                "-o",
                out.to_str().unwrap(),
            ],
            &dir,
        );
        assert_eq!(
            o.status.code(),
            Some(0),
            "{}: {}",
            path.display(),
            stderr(&o)
        );
        // Same page size as the committed figure (its pixels are the README's, made on
        // lavapipe; other adapters may differ slightly).
        let img = Image::load_png(&out).unwrap();
        assert_eq!((img.width, img.height), (committed.width, committed.height));
        made += 1;
    }
    assert!(made >= 4, "{made} gallery figures");
    let _ = std::fs::remove_dir_all(&dir);
}

/// `svg` rasterised by resvg at `size` pixels.
fn rasterise(svg: &str, size: (u32, u32)) -> Image {
    let tree = clusterviz::export::write::parse_svg(svg).unwrap();
    let mut pixmap = resvg::tiny_skia::Pixmap::new(size.0, size.1).unwrap();
    let t = tree.size();
    let scale = resvg::tiny_skia::Transform::from_scale(
        size.0 as f32 / t.width(),
        size.1 as f32 / t.height(),
    );
    resvg::render(&tree, scale, &mut pixmap.as_mut());
    let mut img = Image::new(size.0, size.1);
    for (i, p) in pixmap.pixels().iter().enumerate() {
        let c = p.demultiply();
        img.rgba[4 * i..4 * i + 4].copy_from_slice(&[c.red(), c.green(), c.blue(), c.alpha()]);
    }
    img
}

#[test]
fn svg_cluster_markers_are_vectors_that_match_the_rendered_ones() {
    use base64::Engine;
    let dir = tempdir("vector-markers");
    let flags = ["--center", "0.5,-30", "--fov", "3", "--size", "800x600"];
    figure(&flags, &dir.join("f.png"), Strips::default()).unwrap();
    figure(&flags, &dir.join("f.svg"), Strips::default()).unwrap();
    let svg = std::fs::read_to_string(dir.join("f.svg")).unwrap();
    // PZWAV rings, AMICO squares and merged discs, as elements.
    let rings = svg.matches(r##"<circle"##).count();
    let squares = svg.matches("<rect").count();
    assert!(
        rings > 100 && squares > 50,
        "{rings} circles, {squares} rects"
    );
    // The embedded sky image no longer holds them: no PZWAV red (#ff5a5a) in it.
    let start = svg.find("base64,").unwrap() + 7;
    let end = start + svg[start..].find('"').unwrap();
    let png = base64::engine::general_purpose::STANDARD
        .decode(&svg[start..end])
        .unwrap();
    std::fs::write(dir.join("sky.png"), png).unwrap();
    let sky = Image::load_png(&dir.join("sky.png")).unwrap();
    let red = |img: &Image| {
        (0..img.height)
            .flat_map(|y| (0..img.width).map(move |x| (x, y)))
            .filter(|&(x, y)| {
                let p = img.pixel(x, y);
                p[0] > 230 && (70..110).contains(&p[1]) && (70..110).contains(&p[2])
            })
            .count()
    };
    assert!(red(&sky) < 20, "{} ring pixels in the sky image", red(&sky));
    // Drawn by resvg, the SVG looks like the GPU's PNG: markers in the same places.
    let png = Image::load_png(&dir.join("f.png")).unwrap();
    let drawn = rasterise(&svg, (800, 600));
    let (rp, rs) = (red(&png), red(&drawn));
    assert!(rp > 200, "{rp}");
    assert!(
        rs.abs_diff(rp) * 5 < rp,
        "ring pixels: {rp} in the PNG, {rs} in the SVG"
    );
    let mut diff = 0u64;
    for y in 0..600 {
        for x in 0..800 {
            let (a, b) = (png.pixel(x, y), drawn.pixel(x, y));
            diff += (0..3).map(|c| a[c].abs_diff(b[c]) as u64).sum::<u64>();
        }
    }
    let mean = diff as f64 / (800.0 * 600.0 * 3.0);
    eprintln!(
        "ring pixels {rp} (PNG) {rs} (SVG), sky image {}; mean difference {mean:.2}",
        red(&sky)
    );
    assert!(
        mean < 4.0,
        "mean difference {mean:.2} between the PNG and the SVG"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn all_sky_figures_without_a_size_get_a_page_sized_to_the_plot() {
    let dir = tempdir("fit-page");
    let out = dir.join("ait.png");
    let flags = ["--projection", "ait", "--no-galaxies", "--no-mask"];
    let fig = figure(&flags, &out, Strips::default()).unwrap();
    let (w, h) = fig.style.size;
    // The default page's width, and no empty bands: the 2:1 plot and its margins.
    assert_eq!(w, 1600);
    assert!(h < 1000, "page height {h}");
    assert!(
        fig.plot.height as f64 > 0.75 * h as f64,
        "{:?} on {h}",
        fig.plot
    );
    assert_eq!(fig.plot.width, 2 * fig.plot.height);
    assert!(fig.bars_fit());
    let img = Image::load_png(&out).unwrap();
    assert_eq!((img.width, img.height), (w, h));
    // With galaxies and a mask the column beside the plot (seven legend entries, two
    // colour bars) is taller than the ellipse: it is centred on the plot and the page is
    // cut as far as the bars stay readable, with no empty band above both.
    let full = dir.join("full.png");
    let fig = figure(&["--projection", "ait"], &full, Strips::default()).unwrap();
    let (w, h) = fig.style.size;
    assert_eq!(w, 1600);
    assert!(h <= 900, "page height {h}");
    assert!(fig.bars_fit());
    assert_eq!(fig.bar_rects().len(), 2);
    let band = fig.plot.y as f64;
    assert!(
        band <= 0.25 * h as f64,
        "{band} px above a plot on a page {h} px high"
    );
    // A size given is kept.
    let sized = dir.join("sized.png");
    let flags = ["--projection", "ait", "--size", "1600x1200"];
    let fig = figure(&flags, &sized, Strips::default()).unwrap();
    assert_eq!(fig.style.size, (1600, 1200));
    std::fs::remove_dir_all(&dir).ok();
}
