//! The layer registry: every kind of layer a survey shows, declared once with its
//! labels, legend symbol, attribute slots and default style per theme. The renderer's
//! uploads, the viewer's panels and legend, figures' legends and colour bars, and walls
//! all read it.

use crate::data::density::quantile;
use crate::data::tiles::TilePart;
use crate::data::{Catalog, HealpixMap, Survey};
use crate::scene::style::{AlgorithmChoice, ColorRole, SceneStyle};
use crate::view::{
    ColorBy, Colormap, Halo, LineStyle, MapStyle, MarkerShape, PointStyle, RangeFilter, Rgba,
    SizeBy, Stretch, Theme, View,
};

#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub enum LayerKind {
    Mask,
    GalaxyDensity,
    Galaxies,
    Lev1,
    Core,
    Pzwav,
    Amico,
    Merged,
}

impl LayerKind {
    /// Panel order: top of the drawing first.
    pub const ALL: [LayerKind; 8] = [
        LayerKind::Merged,
        LayerKind::Pzwav,
        LayerKind::Amico,
        LayerKind::Core,
        LayerKind::Lev1,
        LayerKind::Galaxies,
        LayerKind::GalaxyDensity,
        LayerKind::Mask,
    ];

    /// The cluster catalogs, bottom to top as drawn: open per-algorithm markers ring the
    /// merged clusters, which are drawn last, on top.
    pub const CLUSTER_CATALOGS: [LayerKind; 3] =
        [LayerKind::Pzwav, LayerKind::Amico, LayerKind::Merged];

    /// The tile outlines, bottom to top.
    pub const TILES: [LayerKind; 2] = [LayerKind::Lev1, LayerKind::Core];

    /// Its place in per-kind tables.
    pub fn index(self) -> usize {
        self as usize
    }

    /// The name in the viewer's panels.
    pub fn label(self) -> &'static str {
        match self {
            LayerKind::Mask => "mask",
            LayerKind::GalaxyDensity => "galaxy density",
            LayerKind::Galaxies => "galaxies",
            LayerKind::Lev1 => "LEV1 tiles",
            LayerKind::Core => "CORE tiles",
            LayerKind::Pzwav => "PZWAV",
            LayerKind::Amico => "AMICO",
            LayerKind::Merged => "merged",
        }
    }

    /// The renderer's name for the layer (and the stem of its density map's).
    pub fn layer_name(self) -> &'static str {
        match self {
            LayerKind::Mask => "mask",
            LayerKind::GalaxyDensity => "galaxy density",
            LayerKind::Galaxies => "galaxies",
            LayerKind::Lev1 => "LEV1",
            LayerKind::Core => "CORE",
            LayerKind::Pzwav => "PZWAV",
            LayerKind::Amico => "AMICO",
            LayerKind::Merged => "merged",
        }
    }

    /// The name in figure legends (a catalog's count follows it).
    pub fn legend_label(self) -> &'static str {
        match self {
            LayerKind::Mask => "Mask",
            LayerKind::GalaxyDensity => "Galaxy density",
            LayerKind::Galaxies => "Galaxies",
            LayerKind::Lev1 => "Tile LEV1",
            LayerKind::Core => "Tile CORE",
            LayerKind::Pzwav => "PZWAV detections",
            LayerKind::Amico => "AMICO detections",
            LayerKind::Merged => "Merged clusters",
        }
    }

    /// The legend label of a cluster catalog's density map.
    pub fn density_label(self) -> String {
        let name = match self {
            LayerKind::Merged => "Merged cluster",
            LayerKind::Pzwav => "PZWAV",
            LayerKind::Amico => "AMICO",
            _ => "Cluster",
        };
        format!("{name} density")
    }

    /// The algorithm a cluster catalog holds.
    pub fn algorithm(self) -> Option<AlgorithmChoice> {
        match self {
            LayerKind::Pzwav => Some(AlgorithmChoice::Pzwav),
            LayerKind::Amico => Some(AlgorithmChoice::Amico),
            LayerKind::Merged => Some(AlgorithmChoice::Merged),
            _ => None,
        }
    }

    /// The survey's catalog this layer draws (marker layers).
    pub fn catalog(self, survey: &Survey) -> Option<&Catalog> {
        match self {
            LayerKind::Pzwav => survey.pzwav.as_ref(),
            LayerKind::Amico => survey.amico.as_ref(),
            LayerKind::Merged => survey.merged.as_ref(),
            LayerKind::Galaxies => survey.galaxies.as_ref(),
            _ => None,
        }
    }

    /// The tile polygon a line layer draws.
    pub fn tile_part(self) -> Option<TilePart> {
        match self {
            LayerKind::Lev1 => Some(TilePart::Lev1),
            LayerKind::Core => Some(TilePart::Core),
            _ => None,
        }
    }

    /// The colour that stands for the layer in a legend: its markers' or lines' fixed
    /// colour in `theme` (merged clusters coloured by a column: their uncoloured gold).
    pub fn swatch(self, theme: Theme) -> Option<Rgba> {
        match self {
            LayerKind::Merged => Some(UNCOLOURED_CLUSTER),
            LayerKind::Pzwav | LayerKind::Amico => Some(algorithm_color(self)),
            LayerKind::Galaxies => Some(galaxy_color(theme)),
            LayerKind::Lev1 | LayerKind::Core => {
                self.tile_part().map(|p| tile_style(p, theme).color)
            }
            LayerKind::Mask | LayerKind::GalaxyDensity => None,
        }
    }

    /// The marker a layer draws (its legend symbol); `None`: lines or a map.
    pub fn marker_shape(self) -> Option<MarkerShape> {
        match self {
            LayerKind::Merged | LayerKind::Galaxies => Some(MarkerShape::Circle),
            LayerKind::Pzwav => Some(MarkerShape::OpenCircle),
            LayerKind::Amico => Some(MarkerShape::OpenSquare),
            _ => None,
        }
    }

    pub fn is_cluster_catalog(self) -> bool {
        matches!(
            self,
            LayerKind::Pzwav | LayerKind::Amico | LayerKind::Merged
        )
    }

    pub fn has_markers(self) -> bool {
        self.is_cluster_catalog() || self == LayerKind::Galaxies
    }

    /// Whether the algorithm switch shows this layer.
    pub fn shown_by(self, choice: AlgorithmChoice) -> bool {
        match self {
            LayerKind::Pzwav => matches!(choice, AlgorithmChoice::All | AlgorithmChoice::Pzwav),
            LayerKind::Amico => matches!(choice, AlgorithmChoice::All | AlgorithmChoice::Amico),
            LayerKind::Merged => matches!(choice, AlgorithmChoice::All | AlgorithmChoice::Merged),
            _ => true,
        }
    }
}

