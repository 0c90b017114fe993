//! Where grid lines and colour-bar ticks go, and how their labels read: steps that fall on
//! round values (1-2-5 for numbers; arcseconds, arcminutes, degrees or hours for angles)
//! and labels in decimal degrees or sexagesimal.

pub use crate::view::style::AngleFormat;

const DEG_STEPS: &[f64] = &[
    0.0001, 0.0002, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.25, 0.5, 1.0, 2.0,
    5.0, 10.0, 15.0, 20.0, 30.0, 45.0, 60.0, 90.0,
];
/// Arc steps in arcseconds for sexagesimal latitudes (and Galactic longitudes).
const ARC_STEPS: &[f64] = &[
    1.0, 2.0, 5.0, 10.0, 15.0, 30.0, 60.0, 120.0, 300.0, 600.0, 900.0, 1200.0, 1800.0, 3600.0,
    7200.0, 18000.0, 36000.0, 54000.0, 72000.0, 108000.0, 162000.0, 216000.0, 324000.0,
];
/// Time steps in seconds of time for right ascension in hours.
const TIME_STEPS: &[f64] = &[
    1.0, 2.0, 5.0, 10.0, 15.0, 30.0, 60.0, 120.0, 300.0, 600.0, 900.0, 1200.0, 1800.0, 3600.0,
    7200.0, 10800.0, 14400.0, 21600.0,
];

/// How one coordinate of a grid is stepped and labelled.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct AngleAxis {
    pub format: AngleFormat,
    /// Right ascension in sexagesimal is counted in hours.
    pub hours: bool,
    pub is_latitude: bool,
}

impl AngleAxis {
    /// The smallest round step (degrees) at least `min_step_deg`.
    pub fn step_at_least(&self, min_step_deg: f64) -> f64 {
        let (table, unit_deg) = match (self.format, self.hours) {
            (AngleFormat::Deg, _) => (DEG_STEPS, 1.0),
            (AngleFormat::Hms, true) => (TIME_STEPS, 15.0 / 3600.0),
            (AngleFormat::Hms, false) => (ARC_STEPS, 1.0 / 3600.0),
        };
        table
            .iter()
            .map(|s| s * unit_deg)
            .find(|&s| s >= min_step_deg * (1.0 - 1e-9))
            .unwrap_or(table[table.len() - 1] * unit_deg)
    }

    /// The label of a grid value that is a multiple of `step_deg`.
    pub fn label(&self, value_deg: f64, step_deg: f64) -> String {
        match self.format {
            AngleFormat::Deg => {
                let v = if self.is_latitude {
                    value_deg
                } else {
                    value_deg.rem_euclid(360.0)
                };
                let decimals = decimals_for(step_deg);
                let v = round_to(v, decimals);
                // 360° wraps to 0° once rounded.
                let v = if !self.is_latitude && v >= 360.0 {
                    0.0
                } else {
                    v
                };
                format!("{}°", signed(&format!("{:.*}", decimals, v.abs()), v))
            }
            AngleFormat::Hms if self.hours => {
                let total = (value_deg.rem_euclid(360.0) / 15.0 * 3600.0).round() as i64 % 86400;
                let (h, m, s) = (total / 3600, total / 60 % 60, total % 60);
                let step_s = (step_deg / 15.0 * 3600.0).round() as i64;
                if step_s % 3600 == 0 {
                    format!("{h}h")
                } else if step_s % 60 == 0 {
                    format!("{h}h{m:02}m")
                } else {
                    format!("{h}h{m:02}m{s:02}s")
                }
            }
            AngleFormat::Hms => {
                let v = if self.is_latitude {
                    value_deg
                } else {
                    value_deg.rem_euclid(360.0)
                };
                let total = (v.abs() * 3600.0).round() as i64;
                let total = if self.is_latitude {
                    total
                } else {
                    total % (360 * 3600)
                };
                let (d, m, s) = (total / 3600, total / 60 % 60, total % 60);
                let step_s = (step_deg * 3600.0).round() as i64;
                let text = if step_s % 3600 == 0 {
                    format!("{d}°")
                } else if step_s % 60 == 0 {
                    format!("{d}°{m:02}′")
                } else {
                    format!("{d}°{m:02}′{s:02}″")
                };
                signed(&text, if total == 0 { 0.0 } else { v })
            }
        }
    }
}

/// `text` with a typographic minus when `v` is negative.
fn signed(text: &str, v: f64) -> String {
    if v < 0.0 && text.chars().any(|c| c.is_ascii_digit() && c != '0') {
        format!("−{text}")
    } else {
        text.to_string()
    }
}

fn round_to(v: f64, decimals: usize) -> f64 {
    let f = 10f64.powi(decimals as i32);
    (v * f).round() / f
}

