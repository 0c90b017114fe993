//! The figure pipeline: a survey as figures. Its layers uploaded once, the page composed
//! around the view, then each requested output written (PNG, SVG, PDF; a WCS sidecar on
//! request). The command line, figure files and the viewer's "Save figure" all come here.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use crate::data::cache::{DiskCache, hash_file};
use crate::data::fits_write::write_moc_fits;
use crate::data::hats::is_hats;
use crate::data::{HealpixMap, Survey};
use crate::error::{Error, Result};
use crate::export::compose::{page_color, style_scale};
use crate::export::markers::{MAX_VECTOR_MARKERS, VectorMarker, markers_of};
use crate::export::wcs::{sidecar_path, wcs_cards, write_wcs_fits};
use crate::export::write::{parse_svg, png_bytes, write_pdf, write_png, write_svg};
use crate::export::{
    ColorBar, Decorations, Figure, FigureStyle, Format, LegendEntry, PngPage, Strips, Symbol,
    VectorOutline,
};
use crate::render::PointInstance;
use crate::render::{BackendChoice, GpuContext, LayerId, SceneRenderer};
use crate::reporting::trace_phase;
use crate::scene::layers::{
    CLUSTER_NEAR, CLUSTER_SNR, CLUSTER_Z, LayerKind, NEAR_GALAXIES, cluster_attr_columns,
    cluster_color_label, size_factors,
};
use crate::scene::{
    FigureOptions, LodPlan, PageSize, SceneStyle, SurveyLayers, UploadPlan, ViewSpec, upload_survey,
};
use crate::view::region_moc::view_moc;
use crate::view::{ColorBy, LineStyle, PointStyle, Rgba, SubRect, View};

/// Everything that decides a figure besides the data.
pub struct FigureRequest<'a> {
    pub view: &'a ViewSpec,
    pub style: &'a SceneStyle,
    pub figure: &'a FigureOptions,
    pub outputs: &'a [PathBuf],
    /// Text that says how the figure was made (PNG text chunks, SVG description).
    pub metadata: Vec<(&'static str, String)>,
    pub strips: Strips,
}

impl<'a> FigureRequest<'a> {
    /// A request without metadata, in the default strips.
    pub fn new(
        view: &'a ViewSpec,
        style: &'a SceneStyle,
        figure: &'a FigureOptions,
        outputs: &'a [PathBuf],
    ) -> Self {
        FigureRequest {
            view,
            style,
            figure,
            outputs,
            metadata: Vec::new(),
            strips: Strips::default(),
        }
    }
}

/// Refuses outputs we would not write, before any work is done.
pub fn check_outputs(outputs: &[PathBuf], figure: &FigureOptions) -> Result<()> {
    if outputs.is_empty() {
        return Err(Error::user("no output: give -o FIGURE.png (or .svg, .pdf)"));
    }
    for out in outputs {
        let format = Format::of(out)?;
        if figure.wcs && format != Format::Png {
            return Err(Error::file(
                out,
                "--wcs describes PNG pixels: give a .png output",
            ));
        }
        crate::fsutil::ensure_parent_dir(out)?;
    }
    Ok(())
}

/// A GPU context with a scene renderer and its pipelines, ready for a figure: made while
/// the data load ([`FigureGpu::start`]), it costs a figure nothing (~0.1 s on software).
pub struct FigureGpu {
    ctx: Arc<GpuContext>,
    renderer: SceneRenderer,
}

impl FigureGpu {
    pub fn new(backend: BackendChoice) -> Result<FigureGpu> {
        Ok(Self::on(Arc::new(GpuContext::new(backend)?)))
    }

    pub fn context(&self) -> &GpuContext {
        &self.ctx
    }

    /// On a device already open (the viewer's): no second GPU context.
    pub fn on(ctx: Arc<GpuContext>) -> FigureGpu {
        let t0 = Instant::now();
        let renderer = SceneRenderer::new(&ctx);
        trace_phase("gpu: pipelines made", t0);
        FigureGpu { ctx, renderer }
    }

