//! The CPU side of a loaded survey in the viewer: catalogs, one spatial index per marker
//! layer (for picking, counting and "go to"), and value ranges for the filter sliders.

use std::collections::HashMap;
use std::ops::Range;
use std::sync::{Arc, OnceLock};
use std::thread::JoinHandle;

use glam::DVec2;

use crate::app::os_hints;
use crate::data::{Catalog, Survey};
use crate::error::Result;
use crate::scene::layers::LayerKind;
use crate::sky::unit_vector;
use crate::view::View;
use crate::view::cell_culling::{cells_near_view, whole_sky_on_screen};
use crate::view::index::SkyIndex;
use crate::view::lod::LodOrder;

/// One marker layer's rows and how to find them on the sky.
pub struct MarkerData {
    /// Built on a worker thread, so that the layer shows before its index exists (a
    /// k-d tree of 10M objects takes seconds); picking and counts skip it until then.
    pub index: Arc<OnceLock<SkyIndex>>,
    /// Position of each row in the GPU buffer when the layer is uploaded in level-of-
    /// detail order (`None`: in row order).
    pub upload_position: Option<Vec<u32>>,
}

pub struct SceneData {
    pub survey: Survey,
    pub markers: HashMap<LayerKind, MarkerData>,
    /// Smallest and largest SNR and redshift over the cluster catalogs (and galaxies' z).
    pub snr_extent: Option<(f32, f32)>,
    pub z_extent: Option<(f32, f32)>,
    /// How many galaxies the catalog holds when those loaded are a sample of it (a HATS
    /// read, the preview of millions): the sum of its counts.
    pub galaxies_in_catalog: Option<usize>,
    /// The workers building the indexes.
    indexing: Vec<JoinHandle<()>>,
}

/// A picked object: which layer, which catalog row.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ObjectRef {
    pub layer: LayerKind,
    pub row: u32,
}

fn extent(values: impl Iterator<Item = f64>) -> Option<(f32, f32)> {
    let (lo, hi) = values
        .filter(|v| v.is_finite())
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
            (lo.min(v), hi.max(v))
        });
    (lo <= hi).then_some((lo as f32, hi as f32))
}

fn merge(a: Option<(f32, f32)>, b: Option<(f32, f32)>) -> Option<(f32, f32)> {
    match (a, b) {
        (Some(a), Some(b)) => Some((a.0.min(b.0), a.1.max(b.1))),
        (a, b) => a.or(b),
    }
}

/// The threads that build picking indexes while the viewer runs: a pool of their own
/// (one thread fewer than the cores), so that the frames' parallel work never waits
/// behind a tree of millions of objects in the shared pool (a 10M-galaxy tree made the
/// first frame with galaxies take 2.4 s).
/// `None` where no thread can be started: the shared pool then builds them.
fn index_pool() -> Option<&'static rayon::ThreadPool> {
    static POOL: OnceLock<Option<rayon::ThreadPool>> = OnceLock::new();
    POOL.get_or_init(|| {
        let n = rayon::current_num_threads().saturating_sub(1).max(1);
        rayon::ThreadPoolBuilder::new()
            .num_threads(n)
            .thread_name(|i| format!("picking-index-{i}"))
            // On a few cores, the software rasteriser's threads drawing the first
            // frames then come before an index nobody has asked for yet.
            .start_handler(|_| os_hints::lower_thread_priority())
            .build()
            .ok()
    })
    .as_ref()
}

impl SceneData {
    /// Indexes the catalogs of `survey` that are `drawn` (galaxies loaded only for the
    /// proximity marks are not, and cannot be picked); `lod` gives the upload order of
    /// the layers drawn with level of detail.
    pub fn new(
        survey: Survey,
        lod: &[(LayerKind, &LodOrder)],
        drawn: impl Fn(LayerKind) -> bool,
    ) -> Result<SceneData> {
        let mut survey = survey;
        // Shared columns: the index workers take the catalogs along without a copy.
        for cat in [
            &mut survey.pzwav,
            &mut survey.amico,
            &mut survey.merged,
            &mut survey.galaxies,
        ] {
            *cat = cat.take().map(Catalog::into_shared);
        }
        let mut markers = HashMap::new();
        let mut indexing = Vec::new();
        let (mut snr_extent, mut z_extent) = (None, None);
        let catalogs = LayerKind::ALL
            .into_iter()
            .filter(|&k| drawn(k))
            .filter_map(|k| k.catalog(&survey).map(|c| (k, c)));
        for (kind, cat) in catalogs {
            let upload_position = match lod.iter().find(|(k, _)| *k == kind) {
                Some((_, lod)) => {
                    let mut pos = vec![0u32; lod.rows.len()];
                    for (p, &row) in lod.rows.iter().enumerate() {
                        pos[row as usize] = p as u32;
                    }
                    Some(pos)
                }
                None => None,
            };
            let index = Arc::new(OnceLock::new());
            let (shared, cell) = (cat.clone(), index.clone());
            indexing.push(std::thread::spawn(move || {
                let build = || SkyIndex::cached_catalog(shared);
                let built = match index_pool() {
                    Some(pool) => pool.install(build),
                    None => build(),
                };
                match built {
                    Ok(built) => {
                        let _ = cell.set(built);
                    }
                    Err(e) => report!("warning: {} cannot be picked: {e}", kind.label()),
                }
            }));
            let roles = cat.role_view();
            if cat.roles.z.is_some() {
                z_extent = merge(z_extent, extent((0..cat.len()).map(|r| roles.z(r))));
            }
            if kind.is_cluster_catalog() && cat.roles.snr.is_some() {
                snr_extent = merge(snr_extent, extent((0..cat.len()).map(|r| roles.snr(r))));
            }
            markers.insert(
                kind,
                MarkerData {
                    index,
                    upload_position,
                },
            );
        }
        let galaxies_in_catalog = survey
            .galaxy_counts
            .as_ref()
            .map(|all| all.total().round() as usize);
        Ok(SceneData {
            survey,
            markers,
            snr_extent,
            z_extent,
            galaxies_in_catalog,
            indexing,
        })
    }

