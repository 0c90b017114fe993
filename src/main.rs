/// Columns of millions of rows fault in 2 MiB at a time (see `huge_pages`).
#[cfg(target_os = "linux")]
#[global_allocator]
static ALLOCATOR: clusterviz::huge_pages::HugePageAllocator =
    clusterviz::huge_pages::HugePageAllocator;

fn main() {
    quiet_wayland_probe();
    std::process::exit(clusterviz::cli::main_with_exit_code());
}

/// Mesa's drivers probe for Wayland and complain on stderr when XDG_RUNTIME_DIR is unset
/// (headless servers, CI). Point it at a private folder so users see only our messages.
fn quiet_wayland_probe() {
    if std::env::var_os("XDG_RUNTIME_DIR").is_some() {
        return;
    }
    let user = std::env::var("USER").unwrap_or_else(|_| "user".into());
    let dir = std::env::temp_dir().join(format!("clusterviz-runtime-{user}"));
    if std::fs::create_dir_all(&dir).is_ok() {
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let _ = std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o700));
        }
        // SAFETY: called first thing in main, before any other thread exists.
        unsafe { std::env::set_var("XDG_RUNTIME_DIR", &dir) };
    }
}
