//! The marker budget of interactive frames, adapted to the measured frame time: a CPU
//! rasteriser settles on thousands to tens of thousands of markers, a real GPU on
//! millions, with no number hard-coded for either beyond the starting point and the
//! ceiling.
//!
//! Too slow shrinks the budget in proportion, fast frames grow it. Where even the fewest
//! markers miss the target (a full-HD sky on a software rasteriser: map, grid and
//! outlines alone take longer), those frames measure the fixed part, and markers may then
//! add a share of it: dropping them would not make frames fast, only the picture empty.

use std::time::Duration;

/// The fewest markers a crowded layer draws while the view moves (the density map
/// shows the rest).
pub const MIN_MARKERS: usize = 500;

/// Markers may always cost this share of the frame's fixed part.
const MARKER_SHARE: f64 = 0.25;

#[derive(Clone, Debug)]
pub struct AdaptiveBudget {
    budget: usize,
    min: usize,
    max: usize,
    target: Duration,
    /// The frame time without markers to speak of, measured at the floor (a running
    /// mean), when frames there missed the target.
    fixed: Option<f64>,
}

impl AdaptiveBudget {
    /// Starts at `start` markers, never below `min` nor above `max`, aiming for frames
    /// of `target`.
    pub fn new(start: usize, min: usize, max: usize, target: Duration) -> Self {
        AdaptiveBudget {
            budget: start.clamp(min, max),
            min,
            max,
            target,
            fixed: None,
        }
    }

    pub fn budget(&self) -> usize {
        self.budget
    }

    pub fn target(&self) -> Duration {
        self.target
    }

    /// The frame time aimed at: the target, or the fixed part and its share for
    /// markers when the fixed part alone is over it.
    fn aim(&self) -> f64 {
        let target = self.target.as_secs_f64();
        self.fixed
            .map_or(target, |f| target.max(f * (1.0 + MARKER_SHARE)))
    }

    /// Folds in one frame: it took `frame` and drew `drawn` markers. Too slow shrinks
    /// the budget in proportion; fast frames grow it, but only when the budget is what
    /// held the frame back (a sparse view says nothing about the cost of more markers).
    pub fn observe(&mut self, frame: Duration, drawn: usize) {
        // A frame without markers (data still loading) says nothing about them.
        if drawn == 0 {
            return;
        }
        let t = frame.as_secs_f64();
        let target = self.target.as_secs_f64();
        if self.budget <= self.min && drawn <= 2 * self.min {
            // At the floor the frame is (nearly) all fixed part.
            self.fixed = match self.fixed {
                _ if t <= target => None,
                None => Some(t),
                Some(f) => Some(0.8 * f + 0.2 * t),
            };
        } else if let Some(f) = self.fixed
            && t < f
        {
            // A frame with more markers that is faster shows the fixed part smaller than
            // measured (the first frames at the floor may still have been warming up).
            self.fixed = Some(0.8 * f + 0.2 * t);
        }
        let ratio = self.aim() / t.max(1e-6);
        let next = if ratio < 0.9 {
            self.budget as f64 * ratio.max(0.5)
        } else if ratio > 1.1 && drawn as f64 >= 0.8 * self.budget as f64 {
            self.budget as f64 * ratio.min(1.5)
        } else {
            return;
        };
        self.budget = (next as usize).clamp(self.min, self.max);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A simulated renderer whose frames cost a fixed part plus a cost per marker, with
    /// a relative noise of up to `noise` (deterministic): the budget after `frames`.
    fn settle_noisy(cost_per_marker_us: f64, fixed_ms: f64, noise: f64, frames: usize) -> usize {
        let mut b = AdaptiveBudget::new(20_000, 500, 5_000_000, Duration::from_millis(33));
        let mut seed = 12345u64;
        for _ in 0..frames {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let jitter = 1.0 + noise * ((seed >> 33) as f64 / (1u64 << 31) as f64 * 2.0 - 1.0);
            let drawn = b.budget();
            let t = (fixed_ms * 1e-3 + drawn as f64 * cost_per_marker_us * 1e-6) * jitter;
            b.observe(Duration::from_secs_f64(t), drawn);
        }
        b.budget()
    }

    fn settle(cost_per_marker_us: f64, fixed_ms: f64) -> usize {
        settle_noisy(cost_per_marker_us, fixed_ms, 0.0, 60)
    }

    #[test]
    fn settles_where_frames_meet_the_target() {
        // Software rasteriser: 2 µs a marker, 8 ms of fixed cost -> ~12k markers.
        let soft = settle(2.0, 8.0);
        let t = 8.0 + soft as f64 * 2e-3;
        assert!((20.0..=37.0).contains(&t), "{soft} markers take {t} ms");
        // A GPU at 5 ns a marker reaches the ceiling.
        assert_eq!(settle(0.005, 2.0), 5_000_000);
    }

    #[test]
    fn a_fixed_part_over_the_target_leaves_markers_their_share() {
        // 80 ms of map and grid alone (a full-HD sky on a software rasteriser): markers
        // get up to a quarter of that, 10k at 2 µs (within the ±10% that frames may
        // stray from the aim unanswered: 6-15k), instead of falling to the floor.
        let b = settle(2.0, 80.0);
        assert!((6_000..=15_000).contains(&b), "{b} markers");
        // The same with ±10% noise on every frame, over a long session: still there.
        for frames in [60, 200, 1000] {
            let b = settle_noisy(2.0, 80.0, 0.1, frames);
            assert!(
                (5_000..=15_000).contains(&b),
                "{b} markers after {frames} frames"
            );
        }
        // And below the target the noisy budget still meets it.
        let soft = settle_noisy(2.0, 8.0, 0.1, 300);
        let t = 8.0 + soft as f64 * 2e-3;
        assert!((18.0..=40.0).contains(&t), "{soft} markers take {t} ms");
    }

    #[test]
    fn sparse_views_do_not_inflate_the_budget() {
        let mut b = AdaptiveBudget::new(20_000, 1_000, 5_000_000, Duration::from_millis(33));
        for _ in 0..20 {
            b.observe(Duration::from_millis(5), 300);
        }
        assert_eq!(b.budget(), 20_000);
    }

    #[test]
    fn slow_frames_shrink_it_but_not_below_the_floor() {
        let mut b = AdaptiveBudget::new(20_000, 1_000, 5_000_000, Duration::from_millis(33));
        // Markers so dear (50 µs each) that even the floor misses the target: the floor's
        // frames count as the fixed part, and the budget stays within its share of them.
        for _ in 0..40 {
            let drawn = b.budget();
            b.observe(Duration::from_micros(1_000 + 50 * drawn as u64), drawn);
        }
        assert!((1_000..=1_250).contains(&b.budget()), "{}", b.budget());
    }
}
