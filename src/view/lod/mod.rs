//! Level of detail for crowded layers. Objects are uploaded once, grouped by coarse
//! HEALPix cell and, within a cell, by a fixed priority (SNR for clusters, a hash of the
//! ID for galaxies). A view draws, in each cell it shows, the first objects of that
//! cell's range, as many as keep about a budget of markers on screen. Zooming in only
//! raises the share drawn per cell, so what was drawn stays drawn (no flicker), and cells
//! off screen cost nothing. What is not drawn shows as a density map.
//!
//! [`LodOrder`] orders a whole catalog once (the viewer and stills of many views);
//! [`LodPick`] picks what one view draws without that order (a one-shot figure). Both
//! group objects the same way ([`grouping`]) and share the ranges a view draws
//! ([`LodGroups`]), so they draw the same objects.

mod grouping;
mod groups;
mod order;
mod pick;

pub use groups::LodGroups;
pub use order::LodOrder;
pub use pick::LodPick;

use std::ops::Range;

/// Depth of the cells objects are grouped by (cells of about 14').
pub const GROUP_DEPTH: u8 = 8;

/// Screen area per marker below which a crowded view switches to density (galaxy dots;
/// bigger markers set their own, see [`LodGroups::pixels_per_marker`]).
pub const PIXELS_PER_MARKER: f64 = 4.0;

/// The deepest count map [`LodOrder::with_counts`] makes: its cells fit 32 bits.
pub const MAX_COUNT_DEPTH: u8 = 14;

/// A stable pseudo-random priority for object `id` (SplitMix64 finaliser).
pub fn hash_priority(id: u64) -> u64 {
    let mut z = id.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// A layer's level of detail: ordered once for any view, or picked for the one view a
/// figure draws.
pub enum Lod {
    Order(LodOrder),
    Pick(LodPick),
}

impl Lod {
    /// The groups views draw leading runs of.
    pub fn groups(&self) -> &LodGroups {
        match self {
            Lod::Order(o) => o,
            Lod::Pick(p) => p,
        }
    }

    /// The rows of `cat` (the catalog the level of detail was made from) at the
    /// order's positions `ranges`, in draw order.
    pub fn rows_drawn(&self, cat: &crate::data::Catalog, ranges: &[Range<u32>]) -> Vec<u32> {
        match self {
            Lod::Order(o) => ranges
                .iter()
                .flat_map(|r| o.rows[r.start as usize..r.end as usize].iter().copied())
                .collect(),
            Lod::Pick(p) => p.rows_drawn(cat, ranges),
        }
    }

    /// The full order, when there is one (the viewer keeps it for picking).
    pub fn order(&self) -> Option<&LodOrder> {
        match self {
            Lod::Order(o) => Some(o),
            Lod::Pick(_) => None,
        }
    }
}
