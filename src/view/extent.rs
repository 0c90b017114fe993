//! Marker sizes and line widths in screen pixels or as angles on the sky. An angle is
//! drawn at the pixels it spans at the view's centre: the same look on every screen of a
//! wall whatever its pixel density, growing as the view zooms in, like the sky itself.

use crate::view::View;

#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum Extent {
    Pixels(f32),
    Degrees(f64),
}

impl Extent {
    /// Its size in pixels of `view`; sizes in pixels are multiplied by `px_scale` (a
    /// figure's DPI factor).
    pub fn pixels(&self, view: &View, px_scale: f32) -> f32 {
        match *self {
            Extent::Pixels(p) => p * px_scale,
            Extent::Degrees(d) => (d / view.pixel_scale_deg()) as f32,
        }
    }
}

/// Reads "6", "6px", "30arcsec", "1.5arcmin" or "0.02deg".
pub fn parse_extent(s: &str) -> Result<Extent, String> {
    let t = s.trim();
    let units: [(&str, f64); 4] = [
        ("arcsec", 1.0 / 3600.0),
        ("arcmin", 1.0 / 60.0),
        ("deg", 1.0),
        ("px", 0.0),
    ];
    let (number, per_unit) = units
        .iter()
        .find_map(|(u, k)| t.strip_suffix(u).map(|n| (n.trim(), *k)))
        .unwrap_or((t, 0.0));
    let bad = || format!("'{s}': expected a size such as 6, 6px, 30arcsec, 1.5arcmin or 0.02deg");
    let v: f64 = number.parse().map_err(|_| bad())?;
    if !(v.is_finite() && v > 0.0) {
        return Err(bad());
    }
    if per_unit == 0.0 {
        if v > 1000.0 {
            return Err(format!("'{s}': at most 1000 pixels"));
        }
        Ok(Extent::Pixels(v as f32))
    } else {
        let deg = v * per_unit;
        if deg > 30.0 {
            return Err(format!("'{s}': at most 30 degrees"));
        }
        Ok(Extent::Degrees(deg))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sky::{Frame, Projection};

    #[test]
    fn sizes_read_in_pixels_or_angles() {
        assert_eq!(parse_extent("6"), Ok(Extent::Pixels(6.0)));
        assert_eq!(parse_extent("2.5px"), Ok(Extent::Pixels(2.5)));
        assert_eq!(parse_extent("36arcsec"), Ok(Extent::Degrees(0.01)));
        assert_eq!(parse_extent("1.5arcmin"), Ok(Extent::Degrees(0.025)));
        assert_eq!(parse_extent("0.02deg"), Ok(Extent::Degrees(0.02)));
        for bad in [
            "",
            "px",
            "-3",
            "0deg",
            "nan",
            "5 furlongs",
            "40deg",
            "2000px",
        ] {
            assert!(parse_extent(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn angles_span_the_same_sky_on_any_canvas() {
        let small = View::new(Projection::Tan, Frame::Icrs, (10.0, 5.0), 2.0, (400, 300));
        let big = small.on_canvas((1600, 1200));
        let e = Extent::Degrees(0.05);
        // 0.05 deg of a 2-degree field: 10 px of 400, 40 px of 1600.
        assert!((e.pixels(&small, 1.0) - 10.0).abs() < 0.01);
        assert!((e.pixels(&big, 1.0) - 40.0).abs() < 0.01);
        assert_eq!(Extent::Pixels(3.0).pixels(&big, 2.0), 6.0);
    }
}