    /// Runs `load` while the GPU is prepared on another thread; a load error wins over a
    /// GPU one.
    pub fn start<T>(
        backend: BackendChoice,
        load: impl FnOnce() -> Result<T>,
    ) -> Result<(FigureGpu, T)> {
        std::thread::scope(|s| {
            let gpu = s.spawn(|| {
                let t0 = Instant::now();
                let gpu = FigureGpu::new(backend);
                trace_phase("gpu: ready", t0);
                gpu
            });
            let loaded = load();
            let gpu = gpu.join().unwrap_or_else(|p| std::panic::resume_unwind(p));
            let loaded = loaded?;
            Ok((gpu?, loaded))
        })
    }
}

/// Uploads the survey and writes every output of `req`; returns the composed figure
/// (`None` for a bare sky).
pub fn render_figures(
    backend: BackendChoice,
    survey: &Survey,
    req: &FigureRequest<'_>,
) -> Result<Option<Figure>> {
    render_figures_on(FigureGpu::new(backend)?, survey, req)
}

/// As [`render_figures`], on a GPU made beforehand.
pub fn render_figures_on(
    gpu: FigureGpu,
    survey: &Survey,
    req: &FigureRequest<'_>,
) -> Result<Option<Figure>> {
    let t0 = Instant::now();
    let mut page_size = req.view.pixel_size()?;
    let FigureGpu { ctx, mut renderer } = gpu;
    let theme = req.view.theme;
    renderer.set_theme(&ctx, theme);
    let plan = UploadPlan::figure(&ctx, req.style);
    let mut layers = upload_survey(&ctx, &mut renderer, survey, theme, req.style, plan)?;
    trace_phase("figure: layers uploaded", t0);
    let role = req.style.color_by;
    if layers.get(LayerKind::Merged).is_some() && !layers.color_ranges.shows(role) {
        if role != crate::scene::ColorRole::None {
            report!(
                "merged clusters drawn in one colour: they have no {} column to colour by",
                cluster_color_label(req.style)
                    .to_lowercase()
                    .replace("cluster ", "")
            );
        }
    } else if layers.get(LayerKind::Merged).is_some() && layers.color_ranges.from_data(role) {
        let (lo, hi) = layers.color_ranges.of(role);
        report!(
            "merged clusters coloured by {} over {lo}–{hi}: the data's range, rounded \
             (--color-range LO,HI sets another)",
            cluster_color_label(req.style).to_lowercase()
        );
    }
    let bare = req.figure.bare;
    let outlines = vector_outlines(survey, &layers, &renderer);
    // Markers and lines keep their printed size at any DPI (a bare sky keeps its pixel
    // sizes unless a DPI was asked for).
    let k = if !bare || req.view.dpi_given() {
        style_scale(req.view.dpi())
    } else {
        1.0
    };
    scale_styles(&ctx, &mut renderer, &layers, [k; 3]);
    let outline = survey.outline_directions();
    let view_for = |size: (u32, u32)| {
        let spec = ViewSpec {
            size: Some(PageSize::Pixels(size.0, size.1)),
            ..req.view.clone()
        };
        spec.initial_view(&outline, size)
    };
    let figure = if bare {
        None
    } else {
        let style = FigureStyle {
            size: page_size,
            dpi: req.view.dpi(),
            font_pt: req.figure.font_size,
            title: req.figure.title.clone(),
            grid_format: req.figure.grid_format,
            grid_lines: !req.figure.no_grid,
            theme,
        };
        let deco = decorations(survey, &layers, &renderer, req.style);
        let fig = Figure::compose(style.clone(), deco.clone(), outlines.clone(), view_for)?;
        // No size given: the page is sized to the plot (an all-sky ellipse on a 4:3 page
        // would leave empty bands above and below), as far as the legend and colour bars
        // beside it still fit.
        let fitted = if req.view.size.is_none() && fig.slack > 0 {
            let cut_by = |cut: u32| {
                let style = FigureStyle {
                    size: (page_size.0, page_size.1 - cut),
                    ..style.clone()
                };
                Figure::compose(style, deco.clone(), outlines.clone(), view_for)
                    .ok()
                    .filter(Figure::bars_fit)
            };
            // The largest cut (to a pixel) that still fits: the whole slack, else by halves.
            cut_by(fig.slack).or_else(|| {
                let (mut fits, mut too_much) = (0, fig.slack);
                while too_much - fits > 1 {
                    let mid = (fits + too_much) / 2;
                    if cut_by(mid).is_some() {
                        fits = mid;
                    } else {
                        too_much = mid;
                    }
                }
                (fits > 0).then(|| cut_by(fits)).flatten()
            })
        } else {
            None
        };
        let fig = fitted.unwrap_or(fig);
        page_size = fig.style.size;
        Some(fig)
    };
    trace_phase("figure: page composed", t0);
    let (plot, view) = match &figure {
        Some(f) => (f.plot, f.view),
        None => (
            SubRect {
                x: 0,
                y: 0,
                width: page_size.0,
                height: page_size.1,
            },
            view_for(page_size),
        ),
    };
    // Sizes asked for (in pixels at the figure's DPI, or angles at its final scale).
    let (markers, lines) = size_factors(req.style, &view, k);
    scale_styles(&ctx, &mut renderer, &layers, [1.0, markers / k, lines / k]);
    // Markers drawn larger than uploaded need more room each.
    let mut lod = layers.level_of_detail(&view, layers.budget, (markers / k) as f64);
    trace_phase("figure: level of detail", t0);
    layers.upload_drawn_galaxies(&ctx, &mut renderer, survey, &mut lod)?;
    trace_phase("figure: drawn galaxies uploaded", t0);
    lod.apply(&ctx, &mut renderer, |_| true);
    let figure = figure.map(|mut f| {
        // Density maps show only where level of detail leaves markers undrawn.
        for (id, label) in density_layers(&layers, req.style) {
            if !renderer.map_style(id).is_some_and(|s| s.visible) {
                f.deco.legend.retain(|e| e.label != label);
                f.deco.bars.retain(|b| b.label != label);
            }
        }
        // Vector tile outlines take the asked width too (they scale by the DPI themselves).
        for o in &mut f.outlines {
            o.style = o.style.scaled(lines / k);
        }
        // SVG and PDF draw the cluster markers as vectors, unless there are too many.
        let vector = req
            .outputs
            .iter()
            .any(|o| matches!(Format::of(o), Ok(Format::Svg | Format::Pdf)));
        if vector {
            f.markers =
                cluster_markers(survey, &layers, &lod, &renderer, &view).unwrap_or_default();
        }
        f
    });
    let setup = t0.elapsed().as_secs_f64();
    let mut metadata = req.metadata.clone();
    metadata.push(("clusterviz view", view_description(&view, &survey.source)));
    let desc: String = metadata
        .iter()
        .map(|(k, v)| format!("{k}: {v}\n"))
        .collect();
    // svg2pdf decodes the embedded sky image within 512 MiB (the image crate's default
    // limit): a larger plot would fail only after rendering, with an unhelpful message.
    const PDF_SKY_BYTES: u64 = 512 << 20;
    let sky_bytes = plot.width as u64 * plot.height as u64 * 4;
    if figure.is_some()
        && sky_bytes > PDF_SKY_BYTES
        && let Some(pdf) = req
            .outputs
            .iter()
            .find(|o| Format::of(o).ok() == Some(Format::Pdf))
    {
        return Err(Error::file(
            pdf,
            format!(
                "a PDF's sky is one embedded image of at most {} million pixels (the PDF writer's limit); this plot is {}x{} ({:.0} million): give a smaller --size or --dpi, or write a PNG",
                PDF_SKY_BYTES / 4 / 1_000_000,
                plot.width,
                plot.height,
                (plot.width as f64 * plot.height as f64) / 1e6
            ),
        ));
    }
    let mut vector_sky: Option<Vec<u8>> = None;
    let moc = req.figure.moc.then(|| view_moc(&view));
    for out in req.outputs {
        let t1 = Instant::now();
        match Format::of(out)? {
            Format::Png => {
                let overlay = match &figure {
                    Some(f) => Some(parse_svg(&f.svg(None, false, &desc))?),
                    None => None,
                };
                let page = PngPage {
                    size: page_size,
                    plot,
                    view: &view,
                    background: page_color(theme),
                    overlay: overlay.as_ref(),
                    dpi: Some(req.view.dpi()),
                };
                write_png(&ctx, &renderer, &page, &metadata, out, req.strips)?;
                if req.figure.wcs {
                    let wcs = sidecar_path(out);
                    write_wcs_fits(&wcs, &wcs_cards(&view, plot, page_size)?)?;
                    report!("{}: the figure's WCS", wcs.display());
                }
            }
            format @ (Format::Svg | Format::Pdf) => {
                let Some(f) = &figure else {
                    return Err(Error::file(
                        out,
                        "--bare makes a PNG of the sky only; SVG and PDF are figures",
                    ));
                };
                // Tile outlines become vectors; the rest of the sky is one embedded image,
                // rendered once for all vector outputs.
                if vector_sky.is_none() {
                    let hidden = hide_outlines(&ctx, &mut renderer, &layers);
                    let markers = if f.markers.is_empty() {
                        Vec::new()
                    } else {
                        hide_cluster_markers(&ctx, &mut renderer, &layers)
                    };
                    let sky = renderer.render_tiled(&ctx, &view, req.strips.max_tile);
                    restore_outlines(&ctx, &mut renderer, hidden);
                    for (id, s) in markers {
                        renderer.set_point_style(&ctx, id, s);
                    }
                    vector_sky = Some(png_bytes(&sky?)?);
                }
                let svg = f.svg(vector_sky.as_deref(), true, &desc);
                if format == Format::Svg {
                    write_svg(&svg, out)?;
                } else {
                    write_pdf(&svg, out, &pdf_info(f, &metadata))?;
                }
            }
        }
        if let Some(moc) = &moc {
            let path = out.with_extension("moc.fits");
            write_moc_fits(&moc.uniq(), moc.max_order, &path)?;
            report!(
                "{}: the sky the figure shows, a MOC of {} cells (orders 0-{})",
                path.display(),
                moc.cells.len(),
                moc.max_order
            );
        }
        report!(
            "{}: {}x{} px ({:.2}x{:.2} in at {:.0} dpi), {} on {} ({:?}); setup {:.2} s, \
             writing {:.2} s",
            out.display(),
            page_size.0,
            page_size.1,
            page_size.0 as f64 / req.view.dpi(),
            page_size.1 as f64 / req.view.dpi(),
            req.view.dpi(),
            view.projection.code(),
            ctx.info.name,
            ctx.info.backend,
            setup,
            t1.elapsed().as_secs_f64()
        );
    }
    Ok(figure)
}

