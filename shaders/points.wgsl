// Catalog markers: one instance per object, a triangle per instance, the marker's shape and
// anti-aliased edge computed per fragment from the canvas-pixel distance to its centre.

struct PointStyle {
    color: vec4f,
    color_range: vec2f,
    size_range: vec2f,
    size_px: vec2f,
    stroke_px: f32,
    opacity: f32,
    color_attr: i32,
    size_attr: i32,
    colormap: u32,
    shape: u32,
    // (attribute slot or -1, min, max, unused)
    filter0: vec4f,
    filter1: vec4f,
    visible: u32,
    // A rim this wide around each marker (0: none), of colour halo_rgba (8 bits a channel).
    halo_px: f32,
    halo_rgba: u32,
    _pad0: u32,
};

@group(1) @binding(0) var<storage, read> style: PointStyle;
@group(1) @binding(1) var colormaps: texture_2d<f32>;
// The same instances as the vertex buffer, 7 floats each (dir, attrs): level of detail
// draws scattered ranges of them in one call, by id (see vs_by_id).
@group(1) @binding(2) var<storage, read> instances: array<f32>;

struct Instance {
    @location(0) dir: vec3f,
    @location(1) attrs: vec4f,
};

struct VsOut {
    @builtin(position) pos: vec4f,
    @location(0) @interpolate(flat) center: vec2f,
    @location(1) @interpolate(flat) radius: f32,
    @location(2) @interpolate(flat) color: vec4f,
};

fn attr(a: vec4f, slot: i32) -> f32 {
    return a[clamp(slot, 0, 3)];
}

fn passes(f: vec4f, a: vec4f) -> bool {
    if (f.x < 0.0) {
        return true;
    }
    let v = attr(a, i32(f.x));
    // NaN fails both comparisons: objects without the value are filtered out.
    return v >= f.y && v <= f.z;
}

fn marker_color(a: vec4f) -> vec4f {
    if (style.color_attr < 0) {
        return style.color;
    }
    let v = attr(a, style.color_attr);
    if (v != v) {
        return style.color;
    }
    let t = clamp((v - style.color_range.x) / (style.color_range.y - style.color_range.x), 0.0, 1.0);
    let rgb = textureLoad(colormaps, vec2i(i32(round(t * 255.0)), i32(style.colormap)), 0).rgb;
    return vec4f(rgb, style.color.a);
}

fn marker_diameter(a: vec4f) -> f32 {
    if (style.size_attr < 0) {
        return style.size_px.x;
    }
    let v = attr(a, style.size_attr);
    let t = clamp((v - style.size_range.x) / (style.size_range.y - style.size_range.x), 0.0, 1.0);
    // Square-root scaling: marker area follows the value. NaN gives the smallest size.
    let s = select(0.0, sqrt(t), t == t);
    return mix(style.size_px.x, style.size_px.y, s);
}

@vertex
fn vs_main(@builtin(vertex_index) vi: u32, inst: Instance) -> VsOut {
    return marker_vertex(vi, inst);
}

@vertex
fn vs_by_id(@builtin(vertex_index) vi: u32, @location(0) id: u32) -> VsOut {
    let b = id * 7u;
    var inst: Instance;
    inst.dir = vec3f(instances[b], instances[b + 1u], instances[b + 2u]);
    inst.attrs = vec4f(instances[b + 3u], instances[b + 4u], instances[b + 5u], instances[b + 6u]);
    return marker_vertex(vi, inst);
}

