//! Large allocations on transparent huge pages. A column of ten million rows is 80 MB of
//! fresh memory: faulted in 4 KiB at a time that is 20 000 page faults a column, a tenth
//! of a cold figure's time on a VM. Kernels that leave huge pages to `madvise` (Debian's
//! default) back such blocks with 2 MiB pages once asked, 512 times fewer faults.
//!
//! Each large block is a mapping of its own, unmapped when freed: advising blocks the
//! system allocator placed inside its arenas made later small allocations there fault in
//! 2 MiB at a time (a 100M-row figure peaked 1.2 GB higher).
//!
//! Linux only (mmap, mremap, transparent huge pages); elsewhere the system allocator
//! stays.

use std::alloc::{GlobalAlloc, Layout, System};

/// Blocks from this size up get a mapping of their own; smaller ones gain little.
const OWN_MAPPING_FROM: usize = 8 << 20;

/// The system allocator, with blocks of [`OWN_MAPPING_FROM`] and more mapped apart and
/// backed by huge pages. Install it in a binary with `#[global_allocator]`.
pub struct HugePageAllocator;

/// Whether a block of `layout` gets its own mapping (mappings are page-aligned: larger
/// alignments stay with the system allocator).
fn mapped_apart(layout: &Layout) -> bool {
    layout.size() >= OWN_MAPPING_FROM && layout.align() <= 4096
}

mod mapping {
    /// A fresh zeroed mapping of `size` bytes backed by huge pages where the kernel
    /// allows, or null.
    pub fn map(size: usize) -> *mut u8 {
        // SAFETY: an anonymous private mapping at an address the kernel picks touches
        // no existing memory.
        let p = unsafe {
            libc::mmap(
                std::ptr::null_mut(),
                size,
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS,
                -1,
                0,
            )
        };
        if p == libc::MAP_FAILED {
            return std::ptr::null_mut();
        }
        advise(p, size);
        p.cast()
    }

    /// Asks for huge pages over a mapping; a refusal leaves ordinary pages.
    pub fn advise(p: *mut libc::c_void, size: usize) {
        // SAFETY: `p..p + size` is a mapping of ours; the advice changes how it is
        // backed, not its contents.
        unsafe { libc::madvise(p, size, libc::MADV_HUGEPAGE) };
    }

    /// Unmaps a mapping made by [`map`] (or grown by [`remap`]).
    pub fn unmap(p: *mut u8, size: usize) {
        // SAFETY: the caller frees the block: nothing refers to it any more.
        unsafe { libc::munmap(p.cast(), size) };
    }

    /// The mapping at `p` resized to `new` bytes, moved if need be, or null (then `p`
    /// is unchanged).
    pub fn remap(p: *mut u8, old: usize, new: usize) -> *mut u8 {
        // SAFETY: `p..p + old` is a mapping of ours; the kernel moves its pages.
        let q = unsafe { libc::mremap(p.cast(), old, new, libc::MREMAP_MAYMOVE) };
        if q == libc::MAP_FAILED {
            return std::ptr::null_mut();
        }
        advise(q, new);
        q.cast()
    }
}

// SAFETY: blocks below the threshold go to the system allocator unchanged; larger ones
// are whole page-aligned mappings (alignment ≤ a page), freed and resized only here,
// since `dealloc` and `realloc` get the layout they were allocated with.
unsafe impl GlobalAlloc for HugePageAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if mapped_apart(&layout) {
            mapping::map(layout.size())
        } else {
            unsafe { System.alloc(layout) }
        }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        if mapped_apart(&layout) {
            // Fresh anonymous mappings are zeroed.
            mapping::map(layout.size())
        } else {
            unsafe { System.alloc_zeroed(layout) }
        }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        if mapped_apart(&layout) {
            mapping::unmap(ptr, layout.size())
        } else {
            unsafe { System.dealloc(ptr, layout) }
        }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY (all branches): the caller guarantees `new_size` is valid for `layout`'s
        // alignment, and `ptr` a block of `layout`.
        let new_layout = unsafe { Layout::from_size_align_unchecked(new_size, layout.align()) };
        match (mapped_apart(&layout), mapped_apart(&new_layout)) {
            (true, true) => mapping::remap(ptr, layout.size(), new_size),
            (false, false) => unsafe { System.realloc(ptr, layout, new_size) },
            // Across the threshold: a new block, the kept bytes copied, the old freed.
            _ => {
                let new = unsafe { self.alloc(new_layout) };
                if !new.is_null() {
                    let kept = layout.size().min(new_size);
                    unsafe {
                        std::ptr::copy_nonoverlapping(ptr, new, kept);
                        self.dealloc(ptr, layout);
                    }
                }
                new
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Blocks above and below the threshold, grown and shrunk across it, keep their bytes.
    #[test]
    fn blocks_keep_their_bytes_across_the_threshold() {
        let a = HugePageAllocator;
        let small = Layout::from_size_align(4096, 8).unwrap();
        unsafe {
            let p = a.alloc(small);
            assert!(!p.is_null());
            for i in 0..4096 {
                *p.add(i) = (i % 251) as u8;
            }
            // Grown into a mapping of its own, then within it, then back below.
            let sizes = [OWN_MAPPING_FROM + 12345, 3 * OWN_MAPPING_FROM, 2048];
            let (mut p, mut layout) = (p, small);
            for &size in &sizes {
                p = a.realloc(p, layout, size);
                assert!(!p.is_null());
                layout = Layout::from_size_align(size, 8).unwrap();
                for i in 0..2048 {
                    assert_eq!(*p.add(i), (i % 251) as u8, "byte {i} at size {size}");
                }
            }
            a.dealloc(p, layout);
            let big = Layout::from_size_align(OWN_MAPPING_FROM, 64).unwrap();
            let z = a.alloc_zeroed(big);
            assert!(!z.is_null());
            assert!((0..big.size()).step_by(4093).all(|i| *z.add(i) == 0));
            *z.add(big.size() - 1) = 7;
            a.dealloc(z, big);
        }
    }
}
