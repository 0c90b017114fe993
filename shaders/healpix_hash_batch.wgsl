// Hashes a batch of directions (3 reals each) at one depth: used to validate the shader
// HEALPix code against cdshealpix.

struct Params {
    count: u32,
    depth: u32,
    _pad0: u32,
    _pad1: u32,
};

@group(0) @binding(0) var<storage, read> params: Params;
@group(0) @binding(1) var<storage, read> dirs: array<real>;
@group(0) @binding(2) var<storage, read_write> cells: array<cellidx>;

@compute @workgroup_size(64)
fn hash_batch(@builtin(global_invocation_id) gid: vec3u) {
    let i = gid.x + gid.y * 65535u * 64u;
    if (i >= params.count) {
        return;
    }
    cells[i] = hpx_hash(dirs[3u * i], dirs[3u * i + 1u], dirs[3u * i + 2u], params.depth);
}