/// What the user set for one layer; applied to the GPU as uniforms.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct LayerSettings {
    pub visible: bool,
    /// Multiplies the layer's own opacity.
    pub opacity: f32,
    /// Multiplies marker sizes (marker layers only).
    pub size: f32,
    /// Replaces the layer's marker shape (marker layers only).
    pub shape: Option<MarkerShape>,
}

impl Default for LayerSettings {
    fn default() -> Self {
        LayerSettings {
            visible: true,
            opacity: 1.0,
            size: 1.0,
            shape: None,
        }
    }
}

/// Attribute slots of cluster instances.
pub const CLUSTER_Z: u32 = 0;
pub const CLUSTER_SNR: u32 = 1;
/// 1 where galaxies lie within the proximity radius (see [`crate::scene::mark_proximity`]).
pub const CLUSTER_NEAR: u32 = 2;
/// The merged catalog's slot for any other column the viewer colours by.
pub const COLOR_COLUMN_SLOT: u32 = 3;
/// Attribute slots of galaxy instances.
pub const GALAXY_Z: u32 = 0;
/// The column the proximity marks add to every cluster catalog.
pub const NEAR_GALAXIES: &str = "NEAR_GALAXIES";

/// Ranges that suit cluster catalogs, redshift 0–2 and SNR 3–30: the marker sizes' SNR
/// scale, and the colours' range when the data give none (no finite value).
pub const CLUSTER_Z_RANGE: (f32, f32) = (0.0, 2.0);
pub const CLUSTER_SNR_RANGE: (f32, f32) = (3.0, 30.0);

/// The ranges the merged clusters' colours span, per role: `--color-range` for the role it
/// was given with, else the data's range rounded outwards to a tenth of its order of
/// magnitude (ACT's redshifts 0.10–1.36 give 0.1–1.4), so that the colour bar is spent on
/// values that occur.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ClusterColorRanges {
    pub z: (f32, f32),
    pub snr: (f32, f32),
    /// The range the user gave, and the role it was given for.
    pub given: Option<(ColorRole, (f32, f32))>,
    /// Whether the merged clusters have a redshift and an SNR column: without one, they
    /// are drawn in one colour (and one size) rather than by values that are all missing.
    pub has_z: bool,
    pub has_snr: bool,
}

