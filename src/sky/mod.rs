//! Sky geometry without a GPU: directions, reference frames, projections, great circles.
//!
//! Conventions, shared with `shaders/sky.wgsl`:
//! - a direction is a unit vector in ICRS: x towards (RA 0, Dec 0), z towards the north pole;
//! - the *view frame* puts the view centre on +x, local east on +y and local north on +z;
//! - projections map view-frame directions to plane coordinates (u, v) in radians
//!   (WCSLIB's intermediate world coordinates divided by 180/π): u grows to the east, v to
//!   the north. The screen shows east on the left, as on the sky.
//!
//! The bottom of the core: it uses no other module of the crate.

pub mod coverage;
pub mod direction;
pub mod frame;
pub mod great_circle;
pub mod projection;

pub use direction::{angular_distance_deg, lonlat_deg, unit_vector};
pub use frame::Frame;
pub use projection::Projection;