/// Every density layer with its legend label.
fn density_layers(layers: &SurveyLayers, style: &SceneStyle) -> Vec<(LayerId, String)> {
    let galaxies = match &style.density_column {
        Some(col) => format!("Galaxies' mean {col}"),
        None => LayerKind::GalaxyDensity.legend_label().to_string(),
    };
    let mut out: Vec<(LayerId, String)> = layers
        .get(LayerKind::GalaxyDensity)
        .map(|id| (id, galaxies))
        .into_iter()
        .collect();
    for &(points, density) in &layers.cluster_density {
        let label = layers
            .kind_of(points)
            .map_or_else(|| "Cluster density".to_string(), LayerKind::density_label);
        out.push((density, label));
    }
    out
}

/// Multiplies marker sizes, line widths and dashes by `[galaxies, clusters, tiles]` (and
/// the room crowded cluster markers need by the square of theirs).
fn scale_styles(ctx: &GpuContext, r: &mut SceneRenderer, layers: &SurveyLayers, k: [f32; 3]) {
    let [galaxies, clusters, tiles] = k;
    for (kind, id) in layers.present() {
        let k = match kind {
            LayerKind::Galaxies => galaxies,
            k if k.is_cluster_catalog() => clusters,
            _ => continue,
        };
        if (k - 1.0).abs() > 1e-6
            && let Some(mut s) = r.point_style(id)
        {
            s.size = s.size.scaled(k);
            s.stroke_px *= k;
            if let Some(h) = &mut s.halo {
                h.width_px *= k;
            }
            r.set_point_style(ctx, id, s);
        }
    }
    if (tiles - 1.0).abs() > 1e-6 {
        for (_, id) in tile_layers(layers) {
            if let Some(s) = r.line_style(id) {
                r.set_line_style(ctx, id, s.scaled(tiles));
            }
        }
    }
}