impl ClusterColorRanges {
    pub fn new(style: &SceneStyle, merged: Option<&Catalog>) -> Self {
        let data = |column: Option<&String>, default| {
            merged
                .zip(column)
                .and_then(|(cat, name)| cat.column(name))
                .and_then(|c| nice_range((0..c.data.len()).map(|r| c.data.get_f64(r))))
                .unwrap_or(default)
        };
        let roles = merged.map(|c| &c.roles);
        let has = |column: Option<&String>| {
            merged
                .zip(column)
                .is_some_and(|(cat, name)| cat.column(name).is_some())
        };
        ClusterColorRanges {
            z: data(roles.and_then(|r| r.z.as_ref()), CLUSTER_Z_RANGE),
            snr: data(roles.and_then(|r| r.snr.as_ref()), CLUSTER_SNR_RANGE),
            given: style.color_range.map(|r| (style.color_by, r)),
            has_z: has(roles.and_then(|r| r.z.as_ref())),
            has_snr: has(roles.and_then(|r| r.snr.as_ref())),
        }
    }

    /// Whether merged clusters coloured by `role` show values: the role's column exists
    /// (redshift, SNR; the proximity marks are made for every catalog).
    pub fn shows(&self, role: ColorRole) -> bool {
        match role {
            ColorRole::Z => self.has_z,
            ColorRole::Snr => self.has_snr,
            ColorRole::Near => true,
            ColorRole::None => false,
        }
    }

    /// The range colouring by `role` spans.
    pub fn of(&self, role: ColorRole) -> (f32, f32) {
        match (self.given, role) {
            (Some((given, r)), _) if given == role => r,
            (_, ColorRole::Z) => self.z,
            (_, ColorRole::Snr) => self.snr,
            // The proximity flag's "no" (0) a third of the way up the colormap, not at
            // its darkest end, where it vanished on the dark page.
            (_, ColorRole::Near) => (-0.5, 1.0),
            (_, ColorRole::None) => (0.0, 1.0),
        }
    }

    /// Whether colouring by `role` spans the data's range (not one the user gave).
    pub fn from_data(&self, role: ColorRole) -> bool {
        matches!(role, ColorRole::Z | ColorRole::Snr) && self.given.is_none_or(|(g, _)| g != role)
    }
}

/// The finite values' range rounded outwards to multiples of a tenth of its order of
/// magnitude; `None` without two distinct finite values.
pub fn nice_range(values: impl Iterator<Item = f64>) -> Option<(f32, f32)> {
    let (lo, hi) = values
        .filter(|v| v.is_finite())
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
            (lo.min(v), hi.max(v))
        });
    let span = hi - lo;
    if !(span > 0.0 && span.is_finite()) {
        return None;
    }
    let step = 10f64.powf(span.log10().floor() - 1.0);
    // Rounded to the step's own digits, so that 0.1 is 0.1 and not 0.1000000001.
    let digits = (-step.log10()).round().max(0.0) as i32;
    let at = |k: f64| {
        let p = 10f64.powi(digits);
        ((k * step * p).round() / p) as f32
    };
    // A hair of slack: a value on a step (1.4 / 0.1 = 13.999...) stays that step.
    let slack = 1e-9;
    Some((
        at((lo / step + slack).floor()),
        at((hi / step - slack).ceil()),
    ))
}

/// Merged clusters' colour when they are coloured by no column.
pub const UNCOLOURED_CLUSTER: Rgba = Rgba::rgb8(0xff, 0xd7, 0x00);

/// The largest cluster marker and the tile lines' width by default, in pixels: what
/// --marker-size and --line-width set (the other sizes follow in proportion).
pub const REFERENCE_MARKER_PX: f32 = 11.0;
pub const REFERENCE_LINE_PX: f32 = 1.2;

/// The columns of a cluster layer's attribute slots ([`CLUSTER_Z`], [`CLUSTER_SNR`],
/// [`CLUSTER_NEAR`]).
pub fn cluster_attr_columns(cat: &Catalog) -> Vec<String> {
    vec![
        cat.roles.z.clone().unwrap_or_default(),
        cat.roles.snr.clone().unwrap_or_default(),
        NEAR_GALAXIES.to_string(),
    ]
}

