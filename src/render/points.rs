//! Catalog markers: instances uploaded once; style, filters and visibility are a uniform,
//! so changing them never re-uploads the catalog.

use bytemuck::{Pod, Zeroable};

use crate::data::Catalog;
use crate::error::Result;
use crate::render::GpuContext;
use crate::render::instance_ids::{InstanceIds, MAX_DIRECT_RANGES};
use crate::render::pipeline::{
    InstanceBytes, InstanceData, InstancedBuffers, PREMULTIPLIED, PipelineShared, ReadById,
    VertexStage, layer_pipeline, params_entry,
};
use crate::view::{ColorBy, PointStyle, Rgba, SizeBy};

/// One object: its ICRS direction as an f32 unit vector and four attribute slots that
/// styles and filters refer to by index (e.g. redshift, SNR).
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Pod, Zeroable)]
pub struct PointInstance {
    pub dir: [f32; 3],
    pub attrs: [f32; 4],
}

impl PointInstance {
    /// Instances of a catalog, attribute slot i holding column `attr_columns[i]`
    /// (missing columns give NaN).
    pub fn from_catalog(cat: &Catalog, attr_columns: &[&str]) -> Vec<PointInstance> {
        CatalogRows {
            cat,
            attr_columns,
            rows: None,
        }
        .collect()
    }

    /// Instances of the rows `rows` of a catalog, in that order (e.g. priority order).
    pub fn from_rows(cat: &Catalog, attr_columns: &[&str], rows: &[u32]) -> Vec<PointInstance> {
        CatalogRows {
            cat,
            attr_columns,
            rows: Some(rows),
        }
        .collect()
    }

    /// The instance of row i.
    fn maker<'a>(
        cat: &'a Catalog,
        attr_columns: &[&str],
    ) -> impl Fn(usize) -> PointInstance + Sync + Send + 'a {
        let cols: Vec<_> = attr_columns.iter().map(|n| cat.column(n)).collect();
        let roles = cat.role_view();
        move |i| {
            let d = roles.direction(i);
            let mut attrs = [f32::NAN; 4];
            for (slot, c) in attrs.iter_mut().zip(&cols) {
                if let Some(c) = c {
                    *slot = c.data.get_f64(i) as f32;
                }
            }
            PointInstance {
                dir: [d.x as f32, d.y as f32, d.z as f32],
                attrs,
            }
        }
    }
}

/// Rows of a catalog to make a layer's instances of, straight into the GPU's buffers.
#[derive(Clone, Copy)]
pub struct CatalogRows<'a> {
    pub cat: &'a Catalog,
    /// Attribute slot i holds column `attr_columns[i]` (see [`PointInstance`]).
    pub attr_columns: &'a [&'a str],
    /// The rows in drawing order (e.g. level of detail's); every row in order if `None`.
    pub rows: Option<&'a [u32]>,
}

impl<'a> CatalogRows<'a> {
    fn len(&self) -> usize {
        self.rows.map_or(self.cat.len(), <[u32]>::len)
    }

    /// The maker of instance k. Most of a catalog is made in row order, where the
    /// columns are read sequentially, then gathered (one random read per object instead
    /// of one per column); a small share is made row by row.
    fn instances(&self) -> impl Fn(usize) -> PointInstance + Sync + 'a {
        let CatalogRows {
            cat,
            attr_columns,
            rows,
        } = *self;
        let make = PointInstance::maker(cat, attr_columns);
        let gathered = rows
            .filter(|rows| rows.len() >= cat.len() / 8)
            .map(|_| PointInstance::from_catalog(cat, attr_columns));
        move |k| match (rows, &gathered) {
            (Some(rows), Some(all)) => all[rows[k] as usize],
            (Some(rows), None) => make(rows[k] as usize),
            (None, _) => make(k),
        }
    }

    /// Every instance, in memory, made on all cores.
    fn collect(&self) -> Vec<PointInstance> {
        use rayon::prelude::*;
        let instance = self.instances();
        (0..self.len()).into_par_iter().map(instance).collect()
    }
}

