//! Which HEALPix cells a view may show, found without testing every cell of the sky: a
//! frame's cost must follow what is on screen, not the area a catalog covers (a 14'
//! grouping of an all-sky catalog has 786k cells).

use std::ops::Range;

use glam::DVec2;

use crate::sky::lonlat_deg;
use crate::view::View;

/// Points sampled along each edge of the view's rectangle.
const EDGE_SAMPLES: usize = 24;

/// The view's rectangle (its sub-rectangle of the canvas), `n` points per edge, in
/// canvas pixels, going round.
fn rectangle_outline(view: &View, n: usize) -> Vec<DVec2> {
    let (x0, y0) = (view.sub.x as f64, view.sub.y as f64);
    let (x1, y1) = (x0 + view.sub.width as f64, y0 + view.sub.height as f64);
    let t = |i: usize| i as f64 / n as f64;
    (0..n)
        .map(|i| DVec2::new(x0 + (x1 - x0) * t(i), y0))
        .chain((0..n).map(|i| DVec2::new(x1, y0 + (y1 - y0) * t(i))))
        .chain((0..n).map(|i| DVec2::new(x1 - (x1 - x0) * t(i), y1)))
        .chain((0..n).map(|i| DVec2::new(x0, y1 - (y1 - y0) * t(i))))
        .collect()
}

/// Whether the whole sphere is drawn inside the view's rectangle (an all-sky projection
/// zoomed out): then every cell shows.
pub fn whole_sky_on_screen(view: &View) -> bool {
    if !view.projection.is_all_sky() {
        return false;
    }
    let (x0, y0) = (view.sub.x as f64, view.sub.y as f64);
    let (x1, y1) = (x0 + view.sub.width as f64, y0 + view.sub.height as f64);
    // The sky's edge in the projection's own frame: the meridian opposite the centre,
    // both sides of it (the edge of a convex outline; a pixel of slack for curvature).
    let edge = std::f64::consts::PI * (1.0 - 1e-9);
    (0..=64).all(|i| {
        let lat = (i as f64 / 64.0 - 0.5) * std::f64::consts::PI;
        [-edge, edge].into_iter().all(|lon| {
            let p = view.plane_to_px(view.projection.forward_lonlat(lon, lat));
            p.x >= x0 + 1.0 && p.x <= x1 - 1.0 && p.y >= y0 + 1.0 && p.y <= y1 - 1.0
        })
    })
}

/// A cone (centre, radius in radians) holding everything the view shows, widened by
/// `margin_px` of the view's pixels (at its centre); `None` when the view shows the sky's
/// edge or more than a hemisphere.
pub fn view_cone(view: &View, margin_px: f64) -> Option<(glam::DVec3, f64)> {
    let centre_px = DVec2::new(
        view.sub.x as f64 + view.sub.width as f64 / 2.0,
        view.sub.y as f64 + view.sub.height as f64 / 2.0,
    );
    let centre = view.unproject(centre_px)?;
    let outline: Vec<_> = rectangle_outline(view, EDGE_SAMPLES)
        .into_iter()
        .map(|p| view.unproject(p))
        .collect::<Option<Vec<_>>>()?;
    let angle = |a: glam::DVec3, b: glam::DVec3| a.angle_between(b);
    let farthest = outline
        .iter()
        .map(|&d| angle(centre, d))
        .fold(0.0, f64::max);
    // Between two samples the edge may bulge out by up to their spacing.
    let spacing = outline
        .iter()
        .zip(outline.iter().cycle().skip(1))
        .map(|(&a, &b)| angle(a, b))
        .fold(0.0, f64::max);
    let radius = farthest + spacing + margin_px / view.scale();
    (radius < std::f64::consts::FRAC_PI_2).then_some((centre, radius))
}

/// The cells at `depth` of a cone holding everything the view shows, widened by `margin_px`
/// of the view's pixels (at its centre), as sorted ranges of NESTED indices; `None` when
/// the view shows the sky's edge or more than a hemisphere (then any cell may show).
pub fn cells_near_view(view: &View, depth: u8, margin_px: f64) -> Option<Box<[Range<u64>]>> {
    let (centre, radius) = view_cone(view, margin_px)?;
    let (lon, lat) = lonlat_deg(centre);
    let cone =
        cdshealpix::nested::cone_coverage_approx(depth, lon.to_radians(), lat.to_radians(), radius);
    Some(cone.to_ranges())
}
