//! `clusterviz info`: what GPU we would render with, or what is in the given files.

use crate::data::tables::format::TableFormat;
use std::io::Write;
use std::path::Path;
use std::time::Instant;

use crate::cli::args::InfoArgs;
use crate::data::HealpixMap;
use crate::data::catalog_reader::read_catalog;
use crate::data::fits_table::{FitsTable, HduSelect};
use crate::data::hats::{
    HatsCatalog, MarginCache, SAMPLE_FILE, SampleFile, area_summary, is_hats, partitions,
};
use crate::data::healpix_fits::read_healpix_map;
use crate::data::load_options::{LoadOptions, Pushdown};
use crate::data::tables::parquet_file::ParquetFooter;
use crate::data::tiles_fits::read_tiles;
use crate::error::Result;
use crate::render::{BackendChoice, GpuContext};

/// Writes a line to standard output; a closed pipe (`| head`) ends the output quietly.
macro_rules! say {
    ($($arg:tt)*) => {
        if writeln!(std::io::stdout().lock(), $($arg)*).is_err() {
            return Ok(());
        }
    };
}

pub fn run(backend: BackendChoice, a: &InfoArgs) -> Result<()> {
    if a.files.is_empty() {
        let ctx = GpuContext::new(backend)?;
        say!("clusterviz {}", env!("CARGO_PKG_VERSION"));
        say!("{}", ctx.describe());
        return Ok(());
    }
    for path in &a.files {
        describe(path, a)?;
    }
    Ok(())
}

/// One line on a HEALPix map or MOC read in `took`.
fn describe_map(path: &Path, map: &HealpixMap, took: std::time::Duration) -> Result<()> {
    say!(
        "{}: HEALPix map, nside {} (depth {}), {} cells with data ({:.1} deg²), {} frame, column {}, values {:?}; read in {:.3} s",
        path.display(),
        map.nside(),
        map.depth,
        map.cells.len(),
        map.area_deg2(),
        map.frame.name(),
        map.value_name,
        map.value_range(),
        took.as_secs_f64()
    );
    Ok(())
}

fn describe(path: &Path, a: &InfoArgs) -> Result<()> {
    let lower = path.to_string_lossy().to_ascii_lowercase();
    // A text MOC (ASCII or JSON); a JSON file that is not one may hold tiles.
    let t0 = Instant::now();
    if let Ok(Some(moc)) = crate::data::moc_text::read_text_moc(path) {
        return describe_map(path, &moc, t0.elapsed());
    }
    if lower.ends_with(".json") {
        let tiles = read_tiles(path)?;
        say!(
            "{}: {} tiles (LEV1 + CORE polygons)",
            path.display(),
            tiles.tiles.len()
        );
        return Ok(());
    }
    if is_hats(path) {
        return describe_hats(path, &a.columns.spec().area());
    }
    // HDF5, VOTable, Parquet and CSV files hold catalogs only.
    if TableFormat::of(path) != TableFormat::Fits {
        return describe_catalog(path, a);
    }
    let mut probe = FitsTable::open(path, &HduSelect::FirstTable)?;
    // HEALPix maps say PIXTYPE; MOCs say their version or an ordering of their own.
    let is_map = probe
        .key_text("PIXTYPE")
        .is_some_and(|p| p.eq_ignore_ascii_case("HEALPIX"))
        || probe.key_text("MOCVERS").is_some()
        || probe
            .key_text("ORDERING")
            .is_some_and(|o| ["RANGE", "NUNIQ"].iter().any(|m| o.eq_ignore_ascii_case(m)));
    if is_map {
        let t0 = Instant::now();
        let map = read_healpix_map(path, None)?;
        return describe_map(path, &map, t0.elapsed());
    }
    if probe.column("LEV1_RA").is_some() {
        let tiles = read_tiles(path)?;
        say!(
            "{}: tile table, {} tiles",
            path.display(),
            tiles.tiles.len()
        );
        return Ok(());
    }
    drop(probe);
    describe_catalog(path, a)
}

/// How the area was given, for the report: `--cone 150,2,2`.
fn area_flags(area: &Pushdown) -> String {
    let mut flags = Vec::new();
    if let Some((ra, dec, r)) = area.cone {
        flags.push(format!("--cone {ra},{dec},{r}"));
    }
    if let Some((a0, a1, d0, d1)) = area.sky_box {
        flags.push(format!("--box {a0},{a1},{d0},{d1}"));
    }
    flags.join(" ")
}

