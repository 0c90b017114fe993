//! Pixel-level checks of the renderer on the software backend: markers land on the pixels
//! the Rust projection computes (so WGSL and Rust agree), tiles stitch exactly, filters
//! are uniforms, all-sky seams are clean.

mod common;

use clusterviz::data::rng::Rng;
use clusterviz::render::scene_pipelines::PipelineCache;
use clusterviz::render::{LineSegment, PointInstance, SceneRenderer, segments_from_rings};
use clusterviz::scene::layers::CLUSTER_SNR;
use clusterviz::sky::{Frame, Projection, unit_vector};
use clusterviz::view::{
    ColorBy, Halo, LineStyle, MarkerShape, PointStyle, RangeFilter, Rgba, SizeBy, Theme, View,
};
use common::{demo_renderer, gpu, mismatches, small_survey};

const RED: Rgba = Rgba::rgb8(255, 0, 0);

fn point(ra: f64, dec: f64, a0: f32, a1: f32) -> PointInstance {
    let d = unit_vector(ra, dec);
    PointInstance {
        dir: [d.x as f32, d.y as f32, d.z as f32],
        attrs: [a0, a1, 0.0, 0.0],
    }
}

fn red_dots() -> PointStyle {
    PointStyle::new(MarkerShape::Square, SizeBy::Fixed(3.0), ColorBy::Fixed(RED))
}

fn is_red(p: [u8; 4]) -> bool {
    p[0] > 200 && p[1] < 60 && p[2] < 60
}

#[test]
fn markers_land_on_the_computed_pixels_in_every_projection() {
    let ctx = gpu();
    for proj in Projection::ALL {
        for frame in [Frame::Icrs, Frame::Galactic] {
            let (center, fov) = if proj.is_all_sky() {
                ((30.0, 0.0), 360.0)
            } else {
                ((30.0, -40.0), 50.0)
            };
            let mut view = View::new(proj, frame, center, fov, (640, 400));
            view.rotation_deg = 12.0;
            // Scattered directions; keep those visible and away from the edges.
            let mut rng = Rng::new(7);
            let mut probes = Vec::new();
            while probes.len() < 40 {
                let ra = rng.range(0.0, 360.0);
                let dec = rng.range(-1.0, 1.0).asin().to_degrees();
                if let Some(px) = view.project_radec(ra, dec)
                    && px.x > 4.0
                    && px.y > 4.0
                    && px.x < 636.0
                    && px.y < 396.0
                {
                    probes.push((ra, dec, px));
                }
            }
            let inst: Vec<_> = probes
                .iter()
                .map(|&(ra, dec, _)| point(ra, dec, 0.0, 0.0))
                .collect();
            let mut r = SceneRenderer::new(&ctx);
            r.set_theme(&ctx, Theme::Dark);
            r.add_points(&ctx, "probes", &inst, red_dots()).unwrap();
            let img = r.render_image(&ctx, &view).unwrap();
            for (ra, dec, px) in probes {
                let p = img.pixel(px.x as u32, px.y as u32);
                assert!(
                    is_red(p),
                    "{proj:?} {frame:?}: ({ra:.3},{dec:.3}) should be red at {px}, got {p:?}"
                );
            }
            // Far from every probe the sky is empty.
            let bg = img.pixel(1, 1);
            assert!(!is_red(bg));
        }
    }
}

/// Signed distance in pixels (negative inside) to each marker shape of radius `r` and
/// stroke `w`, as the marker shader defines them: the oracle for the test below.
fn shape_distance(shape: MarkerShape, (x, y): (f32, f32), r: f32, w: f32) -> f32 {
    let ring = |d: f32| (d + 0.5 * w).abs() - 0.5 * w;
    let bar = |a: f32, b: f32| (a.abs() - r).max(b.abs() - 0.5 * w);
    let (square, diamond) = (
        x.abs().max(y.abs()) - 0.85 * r,
        (x.abs() + y.abs()) * std::f32::consts::FRAC_1_SQRT_2 - 0.8 * r,
    );
    match shape {
        MarkerShape::Circle => x.hypot(y) - r,
        MarkerShape::OpenCircle => ring(x.hypot(y) - r),
        MarkerShape::Square => square,
        MarkerShape::OpenSquare => ring(square),
        MarkerShape::Diamond => diamond,
        MarkerShape::OpenDiamond => ring(diamond),
        MarkerShape::Cross => {
            let (u, v) = (
                (x + y) * std::f32::consts::FRAC_1_SQRT_2,
                (x - y) * std::f32::consts::FRAC_1_SQRT_2,
            );
            bar(u, v).min(bar(v, u))
        }
        MarkerShape::Plus => bar(x, y).min(bar(y, x)),
    }
}

