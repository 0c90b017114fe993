// Precision prelude for the HEALPix code: f64 arithmetic and u64 cell indices (adapters
// with SHADER_F64 and SHADER_INT64), exact to depth 29. WGSL has no f64 atan2, so it is
// evaluated here by range reduction and a series.

alias real = f64;
alias cellidx = u64;
const HPX_MAX_DEPTH: u32 = 29u;

// atan(t) for t >= 0, to about 1e-16.
fn real_atan_pos(t0: real) -> real {
    var t = t0;
    var offset: real = 0.0;
    var flip = false;
    if (t > 1.0) {
        t = 1.0 / t;
        flip = true;
    }
    // Below tan(pi/12) the series converges fast; above, shift by pi/6.
    if (t > 0.26794919243112270) {
        t = (t * 1.7320508075688772 - 1.0) / (t + 1.7320508075688772);
        offset = 0.52359877559829887;
    }
    let t2 = t * t;
    // Horner form of t - t^3/3 + t^5/5 - ... up to t^29.
    var s: real = 1.0 / 29.0;
    s = 1.0 / 27.0 - t2 * s;
    s = 1.0 / 25.0 - t2 * s;
    s = 1.0 / 23.0 - t2 * s;
    s = 1.0 / 21.0 - t2 * s;
    s = 1.0 / 19.0 - t2 * s;
    s = 1.0 / 17.0 - t2 * s;
    s = 1.0 / 15.0 - t2 * s;
    s = 1.0 / 13.0 - t2 * s;
    s = 1.0 / 11.0 - t2 * s;
    s = 1.0 / 9.0 - t2 * s;
    s = 1.0 / 7.0 - t2 * s;
    s = 1.0 / 5.0 - t2 * s;
    s = 1.0 / 3.0 - t2 * s;
    s = 1.0 - t2 * s;
    var a = offset + t * s;
    if (flip) {
        a = 1.5707963267948966 - a;
    }
    return a;
}

fn real_atan2(y: real, x: real) -> real {
    if (x == 0.0 && y == 0.0) {
        return 0.0;
    }
    let pi: real = 3.1415926535897932;
    var a: real;
    if (x == 0.0) {
        a = 0.5 * pi;
    } else {
        a = real_atan_pos(abs(y / x));
        if (x < 0.0) {
            a = pi - a;
        }
    }
    return select(a, -a, y < 0.0);
}
