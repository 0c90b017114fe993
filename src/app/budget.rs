//! The marker budget of interactive frames, adapted to the measured frame time: a CPU
//! rasteriser settles on thousands to tens of thousands of markers, a real GPU on
//! millions, with no number hard-coded for either beyond the starting point and the
//! ceiling.
//!
//! Frames are split into a fixed part (map, grid, outlines) and a cost per marker, fitted
//! over recent frames. Markers get the time the fixed part leaves to the target, and at
//! least a share of the fixed part: where the fixed part alone misses the target (a
//! full-HD sky on a software rasteriser), dropping markers would not make frames fast,
//! only the picture empty.

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
    costs: FrameCosts,
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
            costs: FrameCosts::default(),
        }
    }

    pub fn budget(&self) -> usize {
        self.budget
    }

    pub fn target(&self) -> Duration {
        self.target
    }

    /// Folds in one frame: it took `frame` and drew `drawn` markers. Once frames have
    /// told the cost of a marker, the budget moves (by at most half or half again a
    /// frame) towards what the time allowed to markers buys; before, too slow shrinks it
    /// in proportion. Growing needs frames the budget held back (a sparse view says
    /// little about the cost of more markers).
    pub fn observe(&mut self, frame: Duration, drawn: usize) {
        let t = frame.as_secs_f64();
        self.costs.add(drawn as f64, t);
        let goal = match self.costs.split() {
            Some((fixed, per_marker)) => {
                let target = self.target.as_secs_f64();
                let allowed = (target - fixed).max(MARKER_SHARE * fixed);
                allowed / per_marker
            }
            None => {
                let ratio = self.target.as_secs_f64() / t.max(1e-6);
                if (0.9..=1.4).contains(&ratio) {
                    return;
                }
                self.budget as f64 * ratio
            }
        };
        let step = goal / self.budget as f64;
        let binding = drawn as f64 >= 0.8 * self.budget as f64;
        let next = if step < 0.9 {
            self.budget as f64 * step.max(0.5)
        } else if step > 1.1 && binding {
            self.budget as f64 * step.min(1.5)
        } else {
            return;
        };
        self.budget = (next as usize).clamp(self.min, self.max);
    }
}

/// A frame's time as fixed + markers × per-marker cost, by least squares over recent
/// frames (weights fading by [`FrameCosts::FADE`] a frame).
#[derive(Clone, Debug, Default)]
struct FrameCosts {
    w: f64,
    n: f64,
    t: f64,
    nn: f64,
    nt: f64,
    /// The last cost per marker frames could tell (they cannot while every frame draws
    /// the same number; the fixed part is then still followed).
    per_marker: Option<f64>,
}

impl FrameCosts {
    const FADE: f64 = 0.95;

    fn add(&mut self, n: f64, t: f64) {
        let f = Self::FADE;
        self.w = self.w * f + 1.0;
        self.n = self.n * f + n;
        self.t = self.t * f + t;
        self.nn = self.nn * f + n * n;
        self.nt = self.nt * f + n * t;
        let (mean_n, mean_t) = (self.n / self.w, self.t / self.w);
        let var = self.nn / self.w - mean_n * mean_n;
        // Enough spread in markers drawn (a tenth of their mean) to tell their cost.
        if self.w > 3.0 && var > (0.1 * mean_n).powi(2) {
            let slope = (self.nt / self.w - mean_n * mean_t) / var;
            // Noise can tip a tiny cost below zero: keep what was known then.
            if slope > 0.0 {
                self.per_marker = Some(slope);
            }
        }
    }

    /// (fixed seconds, seconds per marker), once known.
    fn split(&self) -> Option<(f64, f64)> {
        let k = self.per_marker?;
        let fixed = (self.t - k * self.n) / self.w;
        Some((fixed.max(0.0), k))
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
        // get about a quarter of that, 10k at 2 µs, instead of falling to the floor.
        let b = settle(2.0, 80.0);
        assert!((8_000..=12_500).contains(&b), "{b} markers");
        // The same with ±10% noise on every frame, over a long session: still there.
        for frames in [60, 200, 1000] {
            let b = settle_noisy(2.0, 80.0, 0.1, frames);
            assert!(
                (6_000..=15_000).contains(&b),
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
        // Markers so dear (50 µs each) that even the floor misses the target.
        for _ in 0..20 {
            let drawn = b.budget();
            b.observe(Duration::from_micros(1_000 + 50 * drawn as u64), drawn);
        }
        assert_eq!(b.budget(), 1_000);
    }
}
