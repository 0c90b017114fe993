//! The groups of a level-of-detail order (a cell and its run of objects) and the runs'
//! leading shares a view draws.

use std::ops::Range;
use std::sync::{Arc, OnceLock};

use rayon::prelude::*;

use super::{GROUP_DEPTH, PIXELS_PER_MARKER, hash_priority};
use crate::sky::unit_vector;
use crate::view::View;
use crate::view::cell_culling::{cells_near_view, whole_sky_on_screen};

/// The groups objects are drawn by: cells at [`GROUP_DEPTH`], each with the run of
/// positions its objects take in the level-of-detail order.
#[derive(Clone, Debug, Default)]
pub struct LodGroups {
    /// (cell at [`GROUP_DEPTH`], range of positions in the order), by cell.
    cells: Vec<(u64, Range<u32>)>,
    /// Screen pixels each drawn marker needs: the budget never exceeds the visible cells'
    /// area over this, so markers stay sparse enough for the density under them to show.
    pub pixels_per_marker: f64,
    /// The cells tested against views at [`GROUP_DEPTH`] and the [`COARSER_TESTS`]
    /// depths above it, with their [`CellPoints`]: made by the first view that tests
    /// many cells (one showing the sky's edge, or a wide one), as their trigonometry was
    /// most of a panning frame's time. 60 bytes a cell (47 MB for the whole sky at the
    /// group depth), shared by clones.
    tested: [OnceLock<Arc<TestedCells>>; COARSER_TESTS as usize + 1],
}

/// A view tests cells this many depths coarser than [`GROUP_DEPTH`] at most (16 times
/// fewer per two), when their cells are small on screen: see [`test_depth`].
const COARSER_TESTS: u8 = 2;
/// Cells of at most this many pixels across are tested a depth coarser: each group
/// cell then shows if its parent does, a band at most a few pixels wider.
const TEST_CELL_PX: f64 = 4.0;

/// The depth at which `view` tests cells: the coarsest of [`GROUP_DEPTH`] and the
/// [`COARSER_TESTS`] above it whose cells are at most [`TEST_CELL_PX`] across on screen
/// (all-sky views), else the group depth.
fn test_depth(view: &View) -> u8 {
    (GROUP_DEPTH - COARSER_TESTS..=GROUP_DEPTH)
        .find(|&d| cell_px(view, d) <= TEST_CELL_PX)
        .unwrap_or(GROUP_DEPTH)
}

/// The side of a cell at `depth` in `view`'s pixels (at its centre).
fn cell_px(view: &View, depth: u8) -> f64 {
    (std::f64::consts::PI / 3.0).sqrt() / (1u64 << depth) as f64 * view.scale()
}

/// The cells of one test depth that hold groups (sorted), and their points.
#[derive(Debug)]
struct TestedCells {
    cells: Vec<u64>,
    points: Vec<CellPoints>,
}

/// A cell's centre and four corners as directions rounded to f32: the points tested
/// against a view, the same whether kept or made on the spot.
type CellPoints = [[f32; 3]; 5];

fn cell_points(layer: &cdshealpix::nested::Layer, cell: u64) -> CellPoints {
    let (lon, lat) = layer.center(cell);
    let [s, e, n, w] = layer.vertices(cell);
    [(lon, lat), s, e, n, w].map(|(lon, lat)| {
        unit_vector(lon.to_degrees(), lat.to_degrees())
            .as_vec3()
            .to_array()
    })
}

impl LodGroups {
    pub fn new(cells: Vec<(u64, Range<u32>)>) -> LodGroups {
        LodGroups {
            cells,
            pixels_per_marker: PIXELS_PER_MARKER,
            tested: Default::default(),
        }
    }

