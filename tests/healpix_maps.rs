//! HEALPix maps: reading healpy's files, and the GPU rasterizer drawing the right value at
//! the right pixel, in the right frame, with means where cells are smaller than pixels.

mod common;

use std::path::PathBuf;

use clusterviz::data::HealpixMap;
use clusterviz::data::healpix_fits::read_healpix_map;
use clusterviz::render::SceneRenderer;
use clusterviz::render::healpix::map_layer::depth_for_view;
use clusterviz::sky::{Frame, Projection, lonlat_deg};
use clusterviz::view::{Colormap, MapStyle, Theme, View};
use common::gpu;
use glam::DVec2;

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn probes(name: &str) -> Vec<(f64, f64, Option<f32>)> {
    let text = std::fs::read_to_string(fixture("probes.json")).unwrap();
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    v[name]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p[0].as_f64().unwrap(),
                p[1].as_f64().unwrap(),
                p[2].as_f64().map(|x| x as f32),
            )
        })
        .collect()
}

#[test]
fn healpy_maps_read_back_with_healpy_values() {
    let ring = read_healpix_map(&fixture("ring_fullsky_n64.fits"), None).unwrap();
    assert_eq!(
        (ring.depth, ring.frame, ring.cells.len()),
        (6, Frame::Icrs, 12 * 64 * 64)
    );
    for (ra, dec, want) in probes("ring_fullsky_n64") {
        assert_eq!(ring.value_at(ra, dec), want, "RING map at ({ra}, {dec})");
    }
    let partial = read_healpix_map(&fixture("nested_partial_n4096.fits"), None).unwrap();
    assert_eq!(partial.depth, 12);
    assert_eq!(partial.value_name, "T");
    for (ra, dec, want) in probes("nested_partial_n4096") {
        assert_eq!(
            partial.value_at(ra, dec),
            want,
            "partial map at ({ra}, {dec})"
        );
    }
    let string_nside = read_healpix_map(&fixture("nside_as_string.fits"), Some("t")).unwrap();
    assert_eq!(string_nside, partial);
    let gal = read_healpix_map(&fixture("galactic_band_n64.fits"), None).unwrap();
    assert_eq!(gal.frame, Frame::Galactic);
}

#[test]
fn bad_map_files_get_clear_errors() {
    let dir = common::tempdir("maps");
    // Truncated: cut the data short.
    let bytes = std::fs::read(fixture("ring_fullsky_n64.fits")).unwrap();
    let cut = dir.join("cut.fits");
    std::fs::write(&cut, &bytes[..bytes.len() / 2]).unwrap();
    let e = read_healpix_map(&cut, None).unwrap_err().to_string();
    assert!(e.contains("cut.fits") && e.contains("truncated"), "{e}");
    // Not FITS at all.
    let junk = dir.join("junk.fits");
    std::fs::write(&junk, b"hello").unwrap();
    let e = read_healpix_map(&junk, None).unwrap_err().to_string();
    assert!(
        e.contains("junk.fits") && e.contains("not a readable FITS file"),
        "{e}"
    );
    // Missing value column: the message lists what exists.
    let e = read_healpix_map(&fixture("nested_partial_n4096.fits"), Some("WEIGHT"))
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("has no column WEIGHT") && e.contains("PIXEL, T"),
        "{e}"
    );
    let e = read_healpix_map(&dir.join("missing.fits"), None)
        .unwrap_err()
        .to_string();
    assert!(e.contains("no such file"), "{e}");
}

fn gray_level(style: &MapStyle, v: f32) -> u8 {
    let t = ((v - style.range.0) / (style.range.1 - style.range.0)).clamp(0.0, 1.0);
    Colormap::Gray.at(t as f64)[0]
}

fn map_renderer(
    ctx: &clusterviz::render::GpuContext,
    map: &HealpixMap,
    style: MapStyle,
) -> SceneRenderer {
    let mut r = SceneRenderer::new(ctx);
    r.set_theme(ctx, Theme::Dark);
    r.add_map(ctx, "map", map.clone(), style).unwrap();
    r
}