/// The SNR and redshift filters of cluster layers.
pub fn cluster_filters(style: &SceneStyle) -> [Option<RangeFilter>; 2] {
    let range = |attr, lo: Option<f32>, hi: Option<f32>| {
        (lo.is_some() || hi.is_some()).then(|| RangeFilter {
            attr,
            min: lo.unwrap_or(f32::NEG_INFINITY),
            max: hi.unwrap_or(f32::INFINITY),
        })
    };
    [
        range(CLUSTER_SNR, style.snr_min, style.snr_max),
        range(CLUSTER_Z, style.z_min, style.z_max),
    ]
}

/// Colour of merged clusters by a column role through a colormap, over the role's range.
pub fn cluster_color(
    color_by: ColorRole,
    colormap: Colormap,
    ranges: &ClusterColorRanges,
) -> ColorBy {
    let (lo, hi) = ranges.of(color_by);
    let column = |attr| ColorBy::Column {
        attr,
        lo,
        hi,
        colormap,
    };
    if !ranges.shows(color_by) {
        return ColorBy::Fixed(UNCOLOURED_CLUSTER);
    }
    match color_by {
        ColorRole::Z => column(CLUSTER_Z),
        ColorRole::Snr => column(CLUSTER_SNR),
        ColorRole::Near => column(CLUSTER_NEAR),
        ColorRole::None => ColorBy::Fixed(UNCOLOURED_CLUSTER),
    }
}

/// The colour bar's label for merged clusters coloured by `style.color_by`.
pub fn cluster_color_label(style: &SceneStyle) -> String {
    match style.color_by {
        ColorRole::Z => "Cluster redshift".to_string(),
        ColorRole::Snr => "Cluster SNR".to_string(),
        ColorRole::Near => format!(
            "Galaxies within {}′ (1 yes, 0 no)",
            style.proximity.unwrap_or(0.0)
        ),
        ColorRole::None => String::new(),
    }
}

/// The default marker style of a cluster catalog: merged clusters as filled circles
/// coloured by redshift (or SNR) and sized by SNR; per-algorithm detections as open
/// markers in the algorithm's colour, as in the seed app.
pub fn cluster_style(
    kind: LayerKind,
    style: &SceneStyle,
    ranges: &ClusterColorRanges,
) -> PointStyle {
    let mut s = match kind {
        LayerKind::Merged => {
            // Sized by SNR; without an SNR column, all at a middle size.
            let size = if ranges.has_snr {
                SizeBy::Column {
                    attr: CLUSTER_SNR,
                    lo: CLUSTER_SNR_RANGE.0,
                    hi: CLUSTER_SNR_RANGE.1,
                    min_px: 4.0,
                    max_px: REFERENCE_MARKER_PX,
                }
            } else {
                SizeBy::Fixed((4.0 + REFERENCE_MARKER_PX) / 2.0)
            };
            let mut s = PointStyle::new(
                MarkerShape::Circle,
                size,
                cluster_color(style.color_by, style.colormap, ranges),
            );
            s.opacity = 0.9;
            s
        }
        _ => {
            let size_px = match kind {
                LayerKind::Amico => 15.0,
                _ => 17.0,
            };
            let mut s = PointStyle::new(
                kind.marker_shape().unwrap_or(MarkerShape::OpenCircle),
                SizeBy::Fixed(size_px),
                ColorBy::Fixed(algorithm_color(kind)),
            );
            s.stroke_px = 1.2;
            s
        }
    };
    s.filters = cluster_filters(style);
    s
}

/// The colour of an algorithm's open markers.
fn algorithm_color(kind: LayerKind) -> Rgba {
    match kind {
        LayerKind::Amico => Rgba::rgb8(0xff, 0xb0, 0x30),
        _ => Rgba::rgb8(0xff, 0x5a, 0x5a),
    }
}

fn galaxy_color(theme: Theme) -> Rgba {
    match theme {
        Theme::Dark => Rgba::rgb8(0xb8, 0xc4, 0xd8),
        Theme::Light => Rgba::rgb8(0x40, 0x48, 0x60),
    }
}

/// Width of the rim around galaxy markers, pixels.
pub const GALAXY_HALO_PX: f32 = 0.7;

