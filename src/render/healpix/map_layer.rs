//! HEALPix map layers (coverage masks, value maps, density): the pyramid uploaded once,
//! one level chosen per frame from the pixel scale, rasterized per output pixel by a
//! compute pass into a texture, then composited in layer order.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

use bytemuck::{Pod, Zeroable};

use super::HealpixPrecision;
use crate::data::HealpixMap;
use crate::data::healpix_map::MapLevel;
use crate::error::{Error, Result};
use crate::render::pipeline::{
    PREMULTIPLIED, PipelineShared, VertexStage, compute_storage_entry, layer_pipeline, params_entry,
};
use crate::render::uniforms::ViewUniform;
use crate::render::{GpuContext, colormap_texture};
use crate::sky::Frame;
use crate::view::{MapStyle, View};

/// The pyramid depth whose cells are about one output pixel at the view centre, capped at
/// the map's own depth: finer levels would alias, coarser ones would blur.
pub fn depth_for_view(view: &View, map_depth: u8) -> u8 {
    let pixel_rad = 1.0 / view.scale();
    // A cell at depth d spans about sqrt(pi/3) / 2^d radians.
    let want = ((std::f64::consts::PI / 3.0).sqrt() / pixel_rad)
        .log2()
        .ceil();
    (want.max(0.0) as u8).min(map_depth)
}

/// Counts whose cells span at least this many pixels are smoothed at their scale.
const SMOOTH_CELLS_FROM_PX: f64 = 4.0;

/// The width of the box a counts map is smoothed over: its cells' size on screen once
/// they show as diamonds (a density read at a coarser depth than the zoom asks, as a
/// HATS skymap's). Values and masks show their cells as they are.
fn smoothing_px(counts: bool, view: &View, depth: u8) -> f32 {
    let cell_rad = (std::f64::consts::PI / 3.0).sqrt() / (1u64 << depth) as f64;
    let px = cell_rad * view.scale();
    if counts && px >= SMOOTH_CELLS_FROM_PX {
        px as f32
    } else {
        0.0
    }
}

/// A smoothed raster's size in texels of `step` pixels: its grid is fixed to the canvas
/// and reaches a texel beyond the view on each side (`smooth_grid_origin` in
/// map_params.wgsl), so that interpolation never runs off its edge.
fn smooth_grid_size(view: &View, step: u32) -> (u32, u32) {
    // From the texel before the view's first to the one after its last.
    let texels = |origin: u32, len: u32| (origin + len.max(1)).div_ceil(step) - origin / step + 2;
    (
        texels(view.sub.x, view.sub.width),
        texels(view.sub.y, view.sub.height),
    )
}

/// GPU memory the rasters of one map layer may keep for reuse (the newest is always kept).
const RASTER_CACHE_BYTES: u64 = 64 << 20;
/// At most this many rasters per layer stay cached: every live texture slows each
/// submission on software drivers (measured: frames 4× slower with a few hundred).
const RASTER_CACHE_ENTRIES: usize = 4;

#[repr(C)]
#[derive(Clone, Copy, Pod, Zeroable, PartialEq)]
struct MapParams {
    to_map: [[f32; 4]; 3],
    nodata: [f32; 4],
    /// Map-frame cap holding all cells (xyz, cos radius); pixels outside skip the lookup.
    cap: [f32; 4],
    vmin: f32,
    vmax: f32,
    stretch: u32,
    colormap: u32,
    opacity: f32,
    depth: u32,
    dense: u32,
    count: u32,
    /// Cells are grouped by `cell >> dir_shift` in the directory (0: no directory).
    dir_shift: u32,
    counts: u32,
    /// Canvas pixels per raster texel along each axis (1: full resolution).
    step: u32,
    /// Counts are smoothed over a box this many canvas pixels wide (0: drawn as cells).
    smooth_px: f32,
}