/// One marker of `style` drawn at the centre of a 96×96 TAN view on the dark sky; each
/// pixel comes with its signed distance to the shape of radius `r` and stroke `w`.
fn one_marker_pixels(
    ctx: &clusterviz::render::GpuContext,
    style: PointStyle,
    r: f32,
    w: f32,
) -> Vec<(u32, u32, f32, [u8; 4])> {
    let view = View::new(Projection::Tan, Frame::Icrs, (0.0, 0.0), 2.0, (96, 96));
    let centre = view.project_radec(0.0, 0.0).expect("the centre projects");
    let shape = style.shape;
    let mut scene = SceneRenderer::new(ctx);
    scene.set_theme(ctx, Theme::Dark);
    scene
        .add_points(ctx, "one", &[point(0.0, 0.0, 0.0, 0.0)], style)
        .unwrap();
    let img = scene.render_image(ctx, &view).unwrap();
    let mut pixels = Vec::with_capacity(96 * 96);
    for y in 0..96 {
        for x in 0..96 {
            let q = (
                x as f32 + 0.5 - centre.x as f32,
                y as f32 + 0.5 - centre.y as f32,
            );
            pixels.push((x, y, shape_distance(shape, q, r, w), img.pixel(x, y)));
        }
    }
    pixels
}

/// Each marker is drawn as one triangle around its shape: a big marker of every shape is
/// painted wherever the shape is (its corners included) and nowhere else.
#[test]
fn every_marker_shape_is_drawn_whole_by_its_one_triangle() {
    let ctx = gpu();
    let (r, w) = (20.0, 6.0);
    for shape in MarkerShape::ALL {
        let mut style = PointStyle::new(shape, SizeBy::Fixed(2.0 * r), ColorBy::Fixed(RED));
        style.stroke_px = w;
        let (mut inside, mut outside) = (0, 0);
        for (x, y, d, p) in one_marker_pixels(&ctx, style, r, w) {
            if d < -0.75 {
                assert!(
                    is_red(p),
                    "{shape:?}: ({x},{y}) is inside the shape, got {p:?}"
                );
                inside += 1;
            } else if d > 0.75 {
                assert!(
                    p[0] < 60,
                    "{shape:?}: ({x},{y}) is outside the shape, got {p:?}"
                );
                outside += 1;
            }
        }
        assert!(
            inside > 100 && outside > 4000,
            "{shape:?}: {inside} inside, {outside} outside"
        );
    }
}

/// A marker's halo rings the shape, at its width, in its colour: pixels inside the shape
/// keep the marker's colour, those within the halo's width of it take the halo's, and the
/// sky begins beyond (the marker's one triangle grows to hold the halo).
#[test]
fn a_markers_halo_rings_its_shape_at_the_halos_width() {
    let ctx = gpu();
    let (r, w, halo) = (12.0, 4.0, 6.0);
    let is_blue = |p: [u8; 4]| p[2] > 200 && p[0] < 60 && p[1] < 60;
    for shape in MarkerShape::ALL {
        let mut style = PointStyle::new(shape, SizeBy::Fixed(2.0 * r), ColorBy::Fixed(RED));
        style.stroke_px = w;
        style.halo = Some(Halo {
            color: Rgba::rgb8(0, 0, 255),
            width_px: halo,
        });
        let mut seen = [0; 3];
        for (x, y, d, p) in one_marker_pixels(&ctx, style, r, w) {
            let (what, ok) = if d < -0.75 {
                (0, is_red(p))
            } else if d > 0.75 && d < halo - 0.75 {
                (1, is_blue(p))
            } else if d > halo + 0.75 {
                (2, p[0] < 60 && p[2] < 60)
            } else {
                continue;
            };
            assert!(
                ok,
                "{shape:?}: ({x},{y}) at {d:.2} px from the shape, got {p:?}"
            );
            seen[what] += 1;
        }
        assert!(
            seen.iter().all(|&n| n > 20),
            "{shape:?}: {seen:?} pixels in the shape, the halo, the sky"
        );
    }
}

