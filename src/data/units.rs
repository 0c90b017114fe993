//! Units of coordinate columns, as files write them (FITS TUNIT, VOTable unit, HDF5
//! `unit` attributes): the factor that turns a value into degrees, or a message saying
//! why the unit is not an angle we can use.

/// Which coordinate a column holds: hours are an RA unit only.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Axis {
    Longitude,
    Latitude,
}

/// Degrees per unit of `unit` for a coordinate on `axis`; an empty unit means degrees.
pub fn degrees_per_unit(unit: &str, axis: Axis) -> Result<f64, String> {
    let u = unit.trim().trim_matches('\'').trim().to_ascii_lowercase();
    // "deg (J2000)" and similar annotations after the unit are common in VizieR tables.
    let word = u.split([' ', '(', '[']).next().unwrap_or("");
    let factor = match word {
        "" | "deg" | "degree" | "degrees" | "degr" => 1.0,
        "rad" | "radian" | "radians" => 180.0 / std::f64::consts::PI,
        "arcmin" | "arcmins" | "'" => 1.0 / 60.0,
        "arcsec" | "arcsecs" | "\"" => 1.0 / 3600.0,
        "mas" => 1.0 / 3.6e6,
        "h" | "hr" | "hour" | "hours" | "hourangle" | "hour_angle" if axis == Axis::Longitude => {
            15.0
        }
        "h" | "hr" | "hour" | "hours" | "hourangle" | "hour_angle" => {
            return Err(format!(
                "unit '{unit}' is an hour angle, which a declination or latitude cannot be"
            ));
        }
        _ => {
            return Err(format!(
                "unit '{unit}' is not an angle; coordinates are read in deg, rad, h (RA), arcmin, arcsec or mas"
            ));
        }
    };
    Ok(factor)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn angles_and_refusals() {
        let lon = Axis::Longitude;
        assert_eq!(degrees_per_unit("", lon), Ok(1.0));
        assert_eq!(degrees_per_unit("DEG", lon), Ok(1.0));
        assert_eq!(degrees_per_unit("deg (J2000)", lon), Ok(1.0));
        assert!((degrees_per_unit("rad", lon).unwrap() - 57.29577951308232).abs() < 1e-12);
        assert_eq!(degrees_per_unit("h", lon), Ok(15.0));
        assert_eq!(degrees_per_unit("hourangle", lon), Ok(15.0));
        assert_eq!(degrees_per_unit("arcsec", lon), Ok(1.0 / 3600.0));
        assert!(
            degrees_per_unit("h", Axis::Latitude)
                .unwrap_err()
                .contains("hour angle")
        );
        assert!(
            degrees_per_unit("m", lon)
                .unwrap_err()
                .contains("'m' is not an angle")
        );
    }
}
