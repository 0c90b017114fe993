//! A survey's layers on the GPU: uploaded once, bottom to top (map, galaxies, tiles,
//! clusters), in the registry's default styles; and the level of detail of each view,
//! decided in one place ([`SurveyLayers::level_of_detail`]) for figures, the viewer and
//! walls.

use std::ops::Range;

use rayon::prelude::*;

use crate::data::density::mean_map;
use crate::data::{Catalog, HealpixMap, Survey};
use crate::error::{Error, Result};
use crate::render::{
    CatalogRows, GpuContext, LayerId, PointInstance, SceneRenderer, segments_from_paths,
};
use crate::scene::layers::{
    ClusterColorRanges, LayerKind, cluster_attr_columns, cluster_style, density_style,
    galaxy_style, marker_room, mask_style, mean_style, tile_style,
};
use crate::scene::style::SceneStyle;
use crate::view::lod::{Lod, LodOrder, LodPick};
use crate::view::{LineStyle, Theme, View};

/// Markers a view may draw per crowded layer: small on CPU rasterisers (about 2 µs a
/// sprite), large on real GPUs; `--max-markers` overrides.
pub const SOFTWARE_MARKER_BUDGET: usize = 200_000;
pub const GPU_MARKER_BUDGET: usize = 5_000_000;
/// Depth of galaxy count maps: cells of 0.43', finer than most views' pixels.
pub const DENSITY_DEPTH: u8 = 13;

/// The markers a still frame may draw per crowded layer on this adapter.
pub fn marker_budget(ctx: &GpuContext, style: &SceneStyle) -> usize {
    style.max_markers.unwrap_or(if ctx.is_software() {
        SOFTWARE_MARKER_BUDGET
    } else {
        GPU_MARKER_BUDGET
    })
}

/// The layers of an uploaded survey, by kind.
pub struct SurveyLayers {
    ids: [Option<LayerId>; LayerKind::ALL.len()],
    /// Level of detail of the galaxies: their upload order, or (a figure's deferred
    /// galaxies) what its view draws picked without one.
    pub galaxy_lod: Option<Lod>,
    /// Cluster layers uploaded in level-of-detail order (big catalogs), drawn within the
    /// same budget.
    pub cluster_lod: Vec<(LayerId, LodOrder)>,
    /// (cluster layer, its density map): shown where that catalog is crowded.
    pub cluster_density: Vec<(LayerId, LayerId)>,
    /// Markers a still figure draws per crowded layer.
    pub budget: usize,
    /// Galaxies in level-of-detail order not uploaded yet: a figure uploads only those its
    /// view draws ([`SurveyLayers::upload_drawn_galaxies`]).
    pub galaxies_deferred: bool,
    /// The galaxies uploaded are a sample of more (a HATS catalog's), whose counts the
    /// density shows.
    pub galaxies_sampled: bool,
    /// The ranges the merged clusters' colours span (colour bars read them here).
    pub color_ranges: ClusterColorRanges,
}

/// How a survey is uploaded.
#[derive(Clone, Copy, Debug)]
pub struct UploadPlan {
    /// Galaxies (and cluster catalogs) beyond this many go up in level-of-detail order.
    pub lod_above: usize,
    /// A figure of one view: crowded galaxies wait for the view, and only those it draws
    /// are uploaded (a 10M-row catalog then costs its ~200k drawn instances, not 10M).
    pub defer_galaxies: bool,
    /// Upload every cluster catalog whatever the style's algorithm (the viewer switches
    /// them on and off).
    pub all_algorithms: bool,
}

impl UploadPlan {
    /// Still images of any view: every object uploaded, crowded layers in
    /// level-of-detail order above this adapter's marker budget.
    pub fn still(ctx: &GpuContext, style: &SceneStyle) -> UploadPlan {
        UploadPlan {
            lod_above: marker_budget(ctx, style),
            defer_galaxies: false,
            all_algorithms: false,
        }
    }