#[test]
fn pixels_show_the_value_of_the_cell_under_them() {
    let ctx = gpu();
    let map = read_healpix_map(&fixture("ring_fullsky_n64.fits"), None).unwrap();
    let style = MapStyle::new(Colormap::Gray, map.value_range().unwrap());
    let r = map_renderer(&ctx, &map, style);
    for proj in Projection::ALL {
        let fov = if proj.is_all_sky() { 360.0 } else { 120.0 };
        let view = View::new(proj, Frame::Icrs, (40.0, 20.0), fov, (900, 600));
        let img = r.render_image(&ctx, &view).unwrap();
        let layer = cdshealpix::nested::get(6);
        let mut checked = 0;
        let mut wrong = Vec::new();
        for (ra, dec, _) in probes("ring_fullsky_n64") {
            let Some(px) = view.project_radec(ra, dec) else {
                continue;
            };
            if px.x < 1.0 || px.y < 1.0 || px.x > 899.0 || px.y > 599.0 {
                continue;
            }
            let (x, y) = (px.x as u32, px.y as u32);
            // The cells under the pixel centre and under points 1/20 pixel around it: GPU
            // trigonometry is f32 (worse on software drivers), so a centre that close to a
            // cell edge may land on either side.
            let cells: Vec<u64> = [
                (0.0, 0.0),
                (0.05, 0.0),
                (-0.05, 0.0),
                (0.0, 0.05),
                (0.0, -0.05),
            ]
            .iter()
            .filter_map(|&(dx, dy)| {
                view.unproject(DVec2::new(x as f64 + 0.5 + dx, y as f64 + 0.5 + dy))
            })
            .map(|d| {
                let (l, b) = lonlat_deg(d);
                layer.hash(l.to_radians(), b.to_radians())
            })
            .collect();
            if cells.is_empty() {
                continue;
            }
            let got = img.pixel(x, y);
            checked += 1;
            let ok = got[0] == got[1]
                && cells
                    .iter()
                    .any(|&c| got[0].abs_diff(gray_level(&style, map.get(c).unwrap())) <= 1);
            if !ok {
                let want = gray_level(&style, map.get(cells[0]).unwrap());
                wrong.push(format!(
                    "({ra:.2},{dec:.2}) px ({x},{y}) cell {} got {got:?} want {want}",
                    cells[0]
                ));
            }
        }
        assert!(checked > 30, "{proj:?}: only {checked} probes on screen");
        assert!(
            wrong.is_empty(),
            "{proj:?}: {} of {checked} probes wrong: {wrong:?}",
            wrong.len()
        );
    }
}

#[test]
fn outside_the_map_is_transparent() {
    let ctx = gpu();
    let map = read_healpix_map(&fixture("nested_partial_n4096.fits"), None).unwrap();
    let style = MapStyle::new(Colormap::Gray, (0.0, 1.0));
    let with_map = map_renderer(&ctx, &map, style);
    let empty = SceneRenderer::new(&ctx);
    let view = View::new(Projection::Tan, Frame::Icrs, (150.0, 2.0), 1.5, (300, 300));
    let a = with_map.render_image(&ctx, &view).unwrap();
    let b = empty.render_image(&ctx, &view).unwrap();
    // The disc of radius 0.5° covers the centre; the corners are outside it.
    assert_ne!(a.pixel(150, 150), b.pixel(150, 150));
    assert_eq!(a.pixel(5, 5), b.pixel(5, 5));
    assert_eq!(a.pixel(294, 294), b.pixel(294, 294));
}

