//! The GPU side of the viewer and of walls: the survey's layers uploaded once
//! ([`upload_survey`]), restyled from the [`ViewerState`] by uniform writes, and drawn with
//! the level of detail of each view ([`SurveyLayers::level_of_detail`]).

use std::collections::HashMap;
use std::sync::Arc;

use crate::app::scene_data::SceneData;
use crate::app::state::ViewerState;
use crate::data::{HealpixMap, Survey};
use crate::error::Result;
use crate::render::PointInstance;
use crate::render::{GpuContext, LayerId, SceneRenderer};
use crate::scene::layers::{
    CLUSTER_SNR, CLUSTER_Z, COLOR_COLUMN_SLOT, GALAXY_Z, LayerKind, NEAR_GALAXIES, cluster_color,
    density_style, size_factors,
};
use crate::scene::{LodPlan, SceneStyle, SurveyLayers, UploadPlan, upload_survey};
use crate::view::{
    ColorBy, LineStyle, MapStyle, MarkerShape, PointStyle, RangeFilter, Rgba, SizeBy, Theme, View,
};

/// Diameter of the ring around a selected object on a wall (the viewer's own ring).
const SELECTION_RING_PX: f32 = 28.0;

/// What one frame drew of the galaxies: markers, and objects in the cells it showed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct LodStats {
    pub drawn: usize,
    pub in_view: usize,
}

/// How a scene is styled and uploaded.
#[derive(Clone, Debug)]
pub struct SceneOptions {
    pub theme: Theme,
    pub style: SceneStyle,
    /// Galaxies beyond this many are uploaded in level-of-detail order.
    pub lod_above: usize,
    /// The colour format the sky is drawn in (the window's).
    pub format: wgpu::TextureFormat,
}

impl SceneOptions {
    /// Galaxies in level-of-detail order beyond the adaptive budget's floor, drawn for
    /// figures ([`crate::render::TARGET_FORMAT`]).
    pub fn new(theme: Theme, style: SceneStyle) -> Self {
        SceneOptions {
            theme,
            style,
            lod_above: crate::app::budget::MIN_MARKERS,
            format: crate::render::TARGET_FORMAT,
        }
    }
}

pub struct LiveScene {
    pub renderer: SceneRenderer,
    /// The merged catalog's column now in attribute slot 3 (colour by any column).
    slot3: Option<String>,
    pub layers: SurveyLayers,
    points: HashMap<LayerKind, (LayerId, PointStyle)>,
    lines: HashMap<LayerKind, (LayerId, LineStyle)>,
    maps: HashMap<LayerKind, (LayerId, MapStyle)>,
    /// The styles asked for (marker sizes and line widths are set per view).
    pub style: SceneStyle,
    pub theme: Theme,
    /// A ring around the selected object (outline, then ring), for views without the
    /// viewer's own overlay (wall displays); hidden otherwise.
    selection_ring: [LayerId; 2],
    ringed: Option<[f32; 3]>,
    /// The galaxies' density as uploaded (every redshift) and its style, to go back to
    /// when the redshift range is cleared.
    density_uploaded: Option<(Arc<HealpixMap>, MapStyle)>,
}

impl LiveScene {
    /// Uploads `survey` (any thread: the viewer builds scenes while the window runs).
    pub fn build(ctx: &GpuContext, survey: &Survey, options: &SceneOptions) -> Result<LiveScene> {
        let (theme, style, lod_above) = (options.theme, &options.style, options.lod_above);
        let mut renderer = SceneRenderer::with_format(ctx, options.format);
        renderer.set_theme(ctx, theme);
        // Every algorithm is uploaded; the panel's switch only changes visibility.
        let plan = UploadPlan {
            lod_above,
            defer_galaxies: false,
            all_algorithms: true,
        };
        let layers = upload_survey(ctx, &mut renderer, survey, theme, style, plan)?;
        let mut points = HashMap::new();
        let mut lines = HashMap::new();
        let mut maps = HashMap::new();
        for (kind, id) in layers.present() {
            if let Some(s) = renderer.point_style(id) {
                points.insert(kind, (id, s));
            } else if let Some(s) = renderer.line_style(id) {
                lines.insert(kind, (id, s));
            } else if let Some(s) = renderer.map_style(id) {
                maps.insert(kind, (id, s));
            }
        }
        // Strokes lie inside a marker's edge: the dark outline is larger and wider, so it
        // shows on both sides of the green ring.
        let selection_ring = [
            (Rgba::rgb8(0, 0, 0), SELECTION_RING_PX + 2.0, 4.5),
            (Rgba::rgb8(0x40, 0xff, 0x80), SELECTION_RING_PX, 1.8),
        ]
        .map(|(color, size, stroke)| {
            let mut s = PointStyle::new(
                MarkerShape::OpenCircle,
                SizeBy::Fixed(size),
                ColorBy::Fixed(color),
            );
            s.stroke_px = stroke;
            s.visible = false;
            let one = [PointInstance {
                dir: [1.0, 0.0, 0.0],
                attrs: [0.0; 4],
            }];
            renderer.add_points(ctx, "selection", &one, s)
        });
        let [outline, ring] = selection_ring;
        let selection_ring = [outline?, ring?];
        let density_uploaded = maps
            .get(&LayerKind::GalaxyDensity)
            .and_then(|&(id, style)| renderer.map(id).map(|map| (map.clone(), style)));
        Ok(LiveScene {
            renderer,
            slot3: None,
            layers,
            points,
            lines,
            maps,
            style: style.clone(),
            theme,
            selection_ring,
            ringed: None,
            density_uploaded,
        })
    }