    /// A figure of one view: as [`UploadPlan::still`], galaxies deferred until the view
    /// is known ([`SurveyLayers::upload_drawn_galaxies`]).
    pub fn figure(ctx: &GpuContext, style: &SceneStyle) -> UploadPlan {
        UploadPlan {
            defer_galaxies: true,
            ..UploadPlan::still(ctx, style)
        }
    }
}

/// What level of detail draws of one marker layer in one view.
#[derive(Clone, Debug, PartialEq)]
pub struct LodLayer {
    pub kind: LayerKind,
    pub id: LayerId,
    /// Ranges of the layer's buffer drawn, in draw order.
    pub ranges: Vec<Range<u32>>,
    pub drawn: usize,
    /// Objects in the cells the view shows.
    pub in_view: usize,
    /// The density map standing in for what is not drawn.
    pub density: Option<LayerId>,
    /// The layer's objects are a sample of more, left unread.
    pub sampled: bool,
}

impl LodLayer {
    /// Whether objects in view are left undrawn (so the density map shows).
    pub fn crowded(&self) -> bool {
        self.sampled || self.drawn < self.in_view
    }
}

/// Level of detail of every layer drawn with it, for one view.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LodPlan {
    pub layers: Vec<LodLayer>,
}

impl LodPlan {
    pub fn layer(&self, kind: LayerKind) -> Option<&LodLayer> {
        self.layers.iter().find(|l| l.kind == kind)
    }

    /// The ranges drawn of a layer's buffer; `None`: all of it (no level of detail).
    pub fn ranges(&self, kind: LayerKind) -> Option<&[Range<u32>]> {
        self.layer(kind).map(|l| l.ranges.as_slice())
    }

    /// Sets the draw ranges, and shows each density map where its layer is crowded and
    /// `shows` the layer.
    pub fn apply(
        &self,
        ctx: &GpuContext,
        renderer: &mut SceneRenderer,
        shows: impl Fn(LayerKind) -> bool,
    ) {
        for l in &self.layers {
            renderer.set_point_draw_ranges(ctx, l.id, Some(l.ranges.clone()));
            if let Some(d) = l.density {
                renderer.set_map_visible(d, l.crowded() && shows(l.kind));
            }
        }
    }
}

impl SurveyLayers {
    /// The layer of `kind`, if the survey has it.
    pub fn get(&self, kind: LayerKind) -> Option<LayerId> {
        self.ids[kind.index()]
    }

    /// Which kind a layer is.
    pub fn kind_of(&self, id: LayerId) -> Option<LayerKind> {
        LayerKind::ALL
            .into_iter()
            .find(|&k| self.get(k) == Some(id))
    }