/// Writes instance `first + k` of `instance` at place k of `dst` (a whole number of
/// instances), on all cores: blocks are made in memory, then copied, as mapped GPU
/// memory may only be written.
fn write_instances(
    dst: wgpu::WriteOnly<'_, [u8]>,
    first: usize,
    instance: &(dyn Fn(usize) -> PointInstance + Sync),
) {
    use rayon::prelude::*;
    const BLOCK: usize = 4096;
    const STRIDE: usize = size_of::<PointInstance>();
    let write = |from: usize, mut block: wgpu::WriteOnly<'_, [u8]>| {
        let made: Vec<PointInstance> = (from..from + block.len() / STRIDE).map(instance).collect();
        block.copy_from_slice(bytemuck::cast_slice(&made));
    };
    // Fixed-size blocks can be sent to other threads (a slice's write-only view cannot).
    let (blocks, tail) = dst.into_chunks::<{ BLOCK * STRIDE }>();
    let tail_from = first + blocks.len() * BLOCK;
    let blocks: Vec<_> = blocks.into_iter().collect();
    blocks
        .into_par_iter()
        .enumerate()
        .for_each(|(b, block)| write(first + b * BLOCK, block.into()));
    write(tail_from, tail);
}

#[repr(C)]
#[derive(Clone, Copy, Debug, Pod, Zeroable)]
struct PointStyleUniform {
    color: [f32; 4],
    color_range: [f32; 2],
    size_range: [f32; 2],
    size_px: [f32; 2],
    stroke_px: f32,
    opacity: f32,
    color_attr: i32,
    size_attr: i32,
    colormap: u32,
    shape: u32,
    filter0: [f32; 4],
    filter1: [f32; 4],
    visible: u32,
    halo_px: f32,
    /// The halo's colour, 8 bits a channel (as WGSL's `unpack4x8unorm` reads it).
    halo_rgba: u32,
    _pad: u32,
}

impl PointStyleUniform {
    fn new(s: &PointStyle) -> Self {
        let (color, color_attr, color_range, colormap) = match s.color {
            ColorBy::Fixed(c) => (c.0, -1, [0.0, 1.0], 0),
            ColorBy::Column {
                attr,
                lo,
                hi,
                colormap,
            } => (
                [0.5, 0.5, 0.5, 1.0],
                attr as i32,
                [lo, hi],
                colormap.index(),
            ),
        };
        let (size_attr, size_range, size_px) = match s.size {
            SizeBy::Fixed(px) => (-1, [0.0, 1.0], [px, px]),
            SizeBy::Column {
                attr,
                lo,
                hi,
                min_px,
                max_px,
            } => (attr as i32, [lo, hi], [min_px, max_px]),
        };
        let filter = |f: Option<crate::view::RangeFilter>| match f {
            Some(f) => [f.attr as f32, f.min, f.max, 0.0],
            None => [-1.0, 0.0, 0.0, 0.0],
        };
        PointStyleUniform {
            color,
            color_range,
            size_range,
            size_px,
            stroke_px: s.stroke_px,
            opacity: s.opacity,
            color_attr,
            size_attr,
            colormap,
            shape: s.shape.shader_id(),
            filter0: filter(s.filters[0]),
            filter1: filter(s.filters[1]),
            visible: s.visible as u32,
            halo_px: s.halo.map_or(0.0, |h| h.width_px),
            halo_rgba: s.halo.map_or(0, |h| pack_unorm8(h.color)),
            _pad: 0,
        }
    }
}

/// `c` as four 8-bit channels, red in the lowest byte.
fn pack_unorm8(c: Rgba) -> u32 {
    c.0.iter()
        .enumerate()
        .map(|(i, v)| ((v.clamp(0.0, 1.0) * 255.0).round() as u32) << (8 * i))
        .sum()
}

/// The point pipelines and the colormap texture, shared by all point layers.
pub struct PointRenderer {
    /// Reads the instances from their vertex buffer.
    pipeline: wgpu::RenderPipeline,
    /// Reads them by id from storage: level of detail's many ranges in one draw.
    by_id_pipeline: wgpu::RenderPipeline,
    layout: wgpu::BindGroupLayout,
    by_id_layout: wgpu::BindGroupLayout,
    colormaps: wgpu::TextureView,
}