struct GpuLevel {
    depth: u8,
    dense: bool,
    count: u32,
    cells: Option<wgpu::Buffer>,
    values: wgpu::Buffer,
    /// For sparse levels: where each coarser cell's children start among `cells`, so a
    /// lookup searches a few hundred cells instead of millions.
    directory: Option<(wgpu::Buffer, u32)>,
}

/// Depth difference between a sparse level and its search directory (4^4 = 256 cells a
/// directory entry at most), and the deepest directory (12 × 4^8 entries, 3 MiB).
const DIRECTORY_STEP: u8 = 4;
const DIRECTORY_MAX_DEPTH: u8 = 8;

/// Offsets into sorted `cells` where each directory cell's children start (plus the end).
fn build_directory(cells: &[u64], depth: u8) -> Option<(Vec<u32>, u32)> {
    if depth < DIRECTORY_STEP || cells.len() < 4096 {
        return None;
    }
    let dir_depth = (depth - DIRECTORY_STEP).min(DIRECTORY_MAX_DEPTH);
    let shift = 2 * (depth - dir_depth) as u32;
    let n = 12usize << (2 * dir_depth as usize);
    let mut dir = Vec::with_capacity(n + 1);
    let mut i = 0usize;
    for p in 0..n as u64 {
        while i < cells.len() && cells[i] >> shift < p {
            i += 1;
        }
        dir.push(i as u32);
    }
    dir.push(cells.len() as u32);
    Some((dir, shift))
}

/// A rasterized view of the layer, reused while view, style and level are unchanged.
struct Raster {
    key: Vec<u8>,
    size: (u32, u32),
    texture: wgpu::Texture,
    /// A smoothed density's: composited interpolating between texels, with this bind
    /// group (the texture and the layer's parameters).
    smooth: Option<wgpu::BindGroup>,
    composite: wgpu::BindGroup,
}

pub struct MapLayer {
    name: String,
    frame: Frame,
    cap: [f32; 4],
    map: Arc<HealpixMap>,
    /// The pyramid on the CPU (index = depth), each level made the first time a view
    /// needs it or a finer one, from the map or the next finer level.
    pyramid: Vec<OnceLock<MapLevel>>,
    levels: Mutex<Vec<Option<Arc<GpuLevel>>>>,
    params: wgpu::Buffer,
    pub style: MapStyle,
    /// Recent rasters, least recently used first; the last one is drawn.
    rasters: Mutex<Vec<Raster>>,
    /// How many times the compute pass ran (tests check the cache).
    rasterizations: AtomicU64,
}

pub struct MapRenderer {
    raster_pipeline: wgpu::ComputePipeline,
    raster_layout: wgpu::BindGroupLayout,
    composite_pipeline: wgpu::RenderPipeline,
    composite_layout: wgpu::BindGroupLayout,
    /// What the smoothing pipelines are made of, the first time a density needs them
    /// (software drivers compile each pipeline's shaders for tens of milliseconds).
    raster_module: wgpu::ShaderModule,
    raster_pipeline_layout: wgpu::PipelineLayout,
    smooth_composite_layout: wgpu::BindGroupLayout,
    shared: PipelineShared,
    smooth_pipelines: OnceLock<SmoothPipelines>,
    colormaps: wgpu::TextureView,
    no_cells: wgpu::Buffer,
    precision: HealpixPrecision,
}

/// The layer parameters both the raster and the smoothed composite read.
const MAP_PARAMS_WGSL: &str = include_str!("../../../shaders/map_params.wgsl");

/// The raster and composite pipelines of densities drawn smooth.
struct SmoothPipelines {
    raster: wgpu::ComputePipeline,
    composite: wgpu::RenderPipeline,
}

fn texture_entry(binding: u32, visibility: wgpu::ShaderStages) -> wgpu::BindGroupLayoutEntry {
    wgpu::BindGroupLayoutEntry {
        binding,
        visibility,
        ty: wgpu::BindingType::Texture {
            sample_type: wgpu::TextureSampleType::Float { filterable: false },
            view_dimension: wgpu::TextureViewDimension::D2,
            multisampled: false,
        },
        count: None,
    }
}