    /// The galaxies counted (all of the catalog's, not the sample's) in the cells whose
    /// centre `view` shows, judged on cells of about 16 pixels (or the counts' own, when
    /// coarser); `None` without counts of them.
    pub fn galaxies_counted_in(&self, view: &View) -> Option<usize> {
        let counts = self.survey.galaxy_counts.as_ref()?;
        if whole_sky_on_screen(view, 0.5) {
            return self.galaxies_in_catalog;
        }
        // A cell at depth d spans about 1.0233 / 2^d radians.
        let cell_px = |d: u8| 1.0233 / f64::from(1u32 << d) * view.scale();
        let depth = (0..counts.depth)
            .find(|&d| cell_px(d) <= 16.0)
            .unwrap_or(counts.depth);
        let shift = 2 * u32::from(counts.depth - depth);
        let layer = cdshealpix::nested::get(depth);
        let all = 0..12u64 << (2 * depth);
        let near = cells_near_view(view, depth, 0.0).unwrap_or_else(|| Box::new([all]));
        let to_icrs = counts.frame.to_icrs();
        let (w, h) = (view.sub.width as f64, view.sub.height as f64);
        let (x0, y0) = (view.sub.x as f64, view.sub.y as f64);
        let shows = |cell: u64| {
            let (lon, lat) = layer.center(cell);
            let dir = to_icrs * unit_vector(lon.to_degrees(), lat.to_degrees());
            view.project(dir)
                .is_some_and(|p| p.x >= x0 && p.x < x0 + w && p.y >= y0 && p.y < y0 + h)
        };
        let sum: f64 = near
            .iter()
            .flat_map(|r| r.clone())
            .filter(|&c| shows(c))
            .map(|c| {
                let from = counts.cells.partition_point(|&f| f < c << shift);
                let to = counts.cells.partition_point(|&f| f < (c + 1) << shift);
                counts.values[from..to]
                    .iter()
                    .map(|&v| f64::from(v))
                    .sum::<f64>()
            })
            .sum();
        Some(sum.round() as usize)
    }

    /// Waits until every layer's index is built (tests, and front ends that pick at once).
    pub fn wait_for_indexes(&mut self) {
        for worker in self.indexing.drain(..) {
            if let Err(p) = worker.join() {
                std::panic::resume_unwind(p);
            }
        }
    }

    /// Whether some layer's index is still being built.
    pub fn indexing(&self) -> bool {
        self.markers.values().any(|m| m.index.get().is_none())
    }

    /// The object `o` of `before` in this scene, which numbers its rows anew (a later
    /// loading stage, the galaxies read for a view): the row at the same RA and Dec, or
    /// `None` when this scene does not hold it.
    pub fn same_object(&self, before: &SceneData, o: ObjectRef) -> Option<ObjectRef> {
        use rayon::prelude::*;
        let (old, new) = (before.catalog(o.layer)?, self.catalog(o.layer)?);
        let row = o.row as usize;
        if row >= old.len() {
            return None;
        }
        let (was, now) = (old.role_view(), new.role_view());
        let at = (was.ra(row), was.dec(row));
        let here = |r: usize| (now.ra(r), now.dec(r)) == at;
        // Stages that keep a catalog keep its rows: look there first.
        let found = if row < new.len() && here(row) {
            Some(row)
        } else {
            (0..new.len()).into_par_iter().find_first(|&r| here(r))
        };
        found.map(|r| ObjectRef {
            layer: o.layer,
            row: r as u32,
        })
    }

    pub fn catalog(&self, kind: LayerKind) -> Option<&Catalog> {
        kind.catalog(&self.survey)
    }

