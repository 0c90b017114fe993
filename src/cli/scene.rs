//! The standard look of a survey: which layers, in which order, styled how. Used by
//! `render` and `demo` (and later by the viewer), so every output agrees.

use crate::cli::args::{AlgorithmChoice, ColorRole, StyleArgs};
use crate::data::density::{mean_map, quantile};
use crate::data::tiles::TilePart;
use crate::data::{Catalog, HealpixMap};
use crate::data::{Column, ColumnData, Survey};
use crate::error::{Error, Result};
use crate::render::{GpuContext, LayerId, PointInstance, SceneRenderer, segments_from_paths};
use crate::sky::index::{SkyIndex, near_any};
use crate::view::lod::LodOrder;
use crate::view::{
    ColorBy, LineStyle, MapStyle, MarkerShape, PointStyle, RangeFilter, Rgba, SizeBy, Theme,
};
use crate::view::{Colormap, View};

/// Attribute slots of cluster instances.
pub const CLUSTER_Z: u32 = 0;
pub const CLUSTER_SNR: u32 = 1;
/// 1 where galaxies lie within the proximity radius (see [`mark_proximity`]).
pub const CLUSTER_NEAR: u32 = 2;
pub const NEAR_GALAXIES: &str = "NEAR_GALAXIES";

/// What the style asks of a loaded survey, done and checked in one place for figures,
/// the viewer and walls: the proximity marks (NEAR_GALAXIES), and a density column that
/// the galaxies must have.
pub fn prepare_survey(survey: &mut Survey, style: &StyleArgs) -> Result<()> {
    if let Some(r) = style.proximity {
        mark_proximity(survey, r)?;
    }
    if let Some(col) = &style.density_column {
        let Some(galaxies) = &survey.galaxies else {
            return Err(crate::error::Error::user(format!(
                "--density-column {col} needs galaxies (--galaxies or --demo)"
            )));
        };
        if galaxies.column(col).is_none() {
            let names: Vec<&str> = galaxies.columns.iter().map(|c| c.name.as_str()).collect();
            return Err(crate::error::Error::user(format!(
                "--density-column: the galaxies have no column '{col}' to average (columns: {})",
                names.join(", ")
            )));
        }
    }
    Ok(())
}

/// The seed app's proximity feature: adds NEAR_GALAXIES (1 or 0) to every cluster
/// catalog, from a k-d tree of the galaxies, in O((N + M) log M).
pub fn mark_proximity(survey: &mut Survey, radius_arcmin: f64) -> Result<()> {
    let Some(galaxies) = &survey.galaxies else {
        return Err(crate::error::Error::user(
            "--proximity needs galaxies (--galaxies or --demo)",
        ));
    };
    let index = SkyIndex::cached(galaxies.directions(), &galaxies.cache_tag)?;
    for cat in [&mut survey.merged, &mut survey.pzwav, &mut survey.amico]
        .into_iter()
        .flatten()
    {
        let near = near_any(&index, &cat.directions(), radius_arcmin / 60.0);
        cat.columns.retain(|c| c.name != NEAR_GALAXIES);
        cat.columns.push(Column::new(
            NEAR_GALAXIES,
            "",
            ColumnData::I16(near.iter().map(|&b| b as i16).collect()),
        ));
    }
    Ok(())
}
/// Attribute slots of galaxy instances.
pub const GALAXY_Z: u32 = 0;

/// The layers of a rendered survey.
pub struct SurveyLayers {
    pub mask: Option<LayerId>,
    pub galaxy_density: Option<LayerId>,
    pub galaxies: Option<LayerId>,
    /// Level of detail of the galaxies: their upload order and marker budget.
    pub galaxy_lod: Option<(LodOrder, usize)>,
    /// Cluster layers uploaded in level-of-detail order (big catalogs), drawn within the
    /// same budget.
    pub cluster_lod: Vec<(LayerId, LodOrder)>,
    /// (cluster layer, its density map): shown where that catalog is crowded.
    pub cluster_density: Vec<(LayerId, LayerId)>,
    /// Markers a still figure draws per crowded layer.
    pub budget: usize,
    /// Galaxies in level-of-detail order not uploaded yet: a figure uploads only those its
    /// view draws ([`upload_drawn_galaxies`]).
    pub galaxies_deferred: bool,
    pub lev1: Option<LayerId>,
    pub core: Option<LayerId>,
    pub pzwav: Option<LayerId>,
    pub amico: Option<LayerId>,
    pub merged: Option<LayerId>,
}

