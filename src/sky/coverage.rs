//! cdshealpix's cell coverages (cone, zone, polygon), one call at a time. Measured with
//! cdshealpix 0.10.1 on this machine: a cone's coverage computed on several threads at
//! once occasionally came out different (about one process in 300 with 16 concurrent
//! calls; a HATS cone read then dropped a galaxy near the cone's edge), while the same
//! calls made one at a time gave the same cells every time. Coverages are computed a few
//! times per read or view, so the lock costs little.

use std::sync::Mutex;

use cdshealpix::nested::bmoc::BMOC;

static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

fn serialized<T>(f: impl FnOnce() -> T) -> T {
    // A panic inside a coverage poisons nothing we rely on: the lock guards no data.
    let _turn = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    f()
}

/// The cells at `depth` a cone overlaps (centre and radius in radians), with perhaps a
/// few more near its edge.
pub fn cone_coverage(depth: u8, lon: f64, lat: f64, radius: f64) -> BMOC {
    serialized(|| cdshealpix::nested::cone_coverage_approx(depth, lon, lat, radius))
}

/// The cells at `depth` a zone of longitudes and latitudes (radians) overlaps.
pub fn zone_coverage(depth: u8, lon0: f64, lat0: f64, lon1: f64, lat1: f64) -> BMOC {
    serialized(|| cdshealpix::nested::zone_coverage(depth, lon0, lat0, lon1, lat1))
}

/// The cells at `depth` a polygon (vertices in radians) overlaps.
pub fn polygon_coverage(depth: u8, vertices: &[(f64, f64)], exact: bool) -> BMOC {
    serialized(|| cdshealpix::nested::polygon_coverage(depth, vertices, exact))
}
