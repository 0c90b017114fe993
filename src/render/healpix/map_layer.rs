//! HEALPix map layers (coverage masks, value maps, density): the pyramid uploaded once,
//! one level chosen per frame from the pixel scale, rasterized per output pixel by a
//! compute pass into a texture, then composited in layer order.

use std::cell::RefCell;

use bytemuck::{Pod, Zeroable};

use super::HealpixPrecision;
use crate::data::HealpixMap;
use crate::error::{Error, Result};
use crate::render::pipeline::{PREMULTIPLIED, layer_pipeline, uniform_entry};
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

#[repr(C)]
#[derive(Clone, Copy, Pod, Zeroable, PartialEq)]
struct MapParams {
    to_map: [[f32; 4]; 3],
    nodata: [f32; 4],
    vmin: f32,
    vmax: f32,
    stretch: u32,
    colormap: u32,
    opacity: f32,
    depth: u32,
    dense: u32,
    count: u32,
}

struct GpuLevel {
    depth: u8,
    dense: bool,
    count: u32,
    cells: Option<wgpu::Buffer>,
    values: wgpu::Buffer,
}

/// The raster of the last frame: reused while view, style and level are unchanged.
struct Raster {
    key: Vec<u8>,
    size: (u32, u32),
    texture: wgpu::Texture,
    composite: wgpu::BindGroup,
}

pub struct MapLayer {
    frame: Frame,
    levels: Vec<GpuLevel>,
    params: wgpu::Buffer,
    pub style: MapStyle,
    raster: RefCell<Option<Raster>>,
    /// How many times the compute pass ran (tests check the cache).
    rasterizations: std::cell::Cell<u64>,
}

pub struct MapRenderer {
    raster_pipeline: wgpu::ComputePipeline,
    raster_layout: wgpu::BindGroupLayout,
    composite_pipeline: wgpu::RenderPipeline,
    composite_layout: wgpu::BindGroupLayout,
    colormaps: wgpu::TextureView,
    no_cells: wgpu::Buffer,
    precision: HealpixPrecision,
}

