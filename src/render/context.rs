//! The GPU context, in one place: adapter choice (hardware first, then Vulkan lavapipe,
//! then GL llvmpipe), the adapter's own limits, a count of data uploads, and what every
//! scene on the device shares.

use std::any::Any;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use crate::error::{Error, Result};

/// Which backend the user asked for (`--backend`, else `WGPU_BACKEND`, else any).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum BackendChoice {
    #[default]
    Auto,
    Vulkan,
    Gl,
    Metal,
    Dx12,
}

impl BackendChoice {
    fn backends(self) -> wgpu::Backends {
        match self {
            BackendChoice::Auto => wgpu::Backends::all(),
            BackendChoice::Vulkan => wgpu::Backends::VULKAN,
            BackendChoice::Gl => wgpu::Backends::GL,
            BackendChoice::Metal => wgpu::Backends::METAL,
            BackendChoice::Dx12 => wgpu::Backends::DX12,
        }
    }

    /// The `WGPU_BACKEND` environment variable, if set to something we know.
    pub fn from_env() -> Option<BackendChoice> {
        let v = std::env::var("WGPU_BACKEND").ok()?;
        match v.to_ascii_lowercase().as_str() {
            "vulkan" | "vk" => Some(BackendChoice::Vulkan),
            "gl" | "gles" | "opengl" => Some(BackendChoice::Gl),
            "metal" | "mtl" => Some(BackendChoice::Metal),
            "dx12" | "d3d12" => Some(BackendChoice::Dx12),
            _ => None,
        }
    }
}

pub struct GpuContext {
    pub instance: wgpu::Instance,
    pub adapter: wgpu::Adapter,
    pub device: wgpu::Device,
    pub queue: wgpu::Queue,
    pub info: wgpu::AdapterInfo,
    data_uploads: AtomicU64,
    data_bytes: AtomicU64,
    /// Largest layer-data buffer to create (the adapter's limit unless lowered for tests).
    chunk_bytes: AtomicU64,
    /// What is made once per device and shared by type ([`GpuContext::shared`]).
    shared: Mutex<Vec<Arc<dyn Any + Send + Sync>>>,
}

impl GpuContext {
    /// The choice that picks this context's backend again (for a second context, such as
    /// a figure made from the viewer).
    pub fn backend_choice(&self) -> BackendChoice {
        match self.info.backend {
            wgpu::Backend::Vulkan => BackendChoice::Vulkan,
            wgpu::Backend::Gl => BackendChoice::Gl,
            wgpu::Backend::Metal => BackendChoice::Metal,
            wgpu::Backend::Dx12 => BackendChoice::Dx12,
            _ => BackendChoice::Auto,
        }
    }
}

/// Preference order: real GPUs, then software Vulkan (lavapipe), then anything else
/// (GL llvmpipe), Vulkan before GL at equal rank.
fn adapter_rank(info: &wgpu::AdapterInfo) -> (u8, u8) {
    let kind = match info.device_type {
        wgpu::DeviceType::DiscreteGpu => 0,
        wgpu::DeviceType::IntegratedGpu => 1,
        wgpu::DeviceType::VirtualGpu => 2,
        wgpu::DeviceType::Cpu => 3,
        wgpu::DeviceType::Other => 4,
    };
    let backend = match info.backend {
        wgpu::Backend::Vulkan | wgpu::Backend::Metal | wgpu::Backend::Dx12 => 0,
        _ => 1,
    };
    (kind, backend)
}

const NO_ADAPTER_HELP: &str = "no GPU adapter found. Without a GPU, install a software \
driver: on Debian/Ubuntu `apt-get install mesa-vulkan-drivers libvulkan1` (Vulkan \
lavapipe) or `libegl-mesa0 libgl1-mesa-dri` (OpenGL llvmpipe), then run again; \
`--backend vulkan|gl` or WGPU_BACKEND picks one.";

