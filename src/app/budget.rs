//! The marker budget of interactive frames, adapted to the measured frame time: a CPU
//! rasteriser settles on tens of thousands of markers, a real GPU on millions, with no
//! number hard-coded for either beyond the starting point and the ceiling.

use std::time::Duration;

/// The fewest markers a crowded layer draws while the view moves (the density map
/// shows the rest).
pub const MIN_MARKERS: usize = 500;

#[derive(Clone, Debug)]
pub struct AdaptiveBudget {
    budget: usize,
    min: usize,
    max: usize,
    target: Duration,
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
        }
    }

    pub fn budget(&self) -> usize {
        self.budget
    }

    pub fn target(&self) -> Duration {
        self.target
    }

    /// Folds in one frame: it took `frame` and drew `drawn` markers. Too slow shrinks
    /// the budget in proportion; fast frames grow it, but only when the budget is what
    /// held the frame back (a sparse view says nothing about the cost of more markers).
    pub fn observe(&mut self, frame: Duration, drawn: usize) {
        let ratio = self.target.as_secs_f64() / frame.as_secs_f64().max(1e-6);
        let next = if ratio < 0.9 {
            self.budget as f64 * ratio.max(0.5)
        } else if ratio > 1.4 && drawn as f64 >= 0.8 * self.budget as f64 {
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

    /// A simulated renderer whose frames cost a fixed part plus a cost per marker.
    fn settle(cost_per_marker_us: f64, fixed_ms: f64) -> usize {
        let mut b = AdaptiveBudget::new(20_000, 1_000, 5_000_000, Duration::from_millis(33));
        for _ in 0..60 {
            let drawn = b.budget();
            let t = fixed_ms * 1e-3 + drawn as f64 * cost_per_marker_us * 1e-6;
            b.observe(Duration::from_secs_f64(t), drawn);
        }
        b.budget()
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
        for _ in 0..20 {
            b.observe(Duration::from_secs(1), 20_000);
        }
        assert_eq!(b.budget(), 1_000);
    }
}
