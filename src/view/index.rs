//! A spatial index of directions (kiddo k-d tree over unit vectors): cone searches,
//! nearest neighbours, everything a view shows, and picking under the cursor. Angles
//! become chord lengths, 2 sin(θ/2); kiddo's radii are squared chords.

use std::num::NonZeroUsize;

use glam::{DVec2, DVec3};
use kiddo::{ImmutableKdTree, SquaredEuclidean};

use crate::data::Catalog;
use crate::data::cache::{CacheTag, MappedBlob, can_store_blobs, map_blob, store_blob_aligned};
use crate::data::catalog::RoleView;
use crate::error::{Error, Result};
use crate::view::View;

type Tree = ImmutableKdTree<f64, 3>;
/// The same tree archived by rkyv: queried in place from a memory-mapped cache file.
type ArchivedTree = kiddo::kd_tree::ArchivedKdTree<
    f64,
    u32,
    kiddo::Eytzinger,
    kiddo::VecOfArenas<f64, u32, 3, 32>,
    3,
    32,
>;
/// The cache blob of a catalog's tree; the archive's layout follows kiddo's version, the
/// tree's parameters and rkyv's pointer width (64 bits: trees of over ~90M objects pass
/// 2 GiB), so they name it.
const TREE_BLOB: &str = "kdtree-kiddo6.3-f64x3-b32-p64";

enum Store {
    Empty,
    Built(Tree),
    /// An archive checked by rkyv when it was mapped.
    Mapped(MappedBlob),
}

/// Runs `$body` with `$t` bound to the tree, built or mapped (the two share kiddo's query
/// API); `$empty` for an empty index.
macro_rules! with_tree {
    ($store:expr, $t:ident => $body:expr, $empty:expr) => {
        match $store {
            Store::Empty => $empty,
            Store::Built($t) => $body,
            Store::Mapped(bytes) => {
                // SAFETY: the bytes were validated with `rkyv::access` when mapped, and the
                // read-only mapping lives (unchanged) as long as the index.
                let $t = unsafe { rkyv::access_unchecked::<ArchivedTree>(bytes) };
                $body
            }
        }
    };
}

pub struct SkyIndex {
    tree: Store,
    dirs: Directions,
}

/// Where an index finds its items' directions, for the exact tests after a tree query.
enum Directions {
    Kept(Vec<DVec3>),
    /// Made from a catalog's RA/Dec when asked: a 10M-row catalog's directions would
    /// hold 240 MB beside its columns, and a pass over every row to make them.
    Catalog(Catalog),
}

/// [`Directions`] ready for one query's many lookups (a catalog's columns found once).
enum DirectionLookup<'a> {
    Kept(&'a [DVec3]),
    Catalog(RoleView<'a>),
}

impl Directions {
    fn len(&self) -> usize {
        match self {
            Directions::Kept(d) => d.len(),
            Directions::Catalog(c) => c.len(),
        }
    }

    fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn lookup(&self) -> DirectionLookup<'_> {
        match self {
            Directions::Kept(d) => DirectionLookup::Kept(d),
            Directions::Catalog(c) => DirectionLookup::Catalog(c.role_view()),
        }
    }

    /// Every item's direction as the tree's points (on all cores).
    fn points(&self) -> Vec<[f64; 3]> {
        use rayon::prelude::*;
        let lookup = self.lookup();
        (0..self.len() as u32)
            .into_par_iter()
            .map(|i| lookup.get(i).to_array())
            .collect()
    }
}

impl DirectionLookup<'_> {
    fn get(&self, i: u32) -> DVec3 {
        match self {
            DirectionLookup::Kept(d) => d[i as usize],
            DirectionLookup::Catalog(r) => r.direction(i as usize),
        }
    }
}

/// Squared chord between two directions `deg` apart (capped at the antipode).
fn chord2(deg: f64) -> f64 {
    let c = 2.0 * (deg.min(180.0).to_radians() / 2.0).sin();
    c * c
}