fn tile_layers(layers: &SurveyLayers) -> impl Iterator<Item = (LayerKind, LayerId)> + '_ {
    LayerKind::TILES
        .into_iter()
        .filter_map(|k| layers.get(k).map(|id| (k, id)))
}

fn hide_outlines(
    ctx: &GpuContext,
    r: &mut SceneRenderer,
    layers: &SurveyLayers,
) -> Vec<(LayerId, LineStyle)> {
    tile_layers(layers)
        .filter_map(|(_, id)| {
            let s = r.line_style(id)?;
            r.set_line_style(
                ctx,
                id,
                LineStyle {
                    visible: false,
                    ..s
                },
            );
            Some((id, s))
        })
        .collect()
}

/// Hides the cluster marker layers (drawn as vectors instead); returns their styles.
fn hide_cluster_markers(
    ctx: &GpuContext,
    r: &mut SceneRenderer,
    layers: &SurveyLayers,
) -> Vec<(LayerId, PointStyle)> {
    LayerKind::CLUSTER_CATALOGS
        .into_iter()
        .filter_map(|kind| layers.get(kind))
        .filter_map(|id| {
            let s = r.point_style(id)?;
            r.set_point_style(
                ctx,
                id,
                PointStyle {
                    visible: false,
                    ..s
                },
            );
            Some((id, s))
        })
        .collect()
}