fn cluster_filters(style: &StyleArgs) -> [Option<RangeFilter>; 2] {
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

/// Markers a view may draw per crowded layer: small on CPU rasterisers (about 2 µs a
/// sprite), large on real GPUs; `--max-markers` overrides.
pub const SOFTWARE_MARKER_BUDGET: usize = 200_000;
pub const GPU_MARKER_BUDGET: usize = 5_000_000;
/// Depth of galaxy count maps: cells of 0.43', finer than most views' pixels.
pub const DENSITY_DEPTH: u8 = 13;

/// The count map coarsened until its occupied cells hold about 20 objects on average, so
/// the density shows structure rather than Poisson noise.
fn smooth_enough(map: HealpixMap) -> HealpixMap {
    let total: f64 = map.values.iter().map(|&v| v as f64).sum();
    let mean = total / map.cells.len().max(1) as f64;
    let steps = ((20.0 / mean).log(4.0).ceil().max(0.0) as u8).min(map.depth.saturating_sub(6));
    if steps == 0 {
        return map;
    }
    let level = &map.pyramid()[(map.depth - steps) as usize];
    HealpixMap {
        depth: level.depth,
        frame: map.frame,
        value_name: map.value_name.clone(),
        cells: level.cells.clone(),
        // Back to counts per cell: mean of the covered sub-cells times how many there are.
        values: level
            .values
            .iter()
            .map(|v| v[0] * v[1] * 4f32.powi(steps as i32))
            .collect(),
    }
}

/// A catalog's level-of-detail order and counts: from the disk cache when this
/// catalog's were stored there, else computed (and stored).
fn lod_with_counts(cat: &Catalog) -> (LodOrder, HealpixMap) {
    use crate::data::cache::{can_store_blobs, map_blob, store_blob};
    // The version changes with the order's priorities, so that a cached order and a
    // computed one always draw the same objects.
    // v3: rows 4-byte aligned, used in place.
    let purpose = format!("lod-counts-v3-d{DENSITY_DEPTH}");
    let tag = &cat.cache_tag;
    if let Some(hit) = map_blob(tag, &purpose).and_then(|b| LodOrder::from_blob(&b, cat.len())) {
        return hit;
    }
    let (lod, counts) = LodOrder::with_counts(cat, DENSITY_DEPTH);
    if can_store_blobs(tag)
        && let Err(e) = store_blob(tag, &purpose, &lod.to_bytes(&counts))
    {
        report!("warning: level of detail not cached: {e}");
    }
    (lod, counts)
}

/// Galaxy density: counts per cell through a sqrt stretch, 0 to the 99.5th percentile.
pub fn density_style(theme: Theme, counts: &HealpixMap) -> MapStyle {
    let cmap = match theme {
        Theme::Dark => Colormap::Magma,
        Theme::Light => Colormap::Cividis,
    };
    let mut s = MapStyle::new(cmap, (0.0, quantile(counts, 0.995).max(1.0)));
    s.counts = true;
    s.stretch = crate::view::Stretch::Sqrt;
    s.opacity = 0.9;
    s
}

/// A mean-of-column density: the clusters' colormap over the cells' 1st to 99th
/// percentile, so a few odd cells do not flatten the rest.
pub fn mean_style(style: &StyleArgs, means: &HealpixMap) -> MapStyle {
    let (lo, hi) = (quantile(means, 0.01), quantile(means, 0.99));
    let hi = if hi > lo { hi } else { lo + 1.0 };
    let mut s = MapStyle::new(style.colormap, (lo, hi));
    s.opacity = 0.9;
    s
}

/// Sets how many priority-ordered objects `view` draws so that about the budget are
/// visible, per crowded layer.
pub fn apply_level_of_detail(renderer: &mut SceneRenderer, layers: &SurveyLayers, view: &View) {
    for (id, lod) in &layers.cluster_lod {
        let (ranges, in_view) = lod.draw_ranges(view, layers.budget);
        let crowded = ranges.iter().map(|r| r.len()).sum::<usize>() < in_view;
        renderer.set_point_draw_ranges(*id, Some(ranges));
        if let Some(&(_, density)) = layers.cluster_density.iter().find(|(p, _)| p == id) {
            renderer.set_map_visible(density, crowded);
        }
    }
    if let (Some(id), Some((lod, budget))) = (layers.galaxies, &layers.galaxy_lod) {
        let (ranges, in_view) = lod.draw_ranges(view, *budget);
        let drawn: usize = ranges.iter().map(|r| r.len()).sum();
        renderer.set_point_draw_ranges(id, Some(ranges));
        // The density map stands in for what is not drawn: only where crowded.
        if let Some(density) = layers.galaxy_density {
            renderer.set_map_visible(density, drawn < in_view);
        }
    }
}

/// Colour of merged clusters by a column role through a colormap, over fixed ranges that
/// suit cluster catalogs (z 0–2, SNR 3–30).
pub fn cluster_color(color_by: ColorRole, colormap: Colormap) -> ColorBy {
    match color_by {
        ColorRole::Z => ColorBy::Column {
            attr: CLUSTER_Z,
            lo: 0.0,
            hi: 2.0,
            colormap,
        },
        ColorRole::Snr => ColorBy::Column {
            attr: CLUSTER_SNR,
            lo: 3.0,
            hi: 30.0,
            colormap,
        },
        ColorRole::Near => ColorBy::Column {
            attr: CLUSTER_NEAR,
            lo: 0.0,
            hi: 1.0,
            colormap,
        },
        ColorRole::None => ColorBy::Fixed(Rgba::rgb8(0xff, 0xd7, 0x00)),
    }
}

/// Merged clusters: filled circles coloured by redshift (or SNR), sized by SNR.
pub fn merged_style(style: &StyleArgs) -> PointStyle {
    let color = cluster_color(style.color_by, style.colormap);
    let mut s = PointStyle::new(
        MarkerShape::Circle,
        SizeBy::Column {
            attr: CLUSTER_SNR,
            lo: 3.0,
            hi: 30.0,
            min_px: 4.0,
            max_px: REFERENCE_MARKER_PX,
        },
        color,
    );
    s.opacity = 0.9;
    s.filters = cluster_filters(style);
    s
}

/// Per-algorithm detections: open markers in the algorithm's colour, as in the seed app.
pub fn algorithm_style(
    style: &StyleArgs,
    shape: MarkerShape,
    color: Rgba,
    size_px: f32,
) -> PointStyle {
    let mut s = PointStyle::new(shape, SizeBy::Fixed(size_px), ColorBy::Fixed(color));
    s.stroke_px = 1.2;
    s.filters = cluster_filters(style);
    s
}

pub fn galaxy_style(theme: Theme, style: &StyleArgs, count: usize) -> PointStyle {
    let color = match theme {
        Theme::Dark => Rgba::rgb8(0xb8, 0xc4, 0xd8),
        Theme::Light => Rgba::rgb8(0x40, 0x48, 0x60),
    };
    let mut s = PointStyle::new(
        MarkerShape::Circle,
        SizeBy::Fixed(1.6),
        ColorBy::Fixed(color),
    );
    // Crowded catalogs fade so that density shows as brightness.
    s.opacity = (60_000.0 / count.max(1) as f32).clamp(0.01, 0.7);
    s.filters[1] = (style.z_min.is_some() || style.z_max.is_some()).then(|| RangeFilter {
        attr: GALAXY_Z,
        min: style.z_min.unwrap_or(f32::NEG_INFINITY),
        max: style.z_max.unwrap_or(f32::INFINITY),
    });
    s
}

/// Coverage masks: weights from 0 to 1 through a colormap, translucent, under the
/// catalogs; holes and uncovered sky stay background.
pub fn mask_style(style: &StyleArgs, map: &HealpixMap, opacity: f32) -> MapStyle {
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

/// The largest cluster marker and the tile lines' width by default, in pixels: what
/// --marker-size and --line-width set (the other sizes follow in proportion).
pub const REFERENCE_MARKER_PX: f32 = 11.0;
pub const REFERENCE_LINE_PX: f32 = 1.2;

/// Factors on the default cluster marker sizes and tile line widths that --marker-size
/// and --line-width ask for in `view` (sizes in pixels times `px_scale`); 1 when not given.
pub fn size_factors(style: &StyleArgs, view: &View, px_scale: f32) -> (f32, f32) {
    let factor = |e: Option<crate::view::Extent>, reference: f32| {
        e.map_or(1.0, |e| e.pixels(view, px_scale) / reference)
    };
    (
        factor(style.marker_size, REFERENCE_MARKER_PX),
        factor(style.line_width, REFERENCE_LINE_PX),
    )
}

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

/// The columns of a cluster layer's attribute slots ([`CLUSTER_Z`], [`CLUSTER_SNR`],
/// [`CLUSTER_NEAR`]).
pub fn cluster_attr_columns(cat: &Catalog) -> Vec<String> {
    vec![
        cat.roles.z.clone().unwrap_or_default(),
        cat.roles.snr.clone().unwrap_or_default(),
        NEAR_GALAXIES.to_string(),
    ]
}

/// Uploads a cluster catalog; one larger than `lod_above` goes up in level-of-detail
/// order (highest SNR first in each cell), so crowded views draw the most significant
/// detections over a density map of the whole catalog (as for galaxies).
#[allow(clippy::too_many_arguments)]
fn add_cluster_layer(
    ctx: &GpuContext,
    renderer: &mut SceneRenderer,
    layers: &mut SurveyLayers,
    name: &str,
    cat: &Catalog,
    style: PointStyle,
    theme: Theme,
    lod_above: usize,
) -> Result<LayerId> {
    let attrs = cluster_attr_columns(cat);
    let attrs: Vec<&str> = attrs.iter().map(String::as_str).collect();
    if cat.len() <= lod_above {
        let inst = PointInstance::from_catalog(cat, &attrs);
        return renderer.add_points(ctx, name, &inst, style);
    }
    let (mut lod, counts) = lod_with_counts(cat);
    lod.pixels_per_marker = marker_room(&style);
    let counts = smooth_enough(counts);
    let mut density = density_style(theme, &counts);
    density.visible = false; // level of detail shows it where the view is crowded
    let density = renderer.add_map(ctx, &format!("{name} density"), &counts, density)?;
    let inst = PointInstance::from_rows(cat, &attrs, &lod.rows);
    let id = renderer.add_points(ctx, name, &inst, style)?;
    layers.cluster_lod.push((id, lod));
    layers.cluster_density.push((id, density));
    Ok(id)
}

/// Uploads a survey's layers, bottom to top: map, galaxies, tiles, clusters.
pub fn add_survey_layers(
    ctx: &GpuContext,
    renderer: &mut SceneRenderer,
    survey: &Survey,
    theme: Theme,
    style: &StyleArgs,
) -> Result<SurveyLayers> {
    let budget = marker_budget(ctx, style);
    add_survey_layers_with_lod(ctx, renderer, survey, theme, style, budget)
}

/// The markers a still frame may draw per crowded layer on this adapter.
pub fn marker_budget(ctx: &GpuContext, style: &StyleArgs) -> usize {
    style.max_markers.unwrap_or(if ctx.is_software() {
        SOFTWARE_MARKER_BUDGET
    } else {
        GPU_MARKER_BUDGET
    })
}

/// As [`add_survey_layers`], for a figure of one view: crowded galaxies are uploaded
/// once the view is known, and only those it draws ([`upload_drawn_galaxies`]; a 10M-row
/// catalog then costs its ~200k drawn instances, not 10M).
pub fn add_survey_layers_for_figure(
    ctx: &GpuContext,
    renderer: &mut SceneRenderer,
    survey: &Survey,
    theme: Theme,
    style: &StyleArgs,
) -> Result<SurveyLayers> {
    let budget = marker_budget(ctx, style);
    add_layers(ctx, renderer, survey, theme, style, budget, true)
}

/// Sets every layer's level of detail for `view` and uploads the galaxies it draws, for
/// layers made by [`add_survey_layers_for_figure`] (the same pixels as uploading all).
pub fn upload_drawn_galaxies(
    ctx: &GpuContext,
    renderer: &mut SceneRenderer,
    layers: &mut SurveyLayers,
    survey: &Survey,
    view: &View,
) -> Result<()> {
    apply_level_of_detail(renderer, layers, view);
    let (Some(id), Some((lod, _)), Some(galaxies)) = (
        layers.galaxies,
        &layers.galaxy_lod,
        survey.galaxies.as_ref(),
    ) else {
        return Ok(());
    };
    if !layers.galaxies_deferred {
        return Ok(());
    }
    let ranges = renderer.point_draw_ranges(id).unwrap_or_default().to_vec();
    // The drawn ranges' rows in draw order: one draw of them blends as the ranges did.
    let rows: Vec<u32> = ranges
        .iter()
        .flat_map(|r| lod.rows[r.start as usize..r.end as usize].iter().copied())
        .collect();
    if rows.is_empty() {
        return Ok(());
    }
    let z = galaxies.roles.z.clone().unwrap_or_default();
    let instances = PointInstance::from_rows(galaxies, &[&z], &rows);
    renderer.replace_points(ctx, id, &instances)?;
    renderer.set_point_draw_ranges(id, None);
    layers.galaxies_deferred = false;
    Ok(())
}

/// As [`add_survey_layers`], with galaxies uploaded in level-of-detail order whenever
/// there are more than `lod_above` (the viewer's adaptive budget can go that low).
pub fn add_survey_layers_with_lod(
    ctx: &GpuContext,
    renderer: &mut SceneRenderer,
    survey: &Survey,
    theme: Theme,
    style: &StyleArgs,
    lod_above: usize,
) -> Result<SurveyLayers> {
    add_layers(ctx, renderer, survey, theme, style, lod_above, false)
}

fn add_layers(
    ctx: &GpuContext,
    renderer: &mut SceneRenderer,
    survey: &Survey,
    theme: Theme,
    style: &StyleArgs,
    lod_above: usize,
    defer_galaxies: bool,
) -> Result<SurveyLayers> {
    let mut layers = SurveyLayers {
        mask: None,
        galaxy_density: None,
        galaxies: None,
        galaxy_lod: None,
        cluster_lod: Vec::new(),
        cluster_density: Vec::new(),
        budget: marker_budget(ctx, style),
        galaxies_deferred: false,
        lev1: None,
        core: None,
        pzwav: None,
        amico: None,
        merged: None,
    };
    if let Some(mask) = survey
        .mask
        .as_ref()
        .filter(|m| !style.no_mask && !m.cells.is_empty())
    {
        // Translucent under catalogs, opaque when the map is the figure.
        let alone = survey.galaxies.is_none()
            && survey.merged.is_none()
            && survey.pzwav.is_none()
            && survey.amico.is_none();
        let opacity = style.mask_opacity.unwrap_or(if alone { 1.0 } else { 0.45 });
        layers.mask =
            Some(renderer.add_map(ctx, "mask", mask, mask_style(style, mask, opacity))?);
        if let Some(color) = style.mask_outline {
            let segs = segments_from_paths(&mask.outline_paths());
            let line = LineStyle {
                color,
                width_px: 1.2,
                dash: None,
                visible: true,
            };
            renderer.add_lines(ctx, "mask outline", &segs, line)?;
        }
    }
    if let Some(galaxies) = survey
        .galaxies
        .as_ref()
        .filter(|g| !style.no_galaxies && !g.is_empty())
    {
        let z = galaxies.roles.z.clone().unwrap_or_default();
        let budget = marker_budget(ctx, style);
        let s = galaxy_style(theme, style, galaxies.len().min(budget));
        if galaxies.len() > lod_above.min(budget) {
            // Crowded: a density map under the highest-priority markers, uploaded once
            // grouped by cell and priority so that each view draws ranges of it.
            let (lod, counts) = lod_with_counts(galaxies);
            let counts = smooth_enough(counts);
            let (map, map_style) = match &style.density_column {
                // The mean of a column over the same cells the counts settled on.
                Some(col) => {
                    let means = mean_map(galaxies, col, counts.depth).map_err(Error::user)?;
                    let s = mean_style(style, &means);
                    (means, s)
                }
                None => {
                    let s = density_style(theme, &counts);
                    (counts, s)
                }
            };
            layers.galaxy_density =
                Some(renderer.add_map(ctx, "galaxy density", &map, map_style)?);
            if defer_galaxies {
                // A stand-in drawing nothing until the view's galaxies replace it.
                let none = [PointInstance {
                    dir: [1.0, 0.0, 0.0],
                    attrs: [f32::NAN; 4],
                }];
                let id = renderer.add_points(ctx, "galaxies", &none, s)?;
                renderer.set_point_draw_ranges(id, Some(Vec::new()));
                layers.galaxies = Some(id);
                layers.galaxies_deferred = true;
            } else {
                let inst = PointInstance::from_rows(galaxies, &[&z], &lod.rows);
                layers.galaxies = Some(renderer.add_points(ctx, "galaxies", &inst, s)?);
            }
            layers.galaxy_lod = Some((lod, budget));
        } else {
            let inst = PointInstance::from_catalog(galaxies, &[&z]);
            layers.galaxies = Some(renderer.add_points(ctx, "galaxies", &inst, s)?);
        }
    }
    if let Some(tiles) = survey.tiles.as_ref().filter(|_| !style.no_tiles) {
        for part in [TilePart::Lev1, TilePart::Core] {
            let rings: Vec<&Vec<(f64, f64)>> = tiles.rings(part).collect();
            let name = if part == TilePart::Lev1 {
                "LEV1"
            } else {
                "CORE"
            };
            let id = renderer.add_polygons(ctx, name, &rings, tile_style(part, theme))?;
            match part {
                TilePart::Lev1 => layers.lev1 = Some(id),
                TilePart::Core => layers.core = Some(id),
            }
        }
    }
    let show = |a: AlgorithmChoice| {
        !style.no_clusters && (style.algorithm == AlgorithmChoice::All || style.algorithm == a)
    };
    let lod_above = lod_above.min(marker_budget(ctx, style));
    // Open per-algorithm markers ring the merged clusters, which are drawn last, on top.
    let pzwav = algorithm_style(
        style,
        MarkerShape::OpenCircle,
        Rgba::rgb8(0xff, 0x5a, 0x5a),
        17.0,
    );
    let amico = algorithm_style(
        style,
        MarkerShape::OpenSquare,
        Rgba::rgb8(0xff, 0xb0, 0x30),
        15.0,
    );
    for (alg, cat, name, s) in [
        (AlgorithmChoice::Pzwav, &survey.pzwav, "PZWAV", pzwav),
        (AlgorithmChoice::Amico, &survey.amico, "AMICO", amico),
        (
            AlgorithmChoice::Merged,
            &survey.merged,
            "merged",
            merged_style(style),
        ),
    ] {
        let Some(cat) = cat.as_ref().filter(|_| show(alg)) else {
            continue;
        };
        let id = add_cluster_layer(ctx, renderer, &mut layers, name, cat, s, theme, lod_above)?;
        match alg {
            AlgorithmChoice::Pzwav => layers.pzwav = Some(id),
            AlgorithmChoice::Amico => layers.amico = Some(id),
            _ => layers.merged = Some(id),
        }
    }
    Ok(layers)
}