    /// Every layer there is, with its kind.
    pub fn present(&self) -> impl Iterator<Item = (LayerKind, LayerId)> + '_ {
        LayerKind::ALL
            .into_iter()
            .filter_map(|k| self.get(k).map(|id| (k, id)))
    }

    fn set(&mut self, kind: LayerKind, id: LayerId) {
        self.ids[kind.index()] = Some(id);
    }

    /// The density map that stands in for a crowded cluster catalog.
    pub fn cluster_density_of(&self, kind: LayerKind) -> Option<LayerId> {
        let id = self.get(kind)?;
        self.cluster_density
            .iter()
            .find(|(p, _)| *p == id)
            .map(|&(_, d)| d)
    }

    /// The upload order of every marker layer drawn with level of detail.
    pub fn lod_orders(&self) -> Vec<(LayerKind, &LodOrder)> {
        let galaxies = self
            .galaxy_lod
            .as_ref()
            .and_then(Lod::order)
            .map(|lod| (LayerKind::Galaxies, lod));
        let clusters = self
            .cluster_lod
            .iter()
            .filter_map(|(id, lod)| self.kind_of(*id).map(|k| (k, lod)));
        galaxies.into_iter().chain(clusters).collect()
    }

    /// What `view` draws of each crowded layer within `budget` markers a layer; cluster
    /// markers drawn `marker_scale` times their uploaded size need that much more room.
    pub fn level_of_detail(&self, view: &View, budget: usize, marker_scale: f64) -> LodPlan {
        let mut plan = LodPlan::default();
        if let (Some(id), Some(lod)) = (self.get(LayerKind::Galaxies), &self.galaxy_lod) {
            let (ranges, in_view) = lod.groups().draw_ranges(view, budget);
            plan.layers.push(LodLayer {
                kind: LayerKind::Galaxies,
                id,
                drawn: ranges.iter().map(|r| r.len()).sum(),
                ranges,
                in_view,
                density: self.get(LayerKind::GalaxyDensity),
                sampled: self.galaxies_sampled,
            });
        }
        for (id, lod) in &self.cluster_lod {
            let Some(kind) = self.kind_of(*id) else {
                continue;
            };
            let room = lod.pixels_per_marker * marker_scale * marker_scale;
            let (ranges, in_view) = lod.draw_ranges_with_room(view, budget, room);
            plan.layers.push(LodLayer {
                kind,
                id: *id,
                drawn: ranges.iter().map(|r| r.len()).sum(),
                ranges,
                in_view,
                density: self.cluster_density_of(kind),
                sampled: false,
            });
        }
        plan
    }

    /// Uploads, for layers made with deferred galaxies, the galaxies `plan` draws (the
    /// same pixels as uploading all); the galaxies' ranges are then the whole buffer.
    pub fn upload_drawn_galaxies(
        &mut self,
        ctx: &GpuContext,
        renderer: &mut SceneRenderer,
        survey: &Survey,
        plan: &mut LodPlan,
    ) -> Result<()> {
        let (Some(id), Some(lod), Some(galaxies)) = (
            self.get(LayerKind::Galaxies),
            &self.galaxy_lod,
            survey.galaxies.as_ref(),
        ) else {
            return Ok(());
        };
        if !self.galaxies_deferred {
            return Ok(());
        }
        let Some(drawn) = plan.layers.iter_mut().find(|l| l.id == id) else {
            return Ok(());
        };
        // The drawn ranges' rows in draw order: one draw of them blends as the ranges did.
        let rows = lod.rows_drawn(galaxies, &drawn.ranges);
        if rows.is_empty() {
            return Ok(());
        }
        let z = galaxies.roles.z.clone().unwrap_or_default();
        let instances = PointInstance::from_rows(galaxies, &[&z], &rows);
        renderer.replace_points(ctx, id, &instances)?;
        drawn.ranges = std::iter::once(0..rows.len() as u32).collect();
        self.galaxies_deferred = false;
        Ok(())
    }
}

/// The objects a density map's occupied cells hold on average, at least (see
/// [`smooth_enough`]).
pub const SMOOTH_MEAN: f64 = 20.0;

/// The count map coarsened until its occupied cells hold about 20 objects on average, so
/// the density shows structure rather than Poisson noise. Coarsening shrinks the occupied
/// cells fourfold per level where the data are dense, not where they are sparse (a uniform
/// all-sky catalog), so the occupied cells of every coarser depth are counted first, in
/// one pass over the sorted cells, and the map is summed once, to the finest depth whose
/// mean is enough (the mean only grows as cells merge).
fn smooth_enough(map: HealpixMap) -> HealpixMap {
    const MEAN: f64 = SMOOTH_MEAN;
    // Coarser than this, a cell (~1.8° at depth 5) is no longer a density map.
    const COARSEST: u8 = 6;
    let floor = map.depth.min(COARSEST);
    let total = map.total();
    let levels = (map.depth - floor) as usize;
    // occupied[k]: cells occupied at depth `map.depth - k`. Two neighbours of the sorted
    // cells have different parents `k` levels up exactly when their highest differing
    // bit is at or above bit 2k: one histogram of that bit, on all cores.
    let n = map.cells.len();
    let highest_change = (1..n.max(1))
        .into_par_iter()
        .step_by(1 << 16)
        .map(|from| {
            let mut h = [0u64; 32];
            for w in map.cells[from - 1..n.min(from + (1 << 16))].windows(2) {
                let x = w[0] ^ w[1];
                if x != 0 {
                    h[((63 - x.leading_zeros()) / 2) as usize] += 1;
                }
            }
            h
        })
        .reduce(
            || [0u64; 32],
            |mut a, b| {
                a.iter_mut().zip(b).for_each(|(a, b)| *a += b);
                a
            },
        );
    let occupied: Vec<u64> = (0..=levels)
        .map(|k| {
            let changes: u64 = highest_change[k..].iter().sum();
            u64::from(!map.cells.is_empty()) + changes
        })
        .collect();
    let levels_up = (0..=levels)
        .find(|&k| total / occupied[k].max(1) as f64 >= MEAN)
        .unwrap_or(levels);
    if levels_up == 0 {
        map
    } else {
        map.counts_summed_to(map.depth - levels_up as u8)
    }
}