/// Angle in degrees of a squared chord.
fn chord2_to_deg(c2: f64) -> f64 {
    (2.0 * (c2.sqrt() / 2.0).min(1.0).asin()).to_degrees()
}

impl SkyIndex {
    /// Builds the tree (on all cores) over ICRS unit vectors; item `i` is `dirs[i]`. An
    /// empty set gives an empty index; a non-finite direction is an error.
    pub fn build(dirs: Vec<DVec3>) -> Result<SkyIndex> {
        Self::build_over(Directions::Kept(dirs))
    }

    fn build_over(dirs: Directions) -> Result<SkyIndex> {
        if dirs.is_empty() {
            return Ok(SkyIndex {
                tree: Store::Empty,
                dirs,
            });
        }
        let pts = dirs.points();
        if let Some(i) = pts.iter().position(|p| !p.iter().all(|x| x.is_finite())) {
            return Err(Error::user(format!(
                "object {i} has no valid sky position; the spatial index needs finite coordinates"
            )));
        }
        let tree = ImmutableKdTree::new_from_slice_parallel(&pts)
            .map_err(|e| Error::user(format!("cannot build the spatial index: {e:?}")))?;
        Ok(SkyIndex {
            tree: Store::Built(tree),
            dirs,
        })
    }

    /// As [`SkyIndex::build`] for a catalog's directions, through the disk cache: a tree
    /// stored beside the catalog's entry is mapped and used in place (checked first);
    /// otherwise the tree is built and stored for next time.
    pub fn cached(dirs: Vec<DVec3>, tag: &CacheTag) -> Result<SkyIndex> {
        Self::cached_over(Directions::Kept(dirs), tag)
    }

    /// As [`SkyIndex::cached`] over a catalog's rows, whose directions are made from its
    /// RA/Dec when a query needs them, not kept: a mapped tree then costs no pass over
    /// the rows at all.
    pub fn cached_catalog(cat: Catalog) -> Result<SkyIndex> {
        let tag = cat.cache_tag.clone();
        Self::cached_over(Directions::Catalog(cat), &tag)
    }

    fn cached_over(dirs: Directions, tag: &CacheTag) -> Result<SkyIndex> {
        if let Some(blob) = map_blob(tag, TREE_BLOB) {
            match rkyv::access::<ArchivedTree, rkyv::rancor::Error>(&blob) {
                Ok(t) if t.size() == dirs.len() => {
                    return Ok(SkyIndex {
                        tree: Store::Mapped(blob),
                        dirs,
                    });
                }
                _ => report!("warning: the cached spatial index does not fit; rebuilding it"),
            }
        }
        let index = SkyIndex::build_over(dirs)?;
        if !can_store_blobs(tag) {
            return Ok(index);
        }
        if let Store::Built(tree) = &index.tree {
            match rkyv::to_bytes::<rkyv::rancor::Error>(tree) {
                // Page-aligned, so the archive can be used in place once mapped.
                Ok(bytes) => {
                    if let Err(e) = store_blob_aligned(tag, TREE_BLOB, &bytes, 4096) {
                        report!("warning: spatial index not cached: {e}");
                    }
                }
                Err(e) => report!("warning: spatial index not cached: {e}"),
            }
        }
        Ok(index)
    }

    /// Whether the tree is used in place from the disk cache.
    pub fn is_mapped(&self) -> bool {
        matches!(self.tree, Store::Mapped(_))
    }

    pub fn len(&self) -> usize {
        self.dirs.len()
    }

    pub fn is_empty(&self) -> bool {
        self.dirs.is_empty()
    }

    pub fn direction(&self, i: u32) -> DVec3 {
        self.dirs.lookup().get(i)
    }

    /// Items within `radius_deg` of `center`, unordered.
    pub fn cone(&self, center: DVec3, radius_deg: f64) -> Vec<u32> {
        let q = [center.x, center.y, center.z];
        with_tree!(&self.tree, tree => tree
            .query(&q)
            .within::<SquaredEuclidean<f64>>(chord2(radius_deg))
            .unsorted()
            .execute()
            .iter()
            .map(|r| r.item)
            .collect(), Vec::new())
    }