/// The cluster markers the figure's view draws, as vectors, bottom to top as the renderer
/// draws them (level of detail included); `None` beyond [`MAX_VECTOR_MARKERS`].
fn cluster_markers(
    survey: &Survey,
    layers: &SurveyLayers,
    drawn: &LodPlan,
    r: &SceneRenderer,
    view: &View,
) -> Option<Vec<VectorMarker>> {
    let mut out = Vec::new();
    for kind in LayerKind::CLUSTER_CATALOGS {
        let (Some(id), Some(cat)) = (layers.get(kind), kind.catalog(survey)) else {
            continue;
        };
        let style = r.point_style(id)?;
        let lod = layers.cluster_lod.iter().find(|(i, _)| *i == id);
        let rows: Vec<u32> = match (lod, drawn.ranges(kind)) {
            (Some((_, lod)), Some(ranges)) => ranges
                .iter()
                .flat_map(|g| lod.rows[g.start as usize..g.end as usize].iter().copied())
                .collect(),
            _ => (0..cat.len() as u32).collect(),
        };
        let attrs = cluster_attr_columns(cat);
        let attrs: Vec<&str> = attrs.iter().map(String::as_str).collect();
        let instances = PointInstance::from_rows(cat, &attrs, &rows);
        out.extend(markers_of(&instances, &style, view));
        if out.len() > MAX_VECTOR_MARKERS {
            return None;
        }
    }
    Some(out)
}

fn restore_outlines(ctx: &GpuContext, r: &mut SceneRenderer, hidden: Vec<(LayerId, LineStyle)>) {
    for (id, s) in hidden {
        r.set_line_style(ctx, id, s);
    }
}

/// The tiles as vector outlines, in their layers' styles (taken before DPI scaling: the
/// figure scales vectors itself).
fn vector_outlines(
    survey: &Survey,
    layers: &SurveyLayers,
    r: &SceneRenderer,
) -> Vec<VectorOutline> {
    let Some(tiles) = &survey.tiles else {
        return Vec::new();
    };
    tile_layers(layers)
        .filter_map(|(kind, id)| {
            Some(VectorOutline {
                style: r.line_style(id)?,
                rings: tiles.rings(kind.tile_part()?).cloned().collect(),
            })
        })
        .collect()
}

