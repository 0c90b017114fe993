//! The viewer on an out-of-core (HATS) galaxy catalog: it opens on an even sample of the
//! whole catalog (the density showing every row), or, when the command line fixes a view
//! narrower than the sky, on that view's area alone; when the view settles on an area much
//! smaller than the one read, the galaxies there are read again on a worker thread (all
//! of them, or a sample of the budget's size) with the scene built there too, and swapped
//! in when ready. Zooming back out returns to the whole catalog's sample. Frames never
//! wait for a read. The partitions read stay in memory within the memory budget (least
//! recently used out), so panning back and forth decodes each once. A wall process without a console reads for its own displays' part of
//! the view only.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, TryRecvError, channel};
use std::time::Instant;

use crate::app::frame::ViewerFrame;
use crate::app::live_scene::{LiveScene, SceneOptions};
use crate::app::loader::{LoadEvent, viewer_read_bounds};
use crate::app::scene_data::SceneData;
use crate::data::hats::{CacheStats, PartitionCache, is_hats, read_hats_cached};
use crate::data::inputs::expand_paths;
use crate::data::load::{SurveyInputs, column_choices};
use crate::data::load_options::{LoadOptions, Pushdown};
use crate::data::progress::Progress;
use crate::data::read_bounds::viewer_partition_bytes;
use crate::data::survey::GalaxySource;
use crate::render::GpuContext;
use crate::scene::prepare_survey;
use crate::sky::lonlat_deg;
use crate::view::View;
use crate::view::cell_culling::view_cone;

/// (RA, Dec, radius) in degrees.
type Cone = (f64, f64, f64);

/// A read for the view under way: the cone asked for and where its scene will come.
struct Pending {
    cone: Option<Cone>,
    rx: Receiver<Result<Refined, String>>,
    started: Instant,
    /// Partitions read so far, and to read (shown while the read runs).
    read: Arc<[AtomicU64; 2]>,
}

struct Refined {
    data: Box<SceneData>,
    scene: Box<LiveScene>,
    /// Every row of the cone was read (no sample).
    complete: bool,
    /// Partitions under the cone, of all the catalog's.
    partitions: (usize, usize),
}

pub struct HatsRefiner {
    path: PathBuf,
    opts: LoadOptions,
    options: SceneOptions,
    /// The cone whose galaxies are shown (`None`: the whole catalog's sample).
    shown: Option<Cone>,
    pending: Option<Pending>,
    /// A cone whose read failed (not tried again until the view moves elsewhere).
    failed: Option<Option<Cone>>,
    /// The partitions read, shared with the reading threads.
    cache: Arc<PartitionCache>,
}

impl HatsRefiner {
    /// A refiner when the galaxies are one HATS catalog (and no `--cone`/`--box` fixes
    /// the area read). With `first_view`, the view the viewer opens on whatever the data
    /// (given on the command line), the loader reads [`HatsRefiner::shown_cone`] first.
    pub fn for_inputs(
        inputs: &SurveyInputs,
        options: &SceneOptions,
        ctx: &GpuContext,
        first_view: Option<&View>,
    ) -> Option<HatsRefiner> {
        let files = expand_paths(&inputs.galaxies).ok()?;
        let [path] = files.as_slice() else {
            return None;
        };
        let c = &inputs.columns;
        if !is_hats(path) || c.cone.is_some() || c.sky_box.is_some() {
            return None;
        }
        let [_, (roles, hdu)] = column_choices(c).ok()?;
        let rows = viewer_read_bounds(options, ctx, inputs).galaxy_sample(c.memory_budget);
        let budget = viewer_partition_bytes(c.memory_budget);
        Some(HatsRefiner {
            path: path.clone(),
            opts: LoadOptions {
                hdu,
                roles,
                sample_rows: Some(rows),
                ..Default::default()
            },
            options: options.clone(),
            shown: first_view.and_then(cone_to_read),
            pending: None,
            failed: None,
            cache: Arc::new(PartitionCache::new(budget)),
        })
    }

    /// The cone (RA, Dec, radius in degrees) whose galaxies are shown; `None`: the whole
    /// catalog's sample.
    pub fn shown_cone(&self) -> Option<(f64, f64, f64)> {
        self.shown
    }

    /// What the partition cache holds and how often it answered.
    pub fn cache_stats(&self) -> CacheStats {
        self.cache.stats()
    }

    /// Whether a read is under way (the frame comes back to look for it).
    pub fn is_reading(&self) -> bool {
        self.pending.is_some()
    }
}

/// Gives `frame` its refiner for `inputs` (when the galaxies are one HATS catalog) and
/// returns the cone the loader reads first: `first_view`'s (the view the viewer, or a
/// wall process's displays, open on), unless a frame-on-load framing will move it
/// (`None`: the whole catalog's sample).
pub fn attach(
    frame: &mut ViewerFrame,
    inputs: &SurveyInputs,
    options: &SceneOptions,
    first_view: View,
) -> Option<Cone> {
    let first_view = frame.frame_on_load.is_none().then_some(first_view);
    frame.hats = HatsRefiner::for_inputs(inputs, options, &frame.ctx, first_view.as_ref());
    let cone = frame.hats.as_ref().and_then(|h| h.shown_cone());
    if frame.trace && cone.is_some() {
        report!("trace: galaxies read first for the view: cone {cone:?}");
    }
    cone
}

/// Takes a finished read, or starts one when the viewer's view has settled somewhere the
/// shown galaxies do not serve well.
pub fn poll(frame: &mut ViewerFrame) {
    let (view, still) = (frame.state.view, frame.is_still());
    poll_for(frame, &view, still);
}

