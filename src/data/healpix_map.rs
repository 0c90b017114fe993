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