    /// The `k` nearest items with their distances in degrees, nearest first.
    pub fn nearest(&self, dir: DVec3, k: usize) -> Vec<(u32, f64)> {
        let Some(k) = NonZeroUsize::new(k.min(self.dirs.len())) else {
            return Vec::new();
        };
        let q = [dir.x, dir.y, dir.z];
        with_tree!(&self.tree, tree => tree
            .query(&q)
            .nearest_n::<SquaredEuclidean<f64>>(k)
            .execute()
            .iter()
            .map(|r| (r.item, chord2_to_deg(r.distance)))
            .collect(), Vec::new())
    }

    /// Whether any item lies within `radius_deg` of `dir`.
    pub fn any_within(&self, dir: DVec3, radius_deg: f64) -> bool {
        self.nearest(dir, 1)
            .first()
            .is_some_and(|&(_, d)| d <= radius_deg)
    }

    /// Every item `view` shows (inside its sub-rectangle), from a cone around the view and
    /// an exact projection test.
    pub fn in_view(&self, view: &View) -> Vec<u32> {
        let (center, radius) = bounding_cone(view);
        let candidates = if radius >= 180.0 {
            (0..self.dirs.len() as u32).collect()
        } else {
            self.cone(center, radius)
        };
        let (x0, y0) = (view.sub.x as f64, view.sub.y as f64);
        let (x1, y1) = (x0 + view.sub.width as f64, y0 + view.sub.height as f64);
        let dirs = self.dirs.lookup();
        candidates
            .into_iter()
            .filter(|&i| {
                view.project(dirs.get(i))
                    .is_some_and(|p| p.x >= x0 && p.y >= y0 && p.x < x1 && p.y < y1)
            })
            .collect()
    }

    /// The item drawn nearest to canvas pixel `cursor`, if within `max_px` pixels: (item,
    /// distance in pixels).
    pub fn pick(&self, view: &View, cursor: DVec2, max_px: f64) -> Option<(u32, f64)> {
        self.pick_where(view, cursor, max_px, |_| true)
    }

    /// As [`SkyIndex::pick`], among the items `keep` accepts (drawn, passing filters).
    pub fn pick_where(
        &self,
        view: &View,
        cursor: DVec2,
        max_px: f64,
        keep: impl Fn(u32) -> bool,
    ) -> Option<(u32, f64)> {
        // Just off the projection's domain, objects on its edge can still be in reach:
        // search from the nearest point inside, twice as far.
        let (anchor, reach) = match view.unproject(cursor) {
            Some(_) => (cursor, max_px),
            None => {
                let inside = (0..32).find_map(|k| {
                    let a = k as f64 / 32.0 * std::f64::consts::TAU;
                    let p = cursor + DVec2::new(a.cos(), a.sin()) * max_px;
                    view.unproject(p).map(|_| p)
                })?;
                (inside, 2.0 * max_px)
            }
        };
        let at = view.unproject(anchor)?;
        // Largest angular size of a pixel here, in any direction (projections stretch
        // unevenly away from the centre).
        let step = [
            (1.0, 0.0),
            (-1.0, 0.0),
            (0.0, 1.0),
            (0.0, -1.0),
            (0.7, 0.7),
            (0.7, -0.7),
            (-0.7, 0.7),
            (-0.7, -0.7),
        ]
        .iter()
        .filter_map(|&(dx, dy)| view.unproject(anchor + DVec2::new(dx, dy) * reach))
        .map(|n| crate::sky::angular_distance_deg(at, n) / reach)
        .fold(view.pixel_scale_deg(), f64::max);
        let dirs = self.dirs.lookup();
        self.cone(at, (reach + 1.0) * step * 1.5)
            .into_iter()
            .filter(|&i| keep(i))
            .filter_map(|i| view.project(dirs.get(i)).map(|p| (i, p.distance(cursor))))
            .filter(|&(_, d)| d <= max_px)
            .min_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)))
    }
}