/// Galaxy markers as a crowded view draws them (faint, many at once) stay visible over
/// the palest colour of the density beneath, where a uniform catalog's cells all sit:
/// their rim of sky colour sets them off, where the same marker without it barely shows.
#[test]
fn faint_galaxy_markers_stand_out_over_the_palest_density() {
    use clusterviz::data::HealpixMap;
    use clusterviz::scene::SceneStyle;
    use clusterviz::scene::layers::{density_style, galaxy_style};
    let ctx = gpu();
    let view = View::new(Projection::Tan, Frame::Icrs, (0.0, 0.0), 1.0, (64, 64));
    // Every depth-6 cell holds the same count: the whole map at the top of the scale.
    let n = 12u64 << 12;
    let counts = HealpixMap {
        depth: 6,
        frame: Frame::Icrs,
        value_name: "COUNT".into(),
        cells: (0..n).collect(),
        values: vec![50.0; n as usize],
    };
    let shade = density_style(Theme::Dark, &counts);
    // As drawn when 300 000 markers share the view: opacity 0.2.
    let galaxy = galaxy_style(Theme::Dark, &SceneStyle::default(), 300_000);
    assert!((galaxy.opacity - 0.2).abs() < 1e-6);
    let centre = view.project_radec(0.0, 0.0).unwrap();
    let (cx, cy) = (centre.x as u32, centre.y as u32);
    // The most any channel of any pixel around the marker differs from the density.
    let contrast = |style: PointStyle| {
        let mut r = SceneRenderer::new(&ctx);
        r.set_theme(&ctx, Theme::Dark);
        r.add_map(&ctx, "density", counts.clone(), shade).unwrap();
        let density = r.render_image(&ctx, &view).unwrap();
        r.add_points(&ctx, "galaxies", &[point(0.0, 0.0, 0.5, 0.0)], style)
            .unwrap();
        let img = r.render_image(&ctx, &view).unwrap();
        // Away from it, the density alone.
        assert_eq!(img.pixel(5, 5), density.pixel(5, 5));
        let mut strongest = 0;
        for y in cy - 3..=cy + 3 {
            for x in cx - 3..=cx + 3 {
                let (a, b) = (img.pixel(x, y), density.pixel(x, y));
                for c in 0..3 {
                    strongest = strongest.max(a[c].abs_diff(b[c]));
                }
            }
        }
        strongest
    };
    let plain = contrast(PointStyle {
        halo: None,
        ..galaxy
    });
    let rimmed = contrast(galaxy);
    assert!(
        rimmed >= 20 && rimmed >= 2 * plain,
        "the marker differs by {rimmed} levels ({plain} without its rim)"
    );
}

/// Scenes on one device compile their pipelines once and share them, yet each keeps its
/// own theme and layers: drawing one scene leaves another's pixels as they were.
#[test]
fn scenes_share_one_devices_pipelines_and_keep_their_own_theme_and_layers() {
    let ctx = gpu();
    let view = View::new(Projection::Tan, Frame::Icrs, (10.0, 0.0), 4.0, (120, 120));
    let mut dark = SceneRenderer::new(&ctx);
    dark.add_points(&ctx, "p", &[point(10.0, 0.0, 0.0, 0.0)], red_dots())
        .unwrap();
    let before = dark.render_image(&ctx, &view).unwrap();
    let light = SceneRenderer::new(&ctx);
    light.set_theme(&ctx, Theme::Light);
    assert_eq!(
        ctx.shared::<PipelineCache>().formats(),
        1,
        "the second scene made no pipelines"
    );
    let lit = light.render_image(&ctx, &view).unwrap();
    let after = dark.render_image(&ctx, &view).unwrap();
    assert_eq!(before.rgba, after.rgba);
    // The centre holds the dark scene's marker only; the sky's colours are each theme's.
    assert!(is_red(after.pixel(60, 60)) && !is_red(lit.pixel(60, 60)));
    let (_, dark_sky, _) = Theme::Dark.colors();
    let (_, light_sky, _) = Theme::Light.colors();
    let rgb = |c: Rgba| c.0.map(|v| (v * 255.0).round() as u8);
    assert_eq!(after.pixel(5, 5)[..3], rgb(dark_sky)[..3]);
    assert_eq!(lit.pixel(5, 5)[..3], rgb(light_sky)[..3]);
}

