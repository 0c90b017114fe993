//! The sky a read is limited to (`--cone`, `--box`) as HEALPix cells, to tell which
//! HATS partitions, skymap cells and Parquet rows (by their `_healpix_29`) can hold rows
//! of it. The coverage is cdshealpix's, which errs on the side of including a cell.

use std::ops::Range;

use crate::data::decoder_guard::guarded;
use crate::data::load_options::Pushdown;

/// The cells of the area at `depth`, as sorted disjoint ranges.
#[derive(Clone, Debug)]
pub struct Area {
    depth: u8,
    ranges: Vec<Range<u64>>,
}

impl Area {
    /// The area of `filter` at `depth`; `None` when it asks for the whole sky.
    pub fn of(filter: &Pushdown, depth: u8) -> Option<Area> {
        let mut ranges: Vec<Range<u64>> = Vec::new();
        let mut limited = false;
        if let Some((ra, dec, r)) = filter.cone {
            limited = true;
            let (lon, lat) = (ra.rem_euclid(360.0).to_radians(), dec.to_radians());
            let radius = r.to_radians().min(std::f64::consts::PI);
            match guarded(|| crate::sky::coverage::cone_coverage(depth, lon, lat, radius)) {
                Ok(bmoc) => ranges.extend(bmoc.to_ranges().iter().cloned()),
                Err(_) => return None,
            }
        }
        if let Some(b) = filter.sky_box {
            let zone = zone_ranges(b, depth)?;
            ranges = if limited {
                intersect(&ranges, &zone)
            } else {
                zone
            };
            limited = true;
        }
        limited.then(|| Area {
            depth,
            ranges: merge(ranges),
        })
    }

    /// The depth whose cells are about `1 / cells_across` of the area's extent (the
    /// whole sky's for no area), at most 13.
    pub fn depth_across(filter: &Pushdown, cells_across: f64) -> u8 {
        // A cell at order k spans about 58.6° / 2^k.
        let extent_deg = match (filter.cone, filter.sky_box) {
            (Some((_, _, r)), _) => 2.0 * r,
            (None, Some((ra0, ra1, dec0, dec1))) => {
                let ra_span = (ra1 - ra0).rem_euclid(360.0);
                let cos_dec = ((dec0 + dec1) / 2.0).to_radians().cos();
                (ra_span * cos_dec).max(dec1 - dec0)
            }
            (None, None) => 360.0,
        };
        Self::depth_for_extent(extent_deg, cells_across)
    }

    /// The depth whose cells are about `1 / cells_across` of `extent_deg`, at most 13.
    pub fn depth_for_extent(extent_deg: f64, cells_across: f64) -> u8 {
        (58.6 * cells_across / extent_deg.max(1e-6))
            .log2()
            .ceil()
            .clamp(0.0, 13.0) as u8
    }

    /// The area's cells at `order`, as sorted disjoint ranges (at a coarser order than
    /// the area's, every cell that holds a part of it).
    pub fn ranges_at(&self, order: u8) -> Vec<Range<u64>> {
        if order >= self.depth {
            let shift = 2 * u32::from(order - self.depth);
            return self
                .ranges
                .iter()
                .map(|r| (r.start << shift)..(r.end << shift))
                .collect();
        }
        let shift = 2 * u32::from(self.depth - order);
        merge(
            self.ranges
                .iter()
                .map(|r| (r.start >> shift)..((r.end - 1) >> shift) + 1)
                .collect(),
        )
    }

    /// Whether the cell (`order`, `pixel`) overlaps the area.
    pub fn overlaps(&self, order: u8, pixel: u64) -> bool {
        let cells = if order >= self.depth {
            let p = pixel >> (2 * u32::from(order - self.depth));
            p..p + 1
        } else {
            let shift = 2 * u32::from(self.depth - order);
            (pixel << shift)..((pixel + 1) << shift)
        };
        // The first range ending after the cells start: does it start before they end?
        let i = self.ranges.partition_point(|r| r.end <= cells.start);
        self.ranges.get(i).is_some_and(|r| r.start < cells.end)
    }
}

/// A (RA min, RA max, Dec min, Dec max) box in degrees; RA min > RA max wraps through 0.
fn zone_ranges(b: (f64, f64, f64, f64), depth: u8) -> Option<Vec<Range<u64>>> {
    let (ra0, ra1, dec0, dec1) = b;
    // cdshealpix wants longitudes in [0, 2π[ and latitudes in [-π/2, π/2[.
    let below_half_pi = std::f64::consts::FRAC_PI_2 - 1e-12;
    let lat0 = dec0.max(-90.0).to_radians();
    let lat1 = dec1.min(90.0).to_radians().min(below_half_pi);
    if lat0 >= lat1 {
        return Some(Vec::new());
    }
    let full_ring = (ra1 - ra0).abs() >= 360.0 || (ra0 <= 0.0 && ra1 >= 360.0);
    let below_two_pi = std::f64::consts::TAU - 1e-12;
    let (lon0, lon1) = if full_ring {
        (0.0, below_two_pi)
    } else {
        let norm = |ra: f64| ra.rem_euclid(360.0).to_radians().min(below_two_pi);
        (norm(ra0), norm(ra1))
    };
    guarded(|| crate::sky::coverage::zone_coverage(depth, lon0, lat0, lon1, lat1))
        .ok()
        .map(|bmoc| bmoc.to_ranges().to_vec())
}

