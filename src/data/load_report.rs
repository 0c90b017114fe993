//! What a catalog load did: rows seen, kept, refused and why; for messages, tests and
//! the cache (which keeps it beside its entry).

/// What a load did, for messages and tests.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LoadReport {
    pub rows_in_file: u64,
    pub kept: u64,
    /// NaN/inf coordinates or |Dec| > 90.
    pub invalid_coordinates: u64,
    pub filtered_out: u64,
    /// Columns not kept (not numeric scalars), each with what it holds, e.g.
    /// `NAME (text, 16A)`: catalogs hold numeric columns only. (Not kept in the cache.)
    pub skipped_columns: Vec<String>,
}