#[test]
fn galactic_map_lands_on_the_galactic_plane_in_an_icrs_view() {
    let ctx = gpu();
    let map = read_healpix_map(&fixture("galactic_band_n64.fits"), None).unwrap();
    let style = MapStyle::new(Colormap::Gray, (0.0, 1.0));
    let r = map_renderer(&ctx, &map, style);
    let empty = SceneRenderer::new(&ctx);
    let view = View::new(Projection::Mol, Frame::Icrs, (0.0, 0.0), 360.0, (800, 400));
    let img = r.render_image(&ctx, &view).unwrap();
    let bg = empty.render_image(&ctx, &view).unwrap();
    // Galactic centre (in the band) and north Galactic pole (far from it), ICRS coordinates.
    let gc = view.project_radec(266.405, -28.936).unwrap();
    let ngp = view.project_radec(192.859, 27.128).unwrap();
    assert_eq!(
        img.pixel(gc.x as u32, gc.y as u32)[0],
        255,
        "band at the Galactic centre"
    );
    assert_eq!(
        img.pixel(ngp.x as u32, ngp.y as u32),
        bg.pixel(ngp.x as u32, ngp.y as u32)
    );
    // Cygnus (RA 305, Dec 40) lies on the plane too; the south Galactic pole does not.
    let cyg = view.project_radec(308.0, 41.0).unwrap();
    assert_eq!(img.pixel(cyg.x as u32, cyg.y as u32)[0], 255);
    let sgp = view.project_radec(12.86, -27.13).unwrap();
    assert_eq!(
        img.pixel(sgp.x as u32, sgp.y as u32),
        bg.pixel(sgp.x as u32, sgp.y as u32)
    );
}

#[test]
fn zoomed_out_pixels_show_the_mean_of_the_cells_beneath() {
    let ctx = gpu();
    // Depth 8, full sky, alternating 0 and 1: every depth-7 cell averages 0.5.
    let n = 12u64 << 16;
    let map = HealpixMap {
        depth: 8,
        frame: Frame::Icrs,
        value_name: "CHECKER".into(),
        cells: (0..n).collect(),
        values: (0..n).map(|c| (c & 1) as f32).collect(),
    };
    let style = MapStyle::new(Colormap::Gray, (0.0, 1.0));
    let r = map_renderer(&ctx, &map, style);
    let view = View::new(Projection::Mol, Frame::Icrs, (0.0, 0.0), 360.0, (400, 200));
    assert!(depth_for_view(&view, 8) < 8);
    let img = r.render_image(&ctx, &view).unwrap();
    let half = gray_level(&style, 0.5);
    let (mut inside, mut mean) = (0, 0);
    for y in 20..180 {
        for x in 60..340 {
            if view
                .unproject(DVec2::new(x as f64 + 0.5, y as f64 + 0.5))
                .is_some()
            {
                inside += 1;
                if img.pixel(x, y)[0].abs_diff(half) <= 1 {
                    mean += 1;
                }
            }
        }
    }
    assert!(
        mean as f64 > 0.99 * inside as f64,
        "{mean} of {inside} pixels show the mean"
    );
}

#[test]
fn rasters_are_reused_until_the_view_changes() {
    let ctx = gpu();
    let map = read_healpix_map(&fixture("ring_fullsky_n64.fits"), None).unwrap();
    let mut r = SceneRenderer::new(&ctx);
    let id = r
        .add_map(
            &ctx,
            "map",
            map,
            MapStyle::new(Colormap::Viridis, (-2.0, 2.0)),
        )
        .unwrap();
    let view = View::new(Projection::Ait, Frame::Icrs, (0.0, 0.0), 360.0, (300, 150));
    let a = r.render_image(&ctx, &view).unwrap();
    let b = r.render_image(&ctx, &view).unwrap();
    assert_eq!(a, b);
    assert_eq!(r.map_rasterizations(id), Some(1));
    let mut moved = view;
    moved.center_deg = (10.0, 0.0);
    r.render_image(&ctx, &moved).unwrap();
    assert_eq!(r.map_rasterizations(id), Some(2));
    let mut s = MapStyle::new(Colormap::Magma, (-2.0, 2.0));
    s.opacity = 0.5;
    r.set_map_style(id, s);
    let c = r.render_image(&ctx, &moved).unwrap();
    assert_eq!(r.map_rasterizations(id), Some(3));
    assert_ne!(c, b);
    // Back to the first view and style: still cached (LRU), same pixels, no new raster.
    r.set_map_style(id, MapStyle::new(Colormap::Viridis, (-2.0, 2.0)));
    assert_eq!(r.render_image(&ctx, &view).unwrap(), a);
    assert_eq!(r.map_rasterizations(id), Some(3));
}