    /// The cells at `depth` (at most [`COARSER_TESTS`] above the group depth) holding
    /// groups, and their points, made once on all cores.
    fn tested_at(&self, depth: u8) -> &TestedCells {
        self.tested_slot(depth).get_or_init(|| {
            let shift = 2 * (GROUP_DEPTH - depth) as u32;
            let mut cells: Vec<u64> = self.cells.iter().map(|(c, _)| c >> shift).collect();
            cells.dedup();
            let layer = cdshealpix::nested::get(depth);
            let points = cells.par_iter().map(|&c| cell_points(layer, c)).collect();
            Arc::new(TestedCells { cells, points })
        })
    }

    fn tested_slot(&self, depth: u8) -> &OnceLock<Arc<TestedCells>> {
        &self.tested[(GROUP_DEPTH - depth) as usize]
    }

    /// (cell at [`GROUP_DEPTH`], range of positions in the order), by cell.
    pub fn cells(&self) -> &[(u64, Range<u32>)] {
        &self.cells
    }

    /// The instance ranges `view` draws so that about `budget` markers are on screen (in
    /// every cell the view may show, the same leading share of its objects), and how many
    /// objects those cells hold in all.
    pub fn draw_ranges(&self, view: &View, budget: usize) -> (Vec<Range<u32>>, usize) {
        self.draw_ranges_with_room(view, budget, self.pixels_per_marker)
    }

    /// As [`Self::draw_ranges`], with markers needing `pixels_per_marker` of screen each
    /// (markers drawn larger than uploaded need more).
    pub fn draw_ranges_with_room(
        &self,
        view: &View,
        budget: usize,
        pixels_per_marker: f64,
    ) -> (Vec<Range<u32>>, usize) {
        let visible = self.visible_cells(view, false);
        let total: usize = visible.iter().map(|(_, r)| r.len()).sum();
        // Markers beyond one per few pixels of the area they cover only pile up: cap the
        // budget by the screen area the visible objects cover.
        let area_px = covered_area_px(&visible, view, pixels_per_marker);
        let budget = budget.min((area_px / pixels_per_marker) as usize).max(1);
        let share = if total == 0 {
            1.0
        } else {
            (budget as f64 / total as f64).min(1.0)
        };
        let ranges = visible
            .into_iter()
            .map(|(cell, r)| {
                // The cell's share, rounded up or down by a fixed per-cell offset so that
                // the total matches the budget even when cells get less than one marker
                // each; it only grows with the share, so zooming in never drops a marker.
                let offset = (hash_priority(*cell) >> 11) as f64 / (1u64 << 53) as f64;
                let k = ((r.len() as f64 * share + offset).floor() as u32).min(r.len() as u32);
                r.start..r.start + k
            })
            .filter(|r| !r.is_empty())
            .collect();
        (ranges, total)
    }

