//! Filters pushed into the Parquet read (issue 16): row groups whose statistics rule a
//! filter out are never decoded, and a row group sorted by `_healpix_29` (hats-import's
//! partitions) is read only for the rows of the area's cells. What is read still equals
//! a full read filtered row by row.

mod common;

use std::collections::BTreeSet;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use arrow_array::cast::AsArray;
use arrow_array::{Float32Array, Float64Array, Int64Array, RecordBatch, types};
use arrow_schema::{DataType, Field, Schema};
use parquet::arrow::ArrowWriter;
use parquet::arrow::arrow_reader::{
    ArrowReaderMetadata, ArrowReaderOptions, ParquetRecordBatchReaderBuilder, RowSelection,
};
use parquet::file::properties::WriterProperties;

use clusterviz::data::catalog::Roles;
use clusterviz::data::load_options::{LoadOptions, Pushdown};
use clusterviz::data::tables::parquet_file::read_parquet;
use clusterviz::data::tables::parquet_prune::Pruner;
use common::{separation_deg, tempdir};

fn metadata(path: &Path) -> ArrowReaderMetadata {
    let file = File::open(path).unwrap();
    ArrowReaderMetadata::load(&file, ArrowReaderOptions::new()).unwrap()
}

fn roles(z: Option<&str>) -> Roles {
    Roles {
        ra: "RA".into(),
        dec: "DEC".into(),
        z: z.map(String::from),
        ..Default::default()
    }
}

/// The `ID`, `RA` and `DEC` of the rows of row group 0 that `selection` (all, if none)
/// names.
fn ids_and_positions(path: &Path, selection: Option<RowSelection>) -> Vec<(i64, f64, f64)> {
    let mut builder = ParquetRecordBatchReaderBuilder::try_new(File::open(path).unwrap())
        .unwrap()
        .with_row_groups(vec![0]);
    if let Some(s) = selection {
        builder = builder.with_row_selection(s);
    }
    let mut out = Vec::new();
    for batch in builder.build().unwrap() {
        let batch = batch.unwrap();
        let id = batch
            .column_by_name("ID")
            .unwrap()
            .as_primitive::<types::Int64Type>();
        let ra = batch
            .column_by_name("RA")
            .unwrap()
            .as_primitive::<types::Float64Type>();
        let dec = batch
            .column_by_name("DEC")
            .unwrap()
            .as_primitive::<types::Float64Type>();
        out.extend((0..id.len()).map(|i| (id.value(i), ra.value(i), dec.value(i))));
    }
    out
}

/// A hats-import partition (order 5, rows sorted by `_healpix_29`), and a cone inside it.
fn sorted_partition() -> (PathBuf, (f64, f64, f64)) {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/hats/galaxies/dataset/Norder=5/Dir=0/Npix=6812.parquet");
    let (lon, lat) = cdshealpix::nested::get(5).center(6812);
    (path, (lon.to_degrees(), lat.to_degrees(), 0.4))
}

#[test]
fn a_cone_in_a_partition_sorted_by_cell_reads_only_the_rows_of_its_cells() {
    let (path, cone) = sorted_partition();
    let meta = metadata(&path);
    let filter = Pushdown {
        cone: Some(cone),
        ..Default::default()
    };
    let pruner = Pruner::new(&meta, &roles(None), &filter, None);
    assert!(pruner.may_keep(0));
    let selection = pruner
        .rows_in_area(0, File::open(&path).unwrap())
        .unwrap()
        .expect("the rows are sorted by _healpix_29: only the cone's are selected");
    let all = ids_and_positions(&path, None);
    let selected = ids_and_positions(&path, Some(selection));
    let inside: BTreeSet<i64> = all
        .iter()
        .filter(|&&(_, ra, dec)| separation_deg((ra, dec), (cone.0, cone.1)) <= cone.2)
        .map(|&(id, _, _)| id)
        .collect();
    let chosen: BTreeSet<i64> = selected.iter().map(|&(id, _, _)| id).collect();
    assert!(inside.len() > 20, "the cone holds rows: {}", inside.len());
    assert!(
        inside.is_subset(&chosen),
        "every row in the cone is read: {} of {} missing",
        inside.difference(&chosen).count(),
        inside.len()
    );
    // The cone covers about a seventh of the partition: far fewer rows are read.
    assert!(
        chosen.len() * 2 < all.len(),
        "{} of {} rows read for a cone of {} rows",
        chosen.len(),
        all.len(),
        inside.len()
    );
    // The rows read beyond the cone are near its edge (cells it overlaps).
    for &(_, ra, dec) in &selected {
        assert!(separation_deg((ra, dec), (cone.0, cone.1)) < cone.2 + 0.1);
    }

    // Read through the catalog reader: exactly the rows in the cone, the others counted
    // as filtered out.
    let opts = LoadOptions {
        filter,
        ..Default::default()
    };
    let (cat, report) = read_parquet(&path, "p", &opts).unwrap();
    let read: BTreeSet<i64> = {
        let id = cat.column("ID").unwrap();
        (0..cat.len())
            .map(|i| id.integer(i).unwrap() as i64)
            .collect()
    };
    assert_eq!(read, inside);
    assert_eq!(report.kept + report.filtered_out, all.len() as u64);
}

