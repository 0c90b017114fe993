//! The galaxies' density under the viewer's redshift range. The range filters markers
//! on the GPU at once; the density map, uploaded with every galaxy counted, is counted
//! again on a worker thread from the galaxies in memory, at the depth it is drawn at,
//! and swapped in when done: as a figure with `--z-min/--z-max` shows it. A range moved
//! while a count runs is counted once that one ends. Galaxies read as a sample (an
//! out-of-core catalog, or the first stage of a big one) are counted as they are: the
//! density is then the sample's, as in figures.

use std::sync::Arc;
use std::sync::mpsc::{Receiver, TryRecvError, channel};

use crate::app::live_scene::LiveScene;
use crate::app::scene_data::SceneData;
use crate::app::state::Range32;
use crate::data::HealpixMap;
use crate::data::density::{count_map_where, mean_map_where};
use crate::error::Result;
use crate::render::GpuContext;

/// A scene (by its serial) and the redshift range its density counts (`None`: all).
type Counted = (u64, Option<Range32>);

/// A count under way.
struct Job {
    counted: Counted,
    done: Receiver<std::result::Result<HealpixMap, String>>,
}

/// Keeps a scene's galaxy density in line with the redshift range.
#[derive(Default)]
pub struct DensityRecount {
    shown: Option<Counted>,
    job: Option<Job>,
}

impl DensityRecount {
    /// Whether a count is under way (the frame loop comes back for it).
    pub fn is_counting(&self) -> bool {
        self.job.is_some()
    }

    /// Takes in a finished count and starts the next one `range` needs for the scene
    /// numbered `serial`; returns whether the density shown changed.
    pub fn update(
        &mut self,
        ctx: &GpuContext,
        scene: &mut LiveScene,
        data: &SceneData,
        serial: u64,
        range: Option<Range32>,
    ) -> Result<bool> {
        let Some(galaxies) = &data.survey.galaxies else {
            return Ok(false);
        };
        if scene.galaxy_density().is_none() {
            return Ok(false);
        }
        // Galaxies without a redshift are not filtered: their density stays whole.
        let range = range.filter(|_| galaxies.roles.z.is_some());
        // A new scene was uploaded with every galaxy counted.
        if self.shown.is_none_or(|(s, _)| s != serial) {
            self.shown = Some((serial, None));
        }
        let mut changed = false;
        if let Some(job) = self.job.take() {
            match job.done.try_recv() {
                Err(TryRecvError::Empty) => {
                    self.job = Some(job);
                    return Ok(false);
                }
                Ok(Ok(map)) if job.counted.0 == serial => {
                    scene.show_galaxy_density(ctx, Some(Arc::new(map)))?;
                    self.shown = Some(job.counted);
                    changed = true;
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
        let want = (serial, range);
        if self.shown == Some(want) {
            return Ok(changed);
        }
        let Some(range) = range else {
            scene.show_galaxy_density(ctx, None)?;
            self.shown = Some(want);
            return Ok(true);
        };
        let depth = scene.galaxy_density().map_or(0, |m| m.depth);
        let mean_of = scene.style.density_column.clone();
        let galaxies = galaxies.clone();
        let (tx, done) = channel();
        std::thread::spawn(move || {
            let roles = galaxies.role_view();
            let keep = |i: usize| range.contains(roles.z(i));
            let map = match &mean_of {
                Some(column) => mean_map_where(&galaxies, column, depth, keep),
                None => Ok(count_map_where(&galaxies, depth, keep)),
            };
            let _ = tx.send(map);
        });
        self.job = Some(Job {
            counted: want,
            done,
        });
        Ok(changed)
    }
}
