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

#[cfg(test)]
mod wgsl_layout {
    use super::*;
    use crate::render::shader_layout::assert_matches_wgsl;
    use std::mem::{offset_of, size_of};

    #[test]
    fn view_uniform_matches_the_shaders_view() {
        let rot = offset_of!(ViewUniform, rot);
        assert_matches_wgsl(
            include_str!("../../shaders/sky.wgsl"),
            "View",
            size_of::<ViewUniform>(),
            &[
                ("rot0", rot),
                ("rot1", rot + 16),
                ("rot2", rot + 32),
                ("canvas_size", offset_of!(ViewUniform, canvas_size)),
                ("sub_origin", offset_of!(ViewUniform, sub_origin)),
                ("sub_size", offset_of!(ViewUniform, sub_size)),
                ("center_px", offset_of!(ViewUniform, center_px)),
                ("scale", offset_of!(ViewUniform, scale)),
                ("projection", offset_of!(ViewUniform, projection)),
            ],
        );
    }
}