impl MapRenderer {
    pub fn new(ctx: &GpuContext, shared: &PipelineShared) -> Self {
        let precision = HealpixPrecision::of(ctx);
        let raster_layout = ctx
            .device
            .create_bind_group_layout(&wgpu::BindGroupLayoutDescriptor {
                label: Some("map raster"),
                entries: &[
                    params_entry(0),
                    compute_storage_entry(1, true),
                    compute_storage_entry(2, true),
                    texture_entry(3, wgpu::ShaderStages::COMPUTE),
                    wgpu::BindGroupLayoutEntry {
                        binding: 4,
                        visibility: wgpu::ShaderStages::COMPUTE,
                        ty: wgpu::BindingType::StorageTexture {
                            access: wgpu::StorageTextureAccess::WriteOnly,
                            format: wgpu::TextureFormat::Rgba8Unorm,
                            view_dimension: wgpu::TextureViewDimension::D2,
                        },
                        count: None,
                    },
                    compute_storage_entry(5, true),
                ],
            });
        let source = crate::render::shader_source(&format!(
            "{}\n{MAP_PARAMS_WGSL}\n{}",
            precision.shader_code(),
            include_str!("../../../shaders/map_raster.wgsl")
        ));
        let module = ctx
            .device
            .create_shader_module(wgpu::ShaderModuleDescriptor {
                label: Some("map raster"),
                source: wgpu::ShaderSource::Wgsl(source.into()),
            });
        let layout = ctx
            .device
            .create_pipeline_layout(&wgpu::PipelineLayoutDescriptor {
                label: Some("map raster"),
                bind_group_layouts: &[Some(&shared.view_layout), Some(&raster_layout)],
                immediate_size: 0,
            });
        let raster_pipeline =
            ctx.device
                .create_compute_pipeline(&wgpu::ComputePipelineDescriptor {
                    label: Some("map raster"),
                    layout: Some(&layout),
                    module: &module,
                    entry_point: Some("raster"),
                    compilation_options: Default::default(),
                    cache: None,
                });
        let composite_layout =
            ctx.device
                .create_bind_group_layout(&wgpu::BindGroupLayoutDescriptor {
                    label: Some("map composite"),
                    entries: &[texture_entry(0, wgpu::ShaderStages::FRAGMENT)],
                });
        let smooth_composite_layout =
            ctx.device
                .create_bind_group_layout(&wgpu::BindGroupLayoutDescriptor {
                    label: Some("map composite, smoothed"),
                    entries: &[
                        texture_entry(0, wgpu::ShaderStages::FRAGMENT),
                        params_entry(1),
                    ],
                });
        let composite_pipeline = layer_pipeline(
            ctx,
            "map composite",
            include_str!("../../../shaders/map_composite.wgsl"),
            shared,
            &composite_layout,
            VertexStage::main(&[]),
            Some(PREMULTIPLIED),
        );
        let no_cells = ctx.device.create_buffer(&wgpu::BufferDescriptor {
            label: Some("no cells"),
            size: 8,
            usage: wgpu::BufferUsages::STORAGE,
            mapped_at_creation: false,
        });
        MapRenderer {
            raster_pipeline,
            raster_layout,
            composite_pipeline,
            composite_layout,
            raster_module: module,
            raster_pipeline_layout: layout,
            smooth_composite_layout,
            shared: PipelineShared {
                view_layout: shared.view_layout.clone(),
                format: shared.format,
            },
            smooth_pipelines: OnceLock::new(),
            colormaps: colormap_texture::create(ctx),
            no_cells,
            precision,
        }
    }