impl GpuContext {
    /// Opens the best adapter for `choice` (Auto defers to `WGPU_BACKEND`).
    pub fn new(choice: BackendChoice) -> Result<GpuContext> {
        let choice = match choice {
            BackendChoice::Auto => BackendChoice::from_env().unwrap_or(BackendChoice::Auto),
            c => c,
        };
        // Native backends first; GL only when they offer nothing (probing EGL is slow
        // and noisy on headless machines).
        let tiers: Vec<wgpu::Backends> = match choice {
            BackendChoice::Auto => vec![wgpu::Backends::PRIMARY, wgpu::Backends::GL],
            c => vec![c.backends()],
        };
        let t_enum = std::time::Instant::now();
        let mut found = None;
        for backends in tiers {
            let mut desc = wgpu::InstanceDescriptor::new_without_display_handle();
            desc.backends = backends;
            desc.flags = wgpu::InstanceFlags::empty();
            let instance = wgpu::Instance::new(desc);
            let mut adapters = pollster::block_on(instance.enumerate_adapters(backends));
            adapters.sort_by_key(|a| adapter_rank(&a.get_info()));
            if let Some(adapter) = adapters.into_iter().next() {
                found = Some((instance, adapter));
                break;
            }
        }
        let (instance, adapter) = found.ok_or_else(|| {
            let which = if choice == BackendChoice::Auto {
                String::new()
            } else {
                format!(" (asked for backend {choice:?})")
            };
            Error::Gpu(format!("{NO_ADAPTER_HELP}{which}"))
        })?;
        crate::reporting::trace_phase("gpu: adapter found", t_enum);
        let t_dev = std::time::Instant::now();
        let info = adapter.get_info();
        // The adapter's own limits, not wgpu's conservative defaults (256 MiB buffers).
        let limits = adapter.limits();
        // 64-bit shader types, where offered, make the HEALPix hash exact to depth 29.
        let wanted = wgpu::Features::SHADER_F64 | wgpu::Features::SHADER_INT64;
        // A software adapter's device memory is this process's RAM, touched as soon as
        // it is allocated: small blocks, not wgpu's 128-256 MiB for video memory.
        let memory_hints = if info.device_type == wgpu::DeviceType::Cpu {
            wgpu::MemoryHints::MemoryUsage
        } else {
            wgpu::MemoryHints::Performance
        };
        let (device, queue) = pollster::block_on(adapter.request_device(&wgpu::DeviceDescriptor {
            label: Some("clusterviz"),
            required_features: adapter.features() & wanted,
            required_limits: limits,
            experimental_features: wgpu::ExperimentalFeatures::disabled(),
            memory_hints,
            trace: wgpu::Trace::Off,
        }))
        .map_err(|e| {
            Error::gpu(format!(
                "cannot open {} ({:?}): {e}",
                info.name, info.backend
            ))
        })?;
        crate::reporting::trace_phase("gpu: device opened", t_dev);
        Ok(GpuContext {
            instance,
            adapter,
            device,
            queue,
            info,
            data_uploads: AtomicU64::new(0),
            data_bytes: AtomicU64::new(0),
            chunk_bytes: AtomicU64::new(u64::MAX),
            shared: Mutex::new(Vec::new()),
        })
    }

    /// The one `T` of this device, made on first use: resources every scene shares (the
    /// scene pipelines), kept by type so that the context depends on none of them.
    pub fn shared<T: Any + Send + Sync + Default>(&self) -> Arc<T> {
        // A thread that panicked here left the list as it was.
        let mut shared = self.shared.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(found) = shared.iter().find_map(|a| a.clone().downcast::<T>().ok()) {
            return found;
        }
        let made = Arc::new(T::default());
        shared.push(made.clone());
        made
    }

    pub fn limits(&self) -> wgpu::Limits {
        self.device.limits()
    }

    /// Largest buffer layer data are split into: the adapter's limit, or less if set.
    pub fn max_chunk_bytes(&self) -> u64 {
        self.limits()
            .max_buffer_size
            .min(self.chunk_bytes.load(Ordering::Relaxed))
    }

    /// Lowers the chunk size of later uploads (tests exercise splitting with it).
    pub fn set_max_chunk_bytes(&self, bytes: u64) {
        self.chunk_bytes.store(bytes.max(4), Ordering::Relaxed);
    }

    /// True on CPU rasterisers (lavapipe, llvmpipe), where every sprite costs microseconds.
    pub fn is_software(&self) -> bool {
        self.info.device_type == wgpu::DeviceType::Cpu
    }

    /// A one-paragraph description for `clusterviz info`.
    pub fn describe(&self) -> String {
        let l = self.limits();
        format!(
            "adapter: {}\nbackend: {:?}\ndevice type: {:?}\ndriver: {} {}\n\
             limits: max_texture_dimension_2d {}, max_buffer_size {} MiB, \
             max_storage_buffer_binding_size {} MiB, max_uniform_buffer_binding_size {} KiB, \
             max_compute_workgroup_size_x {}\nshader f64: {}, shader i64: {}",
            self.info.name,
            self.info.backend,
            self.info.device_type,
            self.info.driver,
            self.info.driver_info,
            l.max_texture_dimension_2d,
            l.max_buffer_size >> 20,
            l.max_storage_buffer_binding_size >> 20,
            l.max_uniform_buffer_binding_size >> 10,
            l.max_compute_workgroup_size_x,
            self.adapter.features().contains(wgpu::Features::SHADER_F64),
            self.adapter
                .features()
                .contains(wgpu::Features::SHADER_INT64),
        )
    }

