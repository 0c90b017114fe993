//! The galaxies' density under the viewer's redshift range. The range filters markers
//! on the GPU at once; the density map, uploaded with every galaxy counted, is counted
//! again on a worker thread from the galaxies in memory, at the depth it is drawn at,
//! and swapped in when done: as a figure with `--z-min/--z-max` shows it. A range moved
//! while a count runs is counted once that one ends. Galaxies read as a sample (an
//! out-of-core catalog, or the first stage of a big one) are counted as they are: the
//! density is then the sample's, as in figures.
//!
//! A wall's ranks count on their own but show the count rank 0 shows ([`Lead::Follow`]):
//! a count done early is held until rank 0 shows it, one not done yet is waited for, so
//! that neighbouring displays never show two redshift ranges side by side.

use std::sync::Arc;
use std::sync::mpsc::{Receiver, TryRecvError, channel};

use crate::app::live_scene::LiveScene;
use crate::app::scene_data::SceneData;
use crate::app::state::Range32;
use crate::data::density::{count_map_where, mean_map_where};
use crate::data::{Catalog, HealpixMap};
use crate::error::Result;
use crate::render::GpuContext;

/// A scene (by its serial) and the redshift range its density counts (`None`: all).
type Counted = (u64, Option<Range32>);

type Count = std::result::Result<HealpixMap, String>;

/// A count under way.
struct Job {
    counted: Counted,
    done: Receiver<Count>,
}

/// What the density shows next.
enum Next {
    Show(Arc<HealpixMap>),
    /// Every galaxy: the density uploaded with the scene.
    Uploaded,
    Failed(String),
    /// The count is not done yet.
    Wait,
}

/// Which count is shown: the newest done (the viewer, a wall's rank 0), or the one a
/// wall's rank 0 shows (the range of its shown count, `None` for every galaxy).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Lead {
    Own,
    Follow(Option<Range32>),
}

/// Keeps a scene's galaxy density in line with the redshift range.
#[derive(Default)]
pub struct DensityRecount {
    shown: Option<Counted>,
    /// A count done but not shown yet (a wall rank waiting for rank 0 to show it).
    held: Option<(Counted, Arc<HealpixMap>)>,
    job: Option<Job>,
}

impl DensityRecount {
    /// Whether a count is under way (the frame loop comes back for it).
    pub fn is_counting(&self) -> bool {
        self.job.is_some()
    }

    /// The redshift range of the density shown (`None`: every galaxy counted).
    pub fn shown_range(&self) -> Option<Range32> {
        self.shown.and_then(|(_, range)| range)
    }

    /// Takes in a finished count, shows the one `lead` asks for, and starts the next
    /// one `range` needs for the scene numbered `serial`; returns whether the density
    /// shown changed.
    pub fn update(
        &mut self,
        ctx: &GpuContext,
        scene: &mut LiveScene,
        data: &SceneData,
        serial: u64,
        range: Option<Range32>,
        lead: Lead,
    ) -> Result<bool> {
        let Some(galaxies) = &data.survey.galaxies else {
            return Ok(false);
        };
        let Some(depth) = scene.galaxy_density().map(|m| m.depth) else {
            return Ok(false);
        };
        // Galaxies without a redshift are not filtered: their density stays whole.
        let has_z = galaxies.roles.z.is_some();
        let range = range.filter(|_| has_z);
        // A new scene was uploaded with every galaxy counted.
        if self.shown.is_none_or(|(s, _)| s != serial) {
            self.shown = Some((serial, None));
            self.held = None;
        }
        let mean_of = scene.style.density_column.clone();
        let mut changed = false;
        if let Some(job) = self.job.take() {
            match job.done.try_recv() {
                Err(TryRecvError::Empty) => self.job = Some(job),
                Ok(Ok(map)) if job.counted.0 == serial => {
                    let map = Arc::new(map);
                    if lead == Lead::Own {
                        // Shown at once, even when the range moved on meanwhile: the
                        // density follows a slider being dragged.
                        scene.show_galaxy_density(ctx, Some(map))?;
                        self.shown = Some(job.counted);
                        changed = true;
                    } else {
                        self.held = Some((job.counted, map));
                    }
                }
                // A count for a scene replaced since: the next one is started.
                Ok(Ok(_)) => {}
                Ok(Err(m)) => {
                    report!("warning: the galaxies' density was not counted again: {m}");
                    // Not tried again for this range: the markers still filter.
                    self.shown = Some(job.counted);
                }
                Err(TryRecvError::Disconnected) => {
                    report!("warning: the galaxies' density could not be counted again");
                }
            }
        }
        let target = match lead {
            Lead::Own => (serial, range),
            Lead::Follow(shown) => (serial, shown.filter(|_| has_z)),
        };
        if self.shown != Some(target) {
            let held = match self.held.take() {
                Some((counted, map)) if counted == target => Some(map),
                other => {
                    self.held = other;
                    None
                }
            };
            let next = match (held, target.1, lead) {
                (Some(map), _, _) => Next::Show(map),
                (None, None, _) => Next::Uploaded,
                // Rank 0 shows a count this rank has not finished: wait for it (the
                // other ranks wait at the frame's barrier meanwhile).
                (None, Some(shown), Lead::Follow(_)) => {
                    let count = match self.job.take() {
                        Some(job) if job.counted == target => job
                            .done
                            .recv()
                            .unwrap_or_else(|_| Err("the count stopped".into())),
                        other => {
                            self.job = other;
                            count(galaxies, depth, mean_of.as_deref(), shown)
                        }
                    };
                    count.map_or_else(Next::Failed, |map| Next::Show(Arc::new(map)))
                }
                // The viewer's own range: shown when its count is done.
                (None, Some(_), Lead::Own) => Next::Wait,
            };
            match next {
                Next::Show(map) => {
                    scene.show_galaxy_density(ctx, Some(map))?;
                    self.shown = Some(target);
                    changed = true;
                }
                Next::Uploaded => {
                    scene.show_galaxy_density(ctx, None)?;
                    self.shown = Some(target);
                    changed = true;
                }
                Next::Failed(m) => {
                    report!("warning: the galaxies' density was not counted again: {m}");
                    self.shown = Some(target);
                }
                Next::Wait => {}
            }
        }
        // Count what the range asks for, unless shown, held or under way already.
        let want = (serial, range);
        let Some(range) = range else {
            return Ok(changed);
        };
        let known = self.shown == Some(want)
            || self.held.as_ref().is_some_and(|(c, _)| *c == want)
            || self.job.is_some();
        if !known {
            let galaxies = galaxies.clone();
            let (tx, done) = channel();
            std::thread::spawn(move || {
                let _ = tx.send(count(&galaxies, depth, mean_of.as_deref(), range));
            });
            self.job = Some(Job {
                counted: want,
                done,
            });
        }
        Ok(changed)
    }
}

/// The galaxies' density at `depth` over those in the redshift `range`: counts, or the
/// mean of column `mean_of`.
fn count(galaxies: &Catalog, depth: u8, mean_of: Option<&str>, range: Range32) -> Count {
    let roles = galaxies.role_view();
    let keep = |i: usize| range.contains(roles.z(i));
    match mean_of {
        Some(column) => mean_map_where(galaxies, column, depth, keep),
        None => Ok(count_map_where(galaxies, depth, keep)),
    }
}