    /// The pipelines of smoothed densities, made on first use.
    fn smooth_pipelines(&self, ctx: &GpuContext) -> &SmoothPipelines {
        self.smooth_pipelines.get_or_init(|| SmoothPipelines {
            raster: ctx
                .device
                .create_compute_pipeline(&wgpu::ComputePipelineDescriptor {
                    label: Some("map raster, smoothed"),
                    layout: Some(&self.raster_pipeline_layout),
                    module: &self.raster_module,
                    entry_point: Some("raster_smooth"),
                    compilation_options: Default::default(),
                    cache: None,
                }),
            composite: layer_pipeline(
                ctx,
                "map composite, smoothed",
                &format!(
                    "{MAP_PARAMS_WGSL}\n{}",
                    include_str!("../../../shaders/map_composite_smooth.wgsl")
                ),
                &self.shared,
                &self.smooth_composite_layout,
                VertexStage::main(&[]),
                Some(PREMULTIPLIED),
            ),
        })
    }

    /// A layer of `map`; its pyramid levels are made and uploaded as views need them.
    pub fn create_layer(
        &self,
        ctx: &GpuContext,
        name: &str,
        map: Arc<HealpixMap>,
        style: MapStyle,
    ) -> Result<MapLayer> {
        if map.depth > self.precision.max_depth() {
            return Err(Error::gpu(format!(
                "{name}: a depth-{} map needs 64-bit shader types, which {} lacks (max depth {})",
                map.depth,
                ctx.info.name,
                self.precision.max_depth()
            )));
        }
        let levels = (0..=map.depth).map(|_| None).collect();
        // Slightly widened so f32 rounding never clips a covered pixel.
        let cap = match map.bounding_cap() {
            Some((c, cos_r)) => [c.x as f32, c.y as f32, c.z as f32, (cos_r - 1e-4) as f32],
            None => [0.0, 0.0, 1.0, -2.0],
        };
        Ok(MapLayer {
            name: name.to_string(),
            frame: map.frame,
            cap,
            pyramid: (0..=map.depth).map(|_| OnceLock::new()).collect(),
            map,
            levels: Mutex::new(levels),
            params: ctx.params_buffer(name, size_of::<MapParams>() as u64),
            style,
            rasters: Mutex::new(Vec::new()),
            rasterizations: AtomicU64::new(0),
        })
    }

    /// The GPU copy of pyramid level `depth`, uploaded on first use: mostly covered levels
    /// become dense arrays indexed by cell (no search), others sorted cells + values.
    fn gpu_level(&self, ctx: &GpuContext, layer: &MapLayer, depth: usize) -> Result<Arc<GpuLevel>> {
        if let Some(l) = &layer.levels.lock().expect("map layer lock")[depth] {
            return Ok(l.clone());
        }
        let level = layer.cpu_level(depth);
        let max_binding = ctx.limits().max_storage_buffer_binding_size;
        let full = 12u64 << (2 * level.depth as u64);
        let dense = (level.len() as u64) * 2 > full && full * 8 <= max_binding;
        // A dense level is an array indexed by cell, absent cells marked by coverage -1.
        let spread: Vec<[f32; 2]>;
        let values: &[[f32; 2]] = match &level.cells {
            Some(cells) if dense => {
                let mut v = vec![[0.0, -1.0]; full as usize];
                for (&c, &val) in cells.iter().zip(&level.values) {
                    v[c as usize] = val;
                }
                spread = v;
                &spread
            }
            _ => &level.values,
        };
        let (cells, directory) = if dense {
            (None, None)
        } else {
            // A complete level too large for a dense binding is searched like any other.
            let listed: Vec<u64>;
            let level_cells: &[u64] = match &level.cells {
                Some(c) => c,
                None => {
                    listed = (0..full).collect();
                    &listed
                }
            };
            let bytes = self.precision.encode_cells(level_cells);
            if bytes.len() as u64 > max_binding {
                return Err(Error::gpu(format!(
                    "{}: depth-{} level has {} cells, more than one GPU binding holds ({} MiB)",
                    layer.name,
                    level.depth,
                    level_cells.len(),
                    max_binding >> 20
                )));
            }
            let cells = ctx.upload_data(&layer.name, &bytes, wgpu::BufferUsages::STORAGE)?;
            let directory = build_directory(level_cells, level.depth)
                .map(|(dir, shift)| {
                    ctx.upload_data(
                        &layer.name,
                        bytemuck::cast_slice(&dir),
                        wgpu::BufferUsages::STORAGE,
                    )
                    .map(|b| (b, shift))
                })
                .transpose()?;
            (Some(cells), directory)
        };
        let gpu = Arc::new(GpuLevel {
            depth: level.depth,
            dense,
            directory,
            count: values.len() as u32,
            cells,
            values: ctx.upload_data(
                &layer.name,
                bytemuck::cast_slice(values),
                wgpu::BufferUsages::STORAGE,
            )?,
        });
        layer.levels.lock().expect("map layer lock")[depth] = Some(gpu.clone());
        Ok(gpu)
    }