/// As [`poll`], for the sky `view` shows (e.g. a wall process's displays), which is
/// `still` or moving.
pub fn poll_for(frame: &mut ViewerFrame, view: &View, still: bool) {
    let Some(mut r) = frame.hats.take() else {
        return;
    };
    step(&mut r, frame, view, still);
    frame.hats = Some(r);
}

fn step(r: &mut HatsRefiner, frame: &mut ViewerFrame, view: &View, still: bool) {
    if let Some(p) = &r.pending {
        match p.rx.try_recv() {
            Err(TryRecvError::Empty) => {
                let [done, total] = [0, 1].map(|i| p.read[i].load(Ordering::Relaxed));
                // Files are counted once their footers are read; until then, none.
                if total > 0 {
                    let what =
                        format!("reading the galaxies in view: {done} of {total} partition files");
                    frame.accept(LoadEvent::Progress { what, done, total });
                }
            }
            Err(TryRecvError::Disconnected) => {
                frame.accept(LoadEvent::Failed("the galaxies' reader stopped".into()));
                r.pending = None;
            }
            Ok(Err(m)) => {
                frame.accept(LoadEvent::Failed(format!("galaxies in view: {m}")));
                r.failed = Some(p.cone);
                r.pending = None;
            }
            Ok(Ok(refined)) => {
                r.shown = p.cone;
                let took = p.started.elapsed();
                if frame.trace {
                    let c = r.cache.stats();
                    report!(
                        "trace: galaxies read for the view: cone {:?}, {} of {} partitions, complete={}; cache {} files, {:.1} MB, {} hits, {} misses",
                        p.cone,
                        refined.partitions.0,
                        refined.partitions.1,
                        refined.complete,
                        c.entries,
                        c.bytes as f64 / 1e6,
                        c.hits,
                        c.misses
                    );
                }
                r.pending = None;
                frame.accept(LoadEvent::Loaded {
                    data: refined.data,
                    scene: refined.scene,
                    complete: true,
                    took,
                });
            }
        }
        return;
    }
    if !still || frame.scene.is_none() {
        return;
    }
    let Some(data) = frame.data.as_deref() else {
        return;
    };
    // The loader's read comes first (it may be of the view given on the command line).
    if frame.loading().is_some() {
        return;
    }
    let want = cone_shown(view);
    let sampled = data.survey.galaxy_counts.is_some();
    // Every row of the shown cone was read.
    let complete = data.survey.galaxy_source.is_none();
    let need = match (want, r.shown) {
        (None, None) => false,
        // Zoomed back out: the whole catalog's sample.
        (None, Some(_)) => true,
        (Some(_), None) => sampled,
        // Panned out of what was read, or zoomed well into a sample.
        (Some(w), Some(s)) => !contains(s, w) || (!complete && w.2 < s.2 / 3.0),
    };
    let cone = cone_to_read(view);
    if !need || r.failed == Some(cone) {
        return;
    }
    r.failed = None;
    start(r, frame, cone);
}

/// The cone `view` shows, `None` when it spans too much of the sky for one.
fn cone_shown(view: &View) -> Option<Cone> {
    view_cone(view, 0.0).map(|(centre, radius)| {
        let (ra, dec) = lonlat_deg(centre);
        (ra, dec, radius.to_degrees())
    })
}

/// The cone read for `view`: wider than it shows, for panning and zooming out a little.
fn cone_to_read(view: &View) -> Option<Cone> {
    cone_shown(view).map(|(ra, dec, rad)| (ra, dec, (2.0 * rad).min(89.0)))
}

/// Whether cone `outer` holds cone `inner` whole.
fn contains(outer: Cone, inner: Cone) -> bool {
    let v = |(ra, dec, _): Cone| crate::sky::unit_vector(ra, dec);
    v(outer).angle_between(v(inner)).to_degrees() + inner.2 <= outer.2
}

fn start(r: &mut HatsRefiner, frame: &mut ViewerFrame, cone: Option<Cone>) {
    let Some(data) = frame.data.as_deref() else {
        return;
    };
    let rest = data.survey.without_galaxies();
    let read = Arc::new([AtomicU64::new(0), AtomicU64::new(0)]);
    let counter = read.clone();
    let opts = LoadOptions {
        filter: Pushdown {
            cone,
            ..Default::default()
        },
        progress: Some(Progress::new(move |_, done, total| {
            counter[1].store(total, Ordering::Relaxed);
            counter[0].store(done, Ordering::Relaxed);
        })),
        ..r.opts.clone()
    };
    let options = SceneOptions {
        format: frame.output_format,
        ..r.options.clone()
    };
    let (path, ctx, cache) = (r.path.clone(), frame.ctx.clone(), r.cache.clone());
    let (tx, rx) = channel();
    std::thread::spawn(move || {
        let built = (|| -> crate::error::Result<Refined> {
            let read = read_hats_cached(&path, "galaxies", &opts, Some(&cache))?;
            let complete = read.stride == 1;
            let partitions = (read.partitions_read, read.partitions);
            let mut survey = rest;
            survey.galaxy_source = GalaxySource::of_read(&path, &opts, &read);
            survey.galaxies = Some(read.catalog);
            survey.galaxy_counts = read.counts;
            prepare_survey(&mut survey, &options.style)?;
            let live = LiveScene::build(&ctx, &survey, &options)?;
            let drawn = |k| live.layers.get(k).is_some();
            let data = SceneData::new(survey, &live.layers.lod_orders(), drawn)?;
            Ok(Refined {
                data: Box::new(data),
                scene: Box::new(live),
                complete,
                partitions,
            })
        })();
        let _ = tx.send(built.map_err(|e| e.to_string()));
    });
    r.pending = Some(Pending {
        cone,
        rx,
        started: Instant::now(),
        read,
    });
    frame.accept(LoadEvent::Progress {
        what: "reading the galaxies in view".into(),
        done: 0,
        total: 1,
    });
}