/// A HATS catalog from its properties, partition list and one footer (and, for an
/// area, its skymap): no rows read.
fn describe_hats(path: &Path, area: &Pushdown) -> Result<()> {
    let cat = HatsCatalog::open(path)?;
    let parts = partitions(&cat)?;
    let orders = (
        parts.iter().map(|p| p.order).min().unwrap_or(0),
        parts.iter().map(|p| p.order).max().unwrap_or(0),
    );
    let rows = cat
        .rows
        .map_or_else(|| "an unknown number of".to_string(), |n| n.to_string());
    say!(
        "{}: HATS catalog {} ({} {}, written by {}), {rows} rows in {} partitions (orders {}–{})",
        path.display(),
        cat.name,
        cat.product_type,
        cat.version,
        cat.builder,
        parts.len(),
        orders.0,
        orders.1
    );
    let skymap = match cat.skymap(29) {
        Some((_, k)) => format!("skymap order {k}"),
        None => "no skymap".to_string(),
    };
    say!(
        "  roles: ra {}, dec {}; {skymap}; catalog folder {}",
        cat.ra_column,
        cat.dec_column,
        cat.dir.display()
    );
    let common = cat.dataset().join("_common_metadata");
    let schema_file = if common.is_file() {
        common
    } else {
        parts[0].files[0].clone()
    };
    let columns: Vec<String> = ParquetFooter::open(&schema_file)?
        .columns()
        .into_iter()
        .map(|(name, ty)| format!("{name} ({ty})"))
        .collect();
    say!("  columns: {}", columns.join(", "));
    // A bad margin cache is no reason to refuse the catalog: say what is wrong with it.
    match MarginCache::of_collection(path) {
        Ok(Some(m)) => say!(
            "  margin cache: {} ({}\" past each partition: --proximity up to that radius reads no neighbouring partitions)",
            m.dir.display(),
            (m.threshold_deg * 36000.0).round() / 10.0
        ),
        Ok(None) => {}
        Err(e) => say!("  margin cache not usable: {e}"),
    }
    // How a sample of it is read: what decides the first look's speed.
    let sampling = match SampleFile::open(&cat, &parts) {
        _ if !cat.spread_rows => "every k-th row of each partition (rows in their HEALPix \
             cells' order, as hats-import writes them: every row in the area is decoded)"
            .to_string(),
        Ok(Some(s)) => format!(
            "the first rows of each partition; the whole sky's 1-in-{} samples and coarser \
             from {} alone ({} rows)",
            s.min_stride(),
            SAMPLE_FILE,
            s.footer().rows()
        ),
        Ok(None) => "the first rows of each partition".to_string(),
        Err(e) => format!(
            "the first rows of each partition; its whole-sky sample is damaged ({e}): figures \
             and the viewer refuse the whole sky until it is removed or the catalog imported again"
        ),
    };
    say!("  samples: {sampling}");
    if *area != Pushdown::default() {
        let s = area_summary(&cat, area)?;
        let rows = match s.rows {
            Some((n, order)) => {
                format!("about {n} rows (the skymap's cells of order {order} centred in it)")
            }
            None => "rows not counted (no skymap)".to_string(),
        };
        say!(
            "  in {}: {} of {} partitions; {rows}",
            area_flags(area),
            s.partitions_in_area,
            s.partitions
        );
    }
    Ok(())
}

fn describe_catalog(path: &Path, a: &InfoArgs) -> Result<()> {
    let [(roles, hdu), _] = crate::data::load::column_choices(&a.columns.spec())?;
    let area = a.columns.spec().area();
    let opts = LoadOptions {
        hdu,
        roles,
        filter: area.clone(),
        ..Default::default()
    };
    let t0 = Instant::now();
    let (cat, report) = read_catalog(path, "catalog", &opts)?;
    let secs = t0.elapsed().as_secs_f64();
    let bytes: usize = cat
        .columns
        .iter()
        .map(|col| {
            col.data.len()
                * match col.data {
                    crate::data::ColumnData::F64(_)
                    | crate::data::ColumnData::I64(_)
                    | crate::data::ColumnData::U64(_) => 8,
                    crate::data::ColumnData::F32(_) => 4,
                    crate::data::ColumnData::I16(_) => 2,
                }
        })
        .sum();
    // With an area, what follows describes its rows.
    let in_area = if area == Pushdown::default() {
        String::new()
    } else {
        format!(", {} in {}", report.kept, area_flags(&area))
    };
    say!(
        "{}: catalog, {} rows{in_area} ({} with bad coordinates dropped), read in {:.3} s ({:.0} MB of columns)",
        path.display(),
        report.rows_in_file,
        report.invalid_coordinates,
        secs,
        bytes as f64 / 1e6
    );
    let r = &cat.roles;
    say!(
        "  roles: ra {}, dec {}, z {}, snr {}, id {}",
        r.ra,
        r.dec,
        r.z.as_deref().unwrap_or("-"),
        r.snr.as_deref().unwrap_or("-"),
        r.id.as_deref().unwrap_or("-")
    );
    for col in &cat.columns {
        let unit = if col.unit.is_empty() {
            String::new()
        } else {
            format!(" [{}]", col.unit)
        };
        if col.is_integer() {
            // Integers exactly (IDs above 2^53, unsigned 64-bit).
            let range = (0..cat.len())
                .filter_map(|i| col.integer(i))
                .fold(None, |r: Option<(i128, i128)>, v| {
                    Some(r.map_or((v, v), |(a, b)| (a.min(v), b.max(v))))
                });
            let text = range.map_or("no rows".to_string(), |(a, b)| format!("{a} .. {b}"));
            say!("  {}{unit}: {text}", col.name);
            continue;
        }
        let (lo, hi) = (0..cat.len())
            .map(|i| col.data.get_f64(i))
            .filter(|v| v.is_finite())
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| {
                (a.min(v), b.max(v))
            });
        say!("  {}{unit}: {} .. {}", col.name, lo, hi);
    }
    if !report.skipped_columns.is_empty() {
        say!(
            "  not read (catalogs keep numeric scalar columns): {}",
            report.skipped_columns.join(", ")
        );
    }
    Ok(())
}
