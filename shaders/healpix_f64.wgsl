// Precision prelude for the HEALPix code: f64 arithmetic and u64 cell indices (adapters
// with SHADER_F64 and SHADER_INT64), exact to depth 29.

alias real = f64;
alias cellidx = u64;
const HPX_MAX_DEPTH: u32 = 29u;