/// Where the point shader reads a chunk of instances by id.
const INSTANCES_BINDING: u32 = 2;

/// One uploaded catalog and its style.
pub struct PointLayer {
    gpu: InstancedBuffers,
    pub style: PointStyle,
    /// Level of detail: draw only these instance ranges (all instances if `None`).
    draw_ranges: Option<Vec<std::ops::Range<u32>>>,
    /// The ranges' ids, when there are too many ranges to draw one by one.
    ids: Option<InstanceIds>,
}

impl PointRenderer {
    pub fn new(ctx: &GpuContext, shared: &PipelineShared) -> Self {
        let style_entries = [
            params_entry(0),
            wgpu::BindGroupLayoutEntry {
                binding: 1,
                visibility: wgpu::ShaderStages::VERTEX,
                ty: wgpu::BindingType::Texture {
                    sample_type: wgpu::TextureSampleType::Float { filterable: false },
                    view_dimension: wgpu::TextureViewDimension::D2,
                    multisampled: false,
                },
                count: None,
            },
        ];
        let layout = ctx
            .device
            .create_bind_group_layout(&wgpu::BindGroupLayoutDescriptor {
                label: Some("point style"),
                entries: &style_entries,
            });
        // Read-only storage, as the style is.
        let instances = params_entry(INSTANCES_BINDING);
        let by_id_layout = ctx
            .device
            .create_bind_group_layout(&wgpu::BindGroupLayoutDescriptor {
                label: Some("point style, instances by id"),
                entries: &[style_entries[0], style_entries[1], instances],
            });
        let source = include_str!("../../shaders/points.wgsl");
        let attributes = wgpu::vertex_attr_array![0 => Float32x3, 1 => Float32x4];
        let pipeline = layer_pipeline(
            ctx,
            "points",
            source,
            shared,
            &layout,
            VertexStage::main(&[Some(wgpu::VertexBufferLayout {
                array_stride: size_of::<PointInstance>() as u64,
                step_mode: wgpu::VertexStepMode::Instance,
                attributes: &attributes,
            })]),
            Some(PREMULTIPLIED),
        );
        let id_attribute = wgpu::vertex_attr_array![0 => Uint32];
        let by_id_pipeline = layer_pipeline(
            ctx,
            "points by id",
            source,
            shared,
            &by_id_layout,
            VertexStage {
                entry: "vs_by_id",
                buffers: &[Some(wgpu::VertexBufferLayout {
                    array_stride: size_of::<u32>() as u64,
                    step_mode: wgpu::VertexStepMode::Instance,
                    attributes: &id_attribute,
                })],
            },
            Some(PREMULTIPLIED),
        );
        PointRenderer {
            pipeline,
            by_id_pipeline,
            layout,
            by_id_layout,
            colormaps: super::colormap_texture::create(ctx),
        }
    }

    /// Uploads `instances` once and returns the layer.
    pub fn create_layer(
        &self,
        ctx: &GpuContext,
        name: &str,
        instances: &[PointInstance],
        style: PointStyle,
    ) -> Result<PointLayer> {
        let bytes = InstanceBytes::Slice(bytemuck::cast_slice(instances));
        self.create_layer_from(ctx, name, bytes, instances.len(), style)
    }

    /// As [`Self::create_layer`] for the instances of catalog rows, made straight into
    /// the layer's buffers: the same instances, without a copy of them all in memory.
    pub fn create_layer_of_rows(
        &self,
        ctx: &GpuContext,
        name: &str,
        source: CatalogRows,
        style: PointStyle,
    ) -> Result<PointLayer> {
        let instance = source.instances();
        let fill =
            |first: usize, dst: wgpu::WriteOnly<'_, [u8]>| write_instances(dst, first, &instance);
        let bytes = InstanceBytes::Fill {
            stride: size_of::<PointInstance>(),
            fill: &fill,
        };
        self.create_layer_from(ctx, name, bytes, source.len(), style)
    }