// Corner `vi` of the triangle of marker `inst`, or a vertex nowhere when it is not drawn.
fn marker_vertex(vi: u32, inst: Instance) -> VsOut {
    var out: VsOut;
    out.pos = nowhere();
    out.center = vec2f(0.0);
    out.radius = 0.0;
    out.color = vec4f(0.0);
    if (style.visible == 0u || !passes(style.filter0, inst.attrs) || !passes(style.filter1, inst.attrs)) {
        return out;
    }
    let p = project(to_view(inst.dir));
    if (p.z == 0.0) {
        return out;
    }
    let center = plane_to_canvas(p.xy);
    let radius = 0.5 * marker_diameter(inst.attrs);
    // One equilateral triangle whose inscribed circle holds every pixel the marker touches:
    // software rasterizers (lavapipe) pay per triangle and per fragment, and this triangle
    // drew 1M small markers in 0.77 s where a quad one pixel larger took 1.21 s.
    let inner = marker_reach(max(radius, 0.5), style.halo_px) + 0.0625;
    var corners = array<vec2f, 3>(
        vec2f(0.0, 2.0), vec2f(-1.7320508, -1.0), vec2f(1.7320508, -1.0)
    );
    let corner = center + corners[vi] * inner;
    out.pos = canvas_to_clip(corner);
    out.center = center;
    out.radius = radius;
    out.color = marker_color(inst.attrs);
    return out;
}

// Squares and diamonds of radius r, as fractions of r: shared by their distance function
// and the triangle drawn around them.
const SQUARE_HALF_SIDE: f32 = 0.85;
const DIAMOND_INRADIUS: f32 = 0.8;

// How far from its centre the marker of `shape_sdf` with radius r, grown by g (its halo),
// has coverage: where that distance is 0.5 px, at the corners of squares and diamonds, the
// ends of a cross's arms.
fn marker_reach(r: f32, g: f32) -> f32 {
    let w = style.stroke_px;
    switch style.shape {
        case 0u, 1u: { return r + g + 0.5; }
        case 2u, 3u: { return (SQUARE_HALF_SIDE * r + g + 0.5) * 1.4142136; }
        case 4u, 5u: { return (DIAMOND_INRADIUS * r + g + 0.5) * 1.4142136; }
        default: { return length(vec2f(r + g + 0.5, 0.5 * w + g + 0.5)); }
    }
}

// Signed distance in pixels (negative inside) to a marker of radius r.
fn shape_sdf(q: vec2f, r: f32) -> f32 {
    let w = style.stroke_px;
    switch style.shape {
        case 0u: { return length(q) - r; }
        case 1u: { return abs(length(q) - r + 0.5 * w) - 0.5 * w; }
        case 2u: { return max(abs(q.x), abs(q.y)) - SQUARE_HALF_SIDE * r; }
        case 3u: { return abs(max(abs(q.x), abs(q.y)) - SQUARE_HALF_SIDE * r + 0.5 * w) - 0.5 * w; }
        case 4u: { return (abs(q.x) + abs(q.y)) * 0.70710678 - DIAMOND_INRADIUS * r; }
        case 5u: { return abs((abs(q.x) + abs(q.y)) * 0.70710678 - DIAMOND_INRADIUS * r + 0.5 * w) - 0.5 * w; }
        case 6u: {
            let s = vec2f(q.x + q.y, q.x - q.y) * 0.70710678;
            return min(max(abs(s.x) - r, abs(s.y) - 0.5 * w), max(abs(s.y) - r, abs(s.x) - 0.5 * w));
        }
        default: {
            return min(max(abs(q.x) - r, abs(q.y) - 0.5 * w), max(abs(q.y) - r, abs(q.x) - 0.5 * w));
        }
    }
}

@fragment
fn fs_main(in: VsOut) -> @location(0) vec4f {
    let q = fragment_canvas_px(in.pos) - in.center;
    // Markers smaller than a pixel keep their area as faint coverage instead of vanishing.
    let r = max(in.radius, 0.5);
    let faint = min(in.radius / 0.5, 1.0);
    let d = shape_sdf(q, r);
    let coverage = clamp(0.5 - d, 0.0, 1.0) * faint;
    // The halo covers what the marker grown by its width covers, less the marker.
    let outer = clamp(0.5 - (d - style.halo_px), 0.0, 1.0) * faint;
    let k = in.color.a * style.opacity;
    let a = k * outer;
    if (a <= 0.0) {
        discard;
    }
    let halo = unpack4x8unorm(style.halo_rgba).rgb;
    return vec4f((in.color.rgb * coverage + halo * (outer - coverage)) * k, a);
}