#[test]
fn east_is_left_and_north_is_up() {
    let ctx = gpu();
    let view = View::new(Projection::Tan, Frame::Icrs, (10.0, 0.0), 4.0, (200, 200));
    let mut r = SceneRenderer::new(&ctx);
    r.add_points(
        &ctx,
        "p",
        &[point(11.0, 0.0, 0.0, 0.0), point(10.0, 1.0, 0.0, 0.0)],
        red_dots(),
    )
    .unwrap();
    let img = r.render_image(&ctx, &view).unwrap();
    // 1° east: 50 px left of centre; 1° north: 50 px up (TAN: tan(1°)/tan(2°) × 100).
    let off = 1f64.to_radians().tan() / 2f64.to_radians().tan() * 100.0;
    let near = (100.0 - off).floor() as u32;
    let far = (100.0 + off).floor() as u32;
    assert!(
        is_red(img.pixel(near, 100)),
        "east of centre must be on the left"
    );
    assert!(is_red(img.pixel(100, near)), "north of centre must be up");
    assert!(!is_red(img.pixel(far, 100)) && !is_red(img.pixel(100, far)));
}

#[test]
fn stitched_tiles_equal_the_whole_canvas() {
    let ctx = gpu();
    let survey = small_survey();
    let r = demo_renderer(&ctx, &survey, Theme::Dark);
    for proj in Projection::ALL {
        let (center, fov) = if proj.is_all_sky() {
            ((0.0, -10.0), 360.0)
        } else {
            ((0.0, -30.0), 9.0)
        };
        let view = View::new(proj, Frame::Icrs, center, fov, (331, 217));
        let whole = r.render_image(&ctx, &view).unwrap();
        let mut stitched = clusterviz::render::Image::new(331, 217);
        for tile in view.tiles(3, 2) {
            let img = r.render_image(&ctx, &tile).unwrap();
            stitched.blit(&img, tile.sub.x, tile.sub.y);
        }
        let (bad, worst) = mismatches(&whole, &stitched, 0);
        assert_eq!(bad, 0, "{proj:?}: {bad} pixels differ (worst by {worst})");
        // And the automatic tiling of big outputs gives the same.
        let tiled = r.render_tiled(&ctx, &view, 100).unwrap();
        assert_eq!(tiled, whole, "{proj:?}: render_tiled differs");
    }
}

#[test]
fn filters_and_visibility_are_uniforms_not_uploads() {
    let ctx = gpu();
    let mut rng = Rng::new(3);
    let inst: Vec<_> = (0..3000)
        .map(|_| {
            point(
                rng.range(-2.0, 2.0),
                rng.range(-2.0, 2.0),
                rng.range(0.0, 2.0) as f32,
                rng.range(3.0, 30.0) as f32,
            )
        })
        .collect();
    let style = PointStyle::new(MarkerShape::Circle, SizeBy::Fixed(4.0), ColorBy::Fixed(RED));
    let view = View::new(Projection::Tan, Frame::Icrs, (0.0, 0.0), 5.0, (256, 256));

    let mut r = SceneRenderer::new(&ctx);
    let id = r.add_points(&ctx, "all", &inst, style).unwrap();
    let before = r.render_image(&ctx, &view).unwrap();
    let uploads = ctx.data_upload_count();

    let mut filtered = style;
    filtered.filters[0] = Some(RangeFilter {
        attr: CLUSTER_SNR,
        min: 20.0,
        max: f32::INFINITY,
    });
    r.set_point_style(&ctx, id, filtered);
    let after = r.render_image(&ctx, &view).unwrap();
    let mut hidden = style;
    hidden.visible = false;
    r.set_point_style(&ctx, id, hidden);
    let none = r.render_image(&ctx, &view).unwrap();
    assert_eq!(
        ctx.data_upload_count(),
        uploads,
        "restyling must not upload data"
    );
    assert_ne!(before, after);

    // The filtered render equals a render of just the objects that pass.
    let kept: Vec<_> = inst
        .iter()
        .copied()
        .filter(|p| p.attrs[1] >= 20.0)
        .collect();
    assert!(!kept.is_empty() && kept.len() < inst.len());
    let mut r2 = SceneRenderer::new(&ctx);
    r2.add_points(&ctx, "kept", &kept, style).unwrap();
    assert_eq!(r2.render_image(&ctx, &view).unwrap(), after);
    let r3 = SceneRenderer::new(&ctx);
    assert_eq!(r3.render_image(&ctx, &view).unwrap(), none);
}