    /// The galaxies' density map shown now.
    pub fn galaxy_density(&self) -> Option<&Arc<HealpixMap>> {
        let &(id, _) = self.maps.get(&LayerKind::GalaxyDensity)?;
        self.renderer.map(id)
    }

    /// Shows `map` as the galaxies' density (`None`: the one uploaded, of every
    /// redshift). Counts get the colour range a figure of them would; a mean of a column
    /// keeps its range, so that its colours keep their meaning while the range moves.
    pub fn show_galaxy_density(
        &mut self,
        ctx: &GpuContext,
        map: Option<Arc<HealpixMap>>,
    ) -> Result<()> {
        let (Some(&(id, shown)), Some((uploaded, first))) = (
            self.maps.get(&LayerKind::GalaxyDensity),
            self.density_uploaded.clone(),
        ) else {
            return Ok(());
        };
        let (map, style) = match map {
            None => (uploaded, first),
            Some(map) => {
                let mut s = shown;
                if self.style.density_column.is_none() {
                    s.range = density_style(self.theme, &map).range;
                }
                (map, s)
            }
        };
        self.renderer.replace_map(ctx, id, map)?;
        // The next sync applies the style (with the user's switch and opacity).
        self.maps.insert(LayerKind::GalaxyDensity, (id, style));
        Ok(())
    }

    /// Rings the object in direction `dir` (ICRS unit vector), or nothing.
    pub fn ring(&mut self, ctx: &GpuContext, dir: Option<glam::DVec3>) -> Result<()> {
        let dir = dir.map(|d| d.as_vec3().to_array());
        for id in self.selection_ring {
            if let Some(d) = dir
                && self.ringed != Some(d)
            {
                let one = [PointInstance {
                    dir: d,
                    attrs: [0.0; 4],
                }];
                self.renderer.replace_points(ctx, id, &one)?;
            }
            if let Some(mut s) = self.renderer.point_style(id)
                && s.visible != dir.is_some()
            {
                s.visible = dir.is_some();
                self.renderer.set_point_style(ctx, id, s);
            }
        }
        self.ringed = dir.or(self.ringed);
        Ok(())
    }

    /// The base style of a map layer.
    pub fn map_style(&self, kind: LayerKind) -> Option<MapStyle> {
        self.maps.get(&kind).map(|(_, s)| *s)
    }

    /// Which layers this scene has.
    pub fn has(&self, kind: LayerKind) -> bool {
        self.points.contains_key(&kind)
            || self.lines.contains_key(&kind)
            || self.maps.contains_key(&kind)
    }

    /// The marker style a layer has in `view` under the user's settings and filters.
    pub fn point_style_for(
        &self,
        kind: LayerKind,
        state: &ViewerState,
        view: &View,
    ) -> Option<PointStyle> {
        let &(_, base) = self.points.get(&kind)?;
        let set = state.settings(kind);
        let mut s = base;
        s.visible = state.shows(kind);
        s.opacity = (base.opacity * set.opacity).clamp(0.0, 1.0);
        s.shape = set.shape.unwrap_or(base.shape);
        // Cluster markers at the size asked for in this view (angles follow the zoom).
        let k = if kind.is_cluster_catalog() {
            size_factors(&self.style, view, 1.0).0
        } else {
            1.0
        };
        s.size = base.size.scaled(set.size * k);
        s.stroke_px = base.stroke_px * k;
        let range = |attr, r: Option<crate::app::state::Range32>| {
            r.map(|r| RangeFilter {
                attr,
                min: r.min,
                max: r.max,
            })
        };
        if kind.is_cluster_catalog() {
            s.filters = [
                range(CLUSTER_SNR, state.controls.snr),
                range(CLUSTER_Z, state.controls.z),
            ];
        } else {
            s.filters = [None, range(GALAXY_Z, state.controls.z)];
        }
        if kind == LayerKind::Merged {
            s.color = match &state.controls.color_column {
                Some((_, lo, hi)) => crate::view::ColorBy::Column {
                    attr: COLOR_COLUMN_SLOT,
                    lo: *lo,
                    hi: *hi,
                    colormap: state.controls.colormap,
                },
                None => cluster_color(
                    state.controls.color_by,
                    state.controls.colormap,
                    &self.layers.color_ranges,
                ),
            };
        }
        Some(s)
    }