/// Galaxies: small dots, fading as `count` (those drawn at once) grows so that density
/// shows as brightness; the redshift filter applies.
pub fn galaxy_style(theme: Theme, style: &SceneStyle, count: usize) -> PointStyle {
    let mut s = PointStyle::new(
        MarkerShape::Circle,
        SizeBy::Fixed(1.6),
        ColorBy::Fixed(galaxy_color(theme)),
    );
    s.opacity = (60_000.0 / count.max(1) as f32).clamp(0.01, 0.7);
    // A rim of the sky's colour: the dots stay visible over the palest cells of the
    // density drawn beneath them (and, in the light theme, over its darkest).
    s.halo = Some(Halo {
        color: theme.colors().1,
        width_px: GALAXY_HALO_PX,
    });
    s.filters[1] = (style.z_min.is_some() || style.z_max.is_some()).then(|| RangeFilter {
        attr: GALAXY_Z,
        min: style.z_min.unwrap_or(f32::NEG_INFINITY),
        max: style.z_max.unwrap_or(f32::INFINITY),
    });
    s
}

/// Density of a crowded catalog: counts per cell through a sqrt stretch, 0 to the 99.5th
/// percentile.
pub fn density_style(theme: Theme, counts: &HealpixMap) -> MapStyle {
    let cmap = match theme {
        Theme::Dark => Colormap::Magma,
        Theme::Light => Colormap::Cividis,
    };
    let mut s = MapStyle::new(cmap, (0.0, quantile(counts, 0.995).max(1.0)));
    s.counts = true;
    s.stretch = Stretch::Sqrt;
    s.opacity = 0.9;
    s
}

/// A mean-of-column density: the clusters' colormap over the cells' 1st to 99th
/// percentile, so a few odd cells do not flatten the rest.
pub fn mean_style(style: &SceneStyle, means: &HealpixMap) -> MapStyle {
    let (lo, hi) = (quantile(means, 0.01), quantile(means, 0.99));
    let hi = if hi > lo { hi } else { lo + 1.0 };
    let mut s = MapStyle::new(style.colormap, (lo, hi));
    s.opacity = 0.9;
    s
}

/// Coverage masks: values through a colormap, translucent (`opacity`) under the
/// catalogs; holes and uncovered sky stay background unless a no-data colour is set.
pub fn mask_style(style: &SceneStyle, map: &HealpixMap, opacity: f32) -> MapStyle {
    let range = style
        .mask_range
        .unwrap_or_else(|| map.default_color_range());
    let mut s = MapStyle::new(style.mask_colormap, range);
    s.stretch = style.mask_stretch;
    s.opacity = opacity;
    if let Some(c) = style.mask_nodata {
        s.nodata = c;
    }
    s
}

/// Tile outlines: LEV1 dashed, CORE solid.
pub fn tile_style(part: TilePart, theme: Theme) -> LineStyle {
    let (lev1, core) = match theme {
        Theme::Dark => (Rgba::rgb8(0xe6, 0x55, 0x4b), Rgba::rgb8(0x6c, 0xc0, 0xff)),
        Theme::Light => (Rgba::rgb8(0xc0, 0x20, 0x20), Rgba::rgb8(0x10, 0x50, 0xb0)),
    };
    match part {
        TilePart::Lev1 => LineStyle {
            color: lev1.with_alpha(0.8),
            width_px: REFERENCE_LINE_PX,
            dash: Some((6.0, 4.0)),
            visible: true,
        },
        TilePart::Core => LineStyle {
            color: core.with_alpha(0.9),
            width_px: REFERENCE_LINE_PX,
            dash: None,
            visible: true,
        },
    }
}

/// Factors on the default cluster marker sizes and tile line widths that --marker-size
/// and --line-width ask for in `view` (sizes in pixels times `px_scale`); 1 when not given.
pub fn size_factors(style: &SceneStyle, view: &View, px_scale: f32) -> (f32, f32) {
    let factor = |e: Option<crate::view::Extent>, reference: f32| {
        e.map_or(1.0, |e| e.pixels(view, px_scale) / reference)
    };
    (
        factor(style.marker_size, REFERENCE_MARKER_PX),
        factor(style.line_width, REFERENCE_LINE_PX),
    )
}