/// A cone (centre, radius in degrees) holding everything `view` can show; 180° when the
/// view shows the edge of its projection's domain (all-sky or limb views).
pub fn bounding_cone(view: &View) -> (DVec3, f64) {
    let (x0, y0) = (view.sub.x as f64, view.sub.y as f64);
    let (w, h) = (view.sub.width as f64, view.sub.height as f64);
    let Some(center) = view.unproject(DVec2::new(x0 + w / 2.0, y0 + h / 2.0)) else {
        return (DVec3::X, 180.0);
    };
    let mut radius: f64 = 0.0;
    let n = 64;
    for k in 0..=n {
        let t = k as f64 / n as f64;
        for p in [
            DVec2::new(x0 + t * w, y0),
            DVec2::new(x0 + t * w, y0 + h),
            DVec2::new(x0, y0 + t * h),
            DVec2::new(x0 + w, y0 + t * h),
        ] {
            match view.unproject(p) {
                Some(d) => radius = radius.max(crate::sky::angular_distance_deg(center, d)),
                None => return (center, 180.0),
            }
        }
    }
    // The border samples bound the region for these projections; a margin covers the
    // curvature between samples.
    (center, (radius * 1.02 + 1e-6).min(180.0))
}

/// Marks each item of `index` that one of the `n` directions `point(i)` lies within
/// `radius_deg` of (e.g. the clusters near any of millions of galaxies): the streamed
/// side needs no tree of its own, O(n log M) for M items.
pub fn mark_items_near(
    index: &SkyIndex,
    n: usize,
    point: impl Fn(usize) -> DVec3 + Sync,
    radius_deg: f64,
    marks: &[std::sync::atomic::AtomicBool],
) {
    use rayon::prelude::*;
    (0..n).into_par_iter().for_each(|i| {
        let p = point(i);
        if p.is_finite() {
            for item in index.cone(p, radius_deg) {
                marks[item as usize].store(true, std::sync::atomic::Ordering::Relaxed);
            }
        }
    });
}

