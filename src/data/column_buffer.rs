//! A column's values: owned, shared (a catalog held by the memory cache and handed out
//! again without copying), read in place from a memory-mapped cache file, so a cached
//! catalog opens without copying its columns, or read in place from memory another
//! runtime owns (a NumPy array handed over by the Python package).

use std::ops::Deref;
use std::sync::Arc;

use bytemuck::Pod;

/// Values whose memory belongs to someone else (a NumPy array's buffer), kept alive and
/// unchanged for as long as this is held.
pub trait ExternalValues<T>: Send + Sync {
    fn values(&self) -> &[T];
}

pub enum ColumnBuffer<T> {
    Owned(Vec<T>),
    External(Arc<dyn ExternalValues<T>>),
    Shared(Arc<Vec<T>>),
    /// `len` values at byte `offset` of a mapped file (checked aligned and in bounds).
    Mapped {
        map: Arc<memmap2::Mmap>,
        offset: usize,
        len: usize,
    },
}

impl<T: Pod> ColumnBuffer<T> {
    /// `len` values of `map` from byte `offset`, if they lie inside it, aligned for `T`.
    pub fn mapped(map: Arc<memmap2::Mmap>, offset: usize, len: usize) -> Option<Self> {
        let bytes = len.checked_mul(size_of::<T>())?;
        let end = offset.checked_add(bytes)?;
        let slice = map.get(offset..end)?;
        bytemuck::try_cast_slice::<u8, T>(slice).ok()?;
        Some(ColumnBuffer::Mapped { map, offset, len })
    }

    /// The values as a vector to change (copied out of the map first when mapped).
    pub fn vec_mut(&mut self) -> &mut Vec<T> {
        if !matches!(self, ColumnBuffer::Owned(_)) {
            *self = ColumnBuffer::Owned(self.to_vec());
        }
        match self {
            ColumnBuffer::Owned(v) => v,
            _ => unreachable!("converted above"),
        }
    }

    /// The same values, shared: later clones cost nothing.
    pub fn into_shared(self) -> Self {
        match self {
            ColumnBuffer::Owned(v) => ColumnBuffer::Shared(Arc::new(v)),
            other => other,
        }
    }

    /// The values as an owned vector (a copy when mapped).
    pub fn into_vec(self) -> Vec<T> {
        match self {
            ColumnBuffer::Owned(v) => v,
            mapped => mapped.to_vec(),
        }
    }
}

impl<T: Pod> Deref for ColumnBuffer<T> {
    type Target = [T];

    fn deref(&self) -> &[T] {
        match self {
            ColumnBuffer::Owned(v) => v,
            ColumnBuffer::Shared(v) => v,
            ColumnBuffer::External(v) => v.values(),
            ColumnBuffer::Mapped { map, offset, len } => {
                // Bounds and alignment were checked when the buffer was made.
                bytemuck::cast_slice(&map[*offset..*offset + len * size_of::<T>()])
            }
        }
    }
}

impl<T> From<Vec<T>> for ColumnBuffer<T> {
    fn from(v: Vec<T>) -> Self {
        ColumnBuffer::Owned(v)
    }
}

impl<T> FromIterator<T> for ColumnBuffer<T> {
    fn from_iter<I: IntoIterator<Item = T>>(iter: I) -> Self {
        ColumnBuffer::Owned(iter.into_iter().collect())
    }
}

impl<T: Clone> Clone for ColumnBuffer<T> {
    fn clone(&self) -> Self {
        match self {
            ColumnBuffer::Owned(v) => ColumnBuffer::Owned(v.clone()),
            ColumnBuffer::Shared(v) => ColumnBuffer::Shared(v.clone()),
            ColumnBuffer::External(v) => ColumnBuffer::External(v.clone()),
            ColumnBuffer::Mapped { map, offset, len } => ColumnBuffer::Mapped {
                map: map.clone(),
                offset: *offset,
                len: *len,
            },
        }
    }
}

impl<T: Pod + PartialEq> PartialEq for ColumnBuffer<T> {
    fn eq(&self, other: &Self) -> bool {
        **self == **other
    }
}

impl<T: Pod + std::fmt::Debug> std::fmt::Debug for ColumnBuffer<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let kind = match self {
            ColumnBuffer::Owned(_) => "owned",
            ColumnBuffer::Shared(_) => "shared",
            ColumnBuffer::External(_) => "external",
            ColumnBuffer::Mapped { .. } => "mapped",
        };
        write!(f, "{kind} {:?}", &**self)
    }
}
