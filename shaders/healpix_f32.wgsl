// Precision prelude for the HEALPix code on adapters without 64-bit shader types:
// f32 arithmetic, u32 cell indices, so depths up to 14 (nside 16384).

alias real = f32;
alias cellidx = u32;
const HPX_MAX_DEPTH: u32 = 14u;
