// HEALPix NESTED cell of a direction (Gorski et al. 2005, ApJ 622, 759), at any depth the
// precision prelude allows. Written after the paper's z/phi formulation; validated
// against cdshealpix in tests/healpix_gpu.rs.

// Spreads the low bits of v onto the even bits of the result (Morton interleave).
fn hpx_spread_bits(v: u32) -> cellidx {
    var r: cellidx = cellidx(0u);
    for (var i = 0u; i < 29u; i++) {
        r = r | (cellidx((v >> i) & 1u) << (2u * i));
    }
    return r;
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
