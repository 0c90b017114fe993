//! A catalog as named columns, with RA and Dec always present.

use std::path::{Path, PathBuf};

use glam::DVec3;

use crate::data::column_buffer::ColumnBuffer;
use crate::error::{Error, Result};
use crate::sky::unit_vector;

#[derive(Clone, Debug, PartialEq)]
pub enum ColumnData {
    F64(ColumnBuffer<f64>),
    F32(ColumnBuffer<f32>),
    I64(ColumnBuffer<i64>),
    I16(ColumnBuffer<i16>),
    /// Unsigned 64-bit integers (FITS `K` with TZERO = 2^63, HDF5 u64): IDs that use
    /// the top bit stay exact.
    U64(ColumnBuffer<u64>),
}

impl ColumnData {
    pub fn len(&self) -> usize {
        match self {
            ColumnData::F64(v) => v.len(),
            ColumnData::F32(v) => v.len(),
            ColumnData::I64(v) => v.len(),
            ColumnData::I16(v) => v.len(),
            ColumnData::U64(v) => v.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The values at `rows`, in that order.
    pub fn gather(&self, rows: &[usize]) -> ColumnData {
        fn take<T: Copy>(v: &[T], rows: &[usize]) -> ColumnBuffer<T> {
            rows.iter().map(|&i| v[i]).collect::<Vec<T>>().into()
        }
        match self {
            ColumnData::F64(v) => ColumnData::F64(take(v, rows)),
            ColumnData::F32(v) => ColumnData::F32(take(v, rows)),
            ColumnData::I64(v) => ColumnData::I64(take(v, rows)),
            ColumnData::I16(v) => ColumnData::I16(take(v, rows)),
            ColumnData::U64(v) => ColumnData::U64(take(v, rows)),
        }
    }

    /// The value at `row` as f64 (integers above 2^53 lose precision: use it to draw,
    /// not to identify).
    pub fn get_f64(&self, row: usize) -> f64 {
        match self {
            ColumnData::F64(v) => v[row],
            ColumnData::F32(v) => v[row] as f64,
            ColumnData::I64(v) => v[row] as f64,
            ColumnData::I16(v) => v[row] as f64,
            ColumnData::U64(v) => v[row] as f64,
        }
    }
}

/// How a column is stored in files (it may be held wider in memory: all integers are
/// i64), so a conversion writes back the type it read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Storage {
    U8,
    I16,
    I32,
    I64,
    U64,
    F32,
    F64,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Column {
    pub name: String,
    /// FITS TUNIT, e.g. "deg"; empty when unitless.
    pub unit: String,
    pub data: ColumnData,
    /// The file type, where it differs from what the in-memory data suggest.
    pub stored_as: Option<Storage>,
}

impl Column {
    pub fn new(name: &str, unit: &str, data: ColumnData) -> Self {
        Column {
            name: name.to_string(),
            unit: unit.to_string(),
            data,
            stored_as: None,
        }
    }

    /// The type to write this column as.
    pub fn storage(&self) -> Storage {
        self.stored_as.unwrap_or(match self.data {
            ColumnData::F64(_) => Storage::F64,
            ColumnData::F32(_) => Storage::F32,
            ColumnData::I64(_) => Storage::I64,
            ColumnData::I16(_) => Storage::I16,
            ColumnData::U64(_) => Storage::U64,
        })
    }

    /// The integer at `row` (exact above 2^53, signed or unsigned 64-bit), if the column
    /// holds integers: what a panel shows of one object, without copying the column.
    pub fn integer(&self, row: usize) -> Option<i128> {
        match &self.data {
            ColumnData::I64(v) => Some(v[row] as i128),
            ColumnData::I16(v) => Some(v[row] as i128),
            ColumnData::U64(v) => Some(v[row] as i128),
            _ => None,
        }
    }

    /// Whether the column holds integers.
    pub fn is_integer(&self) -> bool {
        matches!(
            self.data,
            ColumnData::I64(_) | ColumnData::I16(_) | ColumnData::U64(_)
        )
    }

    /// Integer values as i64 (for signed integer storage), if the column holds them;
    /// unsigned 64-bit columns are read through [`Column::integer`] or their buffer.
    pub fn integers(&self) -> Option<Vec<i64>> {
        match &self.data {
            ColumnData::I64(v) => Some(v.to_vec()),
            ColumnData::I16(v) => Some(v.iter().map(|&x| x as i64).collect()),
            _ => None,
        }
    }
}

/// Names of the columns playing each role in a catalog.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Roles {
    pub ra: String,
    pub dec: String,
    pub z: Option<String>,
    pub snr: Option<String>,
    pub id: Option<String>,
}

impl Roles {
    /// The columns that must be numeric scalars: RA, Dec, and z and SNR where named.
    pub fn numeric(&self) -> impl Iterator<Item = &String> {
        [
            Some(&self.ra),
            Some(&self.dec),
            self.z.as_ref(),
            self.snr.as_ref(),
        ]
        .into_iter()
        .flatten()
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Catalog {
    /// What the catalog is, e.g. "PZWAV", "AMICO", "merged", "galaxies".
    pub name: String,
    pub columns: Vec<Column>,
    pub roles: Roles,
    /// Where data derived from this catalog may be cached (set by cached loads).
    pub cache_tag: CacheTag,
}

impl Catalog {
    /// A catalog of positions alone: columns RA and DEC in degrees, in those roles.
    pub fn of_positions(name: &str, ra: Vec<f64>, dec: Vec<f64>) -> Catalog {
        Catalog {
            name: name.into(),
            columns: vec![
                Column::new("RA", "deg", ColumnData::F64(ra.into())),
                Column::new("DEC", "deg", ColumnData::F64(dec.into())),
            ],
            roles: Roles {
                ra: "RA".into(),
                dec: "DEC".into(),
                ..Default::default()
            },
            cache_tag: Default::default(),
        }
    }

    pub fn len(&self) -> usize {
        self.columns.first().map_or(0, |c| c.data.len())
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The same catalog with its columns shared, so that clones (handed out by the
    /// memory cache) copy nothing.
    pub fn into_shared(mut self) -> Catalog {
        for c in &mut self.columns {
            c.data = match std::mem::replace(&mut c.data, ColumnData::I16(Vec::new().into())) {
                ColumnData::F64(v) => ColumnData::F64(v.into_shared()),
                ColumnData::F32(v) => ColumnData::F32(v.into_shared()),
                ColumnData::I64(v) => ColumnData::I64(v.into_shared()),
                ColumnData::I16(v) => ColumnData::I16(v.into_shared()),
                ColumnData::U64(v) => ColumnData::U64(v.into_shared()),
            };
        }
        self
    }

    /// A catalog of the rows `rows` of this one, in that order.
    pub fn with_rows(&self, rows: &[usize]) -> Catalog {
        Catalog {
            name: self.name.clone(),
            columns: self
                .columns
                .iter()
                .map(|c| Column {
                    name: c.name.clone(),
                    unit: c.unit.clone(),
                    data: c.data.gather(rows),
                    stored_as: c.stored_as,
                })
                .collect(),
            roles: self.roles.clone(),
            cache_tag: Default::default(),
        }
    }

    pub fn column(&self, name: &str) -> Option<&Column> {
        self.columns
            .iter()
            .find(|c| c.name.eq_ignore_ascii_case(name))
    }

    fn role_f64(&self, name: Option<&str>, row: usize) -> f64 {
        name.and_then(|n| self.column(n))
            .map_or(f64::NAN, |c| c.data.get_f64(row))
    }

    pub fn ra(&self, row: usize) -> f64 {
        self.role_f64(Some(&self.roles.ra), row)
    }

    pub fn dec(&self, row: usize) -> f64 {
        self.role_f64(Some(&self.roles.dec), row)
    }

    pub fn z(&self, row: usize) -> f64 {
        self.role_f64(self.roles.z.as_deref(), row)
    }

    pub fn snr(&self, row: usize) -> f64 {
        self.role_f64(self.roles.snr.as_deref(), row)
    }

    /// ICRS unit vectors of all rows (on all cores: 10M rows take ~0.5 s on one).
    pub fn directions(&self) -> Vec<DVec3> {
        use rayon::prelude::*;
        let r = self.role_view();
        (0..self.len())
            .into_par_iter()
            .map(|i| r.direction(i))
            .collect()
    }

    /// The role columns looked up once, for loops over millions of rows.
    pub fn role_view(&self) -> RoleView<'_> {
        let find = |n: Option<&str>| n.and_then(|n| self.column(n)).map(|c| &c.data);
        RoleView {
            ra: find(Some(&self.roles.ra)),
            dec: find(Some(&self.roles.dec)),
            z: find(self.roles.z.as_deref()),
            snr: find(self.roles.snr.as_deref()),
        }
    }

    /// Adds `part`'s rows after this catalog's (the parts of one stack: files of tiles,
    /// partitions of a HATS catalog); `path` names the part in the message when its
    /// columns differ from these.
    pub fn append(&mut self, part: Catalog, path: &Path) -> Result<()> {
        let all = self;
        let names = |c: &Catalog| {
            c.columns
                .iter()
                .map(|c| c.name.to_ascii_uppercase())
                .collect::<Vec<_>>()
        };
        if names(all) != names(&part) || all.roles != part.roles {
            return Err(Error::file(
                path,
                format!(
                    "its columns differ from the first file's ({} vs {})",
                    part.columns
                        .iter()
                        .map(|c| c.name.as_str())
                        .collect::<Vec<_>>()
                        .join(", "),
                    all.columns
                        .iter()
                        .map(|c| c.name.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ));
        }
        for (a, b) in all.columns.iter_mut().zip(part.columns) {
            match (&mut a.data, b.data) {
                (ColumnData::F64(x), ColumnData::F64(y)) => x.vec_mut().extend_from_slice(&y),
                (ColumnData::I64(x), ColumnData::I64(y)) => x.vec_mut().extend_from_slice(&y),
                (ColumnData::F32(x), ColumnData::F32(y)) => x.vec_mut().extend_from_slice(&y),
                (ColumnData::I16(x), ColumnData::I16(y)) => x.vec_mut().extend_from_slice(&y),
                (ColumnData::U64(x), ColumnData::U64(y)) => x.vec_mut().extend_from_slice(&y),
                _ => {
                    return Err(Error::file(
                        path,
                        format!("column {} has another type than in the first file", a.name),
                    ));
                }
            }
        }
        Ok(())
    }
}

/// A catalog's role columns, resolved (see [`Catalog::role_view`]); missing ones read NaN.
pub struct RoleView<'a> {
    ra: Option<&'a ColumnData>,
    dec: Option<&'a ColumnData>,
    z: Option<&'a ColumnData>,
    snr: Option<&'a ColumnData>,
}

impl RoleView<'_> {
    fn get(c: Option<&ColumnData>, row: usize) -> f64 {
        c.map_or(f64::NAN, |c| c.get_f64(row))
    }

    pub fn ra(&self, row: usize) -> f64 {
        Self::get(self.ra, row)
    }

    pub fn dec(&self, row: usize) -> f64 {
        Self::get(self.dec, row)
    }

    pub fn z(&self, row: usize) -> f64 {
        Self::get(self.z, row)
    }

    pub fn snr(&self, row: usize) -> f64 {
        Self::get(self.snr, row)
    }

    pub fn direction(&self, row: usize) -> DVec3 {
        unit_vector(self.ra(row), self.dec(row))
    }

    /// RA and Dec as slices when both are held as f64 (as FITS `D` columns are): a pass
    /// over every row then reads them without a type check per value.
    pub fn positions_f64(&self) -> Option<(&[f64], &[f64])> {
        match (self.ra?, self.dec?) {
            (ColumnData::F64(ra), ColumnData::F64(dec)) => Some((ra, dec)),
            _ => None,
        }
    }
}

/// Where data derived from a catalog (its level-of-detail order, counts) may be cached:
/// the cache folder and the catalog's load key. Equal whatever it holds, so catalogs
/// compare by content.
#[derive(Clone, Debug, Default)]
pub struct CacheTag(pub Option<(PathBuf, String)>);

impl PartialEq for CacheTag {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_integer_is_read_exactly_in_place() {
        let big = (1i64 << 53) + 1; // not representable as f64
        let ids = Column::new("ID", "", ColumnData::I64(vec![7, big].into()));
        assert_eq!(ids.integer(1), Some(big as i128));
        let unsigned = Column::new("SOURCE_ID", "", ColumnData::U64(vec![u64::MAX].into()));
        assert_eq!(unsigned.integer(0), Some(u64::MAX as i128));
        assert!(ids.is_integer());
        let small = Column::new("FLAG", "", ColumnData::I16(vec![-3].into()));
        assert_eq!(small.integer(0), Some(-3));
        let z = Column::new("Z", "", ColumnData::F64(vec![0.5].into()));
        assert_eq!(z.integer(0), None);
        assert!(!z.is_integer());
    }
}
