//! The files that describe an imported catalog, as hats-import writes them: the
//! properties (`hats.properties`, and `properties` for older readers), the partition
//! list, the skymap (rows per cell of the deepest order, exact 64-bit counts) and the
//! schema (`dataset/_common_metadata`).

use std::path::Path;

use crate::data::HealpixMap;
use crate::data::fits_write::write_healpix_counts;
use crate::data::hats::import::plan::Histogram;
use crate::data::hats::import::{HEALPIX_29, ImportOptions};
use crate::data::hats::layout::SPREAD_KEY;
use crate::data::load_options::LoadOptions;
use crate::data::roles::RoleNames;
use crate::data::tables::parquet_file::{parquet_schema, read_parquet};
use crate::data::tables::parquet_write::write_parquet_schema;
use crate::error::{Error, Result};
use crate::sky::Frame;

pub fn write_metadata(
    dir: &Path,
    opts: &ImportOptions,
    plan: &[(u8, u64, u64)],
    histogram: &Histogram,
) -> Result<()> {
    let write = |name: &str, text: &str| {
        let path = dir.join(name);
        std::fs::write(&path, text).map_err(|e| Error::file(&path, format!("cannot write: {e}")))
    };
    let mut list = String::from("Norder,Npix\n");
    for (order, pixel, _) in plan {
        list += &format!("{order},{pixel}\n");
    }
    write("partition_info.csv", &list)?;

    let (cells, counts): (Vec<u64>, Vec<i64>) = histogram
        .counts
        .iter()
        .enumerate()
        .filter(|(_, n)| **n > 0)
        .map(|(c, &n)| (c as u64, n as i64))
        .unzip();
    let map = HealpixMap {
        depth: histogram.order,
        frame: Frame::Icrs,
        value_name: "VALUE".into(),
        values: Vec::new(),
        cells,
    };
    write_healpix_counts(&map, &counts, &dir.join("skymap.fits"))?;

    // The schema and the coordinate columns, from the first partition written.
    let (order, pixel, _) = plan[0];
    let first = dir
        .join("dataset")
        .join(format!("Norder={order}"))
        .join(format!("Dir={}", pixel / 10_000 * 10_000))
        .join(format!("Npix={pixel}.parquet"));
    let sample = LoadOptions {
        roles: RoleNames {
            ra: opts.roles.ra.clone(),
            dec: opts.roles.dec.clone(),
            ..Default::default()
        },
        verbatim: true,
        ..Default::default()
    };
    let (cat, _) = read_parquet(&first, "import", &sample)?;
    // The partitions' own schema (the reader puts the coordinates first).
    write_parquet_schema(
        &parquet_schema(&first)?,
        &dir.join("dataset/_common_metadata"),
    )?;

    let rows = histogram.total();
    let sky_fraction: f64 = plan
        .iter()
        .map(|&(order, _, _)| 1.0 / (12.0 * 4f64.powi(i32::from(order))))
        .sum();
    let bytes = dir_size(&dir.join("dataset"));
    let properties = format!(
        "#HATS catalog\n\
         obs_collection={name}\n\
         dataproduct_type=object\n\
         hats_nrows={rows}\n\
         hats_col_ra={ra}\n\
         hats_col_dec={dec}\n\
         hats_col_healpix={HEALPIX_29}\n\
         hats_col_healpix_order=29\n\
         hats_npix_suffix=.parquet\n\
         hats_skymap_order={skymap}\n\
         hats_max_rows={max_rows}\n\
         hats_order={deepest}\n\
         moc_sky_fraction={sky_fraction:.5}\n\
         hats_estsize={kb}\n\
         hats_builder=clusterviz v{version}\n\
         hats_creation_date={date}\n\
         hats_version=v1.0\n\
         {SPREAD_KEY}=spread\n",
        name = opts.name,
        ra = cat.roles.ra,
        dec = cat.roles.dec,
        skymap = histogram.order,
        max_rows = opts.max_rows,
        deepest = plan.iter().map(|p| p.0).max().unwrap_or(0),
        kb = bytes / 1024,
        version = env!("CARGO_PKG_VERSION"),
        date = utc_now(),
    );
    write("hats.properties", &properties)?;
    write("properties", &properties)
}

fn dir_size(dir: &Path) -> u64 {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(|e| e.ok())
                .map(|e| {
                    let p = e.path();
                    if p.is_dir() {
                        dir_size(&p)
                    } else {
                        e.metadata().map_or(0, |m| m.len())
                    }
                })
                .sum()
        })
        .unwrap_or(0)
}

/// The time now as HATS writes it: `2026-12-04T10:10UTC`.
fn utc_now() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let (days, rest) = ((secs / 86_400) as i64, secs % 86_400);
    // Days since 1970-01-01 to a civil date (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}UTC",
        rest / 3600,
        rest % 3600 / 60
    )
}