    fn create_layer_from(
        &self,
        ctx: &GpuContext,
        name: &str,
        bytes: InstanceBytes,
        count: usize,
        style: PointStyle,
    ) -> Result<PointLayer> {
        let gpu = InstancedBuffers::new(
            ctx,
            InstanceData {
                name,
                bytes,
                count,
                by_id: Some(ReadById {
                    layout: &self.by_id_layout,
                    binding: INSTANCES_BINDING,
                }),
            },
            size_of::<PointStyleUniform>(),
            &self.layout,
            &[wgpu::BindGroupEntry {
                binding: 1,
                resource: wgpu::BindingResource::TextureView(&self.colormaps),
            }],
        )?;
        let layer = PointLayer {
            gpu,
            style,
            draw_ranges: None,
            ids: None,
        };
        layer.write_style(ctx);
        Ok(layer)
    }

    pub fn draw(&self, layer: &PointLayer, pass: &mut wgpu::RenderPass<'_>) {
        if !layer.style.visible {
            return;
        }
        match &layer.ids {
            Some(ids) => layer.gpu.draw_by_id(&self.by_id_pipeline, 3, ids, pass),
            None => layer
                .gpu
                .draw(&self.pipeline, 3, layer.draw_ranges.as_deref(), pass),
        }
    }
}

impl PointLayer {
    /// Changes the style: one small uniform write, no data upload.
    pub fn set_style(&mut self, ctx: &GpuContext, style: PointStyle) {
        self.style = style;
        self.write_style(ctx);
    }

    /// Level of detail: draw only these instance ranges (all if `None`). Many ranges
    /// upload their instance ids (4 bytes a drawn marker), unless they are unchanged.
    pub fn set_draw_ranges(&mut self, ctx: &GpuContext, ranges: Option<Vec<std::ops::Range<u32>>>) {
        if ranges == self.draw_ranges {
            return;
        }
        // Too many ranges to draw one call each: their ids are drawn instead.
        match ranges.as_deref().filter(|r| r.len() > MAX_DIRECT_RANGES) {
            Some(many) => self.ids.get_or_insert_with(InstanceIds::default).upload(
                ctx,
                self.gpu.chunk_spans(),
                many,
            ),
            None => self.ids = None,
        }
        self.draw_ranges = ranges;
    }

    /// The instance ranges drawn (`None`: all).
    pub fn draw_ranges(&self) -> Option<&[std::ops::Range<u32>]> {
        self.draw_ranges.as_deref()
    }

    fn write_style(&self, ctx: &GpuContext) {
        self.gpu
            .write_style(ctx, &PointStyleUniform::new(&self.style));
    }

    pub fn len(&self) -> u32 {
        self.gpu.count()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod wgsl_layout {
    use super::*;
    use crate::render::shader_layout::assert_matches_wgsl;
    use std::mem::{offset_of, size_of};

    #[test]
    fn point_style_uniform_matches_the_shaders_point_style() {
        type U = PointStyleUniform;
        assert_matches_wgsl(
            &crate::render::shader_source(include_str!("../../shaders/points.wgsl")),
            "PointStyle",
            size_of::<U>(),
            &[
                ("color", offset_of!(U, color)),
                ("color_range", offset_of!(U, color_range)),
                ("size_range", offset_of!(U, size_range)),
                ("size_px", offset_of!(U, size_px)),
                ("stroke_px", offset_of!(U, stroke_px)),
                ("opacity", offset_of!(U, opacity)),
                ("color_attr", offset_of!(U, color_attr)),
                ("size_attr", offset_of!(U, size_attr)),
                ("colormap", offset_of!(U, colormap)),
                ("shape", offset_of!(U, shape)),
                ("filter0", offset_of!(U, filter0)),
                ("filter1", offset_of!(U, filter1)),
                ("visible", offset_of!(U, visible)),
                ("halo_px", offset_of!(U, halo_px)),
                ("halo_rgba", offset_of!(U, halo_rgba)),
            ],
        );
    }
}
