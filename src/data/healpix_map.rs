//! A HEALPix map kept sparse: sorted NESTED cell indices at one depth with a value each.

use crate::sky::Frame;

#[derive(Clone, Debug, PartialEq)]
pub struct HealpixMap {
    /// HEALPix depth (order): nside = 2^depth.
    pub depth: u8,
    pub frame: Frame,
    /// Name of the value column, e.g. "WEIGHT".
    pub value_name: String,
    /// NESTED indices, strictly increasing.
    pub cells: Vec<u64>,
    pub values: Vec<f32>,
}

impl HealpixMap {
    pub fn nside(&self) -> u64 {
        1u64 << self.depth
    }

    /// The value of the cell holding NESTED index `cell`, if the map covers it.
    pub fn get(&self, cell: u64) -> Option<f32> {
        self.cells.binary_search(&cell).ok().map(|i| self.values[i])
    }

    /// Value at a direction given in degrees in the map's frame.
    pub fn value_at(&self, lon_deg: f64, lat_deg: f64) -> Option<f32> {
        let cell = cdshealpix::nested::hash(self.depth, lon_deg.to_radians(), lat_deg.to_radians());
        self.get(cell)
    }

    /// Covered sky area in square degrees.
    pub fn area_deg2(&self) -> f64 {
        let full_sky = 4.0 * std::f64::consts::PI * (180.0 / std::f64::consts::PI).powi(2);
        full_sky * self.cells.len() as f64 / (12 * self.nside() * self.nside()) as f64
    }
}

/// One level of a map's pyramid: for each cell present at `depth`, the mean value of the
/// covered native cells beneath it and the fraction of them covered.
#[derive(Clone, Debug, PartialEq)]
pub struct MapLevel {
    pub depth: u8,
    pub cells: Vec<u64>,
    /// (mean, coverage in [0, 1])
    pub values: Vec<[f32; 2]>,
}

impl HealpixMap {
    /// Levels from depth 0 to the map's own depth (index = depth), built once at load so
    /// zoomed-out views show means instead of aliasing.
    pub fn pyramid(&self) -> Vec<MapLevel> {
        let mut levels = vec![MapLevel {
            depth: self.depth,
            cells: self.cells.clone(),
            values: self.values.iter().map(|&v| [v, 1.0]).collect(),
        }];
        for depth in (0..self.depth).rev() {
            let child = levels.last().expect("at least the native level");
            let mut cells = Vec::with_capacity(child.cells.len() / 4 + 1);
            let mut values: Vec<[f32; 2]> = Vec::with_capacity(child.cells.len() / 4 + 1);
            // Sorted NESTED cells: children of one parent are contiguous.
            let mut acc: Option<(u64, f64, f64)> = None;
            for (&c, &[mean, cov]) in child.cells.iter().zip(&child.values) {
                let parent = c >> 2;
                match &mut acc {
                    Some((p, sum, covsum)) if *p == parent => {
                        *sum += mean as f64 * cov as f64;
                        *covsum += cov as f64;
                    }
                    _ => {
                        if let Some((p, sum, covsum)) = acc.take() {
                            cells.push(p);
                            values.push([(sum / covsum) as f32, (covsum / 4.0) as f32]);
                        }
                        acc = Some((parent, mean as f64 * cov as f64, cov as f64));
                    }
                }
            }
            if let Some((p, sum, covsum)) = acc {
                cells.push(p);
                values.push([(sum / covsum) as f32, (covsum / 4.0) as f32]);
            }
            levels.push(MapLevel {
                depth,
                cells,
                values,
            });
        }
        levels.reverse();
        levels
    }

    /// (min, max) of the finite values; `None` for a map without any.
    pub fn value_range(&self) -> Option<(f32, f32)> {
        let mut lo = f32::INFINITY;
        let mut hi = f32::NEG_INFINITY;
        for &v in self.values.iter().filter(|v| v.is_finite()) {
            lo = lo.min(v);
            hi = hi.max(v);
        }
        (lo <= hi).then_some((lo, hi))
    }

    /// The colour range a map gets by default: weights and coverage fractions in [0, 1]
    /// keep their absolute meaning (0 to 1); other maps span their values.
    pub fn default_color_range(&self) -> (f32, f32) {
        match self.value_range() {
            None => (0.0, 1.0),
            Some((lo, hi)) if lo >= 0.0 && hi <= 1.0 => (0.0, 1.0),
            Some((lo, hi)) if lo == hi => (lo - 0.5, hi + 0.5),
            Some(r) => r,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pyramid_means_and_coverage() {
        // Depth 2: cells 0..3 (parent 0, all four) and 4, 5 (parent 1, two of four).
        let map = HealpixMap {
            depth: 2,
            frame: Frame::Icrs,
            value_name: "V".into(),
            cells: vec![0, 1, 2, 3, 4, 5],
            values: vec![1.0, 2.0, 3.0, 6.0, 10.0, 20.0],
        };
        let p = map.pyramid();
        assert_eq!(p.len(), 3);
        assert_eq!(p[1].cells, vec![0, 1]);
        assert_eq!(p[1].values, vec![[3.0, 1.0], [15.0, 0.5]]);
        // Depth 0: one cell holding all six, weighted by coverage: (12 + 30) / 6 = 7.
        assert_eq!(p[0].cells, vec![0]);
        assert_eq!(p[0].values[0][0], 7.0);
        assert!((p[0].values[0][1] - 6.0 / 16.0).abs() < 1e-6);
    }
}
