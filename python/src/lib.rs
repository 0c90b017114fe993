//! `clusterviz._native`: the Rust side of the Python package. The renderer is the
//! clusterviz library itself; this crate only turns Python objects into its inputs
//! (arrays read in place, keyword arguments as `render`'s flags) and its errors and
//! messages into Python's. The friendly API is Python (`python/clusterviz/`).

mod arrays;
mod errors;
mod figure;
mod gpu;
mod messages;
mod viewer;
mod window;

use pyo3::prelude::*;

#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(figure::render, m)?)?;
    m.add_function(wrap_pyfunction!(figure::render_flags, m)?)?;
    m.add_function(wrap_pyfunction!(figure::decode_png, m)?)?;
    m.add_function(wrap_pyfunction!(figure::gpu_info, m)?)?;
    m.add_class::<viewer::Session>()?;
    m.add_function(wrap_pyfunction!(window::view, m)?)?;
    m.add_function(wrap_pyfunction!(arrays::column_addresses, m)?)?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
