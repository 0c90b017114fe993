//! The viewer's "go to" box: RA/Dec in decimal degrees or sexagesimal, Galactic l/b, or
//! an object identifier.

use crate::sky::Frame;

#[derive(Clone, Debug, PartialEq)]
pub enum GotoTarget {
    /// Longitude and latitude in degrees in `frame`.
    Sky { frame: Frame, lon: f64, lat: f64 },
    /// Anything that is not a position: looked up in the catalogs' ID columns.
    Id(String),
}

/// Reads what an astronomer types:
/// - `150.12 2.21`, `150.12, +2.21` (ICRS degrees);
/// - `10:00:28.8 +02:12:36`, `10h00m28.8s +2d12m36s`, `10 00 28.8 +02 12 36` (RA in hours);
/// - `l=96.3 b=60.2`, `gal 96.3 60.2`, `G 96.3 60.2` (Galactic degrees);
/// - anything else is an object ID.
pub fn parse_goto(text: &str) -> Result<GotoTarget, String> {
    let t = text.trim();
    if t.is_empty() {
        return Err("type RA Dec, l b or an object ID".into());
    }
    let lower = t.to_ascii_lowercase();
    let galactic_prefix = ["gal ", "g ", "galactic "]
        .iter()
        .find_map(|p| lower.strip_prefix(p));
    if let Some(rest) = galactic_prefix {
        let [l, b] =
            decimal_pair(rest).ok_or_else(|| format!("'{t}': expected l and b in degrees"))?;
        return sky(Frame::Galactic, l, b, t);
    }
    if lower.starts_with("l=") || lower.starts_with("l =") {
        let cleaned = lower.replace("l", " ").replace("b", " ").replace('=', " ");
        let [l, b] =
            decimal_pair(&cleaned).ok_or_else(|| format!("'{t}': expected l=DEG b=DEG"))?;
        return sky(Frame::Galactic, l, b, t);
    }
    if let Some([ra, dec]) = decimal_pair(t) {
        return sky(Frame::Icrs, ra, dec, t);
    }
    if let Some((ra, dec)) = sexagesimal(t) {
        return sky(Frame::Icrs, ra, dec, t);
    }
    Ok(GotoTarget::Id(t.to_string()))
}

fn sky(frame: Frame, lon: f64, lat: f64, text: &str) -> Result<GotoTarget, String> {
    if !(-90.0..=90.0).contains(&lat) {
        return Err(format!("'{text}': latitude {lat} is outside [-90, 90]"));
    }
    Ok(GotoTarget::Sky {
        frame,
        lon: lon.rem_euclid(360.0),
        lat,
    })
}

/// Two decimal numbers separated by spaces and/or one comma.
fn decimal_pair(s: &str) -> Option<[f64; 2]> {
    let parts: Vec<&str> = s
        .split(|c: char| c == ',' || c.is_whitespace())
        .filter(|p| !p.is_empty())
        .collect();
    match parts.as_slice() {
        [a, b] => {
            let (a, b) = (a.parse::<f64>().ok()?, b.parse::<f64>().ok()?);
            (a.is_finite() && b.is_finite()).then_some([a, b])
        }
        _ => None,
    }
}

/// RA as hours:minutes:seconds and Dec as degrees:arcminutes:arcseconds, with ':', 'hms'
/// and 'dms' letters, or spaces as separators.
fn sexagesimal(s: &str) -> Option<(f64, f64)> {
    let cleaned: String = s
        .chars()
        .map(|c| match c {
            ':' | 'h' | 'm' | 's' | 'd' | '\'' | '"' | '°' | ',' => ' ',
            c => c,
        })
        .collect();
    let fields: Vec<&str> = cleaned.split_whitespace().collect();
    if fields.len() != 6 {
        return None;
    }
    let num = |i: usize| fields[i].parse::<f64>().ok().filter(|x| x.is_finite());
    let (h, m, sec) = (num(0)?, num(1)?, num(2)?);
    let (d, am, asec) = (num(3)?, num(4)?, num(5)?);
    if !(0.0..24.0).contains(&h) || !(0.0..60.0).contains(&m) || !(0.0..60.0).contains(&sec) {
        return None;
    }
    if !(0.0..60.0).contains(&am) || !(0.0..60.0).contains(&asec) {
        return None;
    }
    let ra = 15.0 * (h + m / 60.0 + sec / 3600.0);
    // The sign belongs to the whole Dec, including "-00 30 00".
    let negative = fields[3].starts_with('-');
    let dec_abs = d.abs() + am / 60.0 + asec / 3600.0;
    Some((ra, if negative { -dec_abs } else { dec_abs }))
}

