//! The `unit` attributes of HDF5 catalog columns, read where a damaged file cannot take
//! the process down. h5py writes string attributes as variable-length strings, which
//! libhdf5 fetches from the file's global heap, and a damaged heap makes the library
//! crash (a segmentation fault in `H5HG_read`) or loop for ever: the fuzz campaign found
//! both. No Rust code can catch that, so such attributes are read by a child process
//! (`clusterviz hdf5-attributes FILE GROUP`, hidden from the help), and a crash or hang
//! there becomes a message naming the file. Fixed-length strings (what `convert`
//! writes) need no heap and are read in place.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use hdf5::types::{FixedAscii, FixedUnicode, TypeDescriptor, VarLenAscii, VarLenUnicode};

use crate::error::{Error, Result};

/// The longest a child may take to read a file's attributes.
const CHILD_TIMEOUT: Duration = Duration::from_secs(10);

/// How a `unit` attribute is stored.
enum UnitAttr {
    None,
    Fixed(String),
    /// Variable-length: read through the global heap, in a child process.
    OnHeap,
}

fn unit_attr(ds: &hdf5::Dataset) -> std::result::Result<UnitAttr, String> {
    let Ok(a) = ds.attr("unit") else {
        return Ok(UnitAttr::None);
    };
    let d = a
        .dtype()
        .and_then(|t| t.to_descriptor())
        .map_err(|e| format!("its unit attribute has an unreadable type ({e})"))?;
    let text = match d {
        TypeDescriptor::FixedAscii(_) => a
            .read_scalar::<FixedAscii<256>>()
            .map(|s| s.as_str().to_string()),
        TypeDescriptor::FixedUnicode(_) => a
            .read_scalar::<FixedUnicode<256>>()
            .map(|s| s.as_str().to_string()),
        TypeDescriptor::VarLenAscii | TypeDescriptor::VarLenUnicode => return Ok(UnitAttr::OnHeap),
        other => return Err(format!("its unit attribute is of type {other}, not text")),
    };
    text.map(UnitAttr::Fixed)
        .map_err(|e| format!("its unit attribute cannot be read ({e})"))
}

/// Units of the column datasets of `group` (name and dataset; missing: none) in the file
/// at `path`. Variable-length ones are read in a child process when the clusterviz
/// program can be found (the program itself, or beside a test binary), else in place.
pub fn column_units<'a>(
    path: &Path,
    group: &hdf5::Group,
    columns: impl IntoIterator<Item = (&'a String, &'a hdf5::Dataset)>,
) -> Result<BTreeMap<String, String>> {
    let mut units = BTreeMap::new();
    let mut on_heap = false;
    for (n, ds) in columns {
        match unit_attr(ds).map_err(|m| Error::file(path, format!("column {n}: {m}")))? {
            UnitAttr::None => {}
            UnitAttr::Fixed(u) => {
                units.insert(n.clone(), u);
            }
            UnitAttr::OnHeap => on_heap = true,
        }
    }
    if on_heap {
        let heap_units = match helper_program() {
            Some(exe) => units_in_child(&exe, path, &group.name())?,
            None => heap_units(path, &group.name())?,
        };
        for (k, v) in heap_units {
            units.entry(k).or_insert(v);
        }
    }
    Ok(units)
}

/// The variable-length `unit` attributes of every dataset of `group`, read in place
/// (the child's side of [`column_units`]).
pub fn heap_units(path: &Path, group: &str) -> Result<BTreeMap<String, String>> {
    let err = |e: hdf5::Error| Error::file(path, format!("HDF5: {e}"));
    let file = hdf5::File::open(path).map_err(err)?;
    let g = file.group(group).map_err(err)?;
    let mut units = BTreeMap::new();
    for ds in g.datasets().map_err(err)? {
        let Ok(a) = ds.attr("unit") else { continue };
        let text = match a.dtype().and_then(|t| t.to_descriptor()) {
            Ok(TypeDescriptor::VarLenUnicode) => a
                .read_scalar::<VarLenUnicode>()
                .map(|s| s.as_str().to_string()),
            Ok(TypeDescriptor::VarLenAscii) => a
                .read_scalar::<VarLenAscii>()
                .map(|s| s.as_str().to_string()),
            _ => continue,
        };
        let name = ds.name().rsplit('/').next().unwrap_or_default().to_string();
        units.insert(name, text.map_err(err)?);
    }
    Ok(units)
}

/// The clusterviz program: this process when it is clusterviz, else the one a test or
/// benchmark binary of this crate was built beside (target/<profile>/clusterviz).
fn helper_program() -> Option<PathBuf> {
    let exe = std::env::current_exe().ok()?;
    let named = |p: &Path| p.file_stem().is_some_and(|s| s == "clusterviz");
    if named(&exe) {
        return Some(exe);
    }
    let sibling = exe.parent()?.parent()?.join("clusterviz");
    (sibling.is_file() && named(&sibling)).then_some(sibling)
}

fn units_in_child(exe: &Path, path: &Path, group: &str) -> Result<BTreeMap<String, String>> {
    let mut child = std::process::Command::new(exe)
        .arg("hdf5-attributes")
        .arg(path)
        .arg(group)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .map_err(|e| {
            Error::file(
                path,
                format!("cannot start a reader of its attributes: {e}"),
            )
        })?;
    let t0 = Instant::now();
    loop {
        match child.try_wait() {
            Ok(Some(_)) => break,
            Ok(None) if t0.elapsed() > CHILD_TIMEOUT => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(Error::file(
                    path,
                    format!(
                        "damaged HDF5 file: the HDF5 library did not finish reading its unit attributes in {} s",
                        CHILD_TIMEOUT.as_secs()
                    ),
                ));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(2)),
            Err(e) => return Err(Error::file(path, format!("attribute reader: {e}"))),
        }
    }
    let out = child
        .wait_with_output()
        .map_err(|e| Error::file(path, format!("attribute reader: {e}")))?;
    if !out.status.success() {
        use std::os::unix::process::ExitStatusExt;
        if let Some(sig) = out.status.signal() {
            return Err(Error::file(
                path,
                format!(
                    "damaged HDF5 file: the HDF5 library crashed (signal {sig}) reading its unit attributes"
                ),
            ));
        }
        // The child's own message already names the file.
        let msg = String::from_utf8_lossy(&out.stderr);
        let msg = msg.trim().trim_start_matches("clusterviz: ");
        return Err(Error::user(msg.to_string()));
    }
    serde_json::from_slice(&out.stdout)
        .map_err(|e| Error::file(path, format!("attribute reader answered nonsense: {e}")))
}