    /// Rasterizes the layer for `view` unless the last raster still holds.
    pub fn encode_raster(
        &self,
        ctx: &GpuContext,
        layer: &MapLayer,
        view: &View,
        step: u32,
        view_bind_group: &wgpu::BindGroup,
        enc: &mut wgpu::CommandEncoder,
    ) -> Result<()> {
        if !layer.style.visible {
            return Ok(());
        }
        let map_depth = layer.map.depth;
        let level = self.gpu_level(ctx, layer, depth_for_view(view, map_depth) as usize)?;
        let to_map = layer.frame.from_icrs() * view.rotation().transpose();
        let row = |i: usize| {
            let r = to_map.row(i);
            [r.x as f32, r.y as f32, r.z as f32, 0.0]
        };
        let s = &layer.style;
        let smooth_px = smoothing_px(s.counts, view, level.depth);
        // A smoothed density changes over a cell: texels of half a cell, interpolated
        // when composited, draw it at a fraction of the lookups.
        let step = step.max(1).max((smooth_px / 2.0) as u32);
        let params = MapParams {
            to_map: [row(0), row(1), row(2)],
            nodata: s.nodata.0,
            cap: layer.cap,
            vmin: s.range.0,
            vmax: s.range.1,
            stretch: s.stretch as u32,
            colormap: s.colormap.index(),
            opacity: s.opacity,
            depth: level.depth as u32,
            dense: level.dense as u32,
            count: level.count,
            dir_shift: level.directory.as_ref().map_or(0, |d| d.1),
            counts: s.counts as u32,
            step,
            smooth_px,
        };
        let size = if smooth_px > 0.0 {
            smooth_grid_size(view, step)
        } else {
            (
                view.sub.width.div_ceil(step),
                view.sub.height.div_ceil(step),
            )
        };
        let mut key = bytemuck::bytes_of(&params).to_vec();
        key.extend_from_slice(bytemuck::bytes_of(&ViewUniform::new(view)));
        let mut rasters = layer.rasters.lock().expect("map layer lock");
        if let Some(i) = rasters.iter().position(|r| r.key == key && r.size == size) {
            let hit = rasters.remove(i);
            // The smoothed composite reads the parameters of the raster it draws.
            if hit.smooth.is_some() {
                ctx.queue
                    .write_buffer(&layer.params, 0, bytemuck::bytes_of(&params));
            }
            rasters.push(hit);
            return Ok(());
        }
        ctx.queue
            .write_buffer(&layer.params, 0, bytemuck::bytes_of(&params));
        // Evict least recently used rasters beyond the budget, recycling one of this size.
        let bytes = |r: &Raster| r.size.0 as u64 * r.size.1 as u64 * 4;
        let mut recycled = None;
        while !rasters.is_empty()
            && (rasters.len() >= RASTER_CACHE_ENTRIES
                || rasters.iter().map(bytes).sum::<u64>() + size.0 as u64 * size.1 as u64 * 4
                    > RASTER_CACHE_BYTES)
        {
            let old = rasters.remove(0);
            if old.size == size && recycled.is_none() {
                recycled = Some(old);
            }
        }
        let fresh = recycled.unwrap_or_else(|| {
            let texture = ctx.texture_2d(
                "map raster",
                size,
                wgpu::TextureFormat::Rgba8Unorm,
                wgpu::TextureUsages::STORAGE_BINDING | wgpu::TextureUsages::TEXTURE_BINDING,
            );
            let composite = ctx.device.create_bind_group(&wgpu::BindGroupDescriptor {
                label: Some("map composite"),
                layout: &self.composite_layout,
                entries: &[wgpu::BindGroupEntry {
                    binding: 0,
                    resource: wgpu::BindingResource::TextureView(
                        &texture.create_view(&Default::default()),
                    ),
                }],
            });
            Raster {
                key: Vec::new(),
                size,
                texture,
                smooth: None,
                composite,
            }
        });
        rasters.push(fresh);
        let r = rasters.last_mut().expect("raster just pushed");
        r.smooth = (smooth_px > 0.0).then(|| {
            ctx.device.create_bind_group(&wgpu::BindGroupDescriptor {
                label: Some("map composite, smoothed"),
                layout: &self.smooth_composite_layout,
                entries: &[
                    wgpu::BindGroupEntry {
                        binding: 0,
                        resource: wgpu::BindingResource::TextureView(
                            &r.texture.create_view(&Default::default()),
                        ),
                    },
                    wgpu::BindGroupEntry {
                        binding: 1,
                        resource: layer.params.as_entire_binding(),
                    },
                ],
            })
        });
        let storage_view = r.texture.create_view(&Default::default());
        let bind = ctx.device.create_bind_group(&wgpu::BindGroupDescriptor {
            label: Some("map raster"),
            layout: &self.raster_layout,
            entries: &[
                wgpu::BindGroupEntry {
                    binding: 0,
                    resource: layer.params.as_entire_binding(),
                },
                wgpu::BindGroupEntry {
                    binding: 1,
                    resource: level
                        .cells
                        .as_ref()
                        .unwrap_or(&self.no_cells)
                        .as_entire_binding(),
                },
                wgpu::BindGroupEntry {
                    binding: 2,
                    resource: level.values.as_entire_binding(),
                },
                wgpu::BindGroupEntry {
                    binding: 3,
                    resource: wgpu::BindingResource::TextureView(&self.colormaps),
                },
                wgpu::BindGroupEntry {
                    binding: 4,
                    resource: wgpu::BindingResource::TextureView(&storage_view),
                },
                wgpu::BindGroupEntry {
                    binding: 5,
                    resource: level
                        .directory
                        .as_ref()
                        .map_or(&self.no_cells, |d| &d.0)
                        .as_entire_binding(),
                },
            ],
        });
        {
            let mut pass = enc.begin_compute_pass(&Default::default());
            let pipeline = if r.smooth.is_some() {
                &self.smooth_pipelines(ctx).raster
            } else {
                &self.raster_pipeline
            };
            pass.set_pipeline(pipeline);
            pass.set_bind_group(0, view_bind_group, &[]);
            pass.set_bind_group(1, &bind, &[]);
            pass.dispatch_workgroups(size.0.div_ceil(8), size.1.div_ceil(8), 1);
        }
        r.key = key;
        layer.rasterizations.fetch_add(1, Ordering::Relaxed);
        Ok(())
    }

