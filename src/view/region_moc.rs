//! The sky a view shows, as a MOC (HEALPix cells of several orders, as Aladin and mocpy
//! read them): what a figure covers, for the astronomer to load beside it or query a
//! service with.
//!
//! The finest order is chosen so that about 512 cells span the view's width (never finer
//! than its pixels, never past order 29). Cells are tested from order 0 down: a cell whose
//! edges and centre all project onto the canvas is wholly shown and kept; one with some
//! of them on the canvas, or holding a sample of the canvas (points at half a cell's
//! spacing and every edge pixel, unprojected: the view may lie inside a big cell), is
//! split, and kept at the finest order. Complete groups of four are merged into parents.

use glam::DVec2;

use crate::sky::lonlat_deg;
use crate::view::View;

/// A MOC: `(order, cell)` pairs, no cell inside another, sorted by NUNIQ.
#[derive(Clone, Debug, PartialEq)]
pub struct Moc {
    pub max_order: u8,
    pub cells: Vec<(u8, u64)>,
}

impl Moc {
    /// NUNIQ numbers (4·4^order + cell), the MOC 2.0 FITS serialisation's.
    pub fn uniq(&self) -> Vec<u64> {
        self.cells
            .iter()
            .map(|&(o, c)| 4 * (1u64 << (2 * o as u32)) + c)
            .collect()
    }

    /// Whether the direction (degrees) is inside one of the cells.
    pub fn contains(&self, lon_deg: f64, lat_deg: f64) -> bool {
        let finest =
            cdshealpix::nested::hash(self.max_order, lon_deg.to_radians(), lat_deg.to_radians());
        self.cells.iter().any(|&(o, c)| {
            let shift = 2 * (self.max_order - o) as u32;
            finest >> shift == c
        })
    }
}

/// The finest order for a view: ~512 cells across its width, no finer than a pixel.
pub fn order_for(view: &View) -> u8 {
    let width_deg = view.fov_deg.min(360.0);
    let wanted = (width_deg / 512.0).max(view.pixel_scale_deg());
    // A cell of order k is about 58.6° / 2^k wide.
    (0..=29u8)
        .find(|&k| 58.6 / f64::from(1u32 << k) <= wanted)
        .unwrap_or(29)
}

/// The MOC of the sky `view` shows on its whole canvas.
pub fn view_moc(view: &View) -> Moc {
    let order = order_for(view);
    let sampled = screen_samples(view, order);
    let (w, h) = (view.canvas.0 as f64, view.canvas.1 as f64);
    // Half a pixel of slack: points on the canvas's edge (a pole, the seam) count.
    let shown = |(lon, lat): (f64, f64)| {
        view.project_radec(lon.to_degrees(), lat.to_degrees())
            .is_some_and(|p| p.x >= -0.5 && p.x <= w + 0.5 && p.y >= -0.5 && p.y <= h + 0.5)
    };
    let mut whole: Vec<(u8, u64)> = Vec::new();
    let mut finest: Vec<u64> = Vec::new();
    let mut candidates: Vec<u64> = (0..12).collect();
    for o in 0..=order {
        let shift = 2 * u32::from(order - o);
        let mut next = Vec::new();
        for c in candidates {
            let mut points = cdshealpix::nested::path_along_cell_edge(
                o,
                c,
                &cdshealpix::compass_point::Cardinal::S,
                true,
                4,
            )
            .into_vec();
            points.push(cdshealpix::nested::center(o, c));
            let inside = points.iter().filter(|&&p| shown(p)).count();
            // A screen sample in the cell: the view may lie within it, between its points.
            let first = sampled.partition_point(|&f| f < c << shift);
            let hit = sampled.get(first).is_some_and(|&f| f >> shift == c);
            if inside == points.len() {
                // Wholly shown: its finest cells, merged back below.
                whole.push((o, c));
            } else if inside > 0 || hit {
                if o == order {
                    finest.push(c);
                } else {
                    next.extend(4 * c..4 * c + 4);
                }
            }
        }
        candidates = next;
    }
    // Wholly shown cells at their own order; the rest at the finest, then merged.
    whole.extend(finest.into_iter().map(|c| (order, c)));
    Moc {
        max_order: order,
        cells: merge_all(order, whole),
    }
}

