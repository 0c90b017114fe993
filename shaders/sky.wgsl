// Shared sky geometry for every layer: the view uniform and the five projections.
// The Rust twin is src/sky/projection.rs and src/view/camera.rs; keep them in step.
//
// View frame: centre on +x, east on +y, north (up) on +z. Plane coordinates (u, v) in
// radians, u to the east. Canvas pixels: x right, y down; east is drawn on the left.

struct View {
    // Rows of the rotation from ICRS into the view frame.
    rot0: vec4f,
    rot1: vec4f,
    rot2: vec4f,
    canvas_size: vec2f,
    sub_origin: vec2f,
    sub_size: vec2f,
    center_px: vec2f,
    scale: f32,
    projection: u32,
    _pad: vec2u,
};

@group(0) @binding(0) var<storage, read> view: View;

const PI: f32 = 3.14159265358979;
const HALF_PI: f32 = 1.57079632679490;
const SQRT2: f32 = 1.41421356237310;
const PROJ_TAN: u32 = 0u;
const PROJ_SIN: u32 = 1u;
const PROJ_CAR: u32 = 2u;
const PROJ_MOL: u32 = 3u;
const PROJ_AIT: u32 = 4u;
// Directions nearer the TAN horizon than 85 degrees are not drawn.
const TAN_MIN_COS: f32 = 0.0871557427;

fn to_view(d: vec3f) -> vec3f {
    return vec3f(dot(view.rot0.xyz, d), dot(view.rot1.xyz, d), dot(view.rot2.xyz, d));
}

fn is_all_sky() -> bool {
    return view.projection >= PROJ_CAR;
}

// Solves 2t + sin 2t = pi sin(lat) (Newton; exact at the poles).
fn mollweide_theta(lat: f32) -> f32 {
    if (HALF_PI - abs(lat) < 1e-6) {
        return sign(lat) * HALF_PI;
    }
    let goal = PI * sin(lat);
    var t = lat;
    for (var i = 0; i < 12; i++) {
        let df = 2.0 + 2.0 * cos(2.0 * t);
        if (df < 1e-7) {
            break;
        }
        t -= (2.0 * t + sin(2.0 * t) - goal) / df;
    }
    return t;
}

// Plane coordinates of view-frame longitude (east positive) and latitude, all-sky projections.
fn project_lonlat(lon: f32, lat: f32) -> vec2f {
    if (view.projection == PROJ_CAR) {
        return vec2f(lon, lat);
    }
    if (view.projection == PROJ_AIT) {
        let g = sqrt(2.0 / (1.0 + cos(lat) * cos(lon * 0.5)));
        return vec2f(2.0 * g * cos(lat) * sin(lon * 0.5), g * sin(lat));
    }
    let t = mollweide_theta(lat);
    return vec2f(2.0 * SQRT2 / PI * lon * cos(t), SQRT2 * sin(t));
}

// Plane coordinates of a view-frame unit vector in .xy; .z is 1 where the projection
// shows the direction, 0 where it does not.
fn project(d: vec3f) -> vec3f {
    switch view.projection {
        case 0u: {
            return vec3f(d.y / max(d.x, 1e-6), d.z / max(d.x, 1e-6), select(0.0, 1.0, d.x >= TAN_MIN_COS));
        }
        case 1u: {
            return vec3f(d.y, d.z, select(0.0, 1.0, d.x >= 0.0));
        }
        default: {
            let lon = atan2(d.y, d.x);
            let lat = asin(clamp(d.z, -1.0, 1.0));
            return vec3f(project_lonlat(lon, lat), 1.0);
        }
    }
}

fn plane_to_canvas(p: vec2f) -> vec2f {
    return view.center_px - p * view.scale;
}

fn canvas_to_plane(px: vec2f) -> vec2f {
    return (view.center_px - px) / view.scale;
}