/// Screen pixels a crowded layer's marker needs: its area at its largest size, so crowded
/// views show markers over visible density rather than a carpet (ordinary catalogs,
/// whose markers cover a fraction of the view, are still drawn whole).
pub fn marker_room(style: &PointStyle) -> f64 {
    let d = match style.size {
        SizeBy::Fixed(px) => px,
        SizeBy::Column { max_px, .. } => max_px,
    } as f64;
    (d * d).max(crate::view::lod::PIXELS_PER_MARKER)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::{Column, ColumnData};

    #[test]
    fn nice_ranges_round_outwards_at_a_tenth_of_the_span() {
        let range = |v: &[f64]| nice_range(v.iter().copied());
        assert_eq!(range(&[0.10, 0.73, 1.36]), Some((0.1, 1.4)));
        assert_eq!(range(&[4.2, 87.3, f64::NAN]), Some((4.0, 88.0)));
        assert_eq!(range(&[0.1234, 0.1299]), Some((0.1234, 0.1299)));
        assert_eq!(range(&[0.1, 1.4]), Some((0.1, 1.4)));
        assert_eq!(range(&[-12.5, 1530.0]), Some((-100.0, 1600.0)));
        assert_eq!(range(&[0.5, 0.5]), None);
        assert_eq!(range(&[f64::NAN, f64::INFINITY]), None);
        assert_eq!(range(&[]), None);
    }

    #[test]
    fn a_given_range_holds_for_its_own_role_and_the_data_for_the_others() {
        let col = |name: &str, v: Vec<f64>| Column::new(name, "", ColumnData::F64(v.into()));
        let merged = Catalog {
            name: "merged".into(),
            columns: vec![
                col("RA", vec![1.0, 2.0]),
                col("DEC", vec![0.0, 0.0]),
                col("Z", vec![0.31, 0.88]),
                col("SNR", vec![5.5, 41.0]),
            ],
            roles: crate::data::catalog::Roles {
                ra: "RA".into(),
                dec: "DEC".into(),
                z: Some("Z".into()),
                snr: Some("SNR".into()),
                ..Default::default()
            },
            cache_tag: Default::default(),
        };
        let style = SceneStyle::default();
        let r = ClusterColorRanges::new(&style, Some(&merged));
        assert_eq!(r.of(ColorRole::Z), (0.31, 0.88));
        assert_eq!(r.of(ColorRole::Snr), (5.0, 41.0));
        // The flag's 0 sits a third of the way up the colormap, its 1 at the top.
        assert_eq!(r.of(ColorRole::Near), (-0.5, 1.0));
        assert!(r.from_data(ColorRole::Z) && !r.from_data(ColorRole::Near));
        let given = SceneStyle {
            color_range: Some((0.0, 2.0)),
            ..style.clone()
        };
        let r = ClusterColorRanges::new(&given, Some(&merged));
        assert_eq!(r.of(ColorRole::Z), (0.0, 2.0));
        assert_eq!(r.of(ColorRole::Snr), (5.0, 41.0));
        assert!(!r.from_data(ColorRole::Z) && r.from_data(ColorRole::Snr));
        // No catalog (or no such column): the registry's ranges.
        let r = ClusterColorRanges::new(&style, None);
        assert_eq!(r.of(ColorRole::Z), CLUSTER_Z_RANGE);
        assert_eq!(r.of(ColorRole::Snr), CLUSTER_SNR_RANGE);
        // Without a redshift column, colouring by redshift draws one colour at one size
        // when SNR is missing too (values that are all missing would draw nothing visible).
        let mut bare = merged.clone();
        bare.columns.truncate(2);
        bare.roles.z = None;
        bare.roles.snr = None;
        let r = ClusterColorRanges::new(&style, Some(&bare));
        assert!(!r.shows(ColorRole::Z) && !r.shows(ColorRole::Snr) && r.shows(ColorRole::Near));
        assert_eq!(
            cluster_color(ColorRole::Z, Colormap::Viridis, &r),
            ColorBy::Fixed(UNCOLOURED_CLUSTER)
        );
        let s = cluster_style(LayerKind::Merged, &style, &r);
        assert!(matches!(s.size, SizeBy::Fixed(_)), "{:?}", s.size);
        let full = ClusterColorRanges::new(&style, Some(&merged));
        assert!(matches!(
            cluster_color(ColorRole::Z, Colormap::Viridis, &full),
            ColorBy::Column { .. }
        ));
    }
}
