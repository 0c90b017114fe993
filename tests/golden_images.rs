//! Golden images of the demo survey in every projection and theme, and of a HEALPix map,
//! pinned to Vulkan lavapipe (Mesa's software Vulkan). Compared with a tolerance: a pixel
//! mismatches when a channel differs by more than 3, and at most 0.1% of pixels may.
//! Regenerate on purpose only: `CLUSTERVIZ_REGEN_GOLDEN=1 cargo test --release --test golden_images`.

mod common;

use std::path::PathBuf;

use clusterviz::data::healpix_fits::read_healpix_map;
use clusterviz::render::{Image, SceneRenderer};
use clusterviz::sky::{Frame, Projection};
use clusterviz::view::{Colormap, MapStyle, Theme, View};
use common::{demo_renderer, gpu, mismatches, small_survey};

const CHANNEL_TOLERANCE: u8 = 3;
const MAX_MISMATCH_FRACTION: f64 = 0.001;

fn manifest_path(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(rel)
}

/// Compares `img` with tests/golden/NAME.png (or rewrites it when regenerating); a
/// failure is recorded with its mismatch count and the actual image kept in the temp dir.
fn check(name: &str, img: &Image, failures: &mut Vec<String>) {
    let path = manifest_path(&format!("tests/golden/{name}.png"));
    if std::env::var_os("CLUSTERVIZ_REGEN_GOLDEN").is_some() {
        img.save_png(&path, &[]).unwrap();
        return;
    }
    let golden = Image::load_png(&path)
        .unwrap_or_else(|e| panic!("{e} (regenerate with CLUSTERVIZ_REGEN_GOLDEN=1)"));
    let (bad, worst) = mismatches(img, &golden, CHANNEL_TOLERANCE);
    let allowed = (MAX_MISMATCH_FRACTION * (img.width * img.height) as f64) as usize;
    eprintln!(
        "{name}: {bad} pixels mismatch (allowed {allowed}), worst channel difference {worst}"
    );
    if bad > allowed {
        let _ = img.save_png(
            &std::env::temp_dir().join(format!("{name}.actual.png")),
            &[],
        );
        failures.push(format!("{name}: {bad} > {allowed} pixels differ"));
    }
}

#[test]
fn renders_match_goldens() {
    let ctx = gpu();
    let pinned = ctx.info.backend == wgpu::Backend::Vulkan && ctx.info.name.contains("llvmpipe");
    if !pinned {
        eprintln!(
            "SKIP: goldens are pinned to Vulkan lavapipe; this adapter is {} ({:?})",
            ctx.info.name, ctx.info.backend
        );
        return;
    }
    let survey = small_survey();
    let mut failures = Vec::new();
    for theme in [Theme::Dark, Theme::Light] {
        let r = demo_renderer(&ctx, &survey, theme);
        for proj in Projection::ALL {
            let (center, fov, frame) = match proj {
                Projection::Tan => ((0.0, -30.0), 4.0, Frame::Icrs),
                Projection::Sin => ((0.0, -30.0), 13.0, Frame::Icrs),
                Projection::Car => ((0.0, 0.0), 360.0, Frame::Icrs),
                Projection::Mol => ((0.0, 0.0), 360.0, Frame::Galactic),
                Projection::Ait => ((0.0, -30.0), 360.0, Frame::Icrs),
            };
            let view = View::new(proj, frame, center, fov, (480, 320));
            let name = format!("demo_{}_{theme:?}", proj.code()).to_lowercase();
            check(&name, &r.render_image(&ctx, &view).unwrap(), &mut failures);
        }
    }
    // A map alone: healpy's full-sky RING fixture in a Galactic Aitoff view.
    let map =
        read_healpix_map(&manifest_path("tests/fixtures/ring_fullsky_n64.fits"), None).unwrap();
    let mut r = SceneRenderer::new(&ctx);
    r.add_map(
        &ctx,
        "map",
        map,
        MapStyle::new(Colormap::Plasma, (-2.0, 2.0)),
    )
    .unwrap();
    let view = View::new(
        Projection::Ait,
        Frame::Galactic,
        (0.0, 0.0),
        360.0,
        (480, 240),
    );
    check(
        "map_ring_ait_galactic",
        &r.render_image(&ctx, &view).unwrap(),
        &mut failures,
    );
    assert!(
        failures.is_empty(),
        "golden mismatches (actual images in the temp dir): {failures:?}"
    );
}
