// Rasterizes a HEALPix map: for each output pixel, inverse projection -> direction ->
// rotation into the map's frame -> cell at the chosen depth -> value lookup (dense array
// or binary search in sorted cells) -> stretch, colormap, alpha. Written to a texture
// that a composite pass draws among the other layers.

// `MapParams` comes from map_params.wgsl, put before this file.

@group(1) @binding(0) var<storage, read> mp: MapParams;
@group(1) @binding(1) var<storage, read> cells: array<cellidx>;
@group(1) @binding(2) var<storage, read> values: array<vec2f>;
@group(1) @binding(3) var colormaps: texture_2d<f32>;
@group(1) @binding(4) var out_tex: texture_storage_2d<rgba8unorm, write>;
@group(1) @binding(5) var<storage, read> directory: array<u32>;

// Index of `cell` among the level's cells, or -1.
fn find_cell(cell: cellidx) -> i32 {
    if (mp.dense != 0u) {
        return select(-1, i32(cell), cell < cellidx(mp.count));
    }
    var lo = 0u;
    var hi = mp.count;
    if (mp.dir_shift != 0u) {
        let group = u32(cell >> mp.dir_shift);
        lo = directory[group];
        hi = directory[group + 1u];
    }
    let end = hi;
    while (lo < hi) {
        let mid = (lo + hi) / 2u;
        if (cells[mid] < cell) {
            lo = mid + 1u;
        } else {
            hi = mid;
        }
    }
    if (lo < end && cells[lo] == cell) {
        return i32(lo);
    }
    return -1;
}

fn stretch(t: f32) -> f32 {
    switch mp.stretch {
        case 1u: { return log(1.0 + 1000.0 * t) / log(1001.0); }
        case 2u: { return sqrt(t); }
        case 3u: { return asinh(10.0 * t) / asinh(10.0); }
        default: { return t; }
    }
}

// The map at canvas pixel `px`: (value, coverage, 1 on the sky, 1 in a cell with data);
// for counts, the value is mean x coverage and the coverage 1.
fn value_at(px: vec2f) -> vec4f {
    let d = unproject(canvas_to_plane(px));
    if (d.w <= 0.0) {
        return vec4f(0.0);
    }
    let m = normalize(vec3f(dot(mp.to_map0.xyz, d.xyz), dot(mp.to_map1.xyz, d.xyz), dot(mp.to_map2.xyz, d.xyz)));
    var i = -1;
    if (dot(m, mp.cap.xyz) >= mp.cap.w) {
        i = find_cell(hpx_hash(real(m.x), real(m.y), real(m.z), mp.depth));
    }
    // (mean of the covered cells beneath, fraction of them covered); dense levels mark
    // cells without data by a negative coverage.
    var v = vec2f(0.0, -1.0);
    if (i >= 0) {
        v = values[i];
    }
    if (v.y < 0.0) {
        return vec4f(0.0, 0.0, 1.0, 0.0);
    }
    if (mp.counts != 0u) {
        return vec4f(v.x * v.y, 1.0, 1.0, 1.0);
    }
    return vec4f(v.x, clamp(v.y, 0.0, 1.0), 1.0, 1.0);
}

// The colour (premultiplied) of map sample `s` (as `value_at` gives).
fn shade(s: vec4f) -> vec4f {
    if (s.w > 0.0) {
        let t = stretch(clamp((s.x - mp.vmin) / max(mp.vmax - mp.vmin, 1e-30), 0.0, 1.0));
        let rgb = textureLoad(colormaps, vec2i(i32(round(t * 255.0)), i32(mp.colormap)), 0).rgb;
        let a = mp.opacity * s.y;
        return vec4f(rgb * a, a);
    }
    if (s.z > 0.0) {
        return vec4f(mp.nodata.rgb * mp.nodata.a, mp.nodata.a);
    }
    return vec4f(0.0);
}

// The centre of the block of canvas pixels texel `gid` stands for.
fn texel_centre(gid: vec2u) -> vec2f {
    return vec2f(gid * mp.step) + 0.5 * f32(mp.step) + view.sub_origin;
}

@compute @workgroup_size(8, 8)
fn raster(@builtin(global_invocation_id) gid: vec3u) {
    if (any(gid.xy >= textureDimensions(out_tex))) {
        return;
    }
    textureStore(out_tex, gid.xy, shade(value_at(texel_centre(gid.xy))));
}

// As `raster`, for counts whose cells span `mp.smooth_px` pixels or more. A box of half
// a cell here, then interpolation between texels of half a cell when composited: about
// a cell's width in all, no diamond left. At the edge of the data, the density fades
// over a fraction of a cell. (An entry point of its own: software rasterisers run both
// sides of a branch.) Texels lie on a grid fixed to the canvas (`smooth_grid_origin`),
// so a wall display's part of the canvas is drawn as the whole canvas is.
@compute @workgroup_size(8, 8)
fn raster_smooth(@builtin(global_invocation_id) gid: vec3u) {
    if (any(gid.xy >= textureDimensions(out_tex))) {
        return;
    }
    let px = smooth_grid_origin() + (vec2f(gid.xy) + 0.5) * f32(mp.step);
    let h = 0.25 * mp.smooth_px;
    var sum = vec4f(0.0);
    for (var k = 0u; k < 4u; k++) {
        let off = vec2f(select(-h, h, (k & 1u) != 0u), select(-h, h, (k & 2u) != 0u));
        sum += value_at(px + off);
    }
    // Where no tap lands on data (e.g. past the sky's edge) the centre decides alone.
    var s: vec4f;
    if (sum.w > 0.0) {
        s = vec4f(sum.x / sum.w, sum.w / 4.0, 1.0, 1.0);
    } else {
        s = value_at(px);
    }
    textureStore(out_tex, gid.xy, shade(s));
}
