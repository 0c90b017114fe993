// HEALPix NESTED cell of a direction (Gorski et al. 2005, ApJ 622, 759), at any depth the
// precision prelude allows. Written after the paper's z/phi formulation; validated
// against cdshealpix in tests/healpix_gpu.rs.

// atan(t) for t >= 0 by range reduction and a series, to about 1e-16 in f64 (WGSL has no
// f64 atan2) and to a few ulps in f32 (drivers' f32 atan2 may be off by 1e-4).
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

// NESTED index at `depth` of the direction (x, y, z), a unit vector in the map's frame.
fn hpx_hash(x: real, y: real, z: real, depth: u32) -> cellidx {
    let nside_i = 1u << depth;
    let nside = real(nside_i);
    let two_over_pi: real = 0.63661977236758134;
    var tt = real_atan2(y, x) * two_over_pi;
    if (tt < 0.0) {
        tt = tt + 4.0;
    }
    if (tt >= 4.0) {
        tt = tt - 4.0;
    }
    let za = abs(z);
    var face = 0u;
    var ix = 0u;
    var iy = 0u;
    if (za <= 2.0 / 3.0) {
        // Equatorial zone: count the ascending and descending cell edges crossed.
        let t1 = nside * (0.5 + tt);
        let t2 = nside * (z * 0.75);
        let jp = u32(t1 - t2);
        let jm = u32(t1 + t2);
        let ifp = jp >> depth;
        let ifm = jm >> depth;
        if (ifp == ifm) {
            face = ifp | 4u;
        } else if (ifp < ifm) {
            face = ifp;
        } else {
            face = ifm + 8u;
        }
        ix = jm & (nside_i - 1u);
        iy = nside_i - (jp & (nside_i - 1u)) - 1u;
    } else {
        // Polar caps; 1 - |z| from x and y keeps its precision near the poles.
        let ntt = min(3u, u32(tt));
        let tp = tt - real(ntt);
        let one_minus_za = (x * x + y * y) / (1.0 + za);
        let tmp = nside * sqrt(3.0 * one_minus_za);
        let jp = min(u32(tp * tmp), nside_i - 1u);
        let jm = min(u32((1.0 - tp) * tmp), nside_i - 1u);
        if (z >= 0.0) {
            face = ntt;
            ix = nside_i - jm - 1u;
            iy = nside_i - jp - 1u;
        } else {
            face = ntt + 8u;
            ix = jp;
            iy = jm;
        }
    }
    return (cellidx(face) << (2u * depth)) + hpx_spread_bits(ix) + (hpx_spread_bits(iy) << 1u);
}