    /// The groups whose cells `view` shows: a cell shows if its centre or a corner falls
    /// on (or near) the view, tested at [`test_depth`] (a group shows if its cell there
    /// does). Only the cells near the view are tested (and none when the whole sky
    /// shows), unless `every_cell` (the reference the shortcuts are tested against): a
    /// frame costs what the screen shows, not what the catalog covers.
    fn visible_cells(&self, view: &View, every_cell: bool) -> Vec<&(u64, Range<u32>)> {
        let depth = test_depth(view);
        let shift = 2 * (GROUP_DEPTH - depth) as u32;
        let layer = cdshealpix::nested::get(depth);
        let rot = view.rotation();
        let (x0, y0) = (view.sub.x as f64, view.sub.y as f64);
        let (x1, y1) = (x0 + view.sub.width as f64, y0 + view.sub.height as f64);
        let cell_px = cell_px(view, depth);
        let margin = 0.6 * cell_px;
        // `View::plane_to_px` with the scale taken once: it costs a projection of its own.
        let (centre_px, scale) = (view.center_px(), view.scale());
        let on_screen = |d: &[f32; 3]| {
            let d = rot * glam::Vec3::from_array(*d).as_dvec3();
            view.projection
                .forward(d)
                .map(|p| centre_px - p * scale)
                .is_some_and(|p| {
                    p.x >= x0 - margin
                        && p.x < x1 + margin
                        && p.y >= y0 - margin
                        && p.y < y1 + margin
                })
        };
        let shows = |points: &CellPoints| points.iter().any(on_screen);
        // On all cores: a view showing the sky's edge tests every cell.
        let test_all = || {
            let tested = self.tested_at(depth);
            let shown: Vec<bool> = tested.points.par_iter().map(shows).collect();
            // Groups and tested cells are both sorted: walk them together.
            let mut t = 0;
            self.cells
                .iter()
                .filter(|(c, _)| {
                    while tested.cells[t] < c >> shift {
                        t += 1;
                    }
                    shown[t]
                })
                .collect()
        };
        if every_cell {
            return test_all();
        }
        if whole_sky_on_screen(view, margin) {
            return self.cells.iter().collect();
        }
        // Wide enough for a group whose tested cell shows at the margin's far side.
        let Some(near) = cells_near_view(view, GROUP_DEPTH, 4.0 * margin + 2.0 * cell_px) else {
            return test_all();
        };
        // The near groups, by tested cell.
        let mut runs: Vec<(u64, Range<usize>)> = Vec::new();
        for r in near.iter() {
            let from = self.cells.partition_point(|(c, _)| *c < r.start);
            let to = self.cells.partition_point(|(c, _)| *c < r.end);
            for i in from..to {
                let cell = self.cells[i].0 >> shift;
                match runs.last_mut() {
                    Some((c, run)) if *c == cell && run.end == i => run.end = i + 1,
                    _ => runs.push((cell, i..i + 1)),
                }
            }
        }
        // A wide view's many cells are tested against kept points, a narrow view's few
        // with points made on the spot (the same values).
        let kept = if runs.len() > KEEP_POINTS_FROM_CELLS {
            Some(self.tested_at(depth))
        } else {
            self.tested_slot(depth).get().map(|t| &**t)
        };
        let shown: Vec<bool> = runs
            .par_iter()
            .map(|(cell, _)| match kept {
                Some(t) => shows(&t.points[t.cells.partition_point(|c| c < cell)]),
                None => shows(&cell_points(layer, *cell)),
            })
            .collect();
        runs.into_iter()
            .zip(shown)
            .filter(|(_, shows)| *shows)
            .flat_map(|((_, run), _)| &self.cells[run])
            .collect()
    }
}

/// How many tested cells near a view make it keep every cell's points (a 20° field's
/// worth at [`GROUP_DEPTH`]): making them costs trigonometry each frame.
const KEEP_POINTS_FROM_CELLS: usize = 8_000;