/// For each direction in `queries`, whether `index` has an item within `radius_deg`
/// (e.g. clusters with galaxies nearby): O(N log M).
pub fn near_any(index: &SkyIndex, queries: &[DVec3], radius_deg: f64) -> Vec<bool> {
    use rayon::prelude::*;
    queries
        .par_iter()
        .map(|&q| index.any_within(q, radius_deg))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::rng::Rng;
    use crate::sky::{Frame, Projection, angular_distance_deg, unit_vector};

    fn random_dirs(n: usize, seed: u64) -> Vec<DVec3> {
        let mut rng = Rng::new(seed);
        (0..n)
            .map(|_| {
                unit_vector(
                    rng.range(0.0, 360.0),
                    rng.range(-1.0, 1.0).asin().to_degrees(),
                )
            })
            .collect()
    }

    #[test]
    fn cone_and_nearest_match_brute_force() {
        let dirs = random_dirs(50_000, 1);
        let index = SkyIndex::build(dirs.clone()).unwrap();
        let mut rng = Rng::new(2);
        for _ in 0..20 {
            let c = unit_vector(rng.range(0.0, 360.0), rng.range(-90.0, 90.0));
            let r = rng.range(0.1, 5.0);
            let mut got = index.cone(c, r);
            got.sort();
            let want: Vec<u32> = (0..dirs.len() as u32)
                .filter(|&i| angular_distance_deg(c, dirs[i as usize]) <= r)
                .collect();
            assert_eq!(got, want);
            let (i, d) = index.nearest(c, 1)[0];
            let best = dirs
                .iter()
                .map(|&x| angular_distance_deg(c, x))
                .fold(f64::MAX, f64::min);
            assert!(
                (d - best).abs() < 1e-9
                    && (angular_distance_deg(c, dirs[i as usize]) - best).abs() < 1e-9
            );
        }
    }

    #[test]
    fn view_query_matches_brute_force_in_every_projection() {
        let dirs = random_dirs(40_000, 3);
        let index = SkyIndex::build(dirs.clone()).unwrap();
        let mut rng = Rng::new(4);
        for proj in Projection::ALL {
            for _ in 0..6 {
                let center = (rng.range(0.0, 360.0), rng.range(-80.0, 80.0));
                let fov = if proj.is_all_sky() && rng.uniform() < 0.5 {
                    360.0
                } else {
                    rng.range(1.0, proj.max_fov_deg().min(120.0))
                };
                let frame = if rng.uniform() < 0.5 {
                    Frame::Icrs
                } else {
                    Frame::Galactic
                };
                let mut view = View::new(proj, frame, center, fov, (640, 400));
                view.rotation_deg = rng.range(-30.0, 30.0);
                let view = view.tiles(2, 2)[(rng.next_u64() % 4) as usize];
                let mut got = index.in_view(&view);
                got.sort();
                let (x0, y0) = (view.sub.x as f64, view.sub.y as f64);
                let want: Vec<u32> = (0..dirs.len() as u32)
                    .filter(|&i| {
                        view.project(dirs[i as usize]).is_some_and(|p| {
                            p.x >= x0
                                && p.y >= y0
                                && p.x < x0 + view.sub.width as f64
                                && p.y < y0 + view.sub.height as f64
                        })
                    })
                    .collect();
                assert_eq!(got, want, "{proj:?} {frame:?} centre {center:?} fov {fov}");
            }
        }
    }

    #[test]
    fn picking_returns_the_true_nearest_object() {
        let dirs = random_dirs(30_000, 5);
        let index = SkyIndex::build(dirs.clone()).unwrap();
        let mut rng = Rng::new(6);
        for proj in Projection::ALL {
            let view = View::new(
                proj,
                Frame::Icrs,
                (30.0, 10.0),
                if proj.is_all_sky() { 360.0 } else { 60.0 },
                (800, 600),
            );
            for _ in 0..30 {
                let px = DVec2::new(rng.range(0.0, 800.0), rng.range(0.0, 600.0));
                let got = index.pick(&view, px, 6.0);
                let want = (0..dirs.len() as u32)
                    .filter_map(|i| view.project(dirs[i as usize]).map(|p| (i, p.distance(px))))
                    .filter(|&(_, d)| d <= 6.0)
                    .min_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)));
                assert_eq!(got.map(|g| g.0), want.map(|w| w.0), "{proj:?} at {px}");
            }
        }
    }

    #[test]
    fn empty_and_invalid_inputs() {
        let empty = SkyIndex::build(Vec::new()).unwrap();
        assert!(empty.cone(DVec3::X, 10.0).is_empty() && empty.nearest(DVec3::X, 3).is_empty());
        assert!(!empty.any_within(DVec3::X, 180.0));
        assert!(SkyIndex::build(vec![DVec3::X, DVec3::NAN]).is_err());
    }

    #[test]
    fn proximity_marks_exactly_the_queries_with_neighbours() {
        let galaxies = random_dirs(20_000, 7);
        let clusters = random_dirs(500, 8);
        let index = SkyIndex::build(galaxies.clone()).unwrap();
        let near = near_any(&index, &clusters, 0.5);
        for (c, &flag) in clusters.iter().zip(&near) {
            let brute = galaxies.iter().any(|&g| angular_distance_deg(*c, g) <= 0.5);
            assert_eq!(flag, brute);
        }
        assert!(near.iter().any(|&x| x) && near.iter().any(|&x| !x));
        // The other way round (the clusters' tree, the galaxies streamed): the same marks.
        let cluster_index = SkyIndex::build(clusters.clone()).unwrap();
        let marks: Vec<std::sync::atomic::AtomicBool> =
            clusters.iter().map(|_| Default::default()).collect();
        mark_items_near(&cluster_index, galaxies.len(), |i| galaxies[i], 0.5, &marks);
        let streamed: Vec<bool> = marks.into_iter().map(|m| m.into_inner()).collect();
        assert_eq!(streamed, near);
    }
}
