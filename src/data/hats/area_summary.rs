//! What an area of a HATS catalog holds, told without reading a row (`info --cone` or
//! `--box`): the partitions that overlap it and the skymap's count of its rows.

use crate::data::hats::layout::HatsCatalog;
use crate::data::hats::partitions::partitions;
use crate::data::hats::read::{partitions_in_area, skymap_counts};
use crate::data::load_options::Pushdown;
use crate::error::Result;

pub struct AreaSummary {
    /// Partitions that overlap the area, of all the catalog's.
    pub partitions_in_area: usize,
    pub partitions: usize,
    /// The skymap's rows in the cells centred in the area, and the skymap's order
    /// (`None` without a skymap).
    pub rows: Option<(u64, u8)>,
}

pub fn area_summary(hats: &HatsCatalog, filter: &Pushdown) -> Result<AreaSummary> {
    let parts = partitions(hats)?;
    let (area, inside) = partitions_in_area(hats, &parts, filter);
    let rows = match hats.skymap_order {
        Some(_) => skymap_counts(hats, &parts, area.as_ref(), filter)?
            .map(|map| (map.total().round() as u64, map.depth)),
        None => None,
    };
    Ok(AreaSummary {
        partitions_in_area: inside.len(),
        partitions: parts.len(),
        rows,
    })
}
