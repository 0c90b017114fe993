//! Background loading for the viewer: the window opens at once, and the survey arrives
//! in stages on a worker thread, each stage a complete scene (indexed, uploaded) that the
//! window swaps in. Clusters, tiles and the mask come first; the galaxies, which dominate
//! load time, follow.

use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::app::live_scene::LiveScene;
use crate::app::scene_data::SceneData;
use crate::cli::args::RenderArgs;
use crate::cli::load::load_files;
use crate::cli::scene::prepare_survey;
use crate::data::Survey;
use crate::data::demo::{DemoConfig, DemoSurvey};
use crate::data::progress::Progress;
use crate::error::Result;
use crate::render::GpuContext;

/// What to load.
#[derive(Clone, Debug)]
pub enum Source {
    Demo(DemoConfig),
    Files(Box<RenderArgs>),
}

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

/// Starts loading on a worker thread; `notify` receives every event.
pub fn spawn(
    ctx: Arc<GpuContext>,
    source: Source,
    options: SceneOptions,
    notify: impl Fn(LoadEvent) + Send + 'static,
) -> std::thread::JoinHandle<()> {
    std::thread::spawn(move || {
        if let Err(e) = load_in_stages(&ctx, &source, &options, &notify) {
            notify(LoadEvent::Failed(e.to_string()));
        }
    })
}

fn has_galaxies(source: &Source) -> bool {
    match source {
        Source::Demo(c) => c.galaxies > 0,
        Source::Files(a) => !a.galaxy_files.is_empty() && !a.style.no_galaxies,
    }
}

fn load_in_stages(
    ctx: &GpuContext,
    source: &Source,
    options: &SceneOptions,
    notify: &(impl Fn(LoadEvent) + Send),
) -> Result<()> {
    let t0 = Instant::now();
    let staged = has_galaxies(source);
    let stages: &[bool] = if staged { &[false, true] } else { &[true] };
    // Files of the first stage (clusters, tiles, mask) are kept for the second, which
    // then reads only the galaxies.
    let mut first_stage: Option<Survey> = None;
    for &with_galaxies in stages {
        let survey = match (source, first_stage.take()) {
            (Source::Files(args), Some(base)) if with_galaxies => add_galaxies(base, args, notify)?,
            _ => load_survey(source, with_galaxies, notify)?,
        };
        if staged && !with_galaxies && matches!(source, Source::Files(_)) {
            first_stage = Some(without_galaxies(&survey));
        }
        // Proximity marks need the galaxies: the first stage (clusters alone) waits.
        let mut survey = survey;
        if with_galaxies || !staged {
            prepare_survey(&mut survey, &options.style)?;
        }
        let scene = LiveScene::build(ctx, &survey, options)?;
        let data = SceneData::new(survey, &scene.lod_orders())?;
        ctx.wait()?;
        notify(LoadEvent::Loaded {
            data: Box::new(data),
            scene: Box::new(scene),
            complete: with_galaxies || !staged,
            took: t0.elapsed(),
        });
    }
    Ok(())
}

/// A copy of everything but the galaxies (catalogs from the cache share their columns).
fn without_galaxies(s: &Survey) -> Survey {
    Survey {
        tiles: s.tiles.clone(),
        merged: s.merged.clone(),
        pzwav: s.pzwav.clone(),
        amico: s.amico.clone(),
        galaxies: None,
        mask: s.mask.clone(),
        source: s.source.clone(),
    }
}

/// `base` with the galaxy files of `args` read into it.
fn add_galaxies(
    mut base: Survey,
    args: &RenderArgs,
    notify: &(impl Fn(LoadEvent) + Send),
) -> Result<Survey> {
    let mut only = args.clone();
    only.clusters.clear();
    only.tiles = None;
    only.mask = None;
    let galaxies = load_survey(&Source::Files(Box::new(only)), true, notify)?;
    base.galaxies = galaxies.galaxies;
    base.source = [base.source, galaxies.source]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join("; ");
    Ok(base)
}

/// The survey of `source`, without galaxies unless `with_galaxies`.
fn load_survey(
    source: &Source,
    with_galaxies: bool,
    notify: &(impl Fn(LoadEvent) + Send),
) -> Result<Survey> {
    match source {
        Source::Demo(config) => {
            let what = if with_galaxies {
                format!("generating {} demo galaxies", config.galaxies)
            } else {
                "generating the demo survey".to_string()
            };
            notify(LoadEvent::Progress {
                what,
                done: 0,
                total: 1,
            });
            let galaxies = if with_galaxies { config.galaxies } else { 0 };
            let mut survey = Survey::from(DemoSurvey::generate(DemoConfig {
                galaxies,
                ..*config
            }));
            if !with_galaxies {
                survey.galaxies = None;
            }
            Ok(survey)
        }
        Source::Files(args) => {
            let mut a = (**args).clone();
            if !with_galaxies {
                a.galaxy_files.clear();
            }
            // Progress events cross to the window through a shared callback.
            let (tx, rx) = std::sync::mpsc::channel::<(String, u64, u64)>();
            let progress = Progress::new(move |what, done, total| {
                let _ = tx.send((what.to_string(), done, total));
            });
            let mut survey = Survey::default();
            let result = std::thread::scope(|s| {
                let loading = s.spawn(|| load_files(&a, &mut survey, Some(progress)));
                for (what, done, total) in rx {
                    notify(LoadEvent::Progress { what, done, total });
                }
                loading.join().unwrap_or_else(|_| {
                    // A bug of ours (no input may panic the readers): name what was read.
                    let files: Vec<String> = a
                        .clusters
                        .iter()
                        .chain(&a.galaxy_files)
                        .chain(&a.tiles)
                        .chain(&a.mask)
                        .map(|p| p.display().to_string())
                        .collect();
                    Err(crate::error::Error::user(format!(
                        "loading failed (the loader crashed, a bug: please report it) while reading {}",
                        files.join(", ")
                    )))
                })
            });
            let sources = result?;
            survey.source = sources.join("; ");
            Ok(survey)
        }
    }
}