/// The legend and colour bars for the layers drawn, in the colours they are drawn in.
fn decorations(
    survey: &Survey,
    layers: &SurveyLayers,
    r: &SceneRenderer,
    style: &SceneStyle,
) -> Decorations {
    let mut d = Decorations::default();
    let point_color = |id: LayerId| match r.point_style(id).map(|s| s.color) {
        Some(ColorBy::Fixed(c)) => Some(c),
        Some(ColorBy::Column { colormap, .. }) => {
            let [cr, cg, cb] = colormap.at(0.6);
            Some(Rgba::rgb8(cr, cg, cb))
        }
        None => None,
    };
    let catalogs = [LayerKind::Merged, LayerKind::Pzwav, LayerKind::Amico];
    for kind in catalogs {
        let (Some(id), Some(cat)) = (layers.get(kind), kind.catalog(survey)) else {
            continue;
        };
        let (Some(color), Some(s)) = (point_color(id), r.point_style(id)) else {
            continue;
        };
        if let Some(entries) = near_flag_entries(kind, cat, &s, style) {
            d.legend.extend(entries);
            continue;
        }
        d.legend.push(LegendEntry {
            label: format!(
                "{} ({})",
                kind.legend_label(),
                short_count(passing_filters(cat, &s))
            ),
            symbol: Symbol::Marker {
                shape: s.shape,
                color,
            },
        });
    }
    for (kind, id) in tile_layers(layers) {
        if let Some(s) = r.line_style(id) {
            d.legend.push(LegendEntry {
                label: kind.legend_label().into(),
                symbol: Symbol::Line {
                    color: s.color,
                    dashed: s.dash.is_some(),
                },
            });
        }
    }
    let galaxies = LayerKind::Galaxies;
    // No rows read (a sample too costly for its view): the density's entry says it all.
    if let (Some(id), Some(g)) = (layers.get(galaxies), galaxies.catalog(survey))
        && !g.is_empty()
        && let Some(c) = point_color(id)
    {
        d.legend.push(LegendEntry {
            label: galaxies_legend_label(
                g.len(),
                survey.galaxy_counts.as_ref(),
                survey.galaxy_source.as_ref().map_or(1, |s| s.stride),
            ),
            symbol: Symbol::Dots(c),
        });
    }
    for (id, label) in density_layers(layers, style) {
        if let Some(s) = r.map_style(id) {
            // A mean is a quantity to read off a scale; counts only show where.
            if style.density_column.is_some() && Some(id) == layers.get(LayerKind::GalaxyDensity) {
                d.bars.push(ColorBar {
                    label: label.clone(),
                    colormap: s.colormap,
                    range: (s.range.0 as f64, s.range.1 as f64),
                    stretch: s.stretch,
                });
            }
            d.legend.push(LegendEntry {
                label,
                symbol: Symbol::Colormap(s.colormap),
            });
        }
    }
    // A yes/no flag has the two legend entries above, not a scale.
    if let Some(id) = layers.get(LayerKind::Merged)
        && let Some(PointStyle {
            color:
                ColorBy::Column {
                    attr,
                    lo,
                    hi,
                    colormap,
                },
            ..
        }) = r.point_style(id)
        && attr != CLUSTER_NEAR
    {
        d.bars.push(ColorBar {
            label: cluster_color_label(style),
            colormap,
            range: (lo as f64, hi as f64),
            stretch: crate::view::Stretch::Linear,
        });
    }
    if let (Some(id), Some(map)) = (layers.get(LayerKind::Mask), &survey.mask)
        && let Some(s) = r.map_style(id)
    {
        d.bars.push(ColorBar {
            label: format!("Mask {}", map.value_name),
            colormap: s.colormap,
            range: (s.range.0 as f64, s.range.1 as f64),
            stretch: s.stretch,
        });
    }
    d
}

