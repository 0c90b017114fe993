//! The view uniform shared by every layer (`View` in shaders/sky.wgsl).

use bytemuck::{Pod, Zeroable};

use crate::view::View;

#[repr(C)]
#[derive(Clone, Copy, Debug, Pod, Zeroable)]
pub struct ViewUniform {
    pub rot: [[f32; 4]; 3],
    pub canvas_size: [f32; 2],
    pub sub_origin: [f32; 2],
    pub sub_size: [f32; 2],
    pub center_px: [f32; 2],
    pub scale: f32,
    pub projection: u32,
    pub _pad: [u32; 2],
}

impl ViewUniform {
    pub fn new(view: &View) -> Self {
        let m = view.rotation();
        let row = |i: usize| {
            let r = m.row(i);
            [r.x as f32, r.y as f32, r.z as f32, 0.0]
        };
        let c = view.center_px();
        ViewUniform {
            rot: [row(0), row(1), row(2)],
            canvas_size: [view.canvas.0 as f32, view.canvas.1 as f32],
            sub_origin: [view.sub.x as f32, view.sub.y as f32],
            sub_size: [view.sub.width as f32, view.sub.height as f32],
            center_px: [c.x as f32, c.y as f32],
            scale: view.scale() as f32,
            projection: view.projection.shader_id(),
            _pad: [0; 2],
        }
    }
}
