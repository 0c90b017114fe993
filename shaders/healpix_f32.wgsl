// Precision prelude for the HEALPix code on adapters without 64-bit shader types:
// f32 arithmetic, u32 cell indices, so depths up to 14 (nside 16384).

alias real = f32;
alias cellidx = u32;
const HPX_MAX_DEPTH: u32 = 14u;

// Spreads the low 16 bits of v onto the even bits of the result (Morton interleave).
fn hpx_spread_bits(v: u32) -> u32 {
    var x = v & 0xFFFFu;
    x = (x | (x << 8u)) & 0x00FF00FFu;
    x = (x | (x << 4u)) & 0x0F0F0F0Fu;
    x = (x | (x << 2u)) & 0x33333333u;
    x = (x | (x << 1u)) & 0x55555555u;
    return x;
}