#[test]
fn mocs_and_multi_order_maps_read_at_their_deepest_depth() {
    let moc = read_healpix_map(&fixture("moc.fits"), None).unwrap();
    // Cells of depths 3, 4, 5 and 6, expanded to depth 6: 64 + 16 + 4 + 1.
    assert_eq!(
        (moc.depth, moc.cells.len(), moc.value_name.as_str()),
        (6, 85, "MOC")
    );
    assert_eq!(moc.value_at(266.4, -28.9), Some(1.0));
    assert_eq!(moc.value_at(40.0, 20.0), Some(1.0));
    assert_eq!(moc.value_at(100.0, -60.0), None);
    let mom = read_healpix_map(&fixture("multi_order.fits"), None).unwrap();
    assert_eq!(mom.value_name, "PROBDENSITY");
    assert_eq!(mom.value_at(266.4, -28.9), Some(1.0));
    assert_eq!(mom.value_at(50.0, 20.0), Some(3.0));
    assert_eq!(mom.value_at(60.0, 20.0), Some(4.0));
}

#[test]
fn partial_maps_written_by_stilts_read_with_the_counts_cdshealpix_gives() {
    // The 2000 points tests/fixtures/make_stilts_fixtures.sh binned, hashed here.
    let mut tally = std::collections::BTreeMap::new();
    for i in 0..2000 {
        let ra = (i as f64 * 137.50776405) % 360.0;
        let dec = (1.0 - 2.0 * (i as f64 + 0.5) / 2000.0).asin().to_degrees();
        let cell = cdshealpix::nested::hash(3, ra.to_radians(), dec.to_radians());
        *tally.entry(cell).or_insert(0.0f32) += 1.0;
    }
    // STILTS's own FITS names the index column after the order (hpx3, UCD pos.healpix);
    // its fits-healpix output names it PIXEL. Neither says COORDSYS.
    for name in ["stilts_tskymap_hpx3.fits", "stilts_tskymap_healpix.fits"] {
        let map = read_healpix_map(&fixture(name), None).unwrap();
        assert_eq!(
            (map.depth, map.frame, map.value_name.as_str()),
            (3, Frame::Icrs, "count"),
            "{name}"
        );
        assert_eq!(
            map.cells,
            tally.keys().copied().collect::<Vec<_>>(),
            "{name}"
        );
        assert_eq!(
            map.values,
            tally.values().copied().collect::<Vec<_>>(),
            "{name}"
        );
    }
    // From the command line, the missing frame is said.
    let dir = common::tempdir("stilts-map");
    let o = common::run_cli(
        &[
            "render",
            "--mask",
            fixture("stilts_tskymap_hpx3.fits").to_str().unwrap(),
            "--bare",
            "-o",
            "map.png",
        ],
        &dir,
    );
    let err = common::stderr(&o);
    std::fs::remove_dir_all(&dir).ok();
    assert_eq!(o.status.code(), Some(0), "{err}");
    assert!(
        err.contains("no COORDSYS keyword; the map is drawn as equatorial"),
        "{err}"
    );
}