#[test]
fn edges_across_the_all_sky_seam_leave_no_stray_line() {
    let ctx = gpu();
    // A box straddling RA 180, seen from a view centred on RA 0: the seam cuts it.
    let ring = vec![(170.0, -10.0), (190.0, -10.0), (190.0, 10.0), (170.0, 10.0)];
    let segs: Vec<LineSegment> = segments_from_rings([&ring]);
    for proj in [Projection::Car, Projection::Mol, Projection::Ait] {
        let view = View::new(proj, Frame::Icrs, (0.0, 0.0), 360.0, (400, 200));
        let mut r = SceneRenderer::new(&ctx);
        let style = LineStyle {
            color: RED,
            width_px: 2.0,
            dash: None,
            visible: true,
        };
        r.add_lines(&ctx, "box", &segs, style).unwrap();
        let img = r.render_image(&ctx, &view).unwrap();
        // The horizontal edges at dec ±10 reach both edges of the map ...
        let y_top = view.project_radec(175.0, 10.0).unwrap().y as u32;
        let left_x = view.project_radec(175.0, 10.0).unwrap().x as u32;
        assert!(
            is_red(img.pixel(left_x, y_top)),
            "{proj:?}: missing edge near the seam"
        );
        // ... but nothing is drawn across the middle of the map.
        for x in 60..340 {
            assert!(
                !is_red(img.pixel(x, y_top)),
                "{proj:?}: stray line at x={x}"
            );
        }
    }
}

/// `n` points in a 6°×6° patch around (0, 0), a redshift from 0 to 2 in slot 0.
fn scattered_points(seed: u64, n: usize) -> Vec<PointInstance> {
    let mut rng = Rng::new(seed);
    (0..n)
        .map(|_| {
            point(
                rng.range(-3.0, 3.0),
                rng.range(-3.0, 3.0),
                rng.range(0.0, 2.0) as f32,
                0.0,
            )
        })
        .collect()
}

/// Circles of `px` pixels coloured by slot 0 (0 to 2) through viridis.
fn viridis_circles(px: f32) -> PointStyle {
    PointStyle::new(
        MarkerShape::Circle,
        SizeBy::Fixed(px),
        ColorBy::Column {
            attr: 0,
            lo: 0.0,
            hi: 2.0,
            colormap: clusterviz::view::Colormap::Viridis,
        },
    )
}

#[test]
fn layers_split_over_several_buffers_draw_the_same_pixels() {
    let inst = scattered_points(9, 5000);
    let style = viridis_circles(5.0);
    let view = View::new(Projection::Tan, Frame::Icrs, (0.0, 0.0), 7.0, (300, 300));
    let ranges = vec![10..900, 1500..1600, 2990..4100, 4500..5000];
    let render = |chunk: Option<u64>, ranges: Option<Vec<std::ops::Range<u32>>>| {
        let ctx = gpu();
        if let Some(c) = chunk {
            ctx.set_max_chunk_bytes(c);
        }
        let mut r = SceneRenderer::new(&ctx);
        let id = r.add_points(&ctx, "p", &inst, style).unwrap();
        r.set_point_draw_ranges(&ctx, id, ranges);
        let uploads = ctx.data_upload_count().0;
        (r.render_image(&ctx, &view).unwrap(), uploads)
    };
    // 28-byte instances, 1000 a buffer: five buffers, same picture.
    let (whole, one) = render(None, None);
    let (split, five) = render(Some(28_000), None);
    assert_eq!((one, five), (1, 5));
    assert_eq!(whole, split);
    let (whole_r, _) = render(None, Some(ranges.clone()));
    let (split_r, _) = render(Some(28_000), Some(ranges));
    assert_eq!(whole_r, split_r);
    assert_ne!(whole_r, whole);
}

