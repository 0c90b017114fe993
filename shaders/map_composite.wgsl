// Draws a rasterized map texture (premultiplied) over what is below it.

@group(1) @binding(0) var raster: texture_2d<f32>;

@vertex
fn vs_main(@builtin(vertex_index) i: u32) -> @builtin(position) vec4f {
    return fullscreen_vertex(i);
}

@fragment
fn fs_main(@builtin(position) frag: vec4f) -> @location(0) vec4f {
    return textureLoad(raster, vec2i(frag.xy), 0);
}