    /// Puts the merged catalog's column `name` into attribute slot 3 (re-uploading that
    /// layer once), so that it can colour the markers.
    pub fn load_color_column(
        &mut self,
        ctx: &GpuContext,
        data: &SceneData,
        name: &str,
    ) -> Result<()> {
        if self.slot3.as_deref() == Some(name) {
            return Ok(());
        }
        let (Some(id), Some(cat)) = (
            self.layers.get(LayerKind::Merged),
            data.catalog(LayerKind::Merged),
        ) else {
            return Ok(());
        };
        let z = cat.roles.z.clone().unwrap_or_default();
        let snr = cat.roles.snr.clone().unwrap_or_default();
        let attrs = [z.as_str(), snr.as_str(), NEAR_GALAXIES, name];
        let instances = match self.layers.cluster_lod.iter().find(|(i, _)| *i == id) {
            Some((_, lod)) => PointInstance::from_rows(cat, &attrs, &lod.rows),
            None => PointInstance::from_catalog(cat, &attrs),
        };
        self.renderer.replace_points(ctx, id, &instances)?;
        self.slot3 = Some(name.to_string());
        Ok(())
    }

    /// Brings every layer's style in line with `state` and sets the level of detail of
    /// `view` for `budget` markers a crowded layer; only uniforms change, nothing is
    /// uploaded. Returns what is drawn (picking takes it) and the galaxies' counts.
    pub fn sync(
        &mut self,
        ctx: &GpuContext,
        state: &ViewerState,
        view: &View,
        budget: usize,
    ) -> (LodPlan, LodStats) {
        // Markers drawn larger than uploaded need more room each.
        let (markers, lines) = size_factors(&self.style, view, 1.0);
        let plan = self.layers.level_of_detail(view, budget, markers as f64);
        plan.apply(ctx, &mut self.renderer, |kind| state.shows(kind));
        let stats = match (
            plan.layer(LayerKind::Galaxies),
            self.layers.get(LayerKind::Galaxies),
        ) {
            (Some(l), _) => LodStats {
                drawn: l.drawn,
                in_view: l.in_view,
            },
            (None, Some(g)) => {
                let n = self
                    .renderer
                    .layer_summary()
                    .get(g.index())
                    .map_or(0, |l| l.1 as usize);
                LodStats {
                    drawn: n,
                    in_view: n,
                }
            }
            (None, None) => LodStats::default(),
        };
        for kind in LayerKind::ALL {
            if let (Some(style), Some(&(id, _))) = (
                self.point_style_for(kind, state, view),
                self.points.get(&kind),
            ) && self.renderer.point_style(id) != Some(style)
            {
                self.renderer.set_point_style(ctx, id, style);
            }
            if let Some(&(id, base)) = self.lines.get(&kind) {
                let set = state.settings(kind);
                let mut s = base.scaled(lines);
                s.visible = set.visible;
                s.color = base.color.with_alpha(base.color.0[3] * set.opacity);
                if self.renderer.line_style(id) != Some(s) {
                    self.renderer.set_line_style(ctx, id, s);
                }
            }
            if let Some(&(id, base)) = self.maps.get(&kind) {
                let mut s = base;
                s.visible = state.shows(kind);
                if kind == LayerKind::GalaxyDensity {
                    // Density stands in for the galaxies not drawn, where the view is crowded.
                    let crowded = plan.layer(LayerKind::Galaxies).is_some_and(|l| l.crowded());
                    s.visible &= state.shows(LayerKind::Galaxies) && crowded;
                }
                s.opacity = (base.opacity * state.settings(kind).opacity).clamp(0.0, 1.0);
                if self.renderer.map_style(id) != Some(s) {
                    self.renderer.set_map_style(id, s);
                }
            }
        }
        (plan, stats)
    }
}
