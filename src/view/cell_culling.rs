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

/// Whether the whole sphere is drawn inside the view's rectangle widened by `margin_px`
/// (an all-sky projection zoomed out): then every cell whose centre is within that margin
/// of the screen shows. A figure fitted to the sky touches its rectangle's edges.
pub fn whole_sky_on_screen(view: &View, margin_px: f64) -> bool {
    if !view.projection.is_all_sky() {
        return false;
    }
    let (x0, y0) = (view.sub.x as f64, view.sub.y as f64);
    let (x1, y1) = (x0 + view.sub.width as f64, y0 + view.sub.height as f64);
    // The sky's edge in the projection's own frame: the meridian opposite the centre,
    // both sides of it, sampled finely enough that the convex outline bulges past the
    // chords between samples by less than `sag` pixels (a rotated view's extremes fall
    // between samples).
    const SAMPLES: usize = 1024;
    let step = std::f64::consts::PI / SAMPLES as f64;
    let sag = view.scale() * std::f64::consts::TAU * step * step;
    let slack = margin_px - sag;
    let edge = std::f64::consts::PI * (1.0 - 1e-9);
    (0..=SAMPLES).all(|i| {
        let lat = i as f64 * step - std::f64::consts::FRAC_PI_2;
        [-edge, edge].into_iter().all(|lon| {
            let p = view.plane_to_px(view.projection.forward_lonlat(lon, lat));
            p.x >= x0 - slack && p.x <= x1 + slack && p.y >= y0 - slack && p.y <= y1 + slack
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
        crate::sky::coverage::cone_coverage(depth, lon.to_radians(), lat.to_radians(), radius);
    Some(cone.to_ranges())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sky::{Frame, Projection};

    #[test]
    fn a_figure_fitted_to_the_sky_shows_it_whole() {
        // 360° across 1280 px: the ellipse touches the left and right edges exactly.
        let fitted = View::new(Projection::Ait, Frame::Icrs, (0.0, 0.0), 360.0, (1280, 720));
        assert!(whole_sky_on_screen(&fitted, 0.5));
        assert!(!whole_sky_on_screen(&fitted, 0.0), "the edge is not inside");
        // Zoomed in by 1°: the sky's sides (~2 px each) are cut off.
        let cut = View::new(Projection::Ait, Frame::Icrs, (0.0, 0.0), 359.0, (1280, 720));
        assert!(!whole_sky_on_screen(&cut, 0.5));
        assert!(whole_sky_on_screen(&cut, 2.5));
        // A plate carrée filling its rectangle touches all four sides.
        let car = View::new(Projection::Car, Frame::Icrs, (0.0, 0.0), 360.0, (1280, 640));
        assert!(whole_sky_on_screen(&car, 0.5));
        assert!(!whole_sky_on_screen(&car, 0.0));
    }
}