/// The version changes with the order's priorities, so that a cached order and a
/// computed one always draw the same objects. v3: rows 4-byte aligned, used in place.
fn lod_cache_purpose() -> String {
    format!("lod-counts-v3-d{DENSITY_DEPTH}")
}

/// The counts of a catalog's galaxies that an earlier run stored with its level-of-detail
/// order (reading them back costs little; the order's millions of instances to upload
/// do not).
pub fn stored_counts(cat: &Catalog) -> Option<HealpixMap> {
    cached_lod(cat).map(|(_, counts)| counts)
}

/// A catalog's level-of-detail order and counts, when the disk cache holds them (and
/// they fit the catalog).
fn cached_lod(cat: &Catalog) -> Option<(LodOrder, HealpixMap)> {
    crate::data::cache::map_blob(&cat.cache_tag, &lod_cache_purpose())
        .and_then(|b| LodOrder::from_blob(&b, cat.len()))
}

/// Data derived from a catalog: read back from the disk cache's blob for `purpose` when
/// it fits the catalog, else made, and stored when the catalog itself is cached.
fn cached_or_made<T>(
    cat: &Catalog,
    purpose: &str,
    read: impl FnOnce(&crate::data::cache::MappedBlob) -> Option<T>,
    make: impl FnOnce() -> T,
    to_bytes: impl FnOnce(&T) -> Vec<u8>,
) -> T {
    use crate::data::cache::{can_store_blobs, map_blob, store_blob};
    let tag = &cat.cache_tag;
    if let Some(hit) = map_blob(tag, purpose).and_then(|b| read(&b)) {
        return hit;
    }
    let made = make();
    if can_store_blobs(tag)
        && let Err(e) = store_blob(tag, purpose, &to_bytes(&made))
    {
        report!("warning: level of detail not cached: {e}");
    }
    made
}

/// A catalog's level-of-detail order and counts: from the disk cache when this
/// catalog's were stored there, else computed (and stored).
fn lod_with_counts(cat: &Catalog) -> (LodOrder, HealpixMap) {
    cached_or_made(
        cat,
        &lod_cache_purpose(),
        |b| LodOrder::from_blob(b, cat.len()),
        || LodOrder::with_counts(cat, DENSITY_DEPTH),
        |(lod, counts)| lod.to_bytes(counts),
    )
}

/// The galaxies' level of detail and the counts their density shows: `all_counts` when
/// the galaxies are a sample of more (a HATS catalog's skymap), else their own. As
/// [`lod_with_counts`], except that a figure of one view (`one_view`) without a stored
/// order picks what that view draws, which costs a fraction of ordering every object
/// (and stores nothing).
fn galaxy_lod_with_counts(
    cat: &Catalog,
    all_counts: Option<&HealpixMap>,
    one_view: bool,
) -> (Lod, HealpixMap) {
    let shown = |own: HealpixMap| all_counts.cloned().unwrap_or(own);
    if let Some((lod, counts)) = cached_lod(cat) {
        return (Lod::Order(lod), shown(counts));
    }
    if one_view {
        let (pick, counts) = pick_with_counts(cat);
        return (Lod::Pick(pick), shown(counts));
    }
    if let Some(all) = all_counts {
        // The sample's own counts would go unused: without them the order costs about
        // half as much (800k rows over the whole sky: 98 -> 55 ms on two cores).
        return (Lod::Order(LodOrder::new(cat)), all.clone());
    }
    let (lod, counts) = lod_with_counts(cat);
    (Lod::Order(lod), counts)
}