    /// Creates a buffer holding `contents` (catalog instances, tile segments): the only way
    /// layer data reaches the GPU, so uploads can be counted. Over-size or out-of-memory
    /// requests come back as errors, not panics.
    pub fn upload_data(
        &self,
        label: &str,
        contents: &[u8],
        usage: wgpu::BufferUsages,
    ) -> Result<wgpu::Buffer> {
        self.upload_data_with(label, contents.len(), usage, |mut dst| {
            dst.copy_from_slice(contents)
        })
    }

    /// As [`GpuContext::upload_data`] for `len` bytes that `fill` writes straight into the
    /// new buffer: a catalog's instances need no copy of their own in memory first.
    pub fn upload_data_with(
        &self,
        label: &str,
        len: usize,
        usage: wgpu::BufferUsages,
        fill: impl FnOnce(wgpu::WriteOnly<'_, [u8]>),
    ) -> Result<wgpu::Buffer> {
        let size = (len as u64)
            .max(4)
            .next_multiple_of(wgpu::COPY_BUFFER_ALIGNMENT);
        let max = self.limits().max_buffer_size;
        if size > max {
            return Err(Error::gpu(format!(
                "{label}: {} MiB exceeds the adapter's largest buffer ({} MiB)",
                size >> 20,
                max >> 20
            )));
        }
        let scope = self.device.push_error_scope(wgpu::ErrorFilter::OutOfMemory);
        // Written through a mapping at creation, not queued: the copy is made here, on the
        // caller's (loading) thread, once. A queued write is staged, then copied again by
        // the next submission, the first frame that shows the data.
        let buffer = self.device.create_buffer(&wgpu::BufferDescriptor {
            label: Some(label),
            size,
            usage: usage | wgpu::BufferUsages::COPY_DST,
            mapped_at_creation: len > 0,
        });
        if let Some(err) = pollster::block_on(scope.pop()) {
            return Err(Error::gpu(format!("{label}: {err}")));
        }
        if len > 0 {
            let mut mapped = buffer
                .get_mapped_range_mut(..)
                .map_err(|e| Error::gpu(format!("{label}: mapping the new buffer: {e}")))?;
            // The padding up to the buffer's size is zero, as created.
            fill(mapped.slice(..len));
            drop(mapped);
            buffer.unmap();
        }
        self.data_uploads.fetch_add(1, Ordering::Relaxed);
        self.data_bytes.fetch_add(len as u64, Ordering::Relaxed);
        Ok(buffer)
    }

    /// (number of layer-data uploads, bytes) since the context was made.
    pub fn data_upload_count(&self) -> (u64, u64) {
        (
            self.data_uploads.load(Ordering::Relaxed),
            self.data_bytes.load(Ordering::Relaxed),
        )
    }

    /// A plain 2-D texture (one mip level, one sample) of `size` pixels.
    pub fn texture_2d(
        &self,
        label: &str,
        size: (u32, u32),
        format: wgpu::TextureFormat,
        usage: wgpu::TextureUsages,
    ) -> wgpu::Texture {
        self.device.create_texture(&wgpu::TextureDescriptor {
            label: Some(label),
            size: wgpu::Extent3d {
                width: size.0,
                height: size.1,
                depth_or_array_layers: 1,
            },
            mip_level_count: 1,
            sample_count: 1,
            dimension: wgpu::TextureDimension::D2,
            format,
            usage,
            view_formats: &[],
        })
    }

    /// A small buffer of shader parameters (view, style), bound read-only (see
    /// [`crate::render::pipeline::params_entry`]).
    pub fn params_buffer(&self, label: &str, size: u64) -> wgpu::Buffer {
        self.device.create_buffer(&wgpu::BufferDescriptor {
            label: Some(label),
            size,
            usage: wgpu::BufferUsages::STORAGE | wgpu::BufferUsages::COPY_DST,
            mapped_at_creation: false,
        })
    }

    pub fn shader(&self, label: &str, layer_source: &str) -> wgpu::ShaderModule {
        self.device
            .create_shader_module(wgpu::ShaderModuleDescriptor {
                label: Some(label),
                source: wgpu::ShaderSource::Wgsl(super::shader_source(layer_source).into()),
            })
    }

    /// Waits for all submitted GPU work.
    pub fn wait(&self) -> Result<()> {
        self.device
            .poll(wgpu::PollType::Wait {
                submission_index: None,
                timeout: None,
            })
            .map(|_| ())
            .map_err(|e| Error::gpu(format!("waiting for the GPU: {e}")))
    }
}