#[test]
fn mocs_read_alike_from_mocpys_fits_ascii_and_json() {
    // tests/fixtures/make_moc_fixtures.py: one cone, three serialisations, and what mocpy
    // says the MOC holds at its depth.
    let text = std::fs::read_to_string(fixture("moc_cone.expected.json")).unwrap();
    let want: serde_json::Value = serde_json::from_str(&text).unwrap();
    let fits = read_healpix_map(&fixture("moc_cone.fits"), None).unwrap();
    assert_eq!(fits.depth as u64, want["depth"].as_u64().unwrap());
    assert_eq!(fits.cells.len() as u64, want["cells"].as_u64().unwrap());
    assert_eq!(
        fits.cells.iter().sum::<u64>(),
        want["sum"].as_u64().unwrap()
    );
    assert!(fits.values.iter().all(|&v| v == 1.0));
    for name in ["moc_cone.json", "moc_cone.txt"] {
        let text_moc = read_healpix_map(&fixture(name), None).unwrap();
        assert_eq!(text_moc, fits, "{name}");
    }
    // Damaged text MOCs are refused with the file and the reason.
    let dir = common::tempdir("text-mocs");
    for (name, body, reason) in [
        ("cells_first.txt", "12 13 5/1", "come before any depth"),
        ("backwards.txt", "5/9-3", "runs backwards"),
        ("too_deep.txt", "30/1", "deeper than 29"),
        ("no_cell.txt", "3/768", "does not exist at depth 3"),
        ("huge.txt", "29/0-99999999999", "save it coarser"),
        ("not_json.json", "{\"3\": [1, 2", "not valid JSON"),
        ("not_list.json", "{\"3\": 7}", "does not hold a list"),
    ] {
        let path = dir.join(name);
        std::fs::write(&path, body).unwrap();
        let e = read_healpix_map(&path, None).unwrap_err().to_string();
        assert!(e.contains(name) && e.contains(reason), "{name}: {e}");
    }
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn a_polarisation_maps_columns_read_back_as_healpy_reads_them() {
    // healpy's I/Q/U: three 1024D columns side by side in each row, RING, Galactic, with
    // UNSEEN cells in Q.
    let expected: std::collections::HashMap<String, Vec<(f64, f64, Option<f32>)>> =
        serde_json::from_str(
            &std::fs::read_to_string(fixture("iqu_ring_n16.expected.json")).unwrap(),
        )
        .unwrap();
    for (column, probes) in &expected {
        let map = read_healpix_map(&fixture("iqu_ring_n16.fits"), Some(column)).unwrap();
        assert_eq!((map.depth, map.frame), (4, Frame::Galactic));
        assert_eq!(&map.value_name, column);
        // Q misses every 97th RING cell.
        let missing = if column == "Q_POLARISATION" { 32 } else { 0 };
        assert_eq!(map.cells.len(), 3072 - missing, "{column}");
        for &(l, b, want) in probes {
            assert_eq!(map.value_at(l, b), want, "{column} at ({l}, {b})");
        }
    }
}

#[test]
fn a_map_read_within_an_area_holds_exactly_its_cells_there() {
    use clusterviz::data::healpix_fits::read_healpix_map_within;
    // A dense skymap as hats writes it (IMPLICIT NESTED, a count a row: only the cone's
    // rows are read); hats-import's sparse one (EXPLICIT), a RING map and a partial NESTED
    // map (read whole, then limited).
    let expected: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(fixture("skymap_implicit_o5.expected.json")).unwrap(),
    )
    .unwrap();
    let dense = read_healpix_map(&fixture("skymap_implicit_o5.fits"), None).unwrap();
    let total: f64 = dense.values.iter().map(|&v| f64::from(v)).sum();
    assert_eq!(dense.depth, 5);
    assert_eq!(dense.cells.len(), 12 * 4usize.pow(5));
    assert_eq!(total, expected["total"].as_f64().unwrap());
    for name in [
        "skymap_implicit_o5.fits",
        "hats/galaxies/skymap.fits",
        "ring_fullsky_n64.fits",
        "nested_partial_n4096.fits",
    ] {
        let path = fixture(name);
        let whole = read_healpix_map(&path, None).unwrap();
        // A cone around one of the map's cells, about a quarter of the map's area (at
        // most 5°), as sorted ranges at any depth.
        let radius = ((whole.area_deg2() / std::f64::consts::PI).sqrt() / 2.0).min(5.0);
        let (lon, lat) =
            cdshealpix::nested::get(whole.depth).center(whole.cells[whole.cells.len() / 3]);
        let cone = |depth: u8| -> Vec<std::ops::Range<u64>> {
            clusterviz::sky::coverage::cone_coverage(depth, lon, lat, radius.to_radians())
                .to_ranges()
                .to_vec()
        };
        let ranges = cone(whole.depth);
        let inside = |c: u64| ranges.iter().any(|r| r.contains(&c));
        let (cells, values): (Vec<u64>, Vec<f32>) = whole
            .cells
            .iter()
            .zip(&whole.values)
            .filter(|(c, _)| inside(**c))
            .map(|(&c, &v)| (c, v))
            .unzip();
        let within = read_healpix_map_within(&path, None, &cone).unwrap();
        assert!(
            !cells.is_empty() && cells.len() < whole.cells.len(),
            "{name}: {} of {} cells in the cone",
            cells.len(),
            whole.cells.len()
        );
        assert_eq!(within.depth, whole.depth, "{name}");
        assert_eq!(within.cells, cells, "{name}");
        assert_eq!(within.values, values, "{name}");
    }
}
