// Thick anti-aliased great-circle segments (tile outlines). One instance per segment,
// drawn as up to two quads: an edge that crosses the seam of an all-sky projection is
// split there, and one that leaves a TAN/SIN hemisphere is clipped at its edge.

struct LineStyle {
    color: vec4f,
    width_px: f32,
    dash_on: f32,
    dash_off: f32,
    visible: u32,
};

@group(1) @binding(0) var<storage, read> style: LineStyle;

struct Segment {
    @location(0) a: vec3f,
    @location(1) b: vec3f,
    // Arc length (radians) from the start of the polygon edge to `a`, for dash phase.
    @location(2) arc0: f32,
};

struct VsOut {
    @builtin(position) pos: vec4f,
    @location(0) @interpolate(flat) p0: vec2f,
    @location(1) @interpolate(flat) p1: vec2f,
    @location(2) @interpolate(flat) phase0: f32,
};

fn angle_between(a: vec3f, b: vec3f) -> f32 {
    return atan2(length(cross(a, b)), dot(a, b));
}

// Canvas position of a view-frame direction at the seam, on the side `side` (+1 east).
fn seam_point(m: vec3f, side: f32) -> vec2f {
    let lat = asin(clamp(normalize(m).z, -1.0, 1.0));
    return plane_to_canvas(project_lonlat(side * PI, lat));
}

@vertex
fn vs_main(@builtin(vertex_index) vi: u32, seg: Segment) -> VsOut {
    var out: VsOut;
    out.pos = nowhere();
    out.p0 = vec2f(0.0);
    out.p1 = vec2f(0.0);
    out.phase0 = 0.0;
    if (style.visible == 0u) {
        return out;
    }
    let piece = vi / 6u;
    let a = to_view(seg.a);
    let b = to_view(seg.b);
    var s0 = a;
    var s1 = b;
    var q0 = vec2f(0.0);
    var q1 = vec2f(0.0);
    var arc_start = seg.arc0;
    if (is_all_sky()) {
        let crosses = a.y * b.y < 0.0;
        let t = a.y / (a.y - b.y);
        let m = mix(a, b, t);
        if (crosses && m.x < 0.0) {
            if (piece == 0u) {
                s1 = m;
                q0 = plane_to_canvas(project(a).xy);
                q1 = seam_point(m, sign(a.y));
            } else {
                s0 = m;
                arc_start = seg.arc0 + angle_between(a, normalize(m));
                q0 = seam_point(m, sign(b.y));
                q1 = plane_to_canvas(project(b).xy);
            }
        } else {
            if (piece == 1u) {
                return out;
            }
            q0 = plane_to_canvas(project(a).xy);
            q1 = plane_to_canvas(project(b).xy);
        }
    } else {
        if (piece == 1u) {
            return out;
        }
        let limit = select(0.0, TAN_MIN_COS, view.projection == PROJ_TAN);
        if (a.x < limit && b.x < limit) {
            return out;
        }
        if (a.x < limit || b.x < limit) {
            let t = (limit - a.x) / (b.x - a.x);
            let m = normalize(mix(a, b, t));
            if (a.x < limit) {
                arc_start = seg.arc0 + angle_between(a, m);
                s0 = m;
            } else {
                s1 = m;
            }
        }
        // Project without the validity test: the clip point sits on the limit itself.
        q0 = plane_to_canvas(vec2f(s0.y, s0.z) / select(1.0, max(s0.x, 1e-6), view.projection == PROJ_TAN));
        q1 = plane_to_canvas(vec2f(s1.y, s1.z) / select(1.0, max(s1.x, 1e-6), view.projection == PROJ_TAN));
    }
    let len = length(q1 - q0);
    let arc = angle_between(normalize(s0), normalize(s1));
    // Pixels per radian along this piece converts the arc position into a dash phase.
    let px_per_rad = select(0.0, len / arc, arc > 1e-9);
    let dir = select(vec2f(1.0, 0.0), (q1 - q0) / len, len > 1e-6);
    let nrm = vec2f(-dir.y, dir.x);
    let ext = 0.5 * style.width_px + 1.0;
    var corners = array<vec2f, 6>(
        vec2f(0.0, -1.0), vec2f(1.0, -1.0), vec2f(1.0, 1.0),
        vec2f(0.0, -1.0), vec2f(1.0, 1.0), vec2f(0.0, 1.0)
    );
    let c = corners[vi % 6u];
    let along = mix(q0 - dir * ext, q1 + dir * ext, c.x);
    out.pos = canvas_to_clip(along + nrm * ext * c.y);
    out.p0 = q0;
    out.p1 = q1;
    out.phase0 = arc_start * px_per_rad;
    return out;
}

@fragment
fn fs_main(in: VsOut) -> @location(0) vec4f {
    let px = fragment_canvas_px(in.pos);
    let ab = in.p1 - in.p0;
    let len2 = dot(ab, ab);
    let t = select(0.0, clamp(dot(px - in.p0, ab) / len2, 0.0, 1.0), len2 > 1e-12);
    let d = length(px - (in.p0 + ab * t));
    var coverage = clamp(0.5 * style.width_px + 0.5 - d, 0.0, 1.0);
    if (style.dash_on > 0.0 && style.dash_off > 0.0) {
        let period = style.dash_on + style.dash_off;
        let m = (in.phase0 + t * sqrt(len2)) % period;
        var inside = min(m, style.dash_on - m);
        if (m > style.dash_on) {
            inside = -min(m - style.dash_on, period - m);
        }
        coverage *= clamp(inside + 0.5, 0.0, 1.0);
    }
    let alpha = style.color.a * coverage;
    if (alpha <= 0.0) {
        discard;
    }
    return vec4f(style.color.rgb * alpha, alpha);
}
