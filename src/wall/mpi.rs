//! The wall over MPI ranks (OpenMPI through rsmpi): broadcast of each frame's state, and a barrier
//! with a deadline so that a hung or lost rank ends the session instead of freezing it.

use std::time::{Duration, Instant};

use mpi::traits::*;

use crate::error::{Error, Result};
use crate::wall::sync::WallSync;

pub struct MpiSync {
    // Finalizes MPI when dropped.
    _universe: mpi::environment::Universe,
    world: mpi::topology::SimpleCommunicator,
}

impl MpiSync {
    pub fn start() -> Result<MpiSync> {
        let universe =
            mpi::initialize().ok_or_else(|| Error::user("MPI was initialized already"))?;
        let world = universe.world();
        Ok(MpiSync {
            _universe: universe,
            world,
        })
    }
}

impl WallSync for MpiSync {
    fn rank(&self) -> usize {
        self.world.rank() as usize
    }

    fn size(&self) -> usize {
        self.world.size() as usize
    }

    fn broadcast(&self, message: &mut Vec<u8>) {
        let root = self.world.process_at_rank(0);
        let mut len = message.len() as u64;
        root.broadcast_into(&mut len);
        message.resize(len as usize, 0);
        root.broadcast_into(&mut message[..]);
    }

    fn abort(&self, code: i32) {
        self.world.abort(code)
    }

    fn barrier(&self, frame: u64, timeout: Duration) {
        // Rank 0 reports a lost rank; the others give it time to, and end the session
        // themselves only if rank 0 is the one that stopped.
        let grace = if self.rank() == 0 {
            Duration::ZERO
        } else {
            timeout / 2 + Duration::from_secs(1)
        };
        let deadline = Instant::now() + timeout + grace;
        let mut request = self.world.immediate_barrier();
        loop {
            match request.test() {
                Ok(_) => return,
                Err(pending) => request = pending,
            }
            if Instant::now() > deadline {
                report!(
                    "clusterviz wall: rank {} waited {:.0} s for frame {frame} from the other \
                     ranks; one has hung or died: ending the wall session",
                    self.rank(),
                    (timeout + grace).as_secs_f64()
                );
                self.world.abort(3);
            }
            std::thread::sleep(Duration::from_millis(1));
        }
    }
}