// Clip-space position of a canvas pixel position, for this view's sub-rectangle.
fn canvas_to_clip(px: vec2f) -> vec4f {
    let t = (px - view.sub_origin) / view.sub_size;
    return vec4f(t.x * 2.0 - 1.0, 1.0 - t.y * 2.0, 0.0, 1.0);
}

// Canvas position of a fragment: exact integers + 0.5, identical whichever tile renders it.
fn fragment_canvas_px(frag: vec4f) -> vec2f {
    return frag.xy + view.sub_origin;
}

// Signed distance (plane units, negative inside) to the edge of the projection's domain.
fn domain_sdf(p: vec2f) -> f32 {
    switch view.projection {
        case 0u: {
            return -1e9;
        }
        case 1u: {
            return length(p) - 1.0;
        }
        case 2u: {
            let q = abs(p) - vec2f(PI, HALF_PI);
            return length(max(q, vec2f(0.0))) + min(max(q.x, q.y), 0.0);
        }
        default: {
            // Ellipse with semi-axes 2*sqrt2 and sqrt2: first-order distance.
            let ab = vec2f(2.0 * SQRT2, SQRT2);
            let g = length(p / ab);
            if (g < 1e-6) {
                return -SQRT2;
            }
            let grad = length(p / (ab * ab)) / g;
            return (g - 1.0) / grad;
        }
    }
}

// Vertex `i` of one triangle covering the whole target (full-screen passes).
fn fullscreen_vertex(i: u32) -> vec4f {
    let x = f32((i << 1u) & 2u) * 2.0 - 1.0;
    let y = f32(i & 2u) * 2.0 - 1.0;
    return vec4f(x, y, 0.0, 1.0);
}

// A vertex that produces no fragments (all corners collapse onto it).
fn nowhere() -> vec4f {
    return vec4f(-4.0, -4.0, 0.0, 1.0);
}

fn dir_from_lonlat(lon: f32, lat: f32) -> vec3f {
    return vec3f(cos(lat) * cos(lon), cos(lat) * sin(lon), sin(lat));
}

// View-frame unit vector at plane coordinates in .xyz; .w is 1 inside the projection's
// domain, 0 outside. Twin of Projection::inverse in src/sky/projection.rs.
fn unproject(p: vec2f) -> vec4f {
    let u = p.x;
    let v = p.y;
    switch view.projection {
        case 0u: {
            let x = 1.0 / sqrt(1.0 + u * u + v * v);
            return vec4f(x, u * x, v * x, 1.0);
        }
        case 1u: {
            let r2 = u * u + v * v;
            if (r2 > 1.0) {
                return vec4f(0.0);
            }
            return vec4f(sqrt(1.0 - r2), u, v, 1.0);
        }
        case 2u: {
            if (abs(u) > PI || abs(v) > HALF_PI) {
                return vec4f(0.0);
            }
            return vec4f(dir_from_lonlat(u, v), 1.0);
        }
        case 4u: {
            if (domain_sdf(p) > 0.0) {
                return vec4f(0.0);
            }
            let z = sqrt(max(0.0, 1.0 - (u / 4.0) * (u / 4.0) - (v / 2.0) * (v / 2.0)));
            let lon = 2.0 * atan2(z * u, 2.0 * (2.0 * z * z - 1.0));
            let lat = asin(clamp(z * v, -1.0, 1.0));
            return vec4f(dir_from_lonlat(lon, lat), 1.0);
        }
        default: {
            if (domain_sdf(p) > 0.0) {
                return vec4f(0.0);
            }
            let t = asin(clamp(v / SQRT2, -1.0, 1.0));
            let c = cos(t);
            let lon = select(0.0, PI * u / (2.0 * SQRT2 * c), c > 0.0);
            let lat = asin(clamp((2.0 * t + sin(2.0 * t)) / PI, -1.0, 1.0));
            if (abs(lon) > PI) {
                return vec4f(0.0);
            }
            return vec4f(dir_from_lonlat(lon, lat), 1.0);
        }
    }
}
