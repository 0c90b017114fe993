//! The coordinate grid of a view: lines of constant longitude and latitude in the view's
//! frame, traced through the same projection the renderer uses (so they land on the
//! pixels the sky does), and the points where they cross the plot's frame (tick marks and
//! labels go there).

use glam::{DVec2, DVec3};

use crate::export::ticks::{AngleAxis, AngleFormat};
use crate::sky::{Frame, lonlat_deg, unit_vector};
use crate::view::View;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Coord {
    Lon,
    Lat,
}

/// One grid line: its value and the visible pieces, as canvas pixel polylines.
#[derive(Clone, Debug)]
pub struct GridLine {
    pub coord: Coord,
    pub value_deg: f64,
    pub paths: Vec<Vec<DVec2>>,
}

#[derive(Clone, Debug)]
pub struct Graticule {
    pub lon_axis: AngleAxis,
    pub lat_axis: AngleAxis,
    pub lon_step: f64,
    pub lat_step: f64,
    pub lines: Vec<GridLine>,
}

impl Graticule {
    pub fn axis(&self, c: Coord) -> (&AngleAxis, f64) {
        match c {
            Coord::Lon => (&self.lon_axis, self.lon_step),
            Coord::Lat => (&self.lat_axis, self.lat_step),
        }
    }

    /// The label of a line.
    pub fn label(&self, line: &GridLine) -> String {
        let (axis, step) = self.axis(line.coord);
        axis.label(line.value_deg, step)
    }
}

/// The sides of the plot frame, in the order labels prefer them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Edge {
    Bottom,
    Left,
    Top,
    Right,
}

/// A grid line meeting the frame: where (canvas pixels) and which line.
#[derive(Clone, Copy, Debug)]
pub struct Crossing {
    pub edge: Edge,
    pub at: DVec2,
    /// Index into [`Graticule::lines`].
    pub line: usize,
}

/// Longitudes relative to `center` in (-180, 180].
fn wrap180(d: f64) -> f64 {
    let w = (d + 180.0).rem_euclid(360.0) - 180.0;
    if w == -180.0 { 180.0 } else { w }
}

/// What the view shows in its frame: the longitude span about the centre (or all of it)
/// and the latitude range, from a grid of unprojected pixels and the poles.
struct Extent {
    lon_lo: f64,
    lon_hi: f64,
    lat_lo: f64,
    lat_hi: f64,
    full_lon: bool,
}

fn visible_extent(view: &View) -> Extent {
    let to_frame = view.frame.from_icrs();
    let (w, h) = (view.canvas.0 as f64, view.canvas.1 as f64);
    let c_lon = view.center_deg.0;
    let mut e = Extent {
        lon_lo: f64::INFINITY,
        lon_hi: f64::NEG_INFINITY,
        lat_lo: f64::INFINITY,
        lat_hi: f64::NEG_INFINITY,
        full_lon: false,
    };
    let n = 48;
    for i in 0..=n {
        for j in 0..=n {
            let px = DVec2::new(w * i as f64 / n as f64, h * j as f64 / n as f64);
            if let Some(d) = view.unproject(px) {
                let (lon, lat) = lonlat_deg(to_frame * d);
                let rel = wrap180(lon - c_lon);
                e.lon_lo = e.lon_lo.min(rel);
                e.lon_hi = e.lon_hi.max(rel);
                e.lat_lo = e.lat_lo.min(lat);
                e.lat_hi = e.lat_hi.max(lat);
            }
        }
    }
    for sign in [1.0, -1.0] {
        let pole = view.frame.to_icrs() * DVec3::new(0.0, 0.0, sign);
        if let Some(p) = view.project(pole)
            && (0.0..=w).contains(&p.x)
            && (0.0..=h).contains(&p.y)
        {
            e.full_lon = true;
            if sign > 0.0 {
                e.lat_hi = 90.0;
            } else {
                e.lat_lo = -90.0;
            }
        }
    }
    if e.lon_hi - e.lon_lo > 300.0 {
        e.full_lon = true;
    }
    if e.full_lon {
        (e.lon_lo, e.lon_hi) = (-180.0, 180.0);
    }
    e
}