/// RA in degrees as `hh:mm:ss.ss`.
pub fn format_ra_hms(ra_deg: f64) -> String {
    let total = (ra_deg.rem_euclid(360.0) / 15.0 * 3600.0 * 100.0).round() as i64;
    let total = total % (24 * 3600 * 100);
    let (h, rest) = (total / 360_000, total % 360_000);
    let (m, cs) = (rest / 6000, rest % 6000);
    format!("{h:02}:{m:02}:{:05.2}", cs as f64 / 100.0)
}

/// Dec in degrees as `±dd:mm:ss.s`.
pub fn format_dec_dms(dec_deg: f64) -> String {
    let sign = if dec_deg < 0.0 { '-' } else { '+' };
    let total = (dec_deg.abs() * 3600.0 * 10.0).round() as i64;
    let (d, rest) = (total / 36_000, total % 36_000);
    let (m, ds) = (rest / 600, rest % 600);
    format!("{sign}{d:02}:{m:02}:{:04.1}", ds as f64 / 10.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn icrs(lon: f64, lat: f64) -> GotoTarget {
        GotoTarget::Sky {
            frame: Frame::Icrs,
            lon,
            lat,
        }
    }

    fn close(a: &GotoTarget, b: &GotoTarget) -> bool {
        match (a, b) {
            (
                GotoTarget::Sky { frame, lon, lat },
                GotoTarget::Sky {
                    frame: f2,
                    lon: l2,
                    lat: b2,
                },
            ) => frame == f2 && (lon - l2).abs() < 1e-9 && (lat - b2).abs() < 1e-9,
            _ => a == b,
        }
    }

    #[test]
    fn decimal_and_sexagesimal_positions() {
        let cases = [
            ("150.12 2.21", icrs(150.12, 2.21)),
            ("150.12, -2.21", icrs(150.12, -2.21)),
            ("-10 5", icrs(350.0, 5.0)),
            ("10:00:28.8 +02:12:36", icrs(150.12, 2.21)),
            ("10h00m28.8s +2d12m36s", icrs(150.12, 2.21)),
            ("10 00 28.8 -00 30 00", icrs(150.12, -0.5)),
        ];
        for (text, want) in cases {
            let got = parse_goto(text).unwrap();
            assert!(close(&got, &want), "{text}: {got:?}");
        }
    }

    #[test]
    fn galactic_positions() {
        let want = GotoTarget::Sky {
            frame: Frame::Galactic,
            lon: 96.3,
            lat: 60.2,
        };
        for text in [
            "l=96.3 b=60.2",
            "gal 96.3 60.2",
            "G 96.3, 60.2",
            "L = 96.3 B = 60.2",
        ] {
            let got = parse_goto(text).unwrap();
            assert!(close(&got, &want), "{text}: {got:?}");
        }
    }

    #[test]
    fn ids_and_errors() {
        assert_eq!(
            parse_goto("  EUCL-J150.1+02.2 ").unwrap(),
            GotoTarget::Id("EUCL-J150.1+02.2".into())
        );
        assert_eq!(
            parse_goto("123456").unwrap(),
            GotoTarget::Id("123456".into())
        );
        assert!(
            parse_goto("10 95")
                .unwrap_err()
                .contains("outside [-90, 90]")
        );
        assert!(parse_goto("").is_err());
        assert!(
            parse_goto("gal 10")
                .unwrap_err()
                .contains("expected l and b")
        );
    }

    #[test]
    fn sexagesimal_formatting_round_trips() {
        assert_eq!(format_ra_hms(150.12), "10:00:28.80");
        assert_eq!(format_dec_dms(2.21), "+02:12:36.0");
        assert_eq!(format_dec_dms(-0.5), "-00:30:00.0");
        assert_eq!(format_ra_hms(359.99999999), "00:00:00.00");
    }
}