    pub fn draw(&self, layer: &MapLayer, pass: &mut wgpu::RenderPass<'_>) {
        if !layer.style.visible {
            return;
        }
        if let Some(r) = layer.rasters.lock().expect("map layer lock").last() {
            match (self.smooth_pipelines.get(), &r.smooth) {
                (Some(p), Some(bind)) => {
                    pass.set_pipeline(&p.composite);
                    pass.set_bind_group(1, bind, &[]);
                }
                _ => {
                    pass.set_pipeline(&self.composite_pipeline);
                    pass.set_bind_group(1, &r.composite, &[]);
                }
            }
            pass.draw(0..3, 0..1);
        }
    }
}

impl MapLayer {
    /// Pyramid level `depth` (up to the map's own), made on first use. The level just
    /// above the map's own is read from the map, so a view that never needs the native
    /// level never copies it.
    fn cpu_level(&self, depth: usize) -> &MapLevel {
        self.pyramid[depth].get_or_init(|| {
            let native = self.map.depth as usize;
            if depth == native {
                MapLevel::native(&self.map)
            } else if depth + 1 == native {
                MapLevel::below_native(&self.map)
            } else {
                self.cpu_level(depth + 1).coarsened()
            }
        })
    }

    pub fn set_style(&mut self, style: MapStyle) {
        self.style = style;
    }

