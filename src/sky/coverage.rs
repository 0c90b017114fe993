//! cdshealpix's cell coverages (cone, zone, polygon), safe to call from many threads.
//!
//! cdshealpix 0.10.1 computes some per-depth constants (the largest centre-to-vertex
//! distance of a cell, used by cone coverages to decide which cells overlap) lazily, in a
//! `static mut` it reads without synchronisation before a `Once` writes it
//! (`get_or_create` in its lib.rs). A thread racing that first write can read half-written
//! constants: measured here, 16 threads computing the same first cone coverage of a
//! process gave a different (smaller) cell set in 22 processes of 2000, and a HATS cone
//! read then dropped a galaxy near the cone's edge. Computing every depth's constants once,
//! on one thread, before any coverage makes every later read see them whole (0 of 4000).
//! Every coverage we compute goes through this module, so the warm-up always comes first.

use std::sync::Once;

use cdshealpix::nested::bmoc::BMOC;

static CONSTANTS_WRITTEN: Once = Once::new();

/// Makes cdshealpix write its lazily computed per-depth constants, all depths, once: a
/// thread returning from here sees them whole (`Once` orders the writes before it).
fn constants_written() {
    CONSTANTS_WRITTEN.call_once(|| {
        for depth in 0..=29 {
            // Any position fills the depth's constants; the distance itself is not used.
            let _ = cdshealpix::largest_center_to_vertex_distance(depth, 0.0, 0.0);
        }
    });
}

/// The share of the sky one HEALPix cell at `order` covers.
pub fn cell_sky_fraction(order: u8) -> f64 {
    1.0 / (12.0 * 4f64.powi(i32::from(order)))
}

/// The cells at `depth` a cone overlaps (centre and radius in radians), with perhaps a
/// few more near its edge.
pub fn cone_coverage(depth: u8, lon: f64, lat: f64, radius: f64) -> BMOC {
    constants_written();
    cdshealpix::nested::cone_coverage_approx(depth, lon, lat, radius)
}

/// The cells at `depth` a zone of longitudes and latitudes (radians) overlaps.
pub fn zone_coverage(depth: u8, lon0: f64, lat0: f64, lon1: f64, lat1: f64) -> BMOC {
    constants_written();
    cdshealpix::nested::zone_coverage(depth, lon0, lat0, lon1, lat1)
}

/// The cells at `depth` a polygon (vertices in radians) overlaps.
pub fn polygon_coverage(depth: u8, vertices: &[(f64, f64)], exact: bool) -> BMOC {
    constants_written();
    cdshealpix::nested::polygon_coverage(depth, vertices, exact)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The first coverages of a process, computed on many threads at once, are the cells
    /// one thread computes alone. (A process's first burst is the only one that can race
    /// cdshealpix's lazy constants; the repeated-process test of tests/hats.rs covers the
    /// many-process side.)
    #[test]
    fn concurrent_first_cones_equal_one_computed_alone() {
        let barrier = std::sync::Barrier::new(16);
        let cone = || {
            cone_coverage(
                12,
                150f64.to_radians(),
                2f64.to_radians(),
                2f64.to_radians(),
            )
            .into_iter()
            .map(|c| c.raw_value)
            .collect::<Vec<u64>>()
        };
        // The scope joins every thread (and passes on a panic in one).
        let results = std::sync::Mutex::new(Vec::new());
        std::thread::scope(|s| {
            for _ in 0..16 {
                s.spawn(|| {
                    barrier.wait();
                    let cells = cone();
                    results
                        .lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .push(cells);
                });
            }
        });
        let results = results.into_inner().unwrap_or_else(|e| e.into_inner());
        assert_eq!(results.len(), 16);
        let alone = cone();
        assert!(alone.len() > 100, "a 2° cone at depth 12 covers many cells");
        for r in &results {
            assert_eq!(r, &alone);
        }
    }
}
