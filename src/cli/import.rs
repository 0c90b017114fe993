//! `clusterviz import`: catalogs into a HATS catalog (see `data::hats_import`).

use std::time::Instant;

use crate::cli::args::ImportArgs;
use crate::data::hats_import::{ImportOptions, import_hats};
use crate::data::inputs::expand_paths;
use crate::data::load::hdu_select;
use crate::data::progress::Progress;
use crate::data::roles::RoleNames;
use crate::error::{Error, Result};

pub fn run(a: &ImportArgs) -> Result<()> {
    if a.lowest_order > a.highest_order {
        return Err(Error::user(format!(
            "--lowest-order {} is deeper than --highest-order {}",
            a.lowest_order, a.highest_order
        )));
    }
    let files = expand_paths(&a.inputs)?;
    let name = a.name.clone().unwrap_or_else(|| {
        a.output.file_name().map_or_else(
            || "catalog".to_string(),
            |n| n.to_string_lossy().into_owned(),
        )
    });
    let opts = ImportOptions {
        roles: RoleNames {
            ra: a.ra.clone(),
            dec: a.dec.clone(),
            ..Default::default()
        },
        hdu: hdu_select(a.hdu.as_ref()),
        max_rows: a.max_rows,
        highest_order: a.highest_order,
        lowest_order: a.lowest_order,
        name,
        replace: a.force,
        piece_rows: a.piece_rows,
        progress: Progress::terminal(),
    };
    let t0 = Instant::now();
    let done = import_hats(&files, &a.output, &opts)?;
    if done.invalid_coordinates > 0 {
        report!(
            "warning: {} rows with NaN or out-of-range coordinates were left out",
            done.invalid_coordinates
        );
    }
    let read_as = if done.pieces > files.len() {
        format!(" (read in {} pieces)", done.pieces)
    } else {
        String::new()
    };
    report!(
        "{}: HATS catalog of {} rows in {} partitions from {} files{read_as} in {:.1} s",
        a.output.display(),
        done.rows,
        done.partitions,
        files.len(),
        t0.elapsed().as_secs_f64()
    );
    Ok(())
}