fn pick_cache_purpose() -> String {
    format!("lod-pick-v1-d{DENSITY_DEPTH}")
}

/// A figure's pick and counts: from each row's cell as the disk cache holds them when an
/// earlier figure of this catalog stored them (hashing every row is most of a pick's
/// cost), else computed (and stored).
fn pick_with_counts(cat: &Catalog) -> (LodPick, HealpixMap) {
    cached_or_made(
        cat,
        &pick_cache_purpose(),
        |b| LodPick::from_blob(b, cat.len(), DENSITY_DEPTH, SMOOTH_MEAN),
        || LodPick::with_counts(cat, DENSITY_DEPTH, SMOOTH_MEAN),
        |(pick, _)| pick.to_bytes(),
    )
}

/// Uploads a survey's layers, bottom to top: map, galaxies, tiles, clusters.
pub fn upload_survey(
    ctx: &GpuContext,
    renderer: &mut SceneRenderer,
    survey: &Survey,
    theme: Theme,
    style: &SceneStyle,
    plan: UploadPlan,
) -> Result<SurveyLayers> {
    let budget = marker_budget(ctx, style);
    let mut layers = SurveyLayers {
        ids: [None; LayerKind::ALL.len()],
        galaxy_lod: None,
        cluster_lod: Vec::new(),
        cluster_density: Vec::new(),
        budget,
        color_ranges: ClusterColorRanges::new(style, LayerKind::Merged.catalog(survey)),
        galaxies_deferred: false,
        galaxies_sampled: false,
    };
    if let Some(mask) = survey
        .mask
        .as_ref()
        .filter(|m| !style.no_mask && !m.cells.is_empty())
    {
        // Translucent under catalogs, opaque when the map is the figure.
        let alone = survey.galaxies.is_none()
            && survey.merged.is_none()
            && survey.pzwav.is_none()
            && survey.amico.is_none();
        let opacity = style.mask_opacity.unwrap_or(if alone { 1.0 } else { 0.45 });
        let kind = LayerKind::Mask;
        let id = renderer.add_map(
            ctx,
            kind.layer_name(),
            mask.clone(),
            mask_style(style, mask, opacity),
        )?;
        layers.set(kind, id);
        if let Some(color) = style.mask_outline {
            let segs = segments_from_paths(&mask.outline_paths());
            let line = LineStyle {
                color,
                width_px: 1.2,
                dash: None,
                visible: true,
            };
            renderer.add_lines(ctx, "mask outline", &segs, line)?;
        }
    }
    if let Some(galaxies) = survey
        .galaxies
        .as_ref()
        // A sample may hold no rows where the counts show the area (a big hats-import
        // catalog over a wide view).
        .filter(|g| !style.no_galaxies && (!g.is_empty() || survey.galaxy_counts.is_some()))
    {
        let all_counts = survey.galaxy_counts.as_ref();
        add_galaxies(
            ctx,
            renderer,
            &mut layers,
            galaxies,
            all_counts,
            theme,
            style,
            plan,
        )?;
    }
    if let Some(tiles) = survey.tiles.as_ref().filter(|_| !style.no_tiles) {
        for kind in [LayerKind::Lev1, LayerKind::Core] {
            let Some(part) = kind.tile_part() else {
                continue;
            };
            let rings: Vec<&Vec<(f64, f64)>> = tiles.rings(part).collect();
            let id =
                renderer.add_polygons(ctx, kind.layer_name(), &rings, tile_style(part, theme))?;
            layers.set(kind, id);
        }
    }
    let lod_above = plan.lod_above.min(budget);
    for kind in LayerKind::CLUSTER_CATALOGS {
        let shown = kind.algorithm().is_some_and(|a| {
            if plan.all_algorithms {
                !style.no_clusters
            } else {
                style.shows_algorithm(a)
            }
        });
        let Some(cat) = kind.catalog(survey).filter(|_| shown) else {
            continue;
        };
        let s = cluster_style(kind, style, &layers.color_ranges);
        let id = add_cluster_layer(ctx, renderer, &mut layers, kind, cat, s, theme, lod_above)?;
        layers.set(kind, id);
    }
    Ok(layers)
}

