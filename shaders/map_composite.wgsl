// Draws a rasterized map texture (premultiplied) over what is below it.

@group(1) @binding(0) var raster: texture_2d<f32>;

@vertex
fn vs_main(@builtin(vertex_index) i: u32) -> @builtin(position) vec4f {
    return fullscreen_vertex(i);
}

@fragment
fn fs_main(@builtin(position) frag: vec4f) -> @location(0) vec4f {
    // A coarse raster (made while the view moves) covers blocks of step x step pixels.
    let dims = textureDimensions(raster);
    let sub = vec2u(view.sub_size);
    let step = max((sub.x + dims.x - 1u) / dims.x, 1u);
    return textureLoad(raster, min(vec2u(frag.xy) / step, dims - 1u), 0);
}
