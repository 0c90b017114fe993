//! The valid values of view and style settings, checked in one place for every front
//! end: the command line's flags, figure and wall files (parsed through the same flags),
//! the viewer and the Python package. A value out of range is refused with a message
//! naming the setting, never drawn as something else (a NaN rotation as a blank figure,
//! an opacity of 5 as 1).

/// A number that must be finite.
pub fn finite(what: &str, x: f64) -> Result<f64, String> {
    if x.is_finite() {
        Ok(x)
    } else {
        Err(format!("{what} must be a finite number, got {x}"))
    }
}

/// A finite number within `[lo, hi]`.
pub fn within(what: &str, x: f64, lo: f64, hi: f64) -> Result<f64, String> {
    if x.is_finite() && (lo..=hi).contains(&x) {
        Ok(x)
    } else {
        Err(format!("{what} must be between {lo} and {hi}, got {x}"))
    }
}

/// A finite number above zero (at most `hi`).
pub fn positive(what: &str, x: f64, hi: f64) -> Result<f64, String> {
    if x.is_finite() && x > 0.0 && x <= hi {
        Ok(x)
    } else {
        Err(format!("{what} must be above 0 and at most {hi}, got {x}"))
    }
}

/// Parses `s` as a number and checks it with `check`: the form every numeric flag takes.
pub fn parse_with(
    s: &str,
    what: &str,
    check: impl Fn(&str, f64) -> Result<f64, String>,
) -> Result<f64, String> {
    let x: f64 = s
        .trim()
        .parse()
        .map_err(|_| format!("{what} must be a number, got '{s}'"))?;
    check(what, x)
}

/// Two ends of a filter, each optional: they must not cross.
pub fn ordered(
    lo_what: &str,
    lo: Option<f64>,
    hi_what: &str,
    hi: Option<f64>,
) -> Result<(), String> {
    match (lo, hi) {
        (Some(a), Some(b)) if a > b => Err(format!(
            "{lo_what} {a} is above {hi_what} {b}: nothing would be kept"
        )),
        _ => Ok(()),
    }
}

/// The range of a mask's opacity.
pub fn opacity(x: f64) -> Result<f64, String> {
    within("the mask opacity", x, 0.0, 1.0)
}

/// A proximity radius in arcminutes: above 0, at most half the sky.
pub fn proximity_arcmin(x: f64) -> Result<f64, String> {
    positive("the proximity radius (arcmin)", x, 180.0 * 60.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_what_means_nothing() {
        assert!(
            finite("rotation", f64::NAN)
                .unwrap_err()
                .contains("rotation")
        );
        assert!(finite("rotation", f64::INFINITY).is_err());
        assert_eq!(finite("rotation", -30.0), Ok(-30.0));
        assert!(opacity(5.0).is_err());
        assert!(opacity(-1.0).is_err());
        assert_eq!(opacity(0.5), Ok(0.5));
        assert!(proximity_arcmin(-1.0).is_err());
        assert!(proximity_arcmin(0.0).is_err());
        assert!(ordered("--snr-min", Some(10.0), "--snr-max", Some(5.0)).is_err());
        assert!(ordered("--z-min", Some(0.1), "--z-max", None).is_ok());
        assert!(parse_with("nan", "--z-min", finite).is_err());
        assert!(
            parse_with("x", "--z-min", finite)
                .unwrap_err()
                .contains("number")
        );
    }
}
