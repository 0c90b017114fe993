// The sky inside the projection's domain, the page outside it, and the domain's outline.

struct Background {
    outside: vec4f,
    inside: vec4f,
    outline: vec4f,
    outline_px: f32,
    _pad0: f32,
    _pad1: f32,
    _pad2: f32,
};

@group(1) @binding(0) var<storage, read> bg: Background;

@vertex
fn vs_main(@builtin(vertex_index) i: u32) -> @builtin(position) vec4f {
    return fullscreen_vertex(i);
}

@fragment
fn fs_main(@builtin(position) frag: vec4f) -> @location(0) vec4f {
    let px = fragment_canvas_px(frag);
    let d_px = domain_sdf(canvas_to_plane(px)) * view.scale;
    var color = mix(bg.inside, bg.outside, clamp(d_px + 0.5, 0.0, 1.0));
    if (view.projection != PROJ_TAN) {
        let cover = clamp(bg.outline_px * 0.5 + 0.5 - abs(d_px), 0.0, 1.0) * bg.outline.a;
        color = vec4f(mix(color.rgb, bg.outline.rgb, cover), 1.0);
    }
    return vec4f(color.rgb, 1.0);
}