/// Clusters coloured by the proximity flag: one legend entry for those with galaxies
/// within the radius and one for those without, each in its colour and with its count.
fn near_flag_entries(
    kind: LayerKind,
    cat: &crate::data::Catalog,
    s: &PointStyle,
    style: &SceneStyle,
) -> Option<[LegendEntry; 2]> {
    let ColorBy::Column {
        attr: CLUSTER_NEAR,
        lo,
        hi,
        colormap,
    } = s.color
    else {
        return None;
    };
    let flags = cat.column(NEAR_GALAXIES)?;
    let shown = passing_rows(cat, s);
    let near = shown
        .iter()
        .filter(|&&i| flags.integer(i).is_some_and(|v| v != 0))
        .count();
    let radius = style.proximity.unwrap_or(0.0);
    let entry = |value: f32, label: String| {
        let [cr, cg, cb] = colormap.at(f64::from((value - lo) / (hi - lo)));
        LegendEntry {
            label,
            symbol: Symbol::Marker {
                shape: s.shape,
                color: Rgba::rgb8(cr, cg, cb),
            },
        }
    };
    let name = kind.legend_label();
    Some([
        entry(
            1.0,
            format!("{name}, galaxies within {radius}′ ({})", short_count(near)),
        ),
        entry(
            0.0,
            format!(
                "{name}, none within {radius}′ ({})",
                short_count(shown.len() - near)
            ),
        ),
    ])
}

/// Rows of a cluster catalog the layer's SNR and redshift filters let through.
/// A count for a legend: 950, 12.3k, 4.5M.
fn short_count(n: usize) -> String {
    match n {
        0..1_000 => n.to_string(),
        1_000..1_000_000 => format!("{:.1}k", n as f64 / 1e3),
        _ => format!("{:.1}M", n as f64 / 1e6),
    }
}

/// The galaxies' legend entry: how many are drawn from, and of how many when they are a
/// sample (`counts` then count them all: a HATS catalog's skymap, a preview's map), or
/// which share they are (one row in `stride` read, when nothing counts them all).
fn galaxies_legend_label(shown: usize, counts: Option<&HealpixMap>, stride: u64) -> String {
    let label = LayerKind::Galaxies.legend_label();
    let shown_text = short_count(shown);
    match counts.map(|m| m.total().round() as usize) {
        Some(all) if all > shown => format!("{label} ({shown_text} of {})", short_count(all)),
        _ if stride > 1 => format!("{label} ({shown_text}, 1 in {stride} read)"),
        _ => format!("{label} ({shown_text})"),
    }
}

fn passing_filters(cat: &crate::data::Catalog, s: &PointStyle) -> usize {
    passing_rows(cat, s).len()
}

/// The rows of a cluster catalog the layer's SNR and redshift filters let through.
fn passing_rows(cat: &crate::data::Catalog, s: &PointStyle) -> Vec<usize> {
    let r = cat.role_view();
    (0..cat.len())
        .filter(|&i| {
            s.filters.iter().flatten().all(|f| {
                let v = match f.attr {
                    CLUSTER_Z => r.z(i),
                    CLUSTER_SNR => r.snr(i),
                    _ => return true,
                } as f32;
                v >= f.min && v <= f.max
            })
        })
        .collect()
}

/// Text chunks every figure carries: the tool, the exact command line of this process,
/// the data.
pub fn reproduction_metadata(source: &str) -> Vec<(&'static str, String)> {
    let command: Vec<String> = std::env::args_os()
        .map(|a| shell_quote(&a.to_string_lossy()))
        .collect();
    vec![
        software(),
        ("clusterviz command", command.join(" ")),
        ("Description", format!("data: {source}")),
    ]
}

/// `arg` as a POSIX shell word.
fn shell_quote(arg: &str) -> String {
    let plain = |c: char| c.is_ascii_alphanumeric() || "-_./,=:+@%".contains(c);
    if !arg.is_empty() && arg.chars().all(plain) {
        arg.to_string()
    } else {
        format!("'{}'", arg.replace('\'', r"'\''"))
    }
}

/// The text chunk naming the tool and its version.
pub fn software() -> (&'static str, String) {
    (
        "Software",
        format!("clusterviz {}", env!("CARGO_PKG_VERSION")),
    )
}