fn storage_entry(binding: u32) -> wgpu::BindGroupLayoutEntry {
    wgpu::BindGroupLayoutEntry {
        binding,
        visibility: wgpu::ShaderStages::COMPUTE,
        ty: wgpu::BindingType::Buffer {
            ty: wgpu::BufferBindingType::Storage { read_only: true },
            has_dynamic_offset: false,
            min_binding_size: None,
        },
        count: None,
    }
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
    pub fn new(ctx: &GpuContext, view_layout: &wgpu::BindGroupLayout) -> Self {
        let precision = HealpixPrecision::of(ctx);
        let raster_layout = ctx
            .device
            .create_bind_group_layout(&wgpu::BindGroupLayoutDescriptor {
                label: Some("map raster"),
                entries: &[
                    uniform_entry(0),
                    storage_entry(1),
                    storage_entry(2),
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
                ],
            });
        let source = crate::render::shader_source(&format!(
            "{}\n{}",
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
                bind_group_layouts: &[Some(view_layout), Some(&raster_layout)],
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
        let composite_pipeline = layer_pipeline(
            ctx,
            "map composite",
            include_str!("../../../shaders/map_composite.wgsl"),
            view_layout,
            &composite_layout,
            &[],
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
            colormaps: colormap_texture::create(ctx),
            no_cells,
            precision,
        }
    }

    /// Uploads the map's pyramid once.
    pub fn create_layer(
        &self,
        ctx: &GpuContext,
        name: &str,
        map: &HealpixMap,
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
        let max_binding = ctx.limits().max_storage_buffer_binding_size;
        let mut levels = Vec::new();
        for level in map.pyramid() {
            let full = 12u64 << (2 * level.depth as u64);
            // Mostly covered levels become dense arrays indexed by cell (no search).
            let dense = (level.cells.len() as u64) * 2 > full && full * 8 <= max_binding;
            let values: Vec<[f32; 2]> = if dense {
                let mut v = vec![[0.0, -1.0]; full as usize];
                for (&c, &val) in level.cells.iter().zip(&level.values) {
                    v[c as usize] = val;
                }
                v
            } else {
                level.values.clone()
            };
            let cell_bytes = self.precision.encode_cells(&level.cells);
            if !dense && cell_bytes.len() as u64 > max_binding {
                return Err(Error::gpu(format!(
                    "{name}: depth-{} level has {} cells, more than one GPU binding holds ({} MiB)",
                    level.depth,
                    level.cells.len(),
                    max_binding >> 20
                )));
            }
            levels.push(GpuLevel {
                depth: level.depth,
                dense,
                count: values.len() as u32,
                cells: (!dense)
                    .then(|| ctx.upload_data(name, &cell_bytes, wgpu::BufferUsages::STORAGE))
                    .transpose()?,
                values: ctx.upload_data(
                    name,
                    bytemuck::cast_slice(&values),
                    wgpu::BufferUsages::STORAGE,
                )?,
            });
        }
        Ok(MapLayer {
            frame: map.frame,
            levels,
            params: ctx.uniform_buffer(name, size_of::<MapParams>() as u64),
            style,
            raster: RefCell::new(None),
            rasterizations: std::cell::Cell::new(0),
        })
    }

    /// Rasterizes the layer for `view` unless the last raster still holds.
    pub fn encode_raster(
        &self,
        ctx: &GpuContext,
        layer: &MapLayer,
        view: &View,
        view_bind_group: &wgpu::BindGroup,
        enc: &mut wgpu::CommandEncoder,
    ) {
        if !layer.style.visible {
            return;
        }
        let map_depth = layer.levels.last().map_or(0, |l| l.depth);
        let level = &layer.levels[depth_for_view(view, map_depth) as usize];
        let to_map = layer.frame.from_icrs() * view.rotation().transpose();
        let row = |i: usize| {
            let r = to_map.row(i);
            [r.x as f32, r.y as f32, r.z as f32, 0.0]
        };
        let s = &layer.style;
        let params = MapParams {
            to_map: [row(0), row(1), row(2)],
            nodata: s.nodata.0,
            vmin: s.range.0,
            vmax: s.range.1,
            stretch: s.stretch as u32,
            colormap: s.colormap.index(),
            opacity: s.opacity,
            depth: level.depth as u32,
            dense: level.dense as u32,
            count: level.count,
        };
        let size = (view.sub.width, view.sub.height);
        let mut key = bytemuck::bytes_of(&params).to_vec();
        key.extend_from_slice(bytemuck::bytes_of(&ViewUniform::new(view)));
        let mut raster = layer.raster.borrow_mut();
        if raster
            .as_ref()
            .is_some_and(|r| r.key == key && r.size == size)
        {
            return;
        }
        ctx.queue
            .write_buffer(&layer.params, 0, bytemuck::bytes_of(&params));
        if raster.as_ref().is_none_or(|r| r.size != size) {
            let texture = ctx.device.create_texture(&wgpu::TextureDescriptor {
                label: Some("map raster"),
                size: wgpu::Extent3d {
                    width: size.0,
                    height: size.1,
                    depth_or_array_layers: 1,
                },
                mip_level_count: 1,
                sample_count: 1,
                dimension: wgpu::TextureDimension::D2,
                format: wgpu::TextureFormat::Rgba8Unorm,
                usage: wgpu::TextureUsages::STORAGE_BINDING | wgpu::TextureUsages::TEXTURE_BINDING,
                view_formats: &[],
            });
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
            *raster = Some(Raster {
                key: Vec::new(),
                size,
                texture,
                composite,
            });
        }
        let r = raster.as_mut().expect("raster target just made");
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
            ],
        });
        {
            let mut pass = enc.begin_compute_pass(&Default::default());
            pass.set_pipeline(&self.raster_pipeline);
            pass.set_bind_group(0, view_bind_group, &[]);
            pass.set_bind_group(1, &bind, &[]);
            pass.dispatch_workgroups(size.0.div_ceil(8), size.1.div_ceil(8), 1);
        }
        r.key = key;
        layer.rasterizations.set(layer.rasterizations.get() + 1);
    }

    pub fn draw(&self, layer: &MapLayer, pass: &mut wgpu::RenderPass<'_>) {
        if !layer.style.visible {
            return;
        }
        if let Some(r) = layer.raster.borrow().as_ref() {
            pass.set_pipeline(&self.composite_pipeline);
            pass.set_bind_group(1, &r.composite, &[]);
            pass.draw(0..3, 0..1);
        }
    }
}

impl MapLayer {
    pub fn set_style(&mut self, style: MapStyle) {
        self.style = style;
    }

    pub fn rasterizations(&self) -> u64 {
        self.rasterizations.get()
    }
}
