//! The celestial WCS of a figure's pixels as a FITS header sidecar, so the figure can be
//! overlaid in DS9, Aladin or astropy. FITS pixels count from 1 at the centre of the
//! bottom-left pixel; the PNG's first row is the top one.

use std::path::Path;

use crate::error::{Error, Result};
use crate::fsutil::write_atomically;
use crate::sky::{Frame, Projection};
use crate::view::{SubRect, View};

/// Header cards (key, value as written) of the view's WCS on a page of `page` pixels
/// whose plot occupies `plot`. Zenithal views (TAN, SIN) take any rotation; the others
/// only north-up views, whose turn about the centre FITS cannot write as a matrix.
pub fn wcs_cards(view: &View, plot: SubRect, page: (u32, u32)) -> Result<Vec<(String, String)>> {
    let zenithal = matches!(view.projection, Projection::Tan | Projection::Sin);
    if !zenithal && view.rotation_deg.rem_euclid(360.0) != 0.0 {
        return Err(Error::user(format!(
            "--wcs: a rotated {} view has no plain FITS WCS (TAN and SIN views may be rotated)",
            view.projection.code()
        )));
    }
    let (lon0, lat0) = view.center_deg;
    let c = view.center_px();
    // Plane (radians, u east, v up) from FITS pixels: u = -(p1 - crpix1)/s,
    // v = (p2 - crpix2)/s; then turned by the rotation into (east, north).
    let crpix1 = plot.x as f64 + c.x + 0.5;
    let crpix2 = page.1 as f64 - plot.y as f64 - c.y + 0.5;
    let d = 1f64.to_degrees() / view.scale();
    let (sr, cr) = view.rotation_deg.to_radians().sin_cos();
    let (x_name, y_name) = match view.frame {
        Frame::Icrs => ("RA--", "DEC-"),
        Frame::Galactic => ("GLON", "GLAT"),
    };
    let code = view.projection.code();
    let q = |s: &str| format!("'{s:<8}'");
    let num = |v: f64| format!("{v:.15E}");
    // The native longitude of the celestial pole that keeps north up (WCSLIB's default).
    let lonpole = if zenithal || lat0 < 0.0 { 180.0 } else { 0.0 };
    let mut cards = vec![
        ("WCSAXES".into(), "2".into()),
        ("CTYPE1".into(), q(&format!("{x_name}-{code}"))),
        ("CTYPE2".into(), q(&format!("{y_name}-{code}"))),
        ("CUNIT1".into(), q("deg")),
        ("CUNIT2".into(), q("deg")),
        ("CRVAL1".into(), num(lon0)),
        ("CRVAL2".into(), num(lat0)),
        ("CRPIX1".into(), num(crpix1)),
        ("CRPIX2".into(), num(crpix2)),
        ("CD1_1".into(), num(-d * cr)),
        ("CD1_2".into(), num(d * sr)),
        ("CD2_1".into(), num(d * sr)),
        ("CD2_2".into(), num(d * cr)),
        ("LONPOLE".into(), num(lonpole)),
    ];
    if view.frame == Frame::Icrs {
        cards.push(("RADESYS".into(), q("ICRS")));
    }
    cards.push(("IMAGEW".into(), page.0.to_string()));
    cards.push(("IMAGEH".into(), page.1.to_string()));
    Ok(cards)
}

/// One 80-character header card.
fn card(key: &str, value: &str) -> String {
    let c = if value.is_empty() {
        format!("{key:<80}")
    } else if value.starts_with('\'') {
        // Strings start in column 11; numbers and logicals end in column 30.
        format!("{key:<8}= {value:<20}")
    } else {
        format!("{key:<8}= {value:>20}")
    };
    format!("{c:<80}")
}

/// Writes a header-only FITS file (primary HDU without data) holding `cards`.
pub fn write_wcs_fits(path: &Path, cards: &[(String, String)]) -> Result<()> {
    let mut text = String::new();
    for (k, v) in [("SIMPLE", "T"), ("BITPIX", "8"), ("NAXIS", "0")] {
        text.push_str(&card(k, v));
    }
    for (k, v) in cards {
        text.push_str(&card(k, v));
    }
    text.push_str(&format!(
        "{:<80}",
        "COMMENT   The celestial WCS of the figure's pixels, written by clusterviz"
    ));
    text.push_str(&format!("{:<80}", "END"));
    while !text.len().is_multiple_of(2880) {
        text.push(' ');
    }
    write_atomically(path, |tmp| {
        std::fs::write(tmp, text.as_bytes()).map_err(|e| Error::file(path, e))
    })
}

