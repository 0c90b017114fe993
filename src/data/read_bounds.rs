//! What a read may hold: the bounds readers apply as they read (filters pushed into the
//! read, the galaxies sampled from an out-of-core catalog) and the memory budget's
//! share of them.

/// Bounds the readers apply as they read: on the clusters' columns (the style's SNR and
/// redshift filters; an SNR maximum stays a drawing filter), and on the galaxies read
/// from an out-of-core catalog (HATS).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct ReadBounds {
    pub snr_min: Option<f64>,
    pub z_min: Option<f64>,
    pub z_max: Option<f64>,
    /// Galaxies read from a HATS catalog at most (about): an even sample when the area
    /// holds more. `None`: [`ReadBounds::galaxy_sample`]'s default.
    pub galaxy_rows: Option<u64>,
    /// (RA, Dec, radius) in degrees: galaxies from a HATS catalog are read only in this
    /// cone (a figure's view), unless `--cone` names another.
    pub galaxy_cone: Option<(f64, f64, f64)>,
    /// The galaxies' redshift range, kept as they are read: a figure's density then
    /// counts only the galaxies it may draw. The viewer reads every redshift (its
    /// slider filters on the GPU), so its bounds leave these unset.
    pub galaxy_z_min: Option<f64>,
    pub galaxy_z_max: Option<f64>,
}

impl ReadBounds {
    /// Galaxies read from a HATS catalog: `galaxy_rows` (else what a real GPU draws with
    /// room to choose, four times its 5M markers), no more than the memory budget pays
    /// for at [`FIGURE_BYTES_PER_GALAXY`] (at least 1000: the density shows all rows
    /// whatever this is, from the skymap).
    pub fn galaxy_sample(&self, memory_budget_mb: Option<u64>) -> u64 {
        const GPU_ROWS: u64 = 20_000_000;
        let paid = (memory_budget_bytes(memory_budget_mb) / FIGURE_BYTES_PER_GALAXY).max(1000);
        self.galaxy_rows.unwrap_or(GPU_ROWS).min(paid)
    }

    /// These bounds for the viewer: the galaxies it shows from a HATS catalog take at
    /// most a third of the memory budget, the galaxies of an area read again (built while
    /// the others are still drawn) another, the partitions it keeps for reuse the last
    /// ([`viewer_partition_bytes`]). Galaxies of every redshift are read.
    pub fn within_viewer_budget(self, memory_budget_mb: Option<u64>) -> ReadBounds {
        // However small the budget, some galaxies are shown (the density shows them all).
        let share = memory_budget_bytes(memory_budget_mb) / VIEWER_BUDGET_SHARES;
        let held = (share / VIEWER_BYTES_PER_GALAXY).max(1000);
        let rows = self.galaxy_sample(memory_budget_mb).min(held);
        ReadBounds {
            galaxy_rows: Some(rows),
            galaxy_z_min: None,
            galaxy_z_max: None,
            ..self
        }
    }
}

/// What one galaxy read for a figure costs: its columns (RA and Dec in f64, a few f32)
/// and its level-of-detail cell. What the figure draws comes on top, bounded by the
/// marker budget rather than the rows read.
pub const FIGURE_BYTES_PER_GALAXY: u64 = 40;

/// `--memory-budget` in bytes (given in megabytes), or the default: half the machine's
/// memory.
pub fn memory_budget_bytes(memory_budget_mb: Option<u64>) -> u64 {
    memory_budget_mb.map_or_else(crate::data::cache::default_memory_budget, |mb| {
        mb.saturating_mul(1 << 20)
    })
}

/// What one galaxy the viewer holds costs in memory, all told: its columns and
/// directions, its place in the level-of-detail order and the picking index, its
/// marker on the GPU (this process's memory on a software adapter) and the allocator's
/// slack. Measured at ~420 bytes on a 20M-row HATS catalog (BENCHMARKS.md, session 22).
pub const VIEWER_BYTES_PER_GALAXY: u64 = 400;

/// The viewer's memory budget is shared by three: the galaxies shown, those of an area
/// being read again (two scenes coexist until the new one is swapped in), and the
/// partitions kept for reuse.
const VIEWER_BUDGET_SHARES: u64 = 3;

/// The bytes of HATS partitions the viewer keeps for reuse: the third of the memory
/// budget its galaxies leave ([`ReadBounds::within_viewer_budget`]).
pub fn viewer_partition_bytes(memory_budget_mb: Option<u64>) -> u64 {
    memory_budget_bytes(memory_budget_mb) / VIEWER_BUDGET_SHARES
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_viewer_holds_the_galaxies_a_third_of_its_budget_pays_for() {
        let gpu = ReadBounds {
            galaxy_rows: Some(800_000),
            ..Default::default()
        };
        // 120 MB: a third of it, at VIEWER_BYTES_PER_GALAXY a galaxy; the scene built
        // for an area read again a third, the partitions kept the last third.
        let small = gpu.within_viewer_budget(Some(120));
        assert_eq!(
            small.galaxy_rows,
            Some((40 << 20) / VIEWER_BYTES_PER_GALAXY)
        );
        assert_eq!(viewer_partition_bytes(Some(120)), 40 << 20);
        // A budget with room for more leaves the GPU's own bound.
        assert_eq!(
            gpu.within_viewer_budget(Some(4096)).galaxy_rows,
            Some(800_000)
        );
        // An absurdly small budget still shows some galaxies, a smaller bound fewer.
        assert_eq!(gpu.within_viewer_budget(Some(0)).galaxy_rows, Some(1000));
        let few = ReadBounds {
            galaxy_rows: Some(20),
            ..gpu
        };
        assert_eq!(few.within_viewer_budget(Some(0)).galaxy_rows, Some(20));
        // No GPU bound: the default sample (~40 bytes a row) within the same third.
        let free = ReadBounds::default().within_viewer_budget(Some(1200));
        assert_eq!(
            free.galaxy_rows,
            Some((400 << 20) / VIEWER_BYTES_PER_GALAXY)
        );
        // The other bounds pass through.
        let filtered = ReadBounds {
            snr_min: Some(5.0),
            galaxy_cone: Some((10.0, -5.0, 1.0)),
            ..gpu
        };
        let kept = filtered.within_viewer_budget(Some(100));
        assert_eq!(
            (kept.snr_min, kept.galaxy_cone),
            (Some(5.0), Some((10.0, -5.0, 1.0)))
        );
    }

    #[test]
    fn a_read_takes_forty_bytes_a_row_of_the_budget() {
        assert_eq!(
            ReadBounds::default().galaxy_sample(Some(40)),
            (40 << 20) / 40
        );
        assert_eq!(
            ReadBounds::default().galaxy_sample(Some(1 << 30)),
            20_000_000
        );
        // A GPU's bound is kept within the budget, and the budget within it; an absurdly
        // small budget still reads some galaxies, a smaller bound fewer.
        let gpu = |rows| ReadBounds {
            galaxy_rows: Some(rows),
            ..Default::default()
        };
        assert_eq!(gpu(800_000).galaxy_sample(Some(4)), (4 << 20) / 40);
        assert_eq!(gpu(800_000).galaxy_sample(Some(1000)), 800_000);
        assert_eq!(gpu(800_000).galaxy_sample(Some(0)), 1000);
        assert_eq!(gpu(20).galaxy_sample(Some(0)), 20);
        // Megabytes past u64's bytes saturate rather than wrap to nothing.
        assert_eq!(memory_budget_bytes(Some(u64::MAX)), u64::MAX);
    }
}
