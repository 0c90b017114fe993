//! Cluster markers as vectors in SVG and PDF figures: the point shader's shapes, sizes
//! and colours (shaders/points.wgsl) computed on the CPU, so that a paper figure's
//! markers stay sharp at any zoom instead of being part of the embedded sky image.

use glam::DVec2;

use crate::export::svg::color;
use crate::render::PointInstance;
use crate::view::{ColorBy, MarkerShape, PointStyle, Rgba, SizeBy, View};

/// Most markers written as vectors per figure; beyond, they stay in the sky image (an SVG
/// of millions of elements helps nobody).
pub const MAX_VECTOR_MARKERS: usize = 50_000;

/// One marker in canvas pixels.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct VectorMarker {
    pub at: DVec2,
    pub diameter: f64,
    pub shape: MarkerShape,
    /// Colour with the layer's opacity folded into its alpha.
    pub color: Rgba,
    pub stroke: f64,
}

/// The markers `style` draws of `instances` in `view`: those passing its filters whose
/// centre projects within the canvas plus their radius.
pub fn markers_of(
    instances: &[PointInstance],
    style: &PointStyle,
    view: &View,
) -> Vec<VectorMarker> {
    if !style.visible {
        return Vec::new();
    }
    let (w, h) = (view.canvas.0 as f64, view.canvas.1 as f64);
    instances
        .iter()
        .filter(|i| passes(style, &i.attrs))
        .filter_map(|i| {
            let d = glam::DVec3::new(i.dir[0] as f64, i.dir[1] as f64, i.dir[2] as f64);
            let at = view.project(d)?;
            let diameter = diameter(style, &i.attrs);
            let r = diameter / 2.0 + 1.0;
            let inside = at.x > -r && at.y > -r && at.x < w + r && at.y < h + r;
            inside.then(|| {
                let mut c = marker_color(style, &i.attrs);
                c.0[3] *= style.opacity;
                VectorMarker {
                    at,
                    diameter,
                    shape: style.shape,
                    color: c,
                    stroke: style.stroke_px as f64,
                }
            })
        })
        .collect()
}

fn attr(a: &[f32; 4], slot: u32) -> f32 {
    a[slot.min(3) as usize]
}

/// As the shader: objects without the filtered value (NaN) are filtered out.
fn passes(style: &PointStyle, a: &[f32; 4]) -> bool {
    style.filters.iter().flatten().all(|f| {
        let v = attr(a, f.attr);
        v >= f.min && v <= f.max
    })
}

fn marker_color(style: &PointStyle, a: &[f32; 4]) -> Rgba {
    match style.color {
        ColorBy::Fixed(c) => c,
        ColorBy::Column {
            attr: slot,
            lo,
            hi,
            colormap,
        } => {
            let v = attr(a, slot);
            if v.is_nan() {
                // Objects without the value: the renderer's grey.
                return Rgba([0.5, 0.5, 0.5, 1.0]);
            }
            let t = ((v - lo) / (hi - lo)).clamp(0.0, 1.0);
            let [r, g, b] = colormap.table()[(t * 255.0).round() as usize];
            Rgba([r as f32 / 255.0, g as f32 / 255.0, b as f32 / 255.0, 1.0])
        }
    }
}

fn diameter(style: &PointStyle, a: &[f32; 4]) -> f64 {
    match style.size {
        SizeBy::Fixed(px) => px as f64,
        SizeBy::Column {
            attr: slot,
            lo,
            hi,
            min_px,
            max_px,
        } => {
            let t = ((attr(a, slot) - lo) / (hi - lo)).clamp(0.0, 1.0);
            // Square-root scaling (area follows the value); NaN gives the smallest size.
            let s = if t.is_nan() { 0.0 } else { t.sqrt() };
            (min_px + (max_px - min_px) * s) as f64
        }
    }
}