/// Canvas points at half a cell's spacing and every pixel along the edges, as sorted
/// cells of `order`.
fn screen_samples(view: &View, order: u8) -> Vec<u64> {
    let (w, h) = (view.canvas.0 as f64, view.canvas.1 as f64);
    let cell_deg = 58.6 / f64::from(1u32 << order);
    let step = (cell_deg / 2.0 / view.pixel_scale_deg()).clamp(0.5, 64.0);
    let layer = cdshealpix::nested::get(order);
    let mut cells: Vec<u64> = Vec::new();
    let mut sample = |p: DVec2| {
        if let Some(d) = view.unproject(p) {
            let (lon, lat) = lonlat_deg(d);
            cells.push(layer.hash(lon.to_radians(), lat.to_radians()));
        }
    };
    let (nx, ny) = ((w / step).ceil() as usize, (h / step).ceil() as usize);
    for j in 0..=ny {
        for i in 0..=nx {
            sample(DVec2::new(
                (i as f64 * step).min(w),
                (j as f64 * step).min(h),
            ));
        }
    }
    for x in 0..=w as usize {
        sample(DVec2::new(x as f64, 0.0));
        sample(DVec2::new(x as f64, h));
    }
    for y in 0..=h as usize {
        sample(DVec2::new(0.0, y as f64));
        sample(DVec2::new(w, y as f64));
    }
    cells.sort_unstable();
    cells.dedup();
    cells
}

/// `(order, cell)` pairs, none inside another, brought to the finest order, merged, and
/// sorted by NUNIQ.
fn merge_all(order: u8, cells: Vec<(u8, u64)>) -> Vec<(u8, u64)> {
    let mut finest: Vec<u64> = Vec::new();
    for (o, c) in cells {
        let shift = 2 * u32::from(order - o);
        finest.extend(c << shift..(c + 1) << shift);
    }
    finest.sort_unstable();
    finest.dedup();
    merged(order, finest)
}

/// Cells of one order, sorted, with every complete group of four replaced by its parent
/// (repeatedly), as `(order, cell)` sorted by NUNIQ.
fn merged(order: u8, mut level: Vec<u64>) -> Vec<(u8, u64)> {
    let mut out: Vec<(u8, u64)> = Vec::new();
    for o in (1..=order).rev() {
        let mut parents = Vec::new();
        let mut i = 0;
        while i < level.len() {
            let c = level[i];
            if c.is_multiple_of(4) && i + 3 < level.len() && level[i + 3] == c + 3 {
                parents.push(c / 4);
                i += 4;
            } else {
                out.push((o, c));
                i += 1;
            }
        }
        level = parents;
    }
    out.extend(level.into_iter().map(|c| (0, c)));
    out.sort_unstable_by_key(|&(o, c)| 4 * (1u64 << (2 * o as u32)) + c);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sky::{Frame, Projection};

    #[test]
    fn complete_groups_merge_into_parents() {
        // Order 1: all four children of base cell 0, and one of base cell 1.
        assert_eq!(merged(1, vec![0, 1, 2, 3, 4]), vec![(0, 0), (1, 4)]);
        // A whole sky at order 2 is the 12 base cells.
        let all: Vec<u64> = (0..192).collect();
        assert_eq!(merged(2, all), (0..12).map(|c| (0, c)).collect::<Vec<_>>());
    }

    #[test]
    fn a_view_s_moc_covers_what_it_shows_and_little_else() {
        let view = View::new(Projection::Tan, Frame::Icrs, (150.0, 2.0), 3.0, (400, 300));
        let moc = view_moc(&view);
        let cell_deg = 58.6 / f64::from(1u32 << moc.max_order);
        let (w, h) = (400.0, 300.0);
        let margin = 2.0 * cell_deg / view.pixel_scale_deg();
        // A grid of sky points around the view: inside the canvas covered; well outside
        // (two cells away) not.
        for i in 0..80 {
            for j in 0..80 {
                let (ra, dec) = (147.0 + 6.0 * i as f64 / 79.0, -1.0 + 6.0 * j as f64 / 79.0);
                let p = view.project_radec(ra, dec).unwrap();
                let inside = p.x >= 0.0 && p.x <= w && p.y >= 0.0 && p.y <= h;
                let far = p.x < -margin || p.x > w + margin || p.y < -margin || p.y > h + margin;
                if inside {
                    assert!(
                        moc.contains(ra, dec),
                        "({ra}, {dec}) shown but not in the MOC"
                    );
                }
                if far {
                    assert!(
                        !moc.contains(ra, dec),
                        "({ra}, {dec}) far outside but in the MOC"
                    );
                }
            }
        }
    }

    #[test]
    fn the_whole_sky_is_the_twelve_base_cells() {
        let view = View::new(Projection::Mol, Frame::Icrs, (0.0, 0.0), 360.0, (800, 400));
        let moc = view_moc(&view);
        assert_eq!(moc.cells, (0..12).map(|c| (0, c)).collect::<Vec<_>>());
    }
}