/// The grid of `view` with labels in `format` (right ascension in hours when sexagesimal
/// in ICRS; Galactic longitudes stay in degrees).
pub fn graticule(view: &View, format: AngleFormat) -> Graticule {
    let lon_axis = AngleAxis {
        format,
        hours: view.frame == Frame::Icrs,
        is_latitude: false,
    };
    let lat_axis = AngleAxis {
        format,
        hours: false,
        is_latitude: true,
    };
    let e = visible_extent(view);
    if !e.lat_lo.is_finite() {
        return Graticule {
            lon_axis,
            lat_axis,
            lon_step: 1.0,
            lat_step: 1.0,
            lines: Vec::new(),
        };
    }
    // Six to eight lines across each way; all-sky grids every 60° and 30°.
    let lines_across = if e.full_lon { 6.0 } else { 8.0 };
    let lon_step = lon_axis.step_at_least((e.lon_hi - e.lon_lo) / lines_across);
    let lat_step = lat_axis.step_at_least((e.lat_hi - e.lat_lo) / lines_across);
    let c_lon = view.center_deg.0;
    let seam_is_meridian =
        view.projection.is_all_sky() && view.center_deg.1 == 0.0 && view.rotation_deg == 0.0;
    let mut lines = Vec::new();

    // Meridians, traced over the visible latitudes (and a step beyond).
    let (lat0, lat1) = (
        (e.lat_lo - lat_step).max(-90.0),
        (e.lat_hi + lat_step).min(90.0),
    );
    let k0 = ((c_lon + e.lon_lo) / lon_step).ceil() as i64;
    let k1 = ((c_lon + e.lon_hi) / lon_step).floor() as i64;
    let mut seen = Vec::new();
    for k in k0..=k1 {
        let lon = (k as f64 * lon_step).rem_euclid(360.0);
        let key = (lon / lon_step).round() as i64;
        if seen.contains(&key) {
            continue;
        }
        seen.push(key);
        // The seam of an all-sky view is its outline already (a meridian a hair inside
        // it would only double the outline).
        if seam_is_meridian && wrap180(lon - c_lon).abs() > 180.0 - 0.25 * lon_step {
            continue;
        }
        let pts = (0..=600).map(|i| (lon, lat0 + (lat1 - lat0) * i as f64 / 600.0));
        lines.push(GridLine {
            coord: Coord::Lon,
            value_deg: lon,
            paths: trace_lonlat(view, pts),
        });
    }
    // Parallels, traced over the visible longitudes (and a step beyond).
    let (l0, l1) = if e.full_lon {
        (c_lon - 180.0, c_lon + 180.0)
    } else {
        (c_lon + e.lon_lo - lon_step, c_lon + e.lon_hi + lon_step)
    };
    let j0 = (e.lat_lo / lat_step).ceil() as i64;
    let j1 = (e.lat_hi / lat_step).floor() as i64;
    for j in j0..=j1 {
        let lat = j as f64 * lat_step;
        if lat.abs() >= 90.0 - 1e-9 {
            continue;
        }
        let pts = (0..=1440).map(|i| (l0 + (l1 - l0) * i as f64 / 1440.0, lat));
        lines.push(GridLine {
            coord: Coord::Lat,
            value_deg: lat,
            paths: trace_lonlat(view, pts),
        });
    }
    lines.retain(|l| !l.paths.is_empty());
    Graticule {
        lon_axis,
        lat_axis,
        lon_step,
        lat_step,
        lines,
    }
}

/// Frame (lon, lat) samples as canvas polylines (see [`trace_directions`]).
fn trace_lonlat(view: &View, pts: impl Iterator<Item = (f64, f64)>) -> Vec<Vec<DVec2>> {
    let to_icrs = view.frame.to_icrs();
    trace_directions(view, pts.map(|(lon, lat)| to_icrs * unit_vector(lon, lat)))
}

/// Projects a run of ICRS directions into canvas polylines, broken where the projection
/// does not show them, where they jump across an all-sky seam, and far outside the canvas.
pub fn trace_directions(view: &View, dirs: impl Iterator<Item = DVec3>) -> Vec<Vec<DVec2>> {
    let (w, h) = (view.canvas.0 as f64, view.canvas.1 as f64);
    let near = |p: DVec2| p.x > -0.5 * w && p.x < 1.5 * w && p.y > -0.5 * h && p.y < 1.5 * h;
    let mut paths = Vec::new();
    let mut cur: Vec<DVec2> = Vec::new();
    for d in dirs {
        let p = view.project(d).filter(|&p| near(p));
        match (p, cur.last()) {
            (Some(p), Some(&q)) if (p - q).length() < 0.3 * w.max(h) => cur.push(p),
            (Some(p), _) => {
                if cur.len() >= 2 {
                    paths.push(std::mem::take(&mut cur));
                }
                cur = vec![p];
            }
            (None, _) => {
                if cur.len() >= 2 {
                    paths.push(std::mem::take(&mut cur));
                }
                cur.clear();
            }
        }
    }
    if cur.len() >= 2 {
        paths.push(cur);
    }
    paths
}

