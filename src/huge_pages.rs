//! Large allocations on transparent huge pages. A column of ten million rows is 80 MB of
//! fresh memory: faulted in 4 KiB at a time that is 20 000 page faults a column, a tenth
//! of a cold figure's time on a VM. Kernels that leave huge pages to `madvise` (Debian's
//! default) back such blocks with 2 MiB pages once asked, 512 times fewer faults.

use std::alloc::{GlobalAlloc, Layout, System};

/// Blocks from this size up are advised; smaller ones gain little and would split the
/// allocator's arenas into more mappings.
const ADVISED_FROM: usize = 8 << 20;
const HUGE_PAGE: usize = 2 << 20;

/// The system allocator, asking for huge pages on blocks of [`ADVISED_FROM`] and more.
/// Install it in a binary with `#[global_allocator]`.
pub struct HugePageAllocator;

impl HugePageAllocator {
    /// Asks for huge pages over the 2 MiB-aligned part of the block at `ptr`.
    fn advise(ptr: *mut u8, size: usize) {
        #[cfg(target_os = "linux")]
        if size >= ADVISED_FROM && !ptr.is_null() {
            let start = (ptr as usize).next_multiple_of(HUGE_PAGE);
            let end = (ptr as usize + size) / HUGE_PAGE * HUGE_PAGE;
            if end > start {
                // SAFETY: the range lies inside a block just allocated for the caller;
                // the advice changes how it is backed, not its contents. A refusal
                // (huge pages disabled) leaves ordinary pages.
                unsafe {
                    libc::madvise(start as *mut libc::c_void, end - start, libc::MADV_HUGEPAGE);
                }
            }
        }
    }
}

// SAFETY: every call is forwarded to the system allocator unchanged; `advise` only
// changes how the pages of a block are backed.
unsafe impl GlobalAlloc for HugePageAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let ptr = unsafe { System.alloc(layout) };
        Self::advise(ptr, layout.size());
        ptr
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // Zeroed blocks come from fresh mappings already zero: advising after the fact
        // still backs the pages first touched later.
        let ptr = unsafe { System.alloc_zeroed(layout) };
        Self::advise(ptr, layout.size());
        ptr
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let new = unsafe { System.realloc(ptr, layout, new_size) };
        Self::advise(new, new_size);
        new
    }
}
