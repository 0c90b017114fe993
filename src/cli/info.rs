//! `clusterviz info`: what GPU we would render with.

use crate::error::Result;
use crate::render::{BackendChoice, GpuContext};

pub fn run(backend: BackendChoice) -> Result<()> {
    let ctx = GpuContext::new(backend)?;
    println!("clusterviz {}", env!("CARGO_PKG_VERSION"));
    println!("{}", ctx.describe());
    Ok(())
}