/// Decimals needed to write multiples of `step` exactly (0.25 → 2, 5 → 0).
pub fn decimals_for(step: f64) -> usize {
    (0..8)
        .find(|&d| {
            let f = 10f64.powi(d);
            ((step * f).round() - step * f).abs() < 1e-6 * (step * f).max(1.0)
        })
        .unwrap_or(8) as usize
}

/// Round values in [lo, hi] about `target` apart or more (1-2-5 steps), for colour bars.
pub fn nice_ticks(lo: f64, hi: f64, target: usize) -> (Vec<f64>, f64) {
    let span = (hi - lo).abs();
    if span.is_nan() || span <= 0.0 || !span.is_finite() {
        return (vec![lo], 1.0);
    }
    let raw = span / target.max(1) as f64;
    let mag = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 2.5, 5.0, 10.0]
        .iter()
        .map(|m| m * mag)
        .find(|&s| s >= raw * (1.0 - 1e-9))
        .unwrap_or(10.0 * mag);
    let (a, b) = (lo.min(hi), lo.max(hi));
    let first = (a / step - 1e-9).ceil() as i64;
    let last = (b / step + 1e-9).floor() as i64;
    ((first..=last).map(|k| k as f64 * step).collect(), step)
}

/// A colour-bar value written with the decimals its step needs.
pub fn number_label(v: f64, step: f64) -> String {
    fixed_label(v, decimals_for(step))
}

/// A value with `decimals` decimals and a typographic minus.
pub fn fixed_label(v: f64, decimals: usize) -> String {
    let v = round_to(v, decimals);
    signed(&format!("{:.*}", decimals, v.abs()), v)
}

#[cfg(test)]
mod tests {
    use super::*;

    const RA_HMS: AngleAxis = AngleAxis {
        format: AngleFormat::Hms,
        hours: true,
        is_latitude: false,
    };
    const DEC_HMS: AngleAxis = AngleAxis {
        format: AngleFormat::Hms,
        hours: false,
        is_latitude: true,
    };
    const RA_DEG: AngleAxis = AngleAxis {
        format: AngleFormat::Deg,
        hours: false,
        is_latitude: false,
    };
    const DEC_DEG: AngleAxis = AngleAxis {
        format: AngleFormat::Deg,
        hours: false,
        is_latitude: true,
    };

    #[test]
    fn steps_are_round_in_each_unit() {
        assert_eq!(RA_DEG.step_at_least(1.7), 2.0);
        assert_eq!(RA_DEG.step_at_least(0.22), 0.25);
        assert_eq!(RA_DEG.step_at_least(0.0021), 0.005);
        // 2.1° of RA: 10 minutes of time is 2.5°.
        assert!((RA_HMS.step_at_least(2.1) - 2.5).abs() < 1e-12);
        // 0.3° of Dec: 20 arcminutes.
        assert!((DEC_HMS.step_at_least(0.3) - 20.0 / 60.0).abs() < 1e-12);
    }

    #[test]
    fn labels_read_as_astronomers_write_them() {
        assert_eq!(RA_DEG.label(-10.0, 5.0), "350°");
        assert_eq!(RA_DEG.label(359.9999999, 0.5), "0.0°");
        assert_eq!(DEC_DEG.label(-30.25, 0.25), "−30.25°");
        assert_eq!(DEC_DEG.label(0.0, 1.0), "0°");
        assert_eq!(DEC_DEG.label(-0.0000001, 0.1), "0.0°");
        assert_eq!(RA_HMS.label(355.0, 2.5), "23h40m");
        assert_eq!(RA_HMS.label(30.0, 15.0), "2h");
        assert_eq!(
            RA_HMS.label(150.0 + 15.0 / 3600.0 * 5.0, 15.0 / 3600.0 * 5.0),
            "10h00m05s"
        );
        assert_eq!(DEC_HMS.label(-30.25, 0.25), "−30°15′");
        assert_eq!(DEC_HMS.label(-30.0, 1.0), "−30°");
        assert_eq!(
            DEC_HMS.label(2.0 + 12.0 / 60.0 + 36.0 / 3600.0, 1.0 / 3600.0),
            "2°12′36″"
        );
    }

    #[test]
    fn colour_bar_ticks_cover_the_range_on_round_values() {
        let (t, step) = nice_ticks(0.0, 2.0, 5);
        assert_eq!(step, 0.5);
        assert_eq!(t, vec![0.0, 0.5, 1.0, 1.5, 2.0]);
        let (t, _) = nice_ticks(3.0, 30.0, 6);
        assert_eq!(t, vec![5.0, 10.0, 15.0, 20.0, 25.0, 30.0]);
        assert_eq!(number_label(0.5, 0.5), "0.5");
        assert_eq!(number_label(-0.25, 0.25), "−0.25");
        assert_eq!(number_label(10.0, 5.0), "10");
    }
}
