//! `clusterviz demo`: the built-in survey in the viewer (or, without a display or with
//! `-o`, rendered to a PNG), or written out as the files users bring.

use std::time::Instant;

use crate::app::{ViewerLaunch, display_available};
use crate::cli::args::DemoArgs;
use crate::data::Survey;
use crate::data::demo::{DemoConfig, DemoSurvey, remove_written, write_survey};
use crate::data::load::SurveyInputs;
use crate::error::{Error, Result};
use crate::export::pipeline::{
    FigureRequest, check_outputs, render_figures, reproduction_metadata,
};
use crate::render::BackendChoice;

pub fn run(backend: BackendChoice, a: &DemoArgs) -> Result<()> {
    let (view, style, figure) = (a.view.spec(), a.style.spec(), a.figure.spec());
    style.check()?;
    if let Some(dir) = &a.write {
        prepare_folder(dir, a.force)?;
    }
    let config = DemoConfig {
        seed: a.demo_source.seed,
        galaxies: a.demo_source.galaxies,
    };
    if a.write.is_none() && a.output.is_none() && display_available() {
        return crate::app::run(ViewerLaunch {
            backend,
            inputs: SurveyInputs {
                demo: Some(config),
                ..SurveyInputs::default()
            },
            arrays: Default::default(),
            view,
            style,
            screenshot: None,
            title: format!("clusterviz — demo survey (seed {})", config.seed),
            wall: None,
            samp: false,
        });
    }
    let output = a.output.clone().unwrap_or_else(|| "demo.png".into());
    let outputs = [output];
    if a.write.is_none() {
        check_outputs(&outputs, &figure)?;
        view.pixel_size()?;
    }
    let t0 = Instant::now();
    let survey = DemoSurvey::generate(config);
    report!(
        "demo survey (seed {}): {} tiles, {} PZWAV, {} AMICO, {} merged clusters, {} galaxies, \
         mask of {} cells at nside {} ({:.0} deg²), made in {:.2} s",
        a.demo_source.seed,
        survey.tiles.tiles.len(),
        survey.pzwav.len(),
        survey.amico.len(),
        survey.merged.len(),
        survey.galaxies.len(),
        survey.mask.cells.len(),
        survey.mask.nside(),
        survey.mask.area_deg2(),
        t0.elapsed().as_secs_f64()
    );
    if let Some(dir) = &a.write {
        let t1 = Instant::now();
        let files = write_survey(&survey, dir)?;
        report!(
            "wrote {} files to {} in {:.2} s",
            files.len(),
            dir.display(),
            t1.elapsed().as_secs_f64()
        );
        return Ok(());
    }
    let survey = Survey::from(survey);
    let req = FigureRequest {
        metadata: reproduction_metadata(&survey.source),
        ..FigureRequest::new(&view, &style, &figure, &outputs)
    };
    render_figures(backend, &survey, &req).map(|_| ())
}

/// A folder for `demo --write`: new or empty; with `force`, emptied of what an earlier
/// write made (a render of `catred/*.fits` would otherwise read old tiles beside new ones).
fn prepare_folder(dir: &std::path::Path, force: bool) -> Result<()> {
    if dir.exists() && !dir.is_dir() {
        return Err(Error::file(dir, "exists and is not a folder"));
    }
    let is_empty = |d: &std::path::Path| {
        std::fs::read_dir(d)
            .map(|mut r| r.next().is_none())
            .unwrap_or(true)
    };
    if dir.is_dir() && !is_empty(dir) {
        if !force {
            return Err(Error::file(
                dir,
                "is not empty: give a new folder, or --force to replace an earlier demo --write there",
            ));
        }
        let (removed, others) = remove_written(dir)?;
        report!(
            "removed {removed} files of an earlier demo from {}",
            dir.display()
        );
        if !others.is_empty() {
            report!(
                "warning: {}: kept files the demo did not write: {}",
                dir.display(),
                others.join(", ")
            );
        }
    }
    std::fs::create_dir_all(dir).map_err(|e| Error::file(dir, format!("cannot create: {e}")))
}