/// PNG text chunks that say how a still image of `view` was made (a viewer screenshot,
/// a wall's display), enough to make it again.
pub fn still_metadata(view: &View, source: &str) -> [(&'static str, String); 2] {
    [software(), ("Description", view_description(view, source))]
}

/// A short description of how the figure was made: the view and the data.
pub fn view_description(view: &View, source: &str) -> String {
    let (lon, lat) = view.center_deg;
    format!(
        "{} {} centre ({lon:.6}, {lat:.6}) fov {:.6} deg rotation {} plot {}x{}; data: {}",
        view.projection.code(),
        view.frame.name(),
        view.fov_deg,
        view.rotation_deg,
        view.canvas.0,
        view.canvas.1,
        source
    )
}

/// Each input file with its size and xxh3 checksum, so a figure names the exact data.
pub fn input_checksums(paths: &[PathBuf], cache: Option<&DiskCache>) -> Result<String> {
    let mut out = Vec::new();
    for p in paths {
        if is_hats(p) {
            out.push(hats_identity(p)?);
            continue;
        }
        let (len, hash) = match cache {
            Some(c) => c.file_checksum(p),
            None => std::fs::metadata(p).and_then(|m| Ok((m.len(), hash_file(p)?))),
        }
        .map_err(|e| Error::file(p, e))?;
        out.push(format!("{} ({len} bytes, xxh3 {hash:016x})", p.display()));
    }
    Ok(out.join("; "))
}

/// A HATS catalog named by the checksums of the files that describe it (hashing its
/// partitions, up to terabytes, is not what a figure's metadata is for).
fn hats_identity(dir: &Path) -> Result<String> {
    let described: Vec<String> = [
        "hats.properties",
        "properties",
        "collection.properties",
        "partition_info.csv",
    ]
    .iter()
    .map(|name| dir.join(name))
    .filter(|f| f.is_file())
    .map(|f| {
        let hash = hash_file(&f).map_err(|e| Error::file(&f, e))?;
        Ok(format!(
            "{} xxh3 {hash:016x}",
            f.file_name().unwrap_or_default().to_string_lossy()
        ))
    })
    .collect::<Result<_>>()?;
    Ok(format!(
        "{} (HATS catalog; {})",
        dir.display(),
        described.join(", ")
    ))
}

/// A PDF's document information: its title, how it was made (the figure's metadata, as
/// PNGs and SVGs carry it), and the tool.
fn pdf_info(f: &Figure, metadata: &[(&str, String)]) -> Vec<(&'static str, String)> {
    let mut info = vec![
        (
            "Title",
            f.style
                .title
                .clone()
                .unwrap_or_else(|| "clusterviz figure".to_string()),
        ),
        ("Producer", "clusterviz (svg2pdf)".to_string()),
    ];
    for (key, value) in metadata {
        let key = match *key {
            "Software" => "Creator",
            "clusterviz view" => "Subject",
            "clusterviz command" => "ClusterVizCommand",
            "Source" => "ClusterVizSource",
            "clusterviz figure file" => "ClusterVizFigureFile",
            _ => continue,
        };
        info.push((key, value.clone()));
    }
    info
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sky::Frame;

    #[test]
    fn a_sample_of_galaxies_says_of_how_many_in_the_legend() {
        let counts = HealpixMap {
            depth: 3,
            frame: Frame::Icrs,
            value_name: "COUNT".into(),
            cells: vec![1, 2],
            values: vec![2_500_000.0, 1_700_000.0],
        };
        assert_eq!(
            galaxies_legend_label(1_015, Some(&counts), 6),
            "Galaxies (1.0k of 4.2M)"
        );
        // A sample that nothing counts whole (a redshift filter): its share.
        assert_eq!(
            galaxies_legend_label(34_382, None, 13),
            "Galaxies (34.4k, 1 in 13 read)"
        );
        // Every galaxy read: the count alone.
        assert_eq!(
            galaxies_legend_label(4_200_000, Some(&counts), 1),
            "Galaxies (4.2M)"
        );
        assert_eq!(galaxies_legend_label(950, None, 1), "Galaxies (950)");
    }
}