#[test]
fn layers_made_from_catalog_rows_in_their_buffers_draw_as_their_instances() {
    // Instances written straight into the GPU's buffers, block by block on all cores:
    // every row, most rows gathered from row order, a few made one by one; in one buffer
    // (6000 rows: one whole block of 4096 and a tail) and in six (each a tail).
    use clusterviz::data::{Catalog, Column, ColumnData};
    use clusterviz::render::CatalogRows;
    let mut rng = Rng::new(31);
    let n = 6000;
    let (ra, dec): (Vec<f64>, Vec<f64>) = (0..n)
        .map(|_| (rng.range(-3.0, 3.0).rem_euclid(360.0), rng.range(-3.0, 3.0)))
        .unzip();
    let z: Vec<f64> = (0..n).map(|_| rng.range(0.0, 2.0)).collect();
    let mut cat = Catalog::of_positions("rows", ra, dec);
    cat.columns
        .push(Column::new("Z", "", ColumnData::F64(z.into())));
    let mut most: Vec<u32> = (0..n as u32).filter(|r| r % 5 != 0).collect();
    most.reverse();
    most.swap(10, 4000);
    let few: Vec<u32> = (0..n as u32).rev().step_by(17).collect();
    let mut style = viridis_circles(5.0);
    style.opacity = 0.7;
    let view = View::new(Projection::Tan, Frame::Icrs, (0.0, 0.0), 7.0, (300, 300));
    for chunk_bytes in [None, Some(28_000)] {
        let ctx = gpu();
        if let Some(c) = chunk_bytes {
            ctx.set_max_chunk_bytes(c);
        }
        let empty = SceneRenderer::new(&ctx).render_image(&ctx, &view).unwrap();
        for rows in [None, Some(&most[..]), Some(&few[..])] {
            let source = CatalogRows {
                cat: &cat,
                attr_columns: &["Z"],
                rows,
            };
            let mut r = SceneRenderer::new(&ctx);
            r.add_points_of_rows(&ctx, "rows", source, style).unwrap();
            let made = r.render_image(&ctx, &view).unwrap();
            let inst = match rows {
                Some(rows) => PointInstance::from_rows(&cat, &["Z"], rows),
                None => PointInstance::from_catalog(&cat, &["Z"]),
            };
            let mut r = SceneRenderer::new(&ctx);
            r.add_points(&ctx, "instances", &inst, style).unwrap();
            let uploaded = r.render_image(&ctx, &view).unwrap();
            let what = (chunk_bytes, rows.map(<[u32]>::len));
            assert!(made == uploaded, "{what:?}");
            assert!(
                mismatches(&made, &empty, 0).0 > 1000,
                "{what:?}: markers drawn"
            );
        }
    }
}

