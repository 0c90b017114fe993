//! The pipelines a scene renderer draws with, made once per GPU context and colour
//! format and shared by every scene drawn in it. Compiling them costs ~0.05 s on a
//! software rasteriser, which every scene the viewer builds (its first stage, the
//! galaxies, each area read again) and every figure saved from it would pay again.

use std::sync::Arc;

use crate::render::GpuContext;
use crate::render::background::BackgroundPipeline;
use crate::render::healpix::map_layer::MapRenderer;
use crate::render::lines::LineRenderer;
use crate::render::pipeline::{PipelineShared, view_bind_group_layout};
use crate::render::points::PointRenderer;

/// Every layer kind's pipelines for targets of one format, over one view layout.
pub struct ScenePipelines {
    /// Group 0 of every pipeline: a scene's view uniform is bound with this layout.
    pub view_layout: wgpu::BindGroupLayout,
    pub background: BackgroundPipeline,
    pub points: PointRenderer,
    pub lines: LineRenderer,
    pub maps: MapRenderer,
}

impl ScenePipelines {
    fn new(ctx: &GpuContext, format: wgpu::TextureFormat) -> Self {
        let shared = PipelineShared {
            view_layout: view_bind_group_layout(ctx),
            format,
        };
        ScenePipelines {
            background: BackgroundPipeline::new(ctx, &shared),
            points: PointRenderer::new(ctx, &shared),
            lines: LineRenderer::new(ctx, &shared),
            maps: MapRenderer::new(ctx, &shared),
            view_layout: shared.view_layout,
        }
    }
}

/// The pipelines made so far on one context, by target format (the context keeps one:
/// [`GpuContext::shared`]).
#[derive(Default)]
pub struct PipelineCache {
    made: std::sync::Mutex<Vec<(wgpu::TextureFormat, Arc<ScenePipelines>)>>,
}

impl PipelineCache {
    /// The pipelines for `format`, made on first use (a second caller waits for them).
    pub fn get(&self, ctx: &GpuContext, format: wgpu::TextureFormat) -> Arc<ScenePipelines> {
        // A thread that panicked while making pipelines left the list as it was.
        let mut made = self.made.lock().unwrap_or_else(|p| p.into_inner());
        if let Some((_, p)) = made.iter().find(|(f, _)| *f == format) {
            return p.clone();
        }
        let p = Arc::new(ScenePipelines::new(ctx, format));
        made.push((format, p.clone()));
        p
    }

    /// How many formats have pipelines made.
    pub fn formats(&self) -> usize {
        self.made.lock().unwrap_or_else(|p| p.into_inner()).len()
    }
}
