// Precision prelude for the HEALPix code: f64 arithmetic and u64 cell indices (adapters
// with SHADER_F64 and SHADER_INT64), exact to depth 29.

alias real = f64;
alias cellidx = u64;
const HPX_MAX_DEPTH: u32 = 29u;

// Spreads the low 29 bits of v onto the even bits of the result (Morton interleave).
fn hpx_spread_bits(v: u32) -> u64 {
    var x = u64(v);
    x = (x | (x << 16u)) & 0x0000FFFF0000FFFFlu;
    x = (x | (x << 8u)) & 0x00FF00FF00FF00FFlu;
    x = (x | (x << 4u)) & 0x0F0F0F0F0F0F0F0Flu;
    x = (x | (x << 2u)) & 0x3333333333333333lu;
    x = (x | (x << 1u)) & 0x5555555555555555lu;
    return x;
}
