//! The instances a level-of-detail view draws, as a list of ids on the GPU.
//!
//! Level of detail draws the leading share of every HEALPix group in view: over the whole
//! sky that is tens of thousands of short instance ranges (88k for 88k markers). Drawn
//! range by range, each is a draw call, and on lavapipe the calls cost more than the
//! markers (`cargo bench --bench render_points`, BENCHMARKS.md). Uploading the ranges'
//! instance ids instead (4 bytes a drawn marker) makes them one draw call a chunk, whose
//! shader reads each instance by id from the chunk's storage.

use std::ops::Range;

use crate::render::GpuContext;

/// Up to this many ranges are drawn one call each: a few calls cost less than an upload.
pub const MAX_DIRECT_RANGES: usize = 32;

/// The drawn instances' ids, chunk-local, grouped by chunk in the order the ranges draw
/// them (so blending is the same as drawing the ranges one by one).
#[derive(Default)]
pub struct InstanceIds {
    buffer: Option<wgpu::Buffer>,
    /// For each chunk, the positions in `buffer` of the ids it draws.
    per_chunk: Vec<Range<u32>>,
}

impl InstanceIds {
    /// Uploads the ids of `ranges` for a layer in chunks `chunk_spans` (first instance,
    /// count), reusing the buffer when it is big enough.
    pub fn upload(
        &mut self,
        ctx: &GpuContext,
        chunk_spans: impl Iterator<Item = (u32, u32)>,
        ranges: &[Range<u32>],
    ) {
        let (ids, per_chunk) = ids_by_chunk(chunk_spans, ranges);
        self.per_chunk = per_chunk;
        if ids.is_empty() {
            return;
        }
        let bytes: &[u8] = bytemuck::cast_slice(&ids);
        let size = bytes.len() as u64;
        if self.buffer.as_ref().is_none_or(|b| b.size() < size) {
            // Grown to the next power of two: panning changes the count a little each
            // frame, and a buffer a frame would churn GPU memory.
            self.buffer = Some(ctx.device.create_buffer(&wgpu::BufferDescriptor {
                label: Some("drawn instance ids"),
                size: size.next_power_of_two(),
                usage: wgpu::BufferUsages::VERTEX | wgpu::BufferUsages::COPY_DST,
                mapped_at_creation: false,
            }));
        }
        if let Some(buffer) = &self.buffer {
            ctx.queue.write_buffer(buffer, 0, bytes);
        }
    }

    /// The ids' buffer, if any id is drawn.
    pub fn buffer(&self) -> Option<&wgpu::Buffer> {
        self.buffer
            .as_ref()
            .filter(|_| self.per_chunk.iter().any(|r| !r.is_empty()))
    }

    /// For each chunk, the positions of its ids in [`Self::buffer`].
    pub fn per_chunk(&self) -> &[Range<u32>] {
        &self.per_chunk
    }
}

/// The chunk-local ids of `ranges`, chunk by chunk (ranges in their order within a
/// chunk), and each chunk's span of them.
fn ids_by_chunk(
    chunk_spans: impl Iterator<Item = (u32, u32)>,
    ranges: &[Range<u32>],
) -> (Vec<u32>, Vec<Range<u32>>) {
    let mut ids = Vec::with_capacity(ranges.iter().map(|r| r.len()).sum());
    let mut per_chunk = Vec::new();
    for (first, count) in chunk_spans {
        let (lo, hi) = (first, first + count);
        let start = ids.len() as u32;
        for r in ranges {
            let (a, b) = (r.start.max(lo), r.end.min(hi));
            ids.extend((a..b.max(a)).map(|i| i - lo));
        }
        per_chunk.push(start..ids.len() as u32);
    }
    (ids, per_chunk)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_chunk_local_and_keep_the_ranges_order_within_a_chunk() {
        // Chunks of 10: 0..10, 10..20, 20..25.
        let spans = [(0, 10), (10, 10), (20, 5)];
        let ranges = [15..22, 3..5, 24..30, 9..11];
        let (ids, per_chunk) = ids_by_chunk(spans.into_iter(), &ranges);
        assert_eq!(per_chunk, vec![0..3, 3..9, 9..12]);
        assert_eq!(ids, vec![3, 4, 9, 5, 6, 7, 8, 9, 0, 0, 1, 4]);
    }
}
