//! SAMP (IVOA Simple Application Messaging Protocol 1.3, standard profile): how clusterviz
//! takes part in the astronomer's desktop beside TOPCAT, Aladin and DS9. The hub is found
//! through `SAMP_HUB` or `~/.samp` ([`lockfile`]); calls go both ways as XML-RPC over HTTP
//! ([`xmlrpc`], [`http`]); [`client`] registers, declares metadata and subscriptions,
//! receives messages on its own callback server, replies, and unregisters.
//!
//! Uses only the shared XML helper; knows nothing of catalogs, views or front ends.

pub mod client;
pub mod http;
pub mod lockfile;
pub mod xmlrpc;

pub use client::{Incoming, SampClient};
pub use xmlrpc::Value;

/// Joins, as clusterviz, the hub of `lockfile`, or the one the environment names
/// (`SAMP_HUB`, else `~/.samp`).
pub fn connect(lockfile: Option<&std::path::Path>, mtypes: &[&str]) -> Result<SampClient, String> {
    let path = match lockfile {
        Some(p) => p.to_path_buf(),
        None => lockfile::lockfile_path()?,
    };
    let hub = lockfile::read_lockfile(&path)?;
    SampClient::connect(
        hub,
        "clusterviz",
        "GPU viewer of galaxy-cluster survey catalogs, tiles and HEALPix maps",
        mtypes,
    )
}