/// Galaxies: all as markers, or, when crowded, a density map under the highest-priority
/// markers, uploaded grouped by cell and priority so that each view draws ranges of them.
/// `all_counts`: the counts of every galaxy when `galaxies` is a sample of them (the
/// density then shows these, whatever the sample's size).
#[allow(clippy::too_many_arguments)]
fn add_galaxies(
    ctx: &GpuContext,
    renderer: &mut SceneRenderer,
    layers: &mut SurveyLayers,
    galaxies: &Catalog,
    all_counts: Option<&HealpixMap>,
    theme: Theme,
    style: &SceneStyle,
    plan: UploadPlan,
) -> Result<()> {
    let z = galaxies.roles.z.clone().unwrap_or_default();
    let budget = layers.budget;
    let mut s = galaxy_style(theme, style, galaxies.len().min(budget));
    // Galaxies without a redshift are not kept out by a redshift range (the read kept
    // them too).
    if galaxies.roles.z.is_none() {
        s.filters[1] = None;
    }
    let name = LayerKind::Galaxies.layer_name();
    if all_counts.is_none() && galaxies.len() <= plan.lod_above.min(budget) {
        let rows = CatalogRows {
            cat: galaxies,
            attr_columns: &[&z],
            rows: None,
        };
        layers.set(
            LayerKind::Galaxies,
            renderer.add_points_of_rows(ctx, name, rows, s)?,
        );
        return Ok(());
    }
    let (lod, counts) = galaxy_lod_with_counts(galaxies, all_counts, plan.defer_galaxies);
    layers.galaxies_sampled = all_counts.is_some();
    let counts = smooth_enough(counts);
    let (map, map_style) = match &style.density_column {
        // The mean of a column over the same cells the counts settled on.
        Some(col) => {
            let means = mean_map(galaxies, col, counts.depth).map_err(Error::user)?;
            let s = mean_style(style, &means);
            (means, s)
        }
        None => {
            let s = density_style(theme, &counts);
            (counts, s)
        }
    };
    let density = LayerKind::GalaxyDensity;
    layers.set(
        density,
        renderer.add_map(ctx, density.layer_name(), map, map_style)?,
    );
    let id = if plan.defer_galaxies {
        // A stand-in keeps the layer's place in the drawing order and draws nothing
        // until the view's galaxies replace it.
        layers.galaxies_deferred = true;
        let none = [PointInstance {
            dir: [1.0, 0.0, 0.0],
            attrs: [f32::NAN; 4],
        }];
        let id = renderer.add_points(ctx, name, &none, s)?;
        renderer.set_point_draw_ranges(ctx, id, Some(Vec::new()));
        id
    } else {
        // Every object, in level-of-detail order (only a deferred figure picks).
        let picked;
        let order: &[u32] = match &lod {
            Lod::Order(order) => &order.rows,
            Lod::Pick(pick) => {
                let runs: Vec<_> = pick.cells().iter().map(|(_, r)| r.clone()).collect();
                picked = pick.rows_drawn(galaxies, &runs);
                &picked
            }
        };
        let rows = CatalogRows {
            cat: galaxies,
            attr_columns: &[&z],
            rows: Some(order),
        };
        renderer.add_points_of_rows(ctx, name, rows, s)?
    };
    layers.set(LayerKind::Galaxies, id);
    layers.galaxy_lod = Some(lod);
    Ok(())
}

