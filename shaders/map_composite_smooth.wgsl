// Draws the raster of a smoothed density (texels of half a cell or more) over what is
// below it, interpolating between texel centres. `MapParams` comes from map_params.wgsl.

@group(1) @binding(0) var raster: texture_2d<f32>;
@group(1) @binding(1) var<storage, read> mp: MapParams;

@vertex
fn vs_main(@builtin(vertex_index) i: u32) -> @builtin(position) vec4f {
    return fullscreen_vertex(i);
}

@fragment
fn fs_main(@builtin(position) frag: vec4f) -> @location(0) vec4f {
    let dims = textureDimensions(raster);
    // The pixel on the canvas, in texels of the raster's grid from their centres.
    let f = (frag.xy + view.sub_origin - smooth_grid_origin()) / f32(mp.step) - 0.5;
    let t = fract(f);
    let i = vec2i(floor(f));
    let last = vec2i(dims) - 1;
    let a = textureLoad(raster, clamp(i, vec2i(0), last), 0);
    let b = textureLoad(raster, clamp(i + vec2i(1, 0), vec2i(0), last), 0);
    let c = textureLoad(raster, clamp(i + vec2i(0, 1), vec2i(0), last), 0);
    let d = textureLoad(raster, clamp(i + vec2i(1, 1), vec2i(0), last), 0);
    // Premultiplied colours mix linearly.
    return mix(mix(a, b, t.x), mix(c, d, t.x), t.y);
}