/// The sidecar's name beside a figure: `fig.png` → `fig.wcs.fits`.
pub fn sidecar_path(figure: &Path) -> std::path::PathBuf {
    figure.with_extension("wcs.fits")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sky::lonlat_deg;
    use glam::DVec2;

    fn value(cards: &[(String, String)], key: &str) -> f64 {
        cards
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.parse().unwrap())
            .unwrap()
    }

    /// FITS TAN (Calabretta & Greisen 2002, zenithal with LONPOLE 180), written out
    /// independently of the renderer's projection code.
    fn fits_tan_world(cards: &[(String, String)], p1: f64, p2: f64) -> (f64, f64) {
        let (dx, dy) = (p1 - value(cards, "CRPIX1"), p2 - value(cards, "CRPIX2"));
        let x = value(cards, "CD1_1") * dx + value(cards, "CD1_2") * dy;
        let y = value(cards, "CD2_1") * dx + value(cards, "CD2_2") * dy;
        let (x, y) = (x.to_radians(), y.to_radians());
        let phi = x.atan2(-y);
        let theta = (1.0 / x.hypot(y)).atan();
        let (a0, d0) = (
            value(cards, "CRVAL1").to_radians(),
            value(cards, "CRVAL2").to_radians(),
        );
        let phi_p = std::f64::consts::PI; // LONPOLE 180
        let dphi = phi - phi_p;
        let dec = (theta.sin() * d0.sin() + theta.cos() * d0.cos() * dphi.cos()).asin();
        let ra = a0
            + (-theta.cos() * dphi.sin())
                .atan2(theta.sin() * d0.cos() - theta.cos() * d0.sin() * dphi.cos());
        (ra.to_degrees().rem_euclid(360.0), dec.to_degrees())
    }

    #[test]
    fn tan_header_gives_the_renderers_directions_at_every_pixel() {
        for rot in [0.0, 30.0, -115.0] {
            let mut v = View::new(
                Projection::Tan,
                Frame::Icrs,
                (359.0, -30.0),
                4.0,
                (600, 400),
            );
            v.rotation_deg = rot;
            let plot = SubRect {
                x: 90,
                y: 40,
                width: 600,
                height: 400,
            };
            let page = (800, 500);
            let cards = wcs_cards(&v, plot, page).unwrap();
            for (col, row) in [(90u32, 40u32), (389, 239), (689, 439), (500, 100)] {
                // Page pixel (col, row) from the top-left has its centre at FITS
                // (col + 1, height - row).
                let (ra, dec) = fits_tan_world(&cards, col as f64 + 1.0, (page.1 - row) as f64);
                let canvas = DVec2::new(
                    col as f64 + 0.5 - plot.x as f64,
                    row as f64 + 0.5 - plot.y as f64,
                );
                let (ra2, dec2) = lonlat_deg(v.unproject(canvas).unwrap());
                let dra = ((ra - ra2 + 180.0).rem_euclid(360.0) - 180.0) * dec.to_radians().cos();
                assert!(
                    dra.abs() < 1e-9 && (dec - dec2).abs() < 1e-9,
                    "rot {rot} pixel ({col},{row}): FITS ({ra}, {dec}) vs ({ra2}, {dec2})"
                );
            }
        }
    }

    #[test]
    fn rotated_all_sky_views_are_refused() {
        let mut v = View::new(
            Projection::Ait,
            Frame::Galactic,
            (0.0, 0.0),
            360.0,
            (400, 200),
        );
        v.rotation_deg = 10.0;
        let plot = SubRect {
            x: 0,
            y: 0,
            width: 400,
            height: 200,
        };
        assert!(wcs_cards(&v, plot, (400, 200)).is_err());
        v.rotation_deg = 0.0;
        let cards = wcs_cards(&v, plot, (400, 200)).unwrap();
        assert!(
            cards
                .iter()
                .any(|(k, v)| k == "CTYPE1" && v == "'GLON-AIT'")
        );
    }

    #[test]
    fn header_file_is_whole_fits_blocks() {
        let dir = std::env::temp_dir().join(format!("cv-wcs-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let v = View::new(Projection::Car, Frame::Icrs, (10.0, 0.0), 30.0, (300, 200));
        let plot = SubRect {
            x: 0,
            y: 0,
            width: 300,
            height: 200,
        };
        let path = dir.join("f.wcs.fits");
        write_wcs_fits(&path, &wcs_cards(&v, plot, (300, 200)).unwrap()).unwrap();
        let bytes = std::fs::read(&path).unwrap();
        assert_eq!(bytes.len() % 2880, 0);
        let text = String::from_utf8(bytes).unwrap();
        assert!(text.starts_with("SIMPLE  =                    T"));
        assert!(text.contains("CTYPE1  = 'RA---CAR'"));
        assert!(text.contains("END     "));
        let _ = std::fs::remove_dir_all(&dir);
    }
}