fn merge(mut ranges: Vec<Range<u64>>) -> Vec<Range<u64>> {
    ranges.sort_by_key(|r| r.start);
    let mut out: Vec<Range<u64>> = Vec::with_capacity(ranges.len());
    for r in ranges {
        match out.last_mut() {
            Some(last) if r.start <= last.end => last.end = last.end.max(r.end),
            _ => out.push(r),
        }
    }
    out
}

fn intersect(a: &[Range<u64>], b: &[Range<u64>]) -> Vec<Range<u64>> {
    let (a, b) = (merge(a.to_vec()), merge(b.to_vec()));
    let (mut i, mut j, mut out) = (0, 0, Vec::new());
    while i < a.len() && j < b.len() {
        let (s, e) = (a[i].start.max(b[j].start), a[i].end.min(b[j].end));
        if s < e {
            out.push(s..e);
        }
        if a[i].end < b[j].end {
            i += 1;
        } else {
            j += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cone_overlaps_the_cells_around_its_centre_and_not_the_far_side() {
        let filter = Pushdown {
            cone: Some((150.0, 2.0, 1.0)),
            ..Default::default()
        };
        let area = Area::of(&filter, 8).unwrap();
        let centre = cdshealpix::nested::get(5).hash(150f64.to_radians(), 2f64.to_radians());
        assert!(area.overlaps(5, centre));
        assert!(area.overlaps(0, centre >> 10));
        // A cell deeper than the area's depth, inside the centre's.
        assert!(area.overlaps(12, centre << 14));
        let far = cdshealpix::nested::get(5).hash(330f64.to_radians(), (-2f64).to_radians());
        assert!(!area.overlaps(5, far));
        assert!(Area::of(&Pushdown::default(), 8).is_none());
    }

    #[test]
    fn a_box_through_ra_zero_covers_both_sides_and_a_cone_box_pair_their_overlap() {
        let filter = Pushdown {
            sky_box: Some((350.0, 10.0, -5.0, 5.0)),
            ..Default::default()
        };
        let area = Area::of(&filter, 7).unwrap();
        let cell =
            |ra: f64, dec: f64| cdshealpix::nested::get(7).hash(ra.to_radians(), dec.to_radians());
        assert!(area.overlaps(7, cell(355.0, 0.0)));
        assert!(area.overlaps(7, cell(5.0, 0.0)));
        assert!(!area.overlaps(7, cell(180.0, 0.0)));
        assert!(!area.overlaps(7, cell(5.0, 30.0)));
        let both = Pushdown {
            cone: Some((5.0, 0.0, 3.0)),
            sky_box: Some((0.0, 360.0, 1.0, 90.0)),
            ..Default::default()
        };
        let area = Area::of(&both, 7).unwrap();
        assert!(area.overlaps(7, cell(5.0, 2.0)));
        assert!(!area.overlaps(7, cell(5.0, -2.0)));
    }

    #[test]
    fn the_areas_cells_at_another_order_cover_the_same_sky() {
        let filter = Pushdown {
            cone: Some((150.0, 2.0, 2.0)),
            ..Default::default()
        };
        let area = Area::of(&filter, 7).unwrap();
        let inside = |ranges: &[Range<u64>], c: u64| ranges.iter().any(|r| r.contains(&c));
        let (coarse, fine) = (area.ranges_at(4), area.ranges_at(9));
        for c in 0..12u64 << 14 {
            let overlaps = area.overlaps(7, c);
            // A cell of the area: its parent at order 4 and its children at order 9 too.
            assert_eq!(inside(&fine, c << 4), overlaps, "cell {c}");
            assert_eq!(inside(&fine, (c << 4) + 3), overlaps, "cell {c}");
            if overlaps {
                assert!(inside(&coarse, c >> 6), "cell {c}");
            }
        }
        // The coarse cells are exactly those holding a cell of the area.
        let parents: std::collections::BTreeSet<u64> = (0..12u64 << 14)
            .filter(|&c| area.overlaps(7, c))
            .map(|c| c >> 6)
            .collect();
        let listed: usize = coarse.iter().map(|r| (r.end - r.start) as usize).sum();
        assert_eq!(listed, parents.len());
        assert!(coarse.windows(2).all(|w| w[0].end < w[1].start));
    }
}
