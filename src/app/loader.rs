//! Background loading for the viewer: the window opens at once, and the survey arrives
//! in stages on a worker thread, each stage a complete scene (indexed, uploaded) that the
//! window swaps in. Clusters, tiles and the mask come first; the galaxies, which dominate
//! load time, follow. The files are read by the same loader as figures' and walls'
//! ([`crate::data::load`]) and prepared by the same rule ([`prepare_survey`]).

use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::app::live_scene::LiveScene;
use crate::app::scene_data::SceneData;
use crate::data::Survey;
use crate::data::arrays::{ArrayInputs, add_arrays};
use crate::data::demo::{DemoConfig, DemoSurvey};
use crate::data::load::{SurveyInputs, load_files};
use crate::data::progress::Progress;
use crate::data::read_bounds::ReadBounds;
use crate::error::{Error, Result};
use crate::render::GpuContext;
use crate::scene::preview::sampled_preview;
use crate::scene::{marker_budget, prepare_survey, read_bounds_on};

pub enum LoadEvent {
    Progress {
        what: String,
        done: u64,
        total: u64,
    },
    /// A stage is ready; `complete` when nothing more will come.
    Loaded {
        data: Box<SceneData>,
        scene: Box<LiveScene>,
        complete: bool,
        took: Duration,
    },
    Failed(String),
}

pub use crate::app::live_scene::SceneOptions;

/// Starts loading `inputs` and the tables handed over in memory (`arrays`) on a worker
/// thread; `notify` receives every event. Out-of-core (HATS) galaxies are read in
/// `galaxy_cone` (RA, Dec, radius in degrees) when one is given: the area of the view
/// the viewer opens on, so its galaxies come before the whole catalog's.
pub fn spawn(
    ctx: Arc<GpuContext>,
    inputs: SurveyInputs,
    arrays: ArrayInputs,
    options: SceneOptions,
    galaxy_cone: Option<(f64, f64, f64)>,
    notify: impl Fn(LoadEvent) + Send + Sync + 'static,
) -> std::thread::JoinHandle<()> {
    std::thread::spawn(move || {
        let bounds = ReadBounds {
            galaxy_cone,
            ..viewer_read_bounds(&options, &ctx, &inputs)
        };
        if let Err(e) = load_in_stages(&ctx, &inputs, arrays, &options, bounds, &notify) {
            notify(LoadEvent::Failed(e.to_string()));
        }
    })
}

/// Whether galaxies will come (and so deserve a stage of their own): there are some, and
/// they are drawn or the proximity marks need them.
fn has_galaxies(inputs: &SurveyInputs, options: &SceneOptions) -> bool {
    let style = &options.style;
    (!style.no_galaxies || style.proximity.is_some())
        && (!inputs.galaxies.is_empty() || inputs.demo.is_some_and(|d| d.galaxies > 0))
}

fn load_in_stages(
    ctx: &GpuContext,
    inputs: &SurveyInputs,
    arrays: ArrayInputs,
    options: &SceneOptions,
    bounds: ReadBounds,
    notify: &(impl Fn(LoadEvent) + Sync),
) -> Result<()> {
    let t0 = Instant::now();
    let staged = has_galaxies(inputs, options);
    let (rest, galaxy_files) = inputs.split_galaxies();
    let mut survey = load_stage(&rest, !staged, bounds, notify)?;
    // Tables in memory take no time to read: they join the first stage.
    if !arrays.is_empty() {
        let demo = inputs.demo.is_some();
        let added = add_arrays(&mut survey, arrays, &inputs.columns, bounds, demo)?;
        survey.source = join_sources([survey.source.clone()].into_iter().chain(added));
    }
    if staged {
        // The first stage: what is quick to read, shown while the galaxies load (it is
        // uploaded while they are read: its scene's pipelines alone take ~0.05 s on a
        // software rasteriser). Proximity marks need the galaxies, so they wait for the
        // second.
        let first = survey.without_galaxies();
        std::thread::scope(|s| {
            let shown = s.spawn(|| publish(ctx, first, false, options, t0, notify));
            let read = read_galaxies(inputs, &galaxy_files, bounds, &mut survey, notify);
            let shown = shown
                .join()
                .unwrap_or_else(|p| std::panic::resume_unwind(p));
            shown.and(read)
        })?;
        // Millions of galaxies take seconds to order: a sample of them shows first.
        let rows = marker_budget(ctx, &options.style);
        if let Some(preview) = sampled_preview(&survey, &options.style, rows) {
            publish(ctx, preview, false, options, t0, notify)?;
        }
    }
    prepare_survey(&mut survey, &options.style)?;
    publish(ctx, survey, true, options, t0, notify)
}

