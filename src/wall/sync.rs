//! How the processes of a wall agree on each frame: rank 0 owns the camera and sends its
//! state to everyone; every process draws its displays; all wait for each other before
//! showing the frame, and a process that does not arrive in time ends the session.

use std::time::Duration;

/// A wall's processes: one (`Solo`), or MPI ranks (`--features mpi`).
pub trait WallSync {
    fn rank(&self) -> usize;
    fn size(&self) -> usize;
    /// Rank 0's `message` (the frame's camera and state) to every rank: the others' is
    /// replaced by it.
    fn broadcast(&self, message: &mut Vec<u8>);
    /// Returns once every rank has drawn `frame`; a rank still missing after `timeout`
    /// ends the whole session with a message (it does not return then).
    fn barrier(&self, frame: u64, timeout: Duration);
    /// Ends every rank's process at once with exit `code` (a rank that fails must not
    /// leave the others waiting). Nothing to do alone.
    fn abort(&self, _code: i32) {}
}

/// A rank of a wall of several processes that failed: says so, then ends every rank
/// (otherwise the others would wait at the next frame, and this one in MPI's shutdown).
pub fn end_on_error(sync: &dyn WallSync, e: &dyn std::fmt::Display) {
    if sync.size() > 1 {
        report!("clusterviz wall: rank {}: {e}", sync.rank());
        sync.abort(2);
    }
}

/// A wall driven by this process alone.
pub struct Solo;

impl WallSync for Solo {
    fn rank(&self) -> usize {
        0
    }

    fn size(&self) -> usize {
        1
    }

    fn broadcast(&self, _: &mut Vec<u8>) {}

    fn barrier(&self, _: u64, _: Duration) {}
}

/// Whether this rank should hang (CLUSTERVIZ_WALL_HANG_RANK, for testing how a session
/// ends when a process stops answering).
pub fn test_hang(rank: usize) -> bool {
    std::env::var("CLUSTERVIZ_WALL_HANG_RANK")
        .ok()
        .and_then(|r| r.parse::<usize>().ok())
        == Some(rank)
}
