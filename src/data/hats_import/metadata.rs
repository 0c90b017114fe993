//! The files that describe an imported catalog, as hats-import writes them: the
//! properties (`hats.properties`, and `properties` for older readers), the partition
//! list, the skymap (rows per cell of the deepest order, exact 64-bit counts) and the
//! schema (`dataset/_common_metadata`; `dataset/_metadata` is `dataset_metadata.rs`'s).

use std::path::Path;

use crate::data::HealpixMap;
use crate::data::fits_write::write_healpix_counts;
use crate::data::hats::SPREAD_KEY;
use crate::data::hats_import::plan::Histogram;
use crate::data::hats_import::{HEALPIX_29, ImportOptions, partition_file};
use crate::data::tables::parquet_file::{ParquetFooter, read_parquet};
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

    let (cells, counts_fine): (Vec<u64>, Vec<i64>) = histogram
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
    write_healpix_counts(&map, &counts_fine, &dir.join("skymap.fits"))?;
    // Coarser skymaps for figures of wide areas (the whole sky wants order 8).
    let alt_orders: Vec<u8> = [4u8, 2]
        .iter()
        .filter_map(|&d| histogram.order.checked_sub(d))
        .collect();
    for &k in &alt_orders {
        let shift = 2 * u32::from(histogram.order - k);
        let mut cells: Vec<u64> = Vec::new();
        let mut counts: Vec<i64> = Vec::new();
        for (&c, &n) in map.cells.iter().zip(&counts_fine) {
            let parent = c >> shift;
            match (cells.last(), counts.last_mut()) {
                (Some(&last), Some(sum)) if last == parent => *sum += n,
                _ => {
                    cells.push(parent);
                    counts.push(n);
                }
            }
        }
        let coarse = HealpixMap {
            depth: k,
            cells,
            ..map.clone()
        };
        write_healpix_counts(&coarse, &counts, &dir.join(format!("skymap.{k}.fits")))?;
    }
    let alt_orders: Vec<String> = alt_orders.iter().map(u8::to_string).collect();

    // The schema and the coordinate columns, from the first partition written.
    let (order, pixel, _) = plan[0];
    let first = partition_file(dir, order, pixel);
    let (cat, _) = read_parquet(&first, "import", &opts.verbatim_load())?;
    // The partitions' own schema (the reader puts the coordinates first).
    write_parquet_schema(
        ParquetFooter::open(&first)?.schema(),
        &dir.join("dataset/_common_metadata"),
    )?;

    let rows = histogram.total();
    let sky_fraction: f64 = plan
        .iter()
        .map(|&(order, _, _)| crate::sky::coverage::cell_sky_fraction(order))
        .sum();
    let bytes = dir_size(&dir.join("dataset"));
    let deepest = plan.iter().map(|p| p.0).max().unwrap_or(0);
    let mut lines: Vec<(&str, String)> = vec![
        ("obs_collection", opts.name.clone()),
        ("dataproduct_type", "object".into()),
        ("hats_nrows", rows.to_string()),
        ("hats_col_ra", cat.roles.ra.clone()),
        ("hats_col_dec", cat.roles.dec.clone()),
        ("hats_col_healpix", HEALPIX_29.into()),
        ("hats_col_healpix_order", "29".into()),
        ("hats_npix_suffix", ".parquet".into()),
        ("hats_skymap_order", histogram.order.to_string()),
    ];
    if !alt_orders.is_empty() {
        lines.push(("hats_skymap_alt_orders", alt_orders.join(" ")));
    }
    lines.extend([
        ("hats_max_rows", opts.max_rows.to_string()),
        ("hats_order", deepest.to_string()),
        ("moc_sky_fraction", format!("{sky_fraction:.5}")),
        ("hats_estsize", (bytes / 1024).to_string()),
        (
            "hats_builder",
            format!("clusterviz v{}", env!("CARGO_PKG_VERSION")),
        ),
        ("hats_creation_date", utc_now()),
        ("hats_version", "v1.0".into()),
        (SPREAD_KEY, "spread".into()),
    ]);
    let properties: String = std::iter::once("#HATS catalog\n".to_string())
        .chain(lines.iter().map(|(k, v)| format!("{k}={v}\n")))
        .collect();
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