/// The SVG element of a marker whose canvas lies at `origin` on the page. Strokes lie
/// inside the marker's edge, as the shader draws them.
pub fn marker_svg(m: &VectorMarker, origin: DVec2) -> String {
    let (c, a) = color(m.color);
    let p = origin + m.at;
    let r = m.diameter / 2.0;
    let w = m.stroke;
    let fill = format!(r#"fill="{c}" fill-opacity="{a:.3}""#);
    let stroke =
        format!(r#"fill="none" stroke="{c}" stroke-opacity="{a:.3}" stroke-width="{w:.2}""#);
    let polygon = |d: f64, attrs: &str| {
        format!(
            r#"<polygon points="{:.2},{:.2} {:.2},{:.2} {:.2},{:.2} {:.2},{:.2}" {attrs}/>"#,
            p.x - d,
            p.y,
            p.x,
            p.y - d,
            p.x + d,
            p.y,
            p.x,
            p.y + d
        )
    };
    let bars = |u: DVec2, v: DVec2| {
        format!(
            r#"<path d="M{:.2} {:.2}L{:.2} {:.2}M{:.2} {:.2}L{:.2} {:.2}" {stroke} stroke-linecap="butt"/>"#,
            p.x - u.x * r,
            p.y - u.y * r,
            p.x + u.x * r,
            p.y + u.y * r,
            p.x - v.x * r,
            p.y - v.y * r,
            p.x + v.x * r,
            p.y + v.y * r
        )
    };
    let diag = std::f64::consts::FRAC_1_SQRT_2;
    match m.shape {
        MarkerShape::Circle => format!(
            r#"<circle cx="{:.2}" cy="{:.2}" r="{r:.2}" {fill}/>"#,
            p.x, p.y
        ),
        MarkerShape::OpenCircle => format!(
            r#"<circle cx="{:.2}" cy="{:.2}" r="{:.2}" {stroke}/>"#,
            p.x,
            p.y,
            (r - w / 2.0).max(0.0)
        ),
        MarkerShape::Square => {
            let s = 0.85 * r;
            format!(
                r#"<rect x="{:.2}" y="{:.2}" width="{:.2}" height="{:.2}" {fill}/>"#,
                p.x - s,
                p.y - s,
                2.0 * s,
                2.0 * s
            )
        }
        MarkerShape::OpenSquare => {
            let s = (0.85 * r - w / 2.0).max(0.0);
            format!(
                r#"<rect x="{:.2}" y="{:.2}" width="{:.2}" height="{:.2}" {stroke}/>"#,
                p.x - s,
                p.y - s,
                2.0 * s,
                2.0 * s
            )
        }
        // The diamond's edge lies 0.8 r from the centre: its corners 0.8 r √2 out.
        MarkerShape::Diamond => polygon(0.8 * r * std::f64::consts::SQRT_2, &fill),
        MarkerShape::OpenDiamond => polygon(
            ((0.8 * r - w / 2.0) * std::f64::consts::SQRT_2).max(0.0),
            &stroke,
        ),
        MarkerShape::Cross => bars(DVec2::new(diag, diag), DVec2::new(diag, -diag)),
        MarkerShape::Plus => bars(DVec2::X, DVec2::Y),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sky::{Frame, Projection, unit_vector};
    use crate::view::{Colormap, RangeFilter};

    fn instance(ra: f64, dec: f64, attrs: [f32; 4]) -> PointInstance {
        let d = unit_vector(ra, dec);
        PointInstance {
            dir: [d.x as f32, d.y as f32, d.z as f32],
            attrs,
        }
    }

    #[test]
    fn markers_follow_the_shaders_filters_sizes_and_colours() {
        let view = View::new(Projection::Tan, Frame::Icrs, (10.0, 0.0), 2.0, (200, 100));
        let mut style = PointStyle::new(
            MarkerShape::Circle,
            SizeBy::Column {
                attr: 1,
                lo: 0.0,
                hi: 4.0,
                min_px: 2.0,
                max_px: 10.0,
            },
            ColorBy::Column {
                attr: 0,
                lo: 0.0,
                hi: 2.0,
                colormap: Colormap::Viridis,
            },
        );
        style.opacity = 0.5;
        style.filters[0] = Some(RangeFilter {
            attr: 1,
            min: 0.5,
            max: 10.0,
        });
        let inst = [
            instance(10.0, 0.0, [2.0, 1.0, 0.0, 0.0]), // centre, z at the top
            instance(10.0, 0.0, [0.0, 0.1, 0.0, 0.0]), // filtered out (SNR 0.1)
            instance(10.0, 0.0, [f32::NAN, f32::NAN, 0.0, 0.0]), // NaN: filtered out
            instance(40.0, 0.0, [1.0, 4.0, 0.0, 0.0]), // off the canvas
        ];
        let m = markers_of(&inst, &style, &view);
        assert_eq!(m.len(), 1);
        // Directions are f32 on the GPU: the centre lands within a thousandth of a pixel.
        assert!((m[0].at - DVec2::new(100.0, 50.0)).length() < 1e-2);
        // sqrt(1/4) of the way from 2 to 10 px.
        assert!((m[0].diameter - 6.0).abs() < 1e-6);
        let [r, g, b] = Colormap::Viridis.table()[255];
        assert_eq!(
            m[0].color,
            Rgba([r as f32 / 255.0, g as f32 / 255.0, b as f32 / 255.0, 0.5])
        );
        let svg = marker_svg(&m[0], DVec2::new(5.0, 7.0));
        assert!(
            svg.starts_with(r#"<circle cx="105.00" cy="57.00" r="3.00""#),
            "{svg}"
        );
    }
}