#[test]
fn scattered_level_of_detail_ranges_draw_as_the_same_instances_uploaded_alone() {
    // Level of detail's ranges at full sky: thousands of short runs, drawn in one call by
    // instance id. They must blend exactly as those instances drawn in order, also when
    // the layer is split over several buffers.
    let inst = scattered_points(21, 6000);
    let mut style = viridis_circles(6.0);
    style.opacity = 0.6;
    // Runs of 1-3 instances every 7, not in ascending order.
    let mut ranges: Vec<std::ops::Range<u32>> =
        (0..850u32).map(|i| 7 * i..7 * i + 1 + i % 3).collect();
    ranges.reverse();
    ranges.swap(3, 600);
    let view = View::new(Projection::Tan, Frame::Icrs, (0.0, 0.0), 7.0, (300, 300));
    // The instances `ranges` draw, in the order a layer of `per_buffer` instances a
    // buffer draws them: buffer by buffer, the ranges in their order within each.
    let in_order = |ranges: &[std::ops::Range<u32>], per_buffer: u32| -> Vec<_> {
        (0..inst.len() as u32 / per_buffer)
            .flat_map(|b| {
                let chunk = b * per_buffer..(b + 1) * per_buffer;
                ranges
                    .iter()
                    .flat_map(|r| r.clone())
                    .filter(move |i| chunk.contains(i))
                    .map(|i| inst[i as usize])
                    .collect::<Vec<_>>()
            })
            .collect()
    };
    let alone = |instances: &[_]| {
        let ctx = gpu();
        let mut r = SceneRenderer::new(&ctx);
        r.add_points(&ctx, "drawn", instances, style).unwrap();
        r.render_image(&ctx, &view).unwrap()
    };
    let few = vec![3000..4000u32, 0..2000];
    // 28-byte instances: 6000 in one buffer, or 1000 in each of six.
    for (chunk_bytes, per_buffer) in [(None, 6000), (Some(28_000), 1000)] {
        let ctx = gpu();
        if let Some(c) = chunk_bytes {
            ctx.set_max_chunk_bytes(c);
        }
        let mut r = SceneRenderer::new(&ctx);
        let id = r.add_points(&ctx, "all", &inst, style).unwrap();
        r.set_point_draw_ranges(&ctx, id, Some(ranges.clone()));
        let by_id = r.render_image(&ctx, &view).unwrap();
        let expected = alone(&in_order(&ranges, per_buffer));
        assert!(by_id == expected, "{per_buffer} a buffer: drawn by id");
        // Fewer, longer ranges draw one call each, with the same pixels.
        r.set_point_draw_ranges(&ctx, id, Some(few.clone()));
        let direct = r.render_image(&ctx, &view).unwrap();
        assert!(
            direct == alone(&in_order(&few, per_buffer)),
            "{per_buffer}: direct"
        );
        assert!(direct != by_id);
        // And back to many: the ids are uploaded again.
        r.set_point_draw_ranges(&ctx, id, Some(ranges.clone()));
        assert!(
            r.render_image(&ctx, &view).unwrap() == expected,
            "many again"
        );
    }
}

#[test]
fn big_cluster_catalogs_draw_their_most_significant_detections_within_the_budget() {
    use clusterviz::data::catalog::ColumnData;
    use clusterviz::data::{Column, Survey};
    use clusterviz::scene::layers::LayerKind;
    use clusterviz::scene::{SceneStyle, UploadPlan, upload_survey};
    use clusterviz::view::lod::GROUP_DEPTH;
    // 60k "clusters": the demo galaxies with an SNR column.
    let s = clusterviz::data::demo::DemoSurvey::generate(clusterviz::data::demo::DemoConfig {
        seed: 3,
        galaxies: 60_000,
    });
    let mut cat = s.galaxies.clone();
    let mut rng = Rng::new(9);
    let snr: Vec<f32> = (0..cat.len())
        .map(|_| rng.range(3.0, 40.0) as f32)
        .collect();
    cat.columns
        .push(Column::new("SNR", "", ColumnData::F32(snr.into())));
    cat.roles.snr = Some("SNR".into());
    let survey = Survey {
        merged: Some(cat.clone()),
        ..Default::default()
    };
    let ctx = gpu();
    let mut r = SceneRenderer::new(&ctx);
    let style = SceneStyle {
        max_markers: Some(3_000),
        ..SceneStyle::default()
    };
    let plan = UploadPlan::still(&ctx, &style);
    let layers = upload_survey(&ctx, &mut r, &survey, Theme::Dark, &style, plan).unwrap();
    let view = View::new(Projection::Tan, Frame::Icrs, (0.0, -30.0), 12.0, (800, 600));
    layers
        .level_of_detail(&view, layers.budget, 1.0)
        .apply(&ctx, &mut r, |_| true);
    let (id, lod) = &layers.cluster_lod[0];
    assert_eq!(Some(*id), layers.get(LayerKind::Merged));
    let ranges = r
        .point_draw_ranges(*id)
        .expect("the merged layer draws ranges");
    let drawn: usize = ranges.iter().map(|x| x.len()).sum();
    assert!(
        (1_500..6_000).contains(&drawn),
        "{drawn} markers for a budget of 3000"
    );
    // In every cell, the drawn detections are the highest-SNR ones.
    let layer = cdshealpix::nested::get(GROUP_DEPTH);
    let drawn_set: std::collections::HashSet<u32> = ranges.iter().flat_map(|x| x.clone()).collect();
    for (cell, run) in lod.cells().iter().take(400) {
        let (mut lowest_drawn, mut highest_left) = (f64::INFINITY, f64::NEG_INFINITY);
        for p in run.clone() {
            let row = lod.rows[p as usize] as usize;
            let (ra, dec) = (cat.ra(row), cat.dec(row));
            assert_eq!(layer.hash(ra.to_radians(), dec.to_radians()), *cell);
            if drawn_set.contains(&p) {
                lowest_drawn = lowest_drawn.min(cat.snr(row));
            } else {
                highest_left = highest_left.max(cat.snr(row));
            }
        }
        assert!(
            lowest_drawn >= highest_left,
            "cell {cell}: a fainter detection was drawn"
        );
    }
    // The undrawn detections show as the catalog's density, only while crowded.
    let &(points, density) = layers
        .cluster_density
        .first()
        .expect("a density map for the crowded catalog");
    assert_eq!(points, *id);
    assert!(
        r.map_style(density).unwrap().visible,
        "crowded: density shown"
    );
    let close = View::new(Projection::Tan, Frame::Icrs, (0.0, -30.0), 0.05, (800, 600));
    layers
        .level_of_detail(&close, layers.budget, 1.0)
        .apply(&ctx, &mut r, |_| true);
    let (ranges, in_view) = lod.draw_ranges(&close, 3_000);
    assert_eq!(ranges.iter().map(|x| x.len()).sum::<usize>(), in_view);
    assert!(
        !r.map_style(density).unwrap().visible,
        "all drawn: density hidden"
    );
}