/// Uploads a cluster catalog; one larger than `lod_above` goes up in level-of-detail
/// order (highest SNR first in each cell), so crowded views draw the most significant
/// detections over a density map of the whole catalog (as for galaxies).
#[allow(clippy::too_many_arguments)]
fn add_cluster_layer(
    ctx: &GpuContext,
    renderer: &mut SceneRenderer,
    layers: &mut SurveyLayers,
    kind: LayerKind,
    cat: &Catalog,
    style: crate::view::PointStyle,
    theme: Theme,
    lod_above: usize,
) -> Result<LayerId> {
    let attrs = cluster_attr_columns(cat);
    let attrs: Vec<&str> = attrs.iter().map(String::as_str).collect();
    let name = kind.layer_name();
    let rows = |rows| CatalogRows {
        cat,
        attr_columns: &attrs,
        rows,
    };
    if cat.len() <= lod_above {
        return renderer.add_points_of_rows(ctx, name, rows(None), style);
    }
    let (mut lod, counts) = lod_with_counts(cat);
    lod.pixels_per_marker = marker_room(&style);
    let counts = smooth_enough(counts);
    let mut density = density_style(theme, &counts);
    density.visible = false; // level of detail shows it where the view is crowded
    let density = renderer.add_map(ctx, &format!("{name} density"), counts, density)?;
    let id = renderer.add_points_of_rows(ctx, name, rows(Some(&lod.rows)), style)?;
    layers.cluster_lod.push((id, lod));
    layers.cluster_density.push((id, density));
    Ok(id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sky::Frame;

    fn counts(depth: u8, cells: Vec<u64>) -> HealpixMap {
        HealpixMap {
            depth,
            frame: Frame::Icrs,
            value_name: "COUNT".into(),
            values: vec![1.0; cells.len()],
            cells,
        }
    }

    fn mean(m: &HealpixMap) -> f64 {
        m.values.iter().map(|&v| v as f64).sum::<f64>() / m.cells.len() as f64
    }

    #[test]
    fn density_cells_hold_about_twenty_objects_for_dense_and_sparse_skies() {
        // Dense: a patch of 64×64 depth-10 cells, one object each: three levels up, 64.
        let dense = counts(10, (0..4096).collect());
        let d = smooth_enough(dense);
        assert_eq!((d.depth, d.cells.len()), (7, 64));
        assert_eq!(mean(&d), 64.0);
        // Sparse over the whole sky: one object in every fourth depth-10 cell. Three
        // levels give 16 a cell (a fourfold shrink per level would have promised 64).
        let sparse = counts(10, (0..12 * 4u64.pow(10)).step_by(4).collect());
        let total = sparse.cells.len() as f64;
        let s = smooth_enough(sparse);
        assert_eq!(s.depth, 6);
        assert_eq!(mean(&s), 64.0);
        assert_eq!(s.values.iter().map(|&v| v as f64).sum::<f64>(), total);
        // Never coarser than depth 6, however sparse.
        let lonely = counts(8, vec![5, 70_000]);
        assert_eq!(smooth_enough(lonely).depth, 6);
    }

    #[test]
    fn the_depth_chosen_is_the_finest_whose_mean_is_enough() {
        // Coarsening level by level, as the mean is checked after each, stops at the same
        // depth as counting the occupied cells of every depth first.
        let stepwise = |mut m: HealpixMap| {
            while m.depth > 6 && mean(&m) < 20.0 {
                m = m.counts_summed_to(m.depth - 1);
            }
            m
        };
        let mut rng = crate::data::rng::Rng::new(7);
        for (depth, n, spread) in [
            (13u8, 50_000u64, 800_000_000u64),
            (12, 200_000, 1 << 20),
            (9, 3_000, 1 << 18),
        ] {
            let mut cells: Vec<u64> = (0..n).map(|_| rng.next_u64() % spread).collect();
            cells.sort_unstable();
            let mut values = Vec::new();
            cells.dedup();
            values.resize(cells.len(), 3.0);
            let m = HealpixMap {
                depth,
                frame: Frame::Icrs,
                value_name: "COUNT".into(),
                cells,
                values,
            };
            assert_eq!(
                smooth_enough(m.clone()),
                stepwise(m),
                "depth {depth}, {n} objects"
            );
        }
    }
}