    /// The map this layer draws.
    pub fn map(&self) -> &Arc<HealpixMap> {
        &self.map
    }

    pub fn rasterizations(&self) -> u64 {
        self.rasterizations.load(Ordering::Relaxed)
    }
}

#[cfg(test)]
mod wgsl_layout {
    use super::*;
    use crate::render::healpix::HealpixPrecision;
    use crate::render::shader_layout::assert_matches_wgsl;
    use std::mem::{offset_of, size_of};

    #[test]
    fn map_params_match_the_raster_shaders_map_params() {
        type U = MapParams;
        let to_map = offset_of!(U, to_map);
        // The 32-bit prelude: the struct is the same under both.
        let source = crate::render::shader_source(&format!(
            "{}\n{MAP_PARAMS_WGSL}\n{}",
            HealpixPrecision::Float32.shader_code(),
            include_str!("../../../shaders/map_raster.wgsl")
        ));
        assert_matches_wgsl(
            &source,
            "MapParams",
            size_of::<U>(),
            &[
                ("to_map0", to_map),
                ("to_map1", to_map + 16),
                ("to_map2", to_map + 32),
                ("nodata", offset_of!(U, nodata)),
                ("cap", offset_of!(U, cap)),
                ("vmin", offset_of!(U, vmin)),
                ("vmax", offset_of!(U, vmax)),
                ("stretch", offset_of!(U, stretch)),
                ("colormap", offset_of!(U, colormap)),
                ("opacity", offset_of!(U, opacity)),
                ("depth", offset_of!(U, depth)),
                ("dense", offset_of!(U, dense)),
                ("count", offset_of!(U, count)),
                ("dir_shift", offset_of!(U, dir_shift)),
                ("counts", offset_of!(U, counts)),
                ("step", offset_of!(U, step)),
                ("smooth_px", offset_of!(U, smooth_px)),
            ],
        );
    }
}

#[cfg(test)]
mod smoothing {
    use super::*;

    #[test]
    fn only_counts_whose_cells_span_a_few_pixels_are_smoothed_at_their_size() {
        use crate::sky::{Frame, Projection};
        // 1000 px across 10°: a depth-8 cell (~0.23°) spans ~23 px, a depth-12 one ~1.4.
        let view = View::new(Projection::Tan, Frame::Icrs, (0.0, 0.0), 10.0, (1000, 800));
        let px = smoothing_px(true, &view, 8) as f64;
        let expected = (std::f64::consts::PI / 3.0).sqrt() / 256.0 * view.scale();
        assert!(
            (px - expected).abs() < 1e-3 && px > 20.0,
            "{px} vs {expected}"
        );
        assert_eq!(smoothing_px(true, &view, 12), 0.0);
        // Masks and value maps show their cells as they are.
        assert_eq!(smoothing_px(false, &view, 8), 0.0);
    }
}