#[test]
fn a_figure_uploading_only_its_drawn_galaxies_draws_the_same_pixels() {
    use clusterviz::scene::layers::LayerKind;
    use clusterviz::scene::{SceneStyle, UploadPlan, upload_survey};
    let survey = clusterviz::data::Survey::from(clusterviz::data::demo::DemoSurvey::generate(
        clusterviz::data::demo::DemoConfig {
            seed: 5,
            galaxies: 40_000,
        },
    ));
    let ctx = gpu();
    let style = SceneStyle {
        max_markers: Some(4_000),
        ..SceneStyle::default()
    };
    let view = View::new(Projection::Tan, Frame::Icrs, (0.5, -30.0), 9.0, (640, 420));
    // Every galaxy uploaded in level-of-detail order, ranges drawn ...
    let mut all = SceneRenderer::new(&ctx);
    let plan = UploadPlan::still(&ctx, &style);
    let layers = upload_survey(&ctx, &mut all, &survey, Theme::Dark, &style, plan).unwrap();
    layers
        .level_of_detail(&view, layers.budget, 1.0)
        .apply(&ctx, &mut all, |_| true);
    let id = layers.get(LayerKind::Galaxies).unwrap();
    let drawn: usize = all
        .point_draw_ranges(id)
        .unwrap()
        .iter()
        .map(|r| r.len())
        .sum();
    assert!(drawn > 1_000 && drawn < 40_000, "{drawn}");
    // ... and only the drawn ones uploaded, once the view is known.
    let mut some = SceneRenderer::new(&ctx);
    let plan = UploadPlan::figure(&ctx, &style);
    let mut deferred = upload_survey(&ctx, &mut some, &survey, Theme::Dark, &style, plan).unwrap();
    assert!(deferred.galaxies_deferred);
    let mut lod = deferred.level_of_detail(&view, deferred.budget, 1.0);
    deferred
        .upload_drawn_galaxies(&ctx, &mut some, &survey, &mut lod)
        .unwrap();
    lod.apply(&ctx, &mut some, |_| true);
    let uploaded = some
        .layer_summary()
        .iter()
        .find(|(name, _)| name == "galaxies")
        .map(|l| l.1 as usize);
    assert_eq!(uploaded, Some(drawn));
    let (a, b) = (
        all.render_image(&ctx, &view).unwrap(),
        some.render_image(&ctx, &view).unwrap(),
    );
    assert!(a == b, "the figures differ");
}
