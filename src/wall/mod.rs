//! Display walls: one view spread over a grid of screens. The wall's virtual canvas spans
//! every display and the bezels between them, so the sky runs on behind a bezel as it
//! would behind a window frame; each display renders its own sub-rectangle of the one view
//! (the same pixels as that part of the whole canvas).
//!
//! Uses only `view` (and the shared error type); the windows live in the viewer.

pub mod layout;
#[cfg(feature = "mpi")]
pub mod mpi;
pub mod sync;

pub use layout::{Display, WallLayout, bounding_rect};
pub use sync::{Solo, WallSync};