/// Where the grid's lines cross (or end on) the edges of the `w` × `h` canvas.
pub fn frame_crossings(g: &Graticule, w: f64, h: f64) -> Vec<Crossing> {
    let mut out = Vec::new();
    for (i, line) in g.lines.iter().enumerate() {
        for path in &line.paths {
            for s in path.windows(2) {
                let (a, b) = (s[0], s[1]);
                for (edge, vertical, pos, lo, hi) in [
                    (Edge::Left, true, 0.0, 0.0, h),
                    (Edge::Right, true, w, 0.0, h),
                    (Edge::Top, false, 0.0, 0.0, w),
                    (Edge::Bottom, false, h, 0.0, w),
                ] {
                    let (ca, cb) = if vertical { (a.x, b.x) } else { (a.y, b.y) };
                    if (ca < pos) == (cb < pos) {
                        continue;
                    }
                    let t = (pos - ca) / (cb - ca);
                    let at = a + (b - a) * t;
                    let along = if vertical { at.y } else { at.x };
                    if (lo..=hi).contains(&along) {
                        out.push(Crossing { edge, at, line: i });
                    }
                }
            }
            // Lines that end on an edge (all-sky CAR: parallels end at the seam) meet it too.
            for end in [path[0], path[path.len() - 1]] {
                for (edge, d) in [
                    (Edge::Left, end.x),
                    (Edge::Right, w - end.x),
                    (Edge::Top, end.y),
                    (Edge::Bottom, h - end.y),
                ] {
                    let inside = (0.0..=w).contains(&end.x) && (0.0..=h).contains(&end.y);
                    if inside && d.abs() < 1.0 {
                        out.push(Crossing {
                            edge,
                            at: end,
                            line: i,
                        });
                    }
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sky::Projection;

    #[test]
    fn lines_land_where_the_projection_puts_their_coordinates() {
        for proj in Projection::ALL {
            let v = View::new(proj, Frame::Icrs, (0.0, -30.0), 12.0, (800, 600));
            let g = graticule(&v, AngleFormat::Deg);
            assert!(g.lines.iter().any(|l| l.coord == Coord::Lon), "{proj:?}");
            assert!(g.lines.iter().any(|l| l.coord == Coord::Lat), "{proj:?}");
            for line in &g.lines {
                for p in line.paths.iter().flatten().step_by(37) {
                    let (lon, lat) = lonlat_deg(v.unproject(*p).unwrap());
                    let err = match line.coord {
                        Coord::Lon => wrap180(lon - line.value_deg).abs() * lat.to_radians().cos(),
                        Coord::Lat => (lat - line.value_deg).abs(),
                    };
                    assert!(err < 1e-6, "{proj:?} {} off by {err}", line.value_deg);
                }
            }
        }
    }

    #[test]
    fn steps_suit_the_field() {
        let v = View::new(Projection::Tan, Frame::Icrs, (0.0, -30.0), 12.0, (800, 600));
        let g = graticule(&v, AngleFormat::Deg);
        assert_eq!((g.lon_step, g.lat_step), (2.0, 2.0));
        let all = View::new(
            Projection::Mol,
            Frame::Galactic,
            (0.0, 0.0),
            360.0,
            (800, 400),
        );
        let g = graticule(&all, AngleFormat::Deg);
        assert_eq!((g.lon_step, g.lat_step), (60.0, 30.0));
        // Five parallels (−60 … 60) and five meridians (the seam is the outline).
        let count = |c| g.lines.iter().filter(|l| l.coord == c).count();
        assert_eq!((count(Coord::Lon), count(Coord::Lat)), (5, 5));
    }

    #[test]
    fn meridians_cross_the_bottom_edge_where_projected() {
        let v = View::new(Projection::Tan, Frame::Icrs, (0.0, -30.0), 12.0, (800, 600));
        let g = graticule(&v, AngleFormat::Deg);
        let bottom: Vec<_> = frame_crossings(&g, 800.0, 600.0)
            .into_iter()
            .filter(|c| c.edge == Edge::Bottom)
            .collect();
        assert!(bottom.len() >= 4);
        for c in bottom {
            let line = &g.lines[c.line];
            assert_eq!(line.coord, Coord::Lon);
            let (lon, _) = lonlat_deg(v.unproject(c.at).unwrap());
            assert!(wrap180(lon - line.value_deg).abs() < 1e-3);
        }
    }
}