/// The galaxies of `galaxy_files` into `survey` (they replace the demo's galaxies).
fn read_galaxies(
    inputs: &SurveyInputs,
    galaxy_files: &SurveyInputs,
    bounds: ReadBounds,
    survey: &mut Survey,
    notify: &(impl Fn(LoadEvent) + Sync),
) -> Result<()> {
    if let Some(demo) = inputs.demo.filter(|d| d.galaxies > 0)
        && galaxy_files.galaxies.is_empty()
    {
        notify(LoadEvent::Progress {
            what: format!("generating {} demo galaxies", demo.galaxies),
            done: 0,
            total: 1,
        });
        survey.galaxies = Some(DemoSurvey::generate(demo).galaxies);
    }
    if !galaxy_files.galaxies.is_empty() {
        let read = read_files(galaxy_files, bounds, survey, notify)?;
        survey.source = join_sources([survey.source.clone()].into_iter().chain(read));
    }
    Ok(())
}

/// Uploads a stage's survey and hands it to the window.
fn publish(
    ctx: &GpuContext,
    survey: Survey,
    complete: bool,
    options: &SceneOptions,
    t0: Instant,
    notify: &(impl Fn(LoadEvent) + Sync),
) -> Result<()> {
    let scene = LiveScene::build(ctx, &survey, options)?;
    let drawn = |k| scene.layers.get(k).is_some();
    let data = SceneData::new(survey, &scene.layers.lod_orders(), drawn)?;
    ctx.wait()?;
    notify(LoadEvent::Loaded {
        data: Box::new(data),
        scene: Box::new(scene),
        complete,
        took: t0.elapsed(),
    });
    Ok(())
}

/// The demo survey of `inputs` (with its galaxies only if `with_galaxies`) and its files.
fn load_stage(
    inputs: &SurveyInputs,
    with_galaxies: bool,
    bounds: ReadBounds,
    notify: &(impl Fn(LoadEvent) + Sync),
) -> Result<Survey> {
    let mut survey = match inputs.demo {
        Some(config) => {
            notify(LoadEvent::Progress {
                what: "generating the demo survey".to_string(),
                done: 0,
                total: 1,
            });
            let galaxies = if with_galaxies { config.galaxies } else { 0 };
            let mut survey = Survey::from(DemoSurvey::generate(DemoConfig { galaxies, ..config }));
            if galaxies == 0 {
                survey.galaxies = None;
            }
            // Named as asked for, galaxies included (a later stage adds them).
            survey.source = crate::data::survey::demo_source(&config);
            survey
        }
        None => Survey::default(),
    };
    let read = read_files(inputs, bounds, &mut survey, notify)?;
    survey.source = join_sources([survey.source.clone()].into_iter().chain(read));
    Ok(survey)
}

/// What the viewer reads of out-of-core galaxies: what the GPU draws with room to
/// choose, within the memory budget's share for them.
pub(crate) fn viewer_read_bounds(
    options: &SceneOptions,
    ctx: &GpuContext,
    inputs: &SurveyInputs,
) -> ReadBounds {
    read_bounds_on(&options.style, ctx).within_viewer_budget(inputs.columns.memory_budget)
}

fn join_sources(sources: impl Iterator<Item = String>) -> String {
    sources
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join("; ")
}

/// Reads the files of `inputs` within `bounds` into `survey`, progress crossing to the
/// window.
fn read_files(
    inputs: &SurveyInputs,
    bounds: ReadBounds,
    survey: &mut Survey,
    notify: &(impl Fn(LoadEvent) + Sync),
) -> Result<Vec<String>> {
    if !inputs.has_files() {
        return Ok(Vec::new());
    }
    let (tx, rx) = std::sync::mpsc::channel::<(String, u64, u64)>();
    let progress = Progress::new(move |what, done, total| {
        let _ = tx.send((what.to_string(), done, total));
    });
    std::thread::scope(|s| {
        let loading = s.spawn(|| load_files(inputs, bounds, survey, Some(progress)));
        for (what, done, total) in rx {
            notify(LoadEvent::Progress { what, done, total });
        }
        loading.join().unwrap_or_else(|_| {
            // A bug of ours (no input may panic the readers): name what was read.
            let files: Vec<String> = inputs
                .clusters
                .iter()
                .chain(&inputs.galaxies)
                .chain(&inputs.tiles)
                .chain(&inputs.mask)
                .map(|p| p.display().to_string())
                .collect();
            Err(Error::user(format!(
                "loading failed (the loader crashed, a bug: please report it) while reading {}",
                files.join(", ")
            )))
        })
    })
}