    /// The nearest object drawn within `max_px` of `cursor` over the layers `shown`
    /// (top layer first on ties), where `passes` says whether a row survives the filters
    /// and `drawn` holds the buffer ranges a level-of-detail layer currently draws.
    pub fn pick(
        &self,
        view: &View,
        cursor: DVec2,
        max_px: f64,
        shown: &dyn Fn(LayerKind) -> bool,
        passes: &dyn Fn(LayerKind, &Catalog, usize) -> bool,
        drawn: &dyn Fn(LayerKind) -> Option<Vec<Range<u32>>>,
    ) -> Option<(ObjectRef, f64)> {
        let mut best: Option<(ObjectRef, f64)> = None;
        for kind in LayerKind::ALL {
            let (Some(m), Some(cat)) = (self.markers.get(&kind), self.catalog(kind)) else {
                continue;
            };
            if !shown(kind) {
                continue;
            }
            let ranges = drawn(kind);
            let keep = |row: u32| {
                let on_gpu = match (&m.upload_position, &ranges) {
                    (Some(pos), Some(r)) => in_ranges(r, pos[row as usize]),
                    _ => true,
                };
                on_gpu && passes(kind, cat, row as usize)
            };
            if let Some((row, d)) = m
                .index
                .get()
                .and_then(|index| index.pick_where(view, cursor, max_px, keep))
                && best.is_none_or(|(_, bd)| d < bd)
            {
                best = Some((ObjectRef { layer: kind, row }, d));
            }
        }
        best
    }

    /// Objects whose ID column reads `id` (as text, or the same number), clusters first.
    pub fn find_id(&self, id: &str) -> Option<ObjectRef> {
        let as_number = id.parse::<f64>().ok();
        for kind in LayerKind::ALL {
            let Some(cat) = self.catalog(kind) else {
                continue;
            };
            let Some(col) = cat.roles.id.as_deref().and_then(|n| cat.column(n)) else {
                continue;
            };
            let rows = 0..col.data.len();
            let hit = match (as_number, col.is_integer()) {
                (_, true) => {
                    let want = id.parse::<i128>().ok();
                    want.and_then(|w| rows.into_iter().position(|r| col.integer(r) == Some(w)))
                }
                (Some(x), false) => rows.into_iter().position(|r| col.data.get_f64(r) == x),
                (None, false) => None,
            };
            if let Some(row) = hit {
                return Some(ObjectRef {
                    layer: kind,
                    row: row as u32,
                });
            }
        }
        None
    }
}

/// Whether `p` lies in one of the sorted, disjoint `ranges`.
pub fn in_ranges(ranges: &[Range<u32>], p: u32) -> bool {
    let i = ranges.partition_point(|r| r.end <= p);
    ranges.get(i).is_some_and(|r| r.contains(&p))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A scene of galaxies at these (RA, Dec), in this order.
    fn galaxies_at(places: &[(f64, f64)]) -> SceneData {
        let (ra, dec): (Vec<f64>, Vec<f64>) = places.iter().copied().unzip();
        let galaxies = Catalog::of_positions("galaxies", ra, dec);
        let survey = Survey {
            galaxies: Some(galaxies),
            ..Default::default()
        };
        let mut data = SceneData::new(survey, &[], |_| true).unwrap();
        data.wait_for_indexes();
        data
    }

    #[test]
    fn a_selected_object_is_found_again_in_a_scene_that_numbers_rows_anew() {
        let sample = galaxies_at(&[(10.0, 1.0), (20.0, 2.0), (30.0, 3.0)]);
        // The rows read for a view: more of them, in another order.
        let view = galaxies_at(&[(5.0, 0.5), (30.0, 3.0), (20.0, 2.0), (20.0, 2.5)]);
        let at = |row| ObjectRef {
            layer: LayerKind::Galaxies,
            row,
        };
        assert_eq!(view.same_object(&sample, at(1)), Some(at(2)));
        assert_eq!(view.same_object(&sample, at(2)), Some(at(1)));
        // Not read for this view: no longer selected (not another object).
        assert_eq!(view.same_object(&sample, at(0)), None);
        // A row the old scene never had, and a layer neither has.
        assert_eq!(view.same_object(&sample, at(7)), None);
        let cluster = ObjectRef {
            layer: LayerKind::Merged,
            row: 0,
        };
        assert_eq!(view.same_object(&sample, cluster), None);
        // A scene keeping the catalog keeps the row.
        assert_eq!(sample.same_object(&sample, at(2)), Some(at(2)));
    }

    #[test]
    fn range_membership() {
        let r = vec![0..3, 10..12, 20..21];
        let inside: Vec<u32> = (0..25).filter(|&p| in_ranges(&r, p)).collect();
        assert_eq!(inside, vec![0, 1, 2, 10, 11, 20]);
        assert!(!in_ranges(&[], 0));
    }
}