/// The screen area the objects of the `visible` groups (in cell order) cover: the area of
/// their cells at the finest depth whose cells have room for a marker. Counted at the
/// group depth alone, a wide view of a sparse catalog (or of a sample) would count only
/// the sub-pixel cells its objects fall in: 200k objects over the whole sky occupy a
/// quarter of the groups, and drew a quarter of the markers the screen holds.
fn covered_area_px(visible: &[&(u64, Range<u32>)], view: &View, pixels_per_marker: f64) -> f64 {
    let cell_px = |depth: u8| {
        4.0 * std::f64::consts::PI / (12u64 << (2 * depth as u64)) as f64
            * view.scale()
            * view.scale()
    };
    let depth = (0..=GROUP_DEPTH)
        .rev()
        .find(|&d| cell_px(d) >= pixels_per_marker)
        .unwrap_or(0);
    let shift = 2 * (GROUP_DEPTH - depth) as u32;
    // Sorted cells share a parent in runs: count the runs.
    let occupied = visible
        .iter()
        .map(|(c, _)| c >> shift)
        .fold((0usize, None), |(n, last), p| {
            (n + usize::from(last != Some(p)), Some(p))
        })
        .0;
    occupied as f64 * cell_px(depth)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::Catalog;
    use crate::data::demo::{DemoConfig, DemoSurvey};
    use crate::sky::{Frame, Projection};
    use crate::view::lod::LodOrder;

    /// `n` objects uniform over the sphere (RA, DEC).
    fn uniform_sky(n: usize, seed: u64) -> Catalog {
        let mut rng = crate::data::rng::Rng::new(seed);
        let (ra, dec): (Vec<f64>, Vec<f64>) = (0..n)
            .map(|_| {
                let z: f64 = 2.0 * rng.uniform() - 1.0;
                (360.0 * rng.uniform(), z.asin().to_degrees())
            })
            .unzip();
        Catalog::of_positions("sky", ra, dec)
    }

    fn drawn(ranges: &[Range<u32>]) -> std::collections::HashSet<u32> {
        ranges.iter().flat_map(|r| r.clone()).collect()
    }

    #[test]
    fn what_a_coarse_view_draws_stays_drawn_when_zooming_in() {
        let s = DemoSurvey::generate(DemoConfig {
            seed: 4,
            galaxies: 60_000,
        });
        let lod = LodOrder::new(&s.galaxies);
        assert_eq!(lod.rows.len(), s.galaxies.len());
        let budget = 5_000;
        let wide = View::new(Projection::Tan, Frame::Icrs, (0.0, -30.0), 14.0, (800, 600));
        let (coarse, in_view) = lod.draw_ranges(&wide, budget);
        assert!(in_view > budget);
        let n_coarse: usize = coarse.iter().map(|r| r.len()).sum();
        assert!(
            n_coarse >= budget / 2 && n_coarse < budget * 2,
            "{n_coarse}"
        );
        for (fov, center) in [
            (4.0, (1.0, -31.0)),
            (1.0, (359.0, -28.0)),
            (0.2, (0.3, -30.2)),
        ] {
            let fine = View::new(Projection::Tan, Frame::Icrs, center, fov, (800, 600));
            let fine_set = drawn(&lod.draw_ranges(&fine, budget).0);
            // Every object drawn in the wide view that falls inside the fine view is
            // drawn in the fine view too.
            for &pos in &drawn(&coarse) {
                let row = lod.rows[pos as usize] as usize;
                let on_screen = fine
                    .project_radec(s.galaxies.ra(row), s.galaxies.dec(row))
                    .is_some_and(|p| p.x >= 0.0 && p.y >= 0.0 && p.x < 800.0 && p.y < 600.0);
                assert!(
                    !on_screen || fine_set.contains(&pos),
                    "fov {fov}: object {row} vanished when zooming in"
                );
            }
        }
    }

    #[test]
    fn a_sparse_all_sky_catalog_draws_as_many_markers_as_the_screen_holds() {
        // 50k objects over the whole sky: one in 16 group cells, each cell under a pixel.
        let cat = uniform_sky(50_000, 5);
        let lod = LodOrder::new(&cat);
        let count = |ranges: &[Range<u32>]| ranges.iter().map(|r| r.len()).sum::<usize>();
        // A 1280×640 Aitoff map holds 4π·scale²/4 = 129k markers: all 50k are drawn.
        let wide = View::new(Projection::Ait, Frame::Icrs, (0.0, 0.0), 360.0, (1280, 640));
        let (ranges, in_view) = lod.draw_ranges(&wide, 1_000_000);
        assert_eq!(in_view, 50_000);
        assert_eq!(count(&ranges), 50_000);
        // A 320×160 one holds π·scale² markers: about that many are drawn, though the
        // objects occupy a sixteenth of the group cells.
        let small = View::new(Projection::Ait, Frame::Icrs, (0.0, 0.0), 360.0, (320, 160));
        let holds = std::f64::consts::PI * small.scale() * small.scale();
        let drawn = count(&lod.draw_ranges(&small, 1_000_000).0) as f64;
        assert!(
            (drawn - holds).abs() < 0.05 * holds,
            "{drawn} drawn, the screen holds {holds:.0}"
        );
    }

    #[test]
    fn a_view_showing_the_skys_edge_draws_every_object_on_its_screen() {
        // Panned Aitoff views whose screens cut the sky's edge: every cell is tested,
        // at the depth where cells are a few pixels across, against the points kept
        // after the first such view.
        let cat = uniform_sky(200_000, 3);
        let lod = LodOrder::new(&cat);
        for (center, fov, (w, h), depth) in [
            ((40.0, 10.0), 250.0, (1030, 750), 6),
            ((200.0, -70.0), 180.0, (1030, 750), 7),
            // A display wall's canvas: cells of the group depth are tested.
            ((40.0, 10.0), 250.0, (4000, 2900), GROUP_DEPTH),
        ] {
            let view = View::new(Projection::Ait, Frame::Icrs, center, fov, (w, h));
            assert!(!whole_sky_on_screen(&view, 0.0) && cells_near_view(&view, 8, 0.0).is_none());
            assert_eq!(test_depth(&view), depth);
            let (w, h) = (w as f64, h as f64);
            // Room for every object: each visible cell's whole run is drawn.
            let set = drawn(&lod.draw_ranges_with_room(&view, usize::MAX, 1e-6).0);
            let mut on_screen = 0;
            for (pos, &row) in lod.rows.iter().enumerate() {
                let p = view.project_radec(cat.ra(row as usize), cat.dec(row as usize));
                if p.is_some_and(|p| p.x >= 0.0 && p.y >= 0.0 && p.x < w && p.y < h) {
                    on_screen += 1;
                    assert!(
                        set.contains(&(pos as u32)),
                        "{center:?}: row {row} not drawn"
                    );
                }
            }
            // Most of the sky shows, and little off screen is drawn.
            assert!(on_screen > 100_000, "{on_screen}");
            assert!(
                set.len() < on_screen + on_screen / 20,
                "{} for {on_screen}",
                set.len()
            );
        }
    }

    #[test]
    fn the_cells_a_view_shows_are_found_without_testing_the_whole_sky() {
        // 300k objects uniform over the sphere: all 786k group cells' worth of sky.
        let cat = uniform_sky(300_000, 11);
        let lod = LodOrder::new(&cat);
        let mut views = Vec::new();
        for (proj, fovs) in [
            (Projection::Tan, &[0.3, 4.0, 40.0, 120.0][..]),
            (Projection::Sin, &[10.0, 90.0, 170.0][..]),
            (Projection::Ait, &[20.0, 90.0, 360.0][..]),
            (Projection::Mol, &[30.0, 360.0][..]),
            (Projection::Car, &[15.0, 360.0][..]),
        ] {
            for &fov in fovs {
                for center in [(123.4, -61.0), (300.0, 89.5)] {
                    let mut v = View::new(proj, Frame::Icrs, center, fov, (640, 400));
                    v.rotation_deg = center.1 / 3.0;
                    views.push(v);
                    views.push(v.tiles(2, 2)[3]);
                    views.push(View {
                        frame: Frame::Galactic,
                        ..v
                    });
                }
            }
        }
        let mut shortcuts = 0;
        for v in &views {
            let fast = lod.visible_cells(v, false);
            let every = lod.visible_cells(v, true);
            assert!(
                fast == every,
                "{v:?}: {} cells, not {}",
                fast.len(),
                every.len()
            );
            shortcuts +=
                usize::from(whole_sky_on_screen(v, 0.0) || cells_near_view(v, 8, 0.0).is_some());
        }
        // Most views took a shortcut (the rest show the sky's edge or a hemisphere).
        assert!(
            shortcuts * 2 > views.len(),
            "{shortcuts} of {}",
            views.len()
        );
    }
}