/// Rows in four row groups of 1000, redshift rising from group to group, `_healpix_29`
/// in no order; returns the file and each row's (RA, DEC, Z).
fn write_groups(dir: &Path) -> (PathBuf, Vec<(f64, f64, f32)>) {
    let n = 4000;
    let ra: Vec<f64> = (0..n).map(|i| (i as f64 * 137.507) % 360.0).collect();
    let dec: Vec<f64> = (0..n).map(|i| (i as f64 * 0.0431) % 80.0 - 40.0).collect();
    let z: Vec<f32> = (0..n).map(|i| i as f32 / n as f32 * 2.0).collect();
    let layer = cdshealpix::nested::get(29);
    let cells: Vec<i64> = ra
        .iter()
        .zip(&dec)
        .map(|(a, d)| layer.hash(a.to_radians(), d.to_radians()) as i64)
        .collect();
    let schema = Arc::new(Schema::new(vec![
        Field::new("_healpix_29", DataType::Int64, false),
        Field::new("ID", DataType::Int64, false),
        Field::new("RA", DataType::Float64, false),
        Field::new("DEC", DataType::Float64, false),
        Field::new("Z", DataType::Float32, false),
    ]));
    let batch = RecordBatch::try_new(
        schema.clone(),
        vec![
            Arc::new(Int64Array::from(cells)),
            Arc::new(Int64Array::from((0..n as i64).collect::<Vec<_>>())),
            Arc::new(Float64Array::from(ra.clone())),
            Arc::new(Float64Array::from(dec.clone())),
            Arc::new(Float32Array::from(z.clone())),
        ],
    )
    .unwrap();
    let path = dir.join("groups.parquet");
    let props = WriterProperties::builder()
        .set_max_row_group_row_count(Some(1000))
        .build();
    let mut writer =
        ArrowWriter::try_new(File::create(&path).unwrap(), schema, Some(props)).unwrap();
    writer.write(&batch).unwrap();
    writer.close().unwrap();
    let rows = (0..n).map(|i| (ra[i], dec[i], z[i])).collect();
    (path, rows)
}

/// Overwrites every column chunk of row group `g` with bytes no decoder accepts.
fn corrupt_row_group(path: &Path, g: usize) {
    use std::io::{Seek, SeekFrom, Write};
    let meta = metadata(path);
    let group = meta.metadata().row_group(g);
    let mut file = std::fs::OpenOptions::new().write(true).open(path).unwrap();
    for c in group.columns() {
        let (start, len) = c.byte_range();
        file.seek(SeekFrom::Start(start)).unwrap();
        file.write_all(&vec![0xA5; len as usize]).unwrap();
    }
}

#[test]
fn row_groups_a_redshift_filter_rules_out_are_never_decoded() {
    let dir = tempdir("parquet-pruning");
    let (path, rows) = write_groups(&dir);
    assert_eq!(metadata(&path).metadata().num_row_groups(), 4);
    // Groups 0 and 1 hold z < 1; corrupt, they can only be read by skipping them.
    corrupt_row_group(&path, 0);
    corrupt_row_group(&path, 1);
    let whole = read_parquet(&path, "g", &LoadOptions::default());
    let message = whole
        .expect_err("a full read decodes the corrupt groups")
        .to_string();
    assert!(message.contains("groups.parquet"), "{message}");

    let filter = Pushdown {
        z_min: Some(1.2),
        ..Default::default()
    };
    let meta = metadata(&path);
    let pruner = Pruner::new(&meta, &roles(Some("Z")), &filter, None);
    let kept: Vec<bool> = (0..4).map(|g| pruner.may_keep(g)).collect();
    assert_eq!(kept, [false, false, true, true]);
    let opts = LoadOptions {
        roles: clusterviz::data::roles::RoleNames {
            z: Some("Z".into()),
            ..Default::default()
        },
        filter,
        ..Default::default()
    };
    let (cat, report) = read_parquet(&path, "g", &opts).expect("the corrupt groups are skipped");
    let want = rows.iter().filter(|r| f64::from(r.2) >= 1.2).count();
    assert_eq!(cat.len(), want);
    let z = cat.column("Z").unwrap();
    assert!((0..cat.len()).all(|i| z.data.get_f64(i) >= 1.2));
    assert_eq!(report.kept + report.filtered_out, 4000);

    // `_healpix_29` in no order: a cone cannot narrow a group's rows, and reads them all.
    let cone = Pushdown {
        cone: Some((rows[2500].0, rows[2500].1, 5.0)),
        ..Default::default()
    };
    let pruner = Pruner::new(&meta, &roles(None), &cone, None);
    assert!(pruner.may_keep(2));
    assert!(
        pruner
            .rows_in_area(2, File::open(&path).unwrap())
            .unwrap()
            .is_none()
    );
}
