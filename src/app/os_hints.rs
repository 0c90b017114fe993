//! Best-effort hints to the operating system about the viewer's threads and memory
//! (Linux; elsewhere they do nothing). A failure leaves things as they were.

/// Lowers the calling thread's scheduling priority (Linux gives each thread its own nice
/// value), for work that may wait behind the frames.
pub fn lower_thread_priority() {
    #[cfg(target_os = "linux")]
    // SAFETY: setpriority reads no memory of ours; `who` 0 is the calling thread.
    unsafe {
        libc::setpriority(libc::PRIO_PROCESS, 0, 10);
    }
}

/// Gives the memory freed so far back to the system. glibc keeps freed memory in the
/// arena of the thread that allocated it, and a scene is built on worker threads (each
/// read of a HATS view on its own): replaced scenes' columns, orders and buffers then
/// stayed resident, and the viewer's memory grew with the panning, not with the screen.
pub fn return_freed_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only releases free pages of the allocator's own heaps.
    unsafe {
        libc::malloc_trim(0);
    }
}
