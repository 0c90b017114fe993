// What the map raster and the smoothed composite read of a map layer (MapParams in
// src/render/healpix/map_layer.rs).

struct MapParams {
    // Rows of the rotation from the view frame into the map's frame.
    to_map0: vec4f,
    to_map1: vec4f,
    to_map2: vec4f,
    nodata: vec4f,
    // Cap holding every cell (map-frame centre, cos radius): outside it, no lookup.
    cap: vec4f,
    vmin: f32,
    vmax: f32,
    stretch: u32,
    colormap: u32,
    opacity: f32,
    depth: u32,
    dense: u32,
    count: u32,
    // Sparse levels: cells are grouped by (cell >> dir_shift) in `directory` (0: none).
    dir_shift: u32,
    // Counts: show mean x coverage (empty sub-cells count as zero), fully opaque.
    counts: u32,
    // Side of the square of canvas pixels one raster texel covers (1: full resolution;
    // more while the view moves on slow adapters).
    step: u32,
    // Counts whose cells span this many canvas pixels or more are smoothed at that
    // scale (0: drawn as cells): a density, not a mosaic of HEALPix diamonds.
    smooth_px: f32,
};

// A smoothed raster's first texel corner on the canvas: on the grid of `mp.step` pixels
// from the canvas origin, one texel before the view (interpolation reads a texel beyond
// each edge).
fn smooth_grid_origin() -> vec2f {
    let step = f32(mp.step);
    return floor(view.sub_origin / step) * step - step;
}
