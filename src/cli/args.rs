//! Flags and their parsing into typed values, with messages that say what was expected.

use std::path::PathBuf;

use crate::view::limits;

use clap::{Args, Parser, Subcommand};

use crate::data::demo::DemoConfig;
use crate::data::load::{ColumnChoices, SurveyInputs};
use crate::export::ticks::AngleFormat;
use crate::render::BackendChoice;
pub use crate::scene::view_spec::{MAX_OUTPUT_SIDE, PageSize};
pub use crate::scene::{AlgorithmChoice, ColorRole};
use crate::scene::{FigureOptions, SceneSpec, SceneStyle, ViewSpec};
use crate::sky::{Frame, Projection};
use crate::view::{Colormap, Rgba, Stretch, Theme};

#[derive(Parser, Debug)]
#[command(
    name = "clusterviz",
    version,
    about = "GPU renderer for galaxy-cluster survey data"
)]
pub struct Cli {
    /// GPU backend (default: WGPU_BACKEND, else the best adapter found).
    #[arg(long, global = true, value_enum, default_value_t = BackendChoice::Auto)]
    pub backend: BackendChoice,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Prints the variable-length unit attributes of an HDF5 group as JSON: run by
    /// clusterviz itself, so that a damaged file crashes this child, not the caller.
    #[command(hide = true)]
    Hdf5Attributes { file: PathBuf, group: String },
    /// Print the GPU adapter, backend and limits; with files, load each and describe it
    /// (catalog columns and roles, HEALPix map, tiles).
    Info(Box<InfoArgs>),
    /// Convert a catalog (FITS, HDF5, VOTable, Parquet, CSV/ECSV) to FITS, HDF5 or VOTable
    /// (by the output's extension).
    Convert(Box<ConvertArgs>),
    /// Import catalogs (files, globs, folders; any format clusterviz reads) into a HATS
    /// catalog (HEALPix-partitioned Parquet) that `render`, `view` and LSDB read.
    Import(Box<ImportArgs>),
    /// The interactive viewer: the same inputs as `render`, in a window.
    View(Box<RenderArgs>),
    /// The catalog cache: `cache ls` lists entries (checked), `cache clear` removes them.
    Cache(CacheArgs),
    /// A display wall: one view over a grid of screens (headless for now: each display's
    /// part written as a PNG with --out).
    Wall(Box<WallArgs>),
    /// Render a figure to a PNG file.
    Render(Box<RenderArgs>),
    /// The built-in demo survey: in the viewer when a display exists, else (or with -o) as
    /// demo.png; or written as FITS/JSON files (--write).
    Demo(Box<DemoArgs>),
}

#[derive(Args, Debug, Clone)]
pub struct DemoSource {
    /// Number of demo galaxies.
    #[arg(long, default_value_t = 1_000_000, value_parser = parse_galaxy_count)]
    pub galaxies: u64,
    /// Seed of the demo survey.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
}

#[derive(Args, Debug, Clone)]
pub struct ViewArgs {
    /// Map projection (default: TAN, or AIT for data wider than 120°).
    #[arg(long, value_enum)]
    pub projection: Option<Projection>,
    /// View centre as LON,LAT in degrees in --frame (default: frame the data).
    #[arg(long, value_parser = parse_center, allow_hyphen_values = true)]
    pub center: Option<(f64, f64)>,
    /// Horizontal field of view in degrees (default: frame the data).
    #[arg(long, value_parser = parse_fov)]
    pub fov: Option<f64>,
    /// Position angle of the view's up direction, degrees east of north.
    #[arg(long, default_value_t = 0.0, allow_hyphen_values = true, value_parser = parse_rotation)]
    pub rotation: f64,
    /// Output size: WIDTHxHEIGHT in pixels (default 1600x1200; the viewer: its window),
    /// or in inches with an "in" suffix (7x5in, at --dpi, default 300).
    #[arg(long, value_parser = parse_size)]
    pub size: Option<PageSize>,
    /// Pixels per inch of a figure: its printed size and the size of its text, lines and
    /// markers (default: 300 for sizes in inches, else the width over 8 inches).
    #[arg(long, value_parser = parse_dpi)]
    pub dpi: Option<f64>,
    #[arg(long, value_enum, default_value_t = Frame::Icrs)]
    pub frame: Frame,
    #[arg(long, value_enum, default_value_t = Theme::Dark)]
    pub theme: Theme,
}

impl ViewArgs {
    /// The view as the scene describes it.
    pub fn spec(&self) -> ViewSpec {
        ViewSpec {
            projection: self.projection,
            center: self.center,
            fov: self.fov,
            rotation: self.rotation,
            size: self.size,
            dpi: self.dpi,
            frame: self.frame,
            theme: self.theme,
        }
    }
}

/// How a figure is composed around the sky.
#[derive(Args, Debug, Clone)]
pub struct FigureArgs {
    /// Title over the plot.
    #[arg(long)]
    pub title: Option<String>,
    /// Text size in points.
    #[arg(long, default_value_t = 10.0, value_parser = parse_font_size)]
    pub font_size: f64,
    /// Coordinate labels in decimal degrees, or sexagesimal (right ascension in hours).
    #[arg(long, value_enum, default_value_t = AngleFormat::Deg)]
    pub grid_format: AngleFormat,
    /// No grid lines over the sky (ticks and labels stay).
    #[arg(long)]
    pub no_grid: bool,
    /// Only the sky: no frame, grid, labels, legend or colour bars (--size is the sky's).
    #[arg(long)]
    pub bare: bool,
    /// Also write each PNG's celestial WCS as a FITS header beside it (NAME.wcs.fits).
    #[arg(long)]
    pub wcs: bool,
    /// Also write the sky each figure shows as a MOC beside it (NAME.moc.fits, MOC 2.0 as
    /// Aladin and mocpy read it).
    #[arg(long)]
    pub moc: bool,
}

#[derive(Args, Debug, Clone)]
pub struct StyleArgs {
    /// Which cluster catalogs to draw.
    #[arg(long, value_enum, default_value_t = AlgorithmChoice::All)]
    pub algorithm: AlgorithmChoice,
    /// Colour the merged clusters by this column role.
    #[arg(long, value_enum, default_value_t = ColorRole::Z)]
    pub color_by: ColorRole,
    #[arg(long, value_enum, default_value_t = Colormap::Viridis)]
    pub colormap: Colormap,
    /// Values at the ends of the merged clusters' colormap, LO,HI (default: the data's
    /// range of the --color-by column, rounded outwards).
    #[arg(long, value_parser = parse_range, allow_hyphen_values = true)]
    pub color_range: Option<(f32, f32)>,
    /// Keep clusters with SNR at least this.
    #[arg(long, allow_hyphen_values = true, value_parser = parse_finite_f32)]
    pub snr_min: Option<f32>,
    #[arg(long, allow_hyphen_values = true, value_parser = parse_finite_f32)]
    pub snr_max: Option<f32>,
    /// Keep clusters (and galaxies) with redshift in [z-min, z-max].
    #[arg(long, allow_hyphen_values = true, value_parser = parse_finite_f32)]
    pub z_min: Option<f32>,
    #[arg(long, allow_hyphen_values = true, value_parser = parse_finite_f32)]
    pub z_max: Option<f32>,
    /// Mark clusters that have galaxies within this many arcminutes (a NEAR_GALAXIES
    /// column; colour by it with --color-by near).
    #[arg(long, allow_hyphen_values = true, value_parser = parse_proximity)]
    pub proximity: Option<f64>,
    /// Crowded galaxies' density map shows the mean of this column per cell (e.g.
    /// PHZ_MEDIAN for mean photometric redshift) instead of counts.
    #[arg(long)]
    pub density_column: Option<String>,
    /// Most markers a crowded layer draws in one view (default: 200000 on software
    /// GPUs, 5000000 on real ones); beyond it the layer shows as a density map.
    #[arg(long)]
    pub max_markers: Option<usize>,
    /// Size of the largest cluster marker (the others follow): pixels (6, 6px) or an
    /// angle on the sky (30arcsec, 1.5arcmin, 0.02deg) that looks the same on every screen
    /// of a wall and grows as the view zooms in.
    #[arg(long, value_parser = crate::view::parse_extent)]
    pub marker_size: Option<crate::view::Extent>,
    /// Width of the tile outlines, in pixels or as an angle (as --marker-size).
    #[arg(long, value_parser = crate::view::parse_extent)]
    pub line_width: Option<crate::view::Extent>,
    /// Hide the galaxies.
    #[arg(long)]
    pub no_galaxies: bool,
    /// Hide every cluster catalog (e.g. for a figure of the mask alone).
    #[arg(long)]
    pub no_clusters: bool,
    /// Hide the tile outlines.
    #[arg(long)]
    pub no_tiles: bool,
    /// Hide the HEALPix coverage mask.
    #[arg(long)]
    pub no_mask: bool,
    /// Colormap of the mask's values.
    #[arg(long, value_enum, default_value_t = Colormap::Cividis)]
    pub mask_colormap: Colormap,
    /// Values at the ends of the mask's colormap, LO,HI (default: 0,1 for weights, else
    /// the map's range).
    #[arg(long, value_parser = parse_range, allow_hyphen_values = true)]
    pub mask_range: Option<(f32, f32)>,
    /// Also draw the edge of the mask's coverage (its MOC outline) in this colour.
    #[arg(long, value_parser = parse_color)]
    pub mask_outline: Option<Rgba>,
    /// Opacity of the mask (default: 0.45 under catalogs, 1 alone).
    #[arg(long, allow_hyphen_values = true, value_parser = parse_opacity)]
    pub mask_opacity: Option<f32>,
    /// Colour of sky the mask does not cover (#rrggbb[aa] or a name; default: transparent).
    #[arg(long, value_parser = parse_color)]
    pub mask_nodata: Option<Rgba>,
    /// Stretch of the mask's values.
    #[arg(long, value_enum, default_value_t = Stretch::Linear)]
    pub mask_stretch: Stretch,
}

/// Which columns play which role, and which rows to load.
#[derive(Args, Debug, Clone, Default)]
pub struct ColumnArgs {
    /// A TOML file naming columns and HDUs for [clusters] and [galaxies] (flags win).
    #[arg(long)]
    pub config: Option<PathBuf>,
    /// Right-ascension column of the cluster catalogs (default: recognised by name).
    #[arg(long)]
    pub ra: Option<String>,
    /// Declination column of the cluster catalogs.
    #[arg(long)]
    pub dec: Option<String>,
    /// Redshift column of the cluster catalogs.
    #[arg(long)]
    pub z: Option<String>,
    /// Signal-to-noise column of the cluster catalogs.
    #[arg(long)]
    pub snr: Option<String>,
    /// Identifier column of the cluster catalogs.
    #[arg(long)]
    pub id: Option<String>,
    /// Right-ascension column of the galaxy catalogs.
    #[arg(long)]
    pub galaxy_ra: Option<String>,
    /// Declination column of the galaxy catalogs.
    #[arg(long)]
    pub galaxy_dec: Option<String>,
    /// Redshift column of the galaxy catalogs.
    #[arg(long)]
    pub galaxy_z: Option<String>,
    /// Table HDU of the catalogs: a number (1 = first extension) or an EXTNAME; in a
    /// VOTable, the table's position (1 = first) or its name or ID.
    #[arg(long)]
    pub hdu: Option<String>,
    /// Folder of the catalog cache (default: CLUSTERVIZ_CACHE_DIR, else
    /// $XDG_CACHE_HOME/clusterviz, else ~/.cache/clusterviz).
    #[arg(long)]
    pub cache_dir: Option<PathBuf>,
    /// Parse every catalog from its file; neither read nor write the cache.
    #[arg(long)]
    pub no_cache: bool,
    /// Megabytes of loaded catalogs kept in memory for reuse (default: half the RAM); on a
    /// HATS catalog, also the galaxies a figure reads (~40 bytes each) and the viewer
    /// holds (a third of the budget, ~400 bytes each; a third for an area being read
    /// again, a third for partitions kept).
    #[arg(long)]
    pub memory_budget: Option<u64>,
    /// Load only objects within a cone: RA,DEC,RADIUS in degrees.
    #[arg(long, value_parser = parse_cone, allow_hyphen_values = true)]
    pub cone: Option<(f64, f64, f64)>,
    /// Load only objects in a box: RAMIN,RAMAX,DECMIN,DECMAX in degrees (RAMIN > RAMAX
    /// wraps through RA 0).
    #[arg(long = "box", value_parser = parse_box, allow_hyphen_values = true)]
    pub sky_box: Option<(f64, f64, f64, f64)>,
}

fn parse_numbers<const N: usize>(s: &str, what: &str) -> Result<[f64; N], String> {
    let nums: Option<Vec<f64>> = s.split(',').map(|p| p.trim().parse().ok()).collect();
    match nums {
        Some(v) if v.len() == N && v.iter().all(|x| x.is_finite()) => {
            Ok(v.try_into().expect("length checked"))
        }
        _ => Err(format!("expected {what}, got '{s}'")),
    }
}

fn parse_cone(s: &str) -> Result<(f64, f64, f64), String> {
    let [ra, dec, r] = parse_numbers::<3>(s, "RA,DEC,RADIUS in degrees")?;
    if dec.abs() > 90.0 || r <= 0.0 || r > 180.0 {
        return Err(format!("cone {s}: need |DEC| <= 90 and 0 < RADIUS <= 180"));
    }
    Ok((ra, dec, r))
}

fn parse_box(s: &str) -> Result<(f64, f64, f64, f64), String> {
    let [a0, a1, d0, d1] = parse_numbers::<4>(s, "RAMIN,RAMAX,DECMIN,DECMAX in degrees")?;
    if d0 >= d1 || d0 < -90.0 || d1 > 90.0 {
        return Err(format!("box {s}: need -90 <= DECMIN < DECMAX <= 90"));
    }
    Ok((a0.rem_euclid(360.0), a1.rem_euclid(360.0), d0, d1))
}

#[derive(Args, Debug, Clone)]
pub struct ConvertArgs {
    /// Input catalog (FITS, HDF5, VOTable, Parquet, CSV or ECSV).
    pub input: PathBuf,
    /// Output catalog (.fits or .h5/.hdf5).
    pub output: PathBuf,
    /// Replace the output if it exists.
    #[arg(long)]
    pub force: bool,
    #[command(flatten)]
    pub columns: ColumnArgs,
}

#[derive(Args, Debug, Clone)]
pub struct ImportArgs {
    /// Input catalogs: files, globs or folders (FITS, HDF5, Parquet, VOTable, CSV/ECSV).
    #[arg(required = true)]
    pub inputs: Vec<PathBuf>,
    /// The HATS catalog folder to write (must not exist, unless --force).
    #[arg(short, long)]
    pub output: PathBuf,
    /// Right-ascension column (default: recognised by name or UCD).
    #[arg(long)]
    pub ra: Option<String>,
    /// Declination column.
    #[arg(long)]
    pub dec: Option<String>,
    /// Table HDU (FITS) or table (VOTable): a number (1 = first) or a name.
    #[arg(long)]
    pub hdu: Option<String>,
    /// Rows a partition holds at most (hats-import's pixel_threshold).
    #[arg(long, default_value_t = 1_000_000, value_parser = clap::value_parser!(u64).range(1..))]
    pub max_rows: u64,
    /// The deepest partition order, and the skymap's (the density's finest cells).
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u8).range(0..=13))]
    pub highest_order: u8,
    /// Partitions are no shallower than this order.
    #[arg(long, default_value_t = 0, value_parser = clap::value_parser!(u8).range(0..=13))]
    pub lowest_order: u8,
    /// The catalog's name (default: the output folder's name).
    #[arg(long)]
    pub name: Option<String>,
    /// Replace the output if it exists (once the new catalog is complete).
    #[arg(long)]
    pub force: bool,
    /// Rows read from a FITS, HDF5 or Parquet input at a time (default: about 256 MB of
    /// its columns); lower it to lower the memory peak.
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..))]
    pub piece_rows: Option<u64>,
}

#[derive(Args, Debug, Clone)]
pub struct CacheArgs {
    #[arg(value_enum)]
    pub action: CacheAction,
    /// The cache folder (default as for loading).
    #[arg(long)]
    pub cache_dir: Option<PathBuf>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum CacheAction {
    /// Lists the cached catalogs, their sizes and whether they are up to date.
    Ls,
    /// Removes what can no longer be used: entries of changed or missing files, damaged
    /// files, derived data whose catalog is gone or that a newer layout replaced,
    /// leftovers of interrupted writes.
    Prune,
    /// Removes everything.
    Clear,
}

#[derive(Args, Debug, Clone)]
pub struct InfoArgs {
    /// Catalogs, HEALPix maps or tile files to describe.
    pub files: Vec<PathBuf>,
    #[command(flatten)]
    pub columns: ColumnArgs,
}

#[derive(Args, Debug, Clone)]
pub struct RenderArgs {
    /// Render the built-in demo survey.
    #[arg(long)]
    pub demo: bool,
    /// Number of demo galaxies (with --demo).
    #[arg(long, default_value_t = 1_000_000, value_parser = parse_galaxy_count)]
    pub demo_galaxies: u64,
    /// Seed of the demo survey (with --demo).
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Cluster catalogs (FITS, HDF5, VOTable, Parquet, CSV or ECSV), one per algorithm
    /// and/or merged.
    #[arg(long, num_args = 1..)]
    pub clusters: Vec<PathBuf>,
    /// Tile definitions (JSON).
    #[arg(long)]
    pub tiles: Option<PathBuf>,
    /// HEALPix map or coverage mask (FITS, as healpy writes them).
    #[arg(long)]
    pub mask: Option<PathBuf>,
    /// The map's value column (default: the first that is not the pixel index).
    #[arg(long)]
    pub mask_column: Option<String>,
    /// Galaxy catalogs (FITS, HDF5, VOTable, Parquet, CSV or ECSV): files, glob
    /// patterns ('catred/*.fits') or folders.
    #[arg(long = "galaxies", num_args = 1..)]
    pub galaxy_files: Vec<PathBuf>,
    #[command(flatten)]
    pub columns: ColumnArgs,
    #[command(flatten)]
    pub view: ViewArgs,
    #[command(flatten)]
    pub style: StyleArgs,
    #[command(flatten)]
    pub figure: FigureArgs,
    /// A TOML figure file describing inputs, view, layers, styles and outputs; with it,
    /// only -o (replacing its outputs) and --backend may be given.
    #[arg(long = "figure")]
    pub figure_file: Option<PathBuf>,
    /// Output figure, .png, .svg or .pdf (`render`); where the viewer's screenshot key
    /// saves (`view`).
    #[arg(short, long)]
    pub output: Option<PathBuf>,
    /// With `view`: join the SAMP hub (TOPCAT, Aladin, DS9; found through SAMP_HUB or
    /// ~/.samp): the clusters saved with T are sent to them as tables.
    #[arg(long)]
    pub samp: bool,
}

#[derive(Args, Debug, Clone)]
pub struct WallArgs {
    /// The wall file (TOML): [inputs], [view], [layers] and [style] as in figure files, and
    /// a [wall] section with the grid of displays.
    #[arg(long)]
    pub config: PathBuf,
    /// Write each display's part of the view as DIR/display_c<column>_r<row>.png (headless).
    /// Without it, a window opens per display, full screen on the monitors in reading
    /// order, or side by side when there are fewer monitors, and the viewer drives them.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Windowed walls: no viewer window (the console with panels); the displays alone
    /// take the mouse and keys.
    #[arg(long)]
    pub no_console: bool,
    /// Windowed walls: windows side by side as on the wall, from the first monitor's
    /// corner, even where there are monitors enough for each to go full screen (several
    /// processes of an MPI wall on one desktop).
    #[arg(long)]
    pub side_by_side: bool,
    /// Only the displays of this process (its index in the wall file's ranks; default all).
    #[arg(long)]
    pub rank: Option<usize>,
    /// Run as one rank of an MPI job (`mpirun -np N clusterviz wall --mpi ...`; needs a
    /// build with `--features mpi`): rank 0 owns the camera (and, windowed, the viewer and
    /// input), every rank draws its displays.
    #[arg(long)]
    pub mpi: bool,
    /// Frames to draw, the camera panning east by 1% of the field each frame (timing
    /// walls); the last frame's tiles are written.
    #[arg(long, default_value_t = 1)]
    pub frames: u64,
    /// Seconds a rank may lag the others at a frame before the session ends.
    #[arg(long, default_value_t = 60.0)]
    pub timeout: f64,
}

#[derive(Args, Debug, Clone)]
pub struct DemoArgs {
    /// Write the survey as FITS catalogs, a FITS HEALPix mask and JSON tiles into DIR (a
    /// new or empty folder).
    #[arg(long)]
    pub write: Option<PathBuf>,
    /// With --write: write into a folder that is not empty, after removing the files an
    /// earlier --write made there (other files are kept and named).
    #[arg(long, requires = "write")]
    pub force: bool,
    #[command(flatten)]
    pub demo_source: DemoSource,
    #[command(flatten)]
    pub view: ViewArgs,
    #[command(flatten)]
    pub style: StyleArgs,
    #[command(flatten)]
    pub figure: FigureArgs,
    /// Write the figure here (.png, .svg or .pdf) instead of opening the viewer (the
    /// default without a display: demo.png).
    #[arg(short, long)]
    pub output: Option<PathBuf>,
}

/// `render`'s flags parsed on their own (`flags` without the program and command names):
/// for figure files, tests and benchmarks.
pub fn parse_render_args<S: AsRef<str>>(flags: &[S]) -> Result<RenderArgs, clap::Error> {
    let argv = ["clusterviz", "render"]
        .into_iter()
        .chain(flags.iter().map(|f| f.as_ref()));
    match Cli::try_parse_from(argv)?.command {
        Command::Render(a) => Ok(*a),
        _ => unreachable!("the command is render"),
    }
}

/// The largest demo we generate: 100M galaxies take ~3.2 GB of RAM.
pub const MAX_DEMO_GALAXIES: u64 = 100_000_000;

fn parse_galaxy_count(s: &str) -> Result<u64, String> {
    let n: u64 = s
        .replace('_', "")
        .parse()
        .map_err(|_| format!("expected a whole number of galaxies, got '{s}'"))?;
    if n > MAX_DEMO_GALAXIES {
        return Err(format!(
            "at most {MAX_DEMO_GALAXIES} demo galaxies (got {n})"
        ));
    }
    Ok(n)
}

pub fn parse_center(s: &str) -> Result<(f64, f64), String> {
    let parts: Vec<&str> = s.split(',').map(str::trim).collect();
    let nums: Option<Vec<f64>> = parts.iter().map(|p| p.parse().ok()).collect();
    match nums.as_deref() {
        Some(&[lon, lat]) if lon.is_finite() && lat.is_finite() => {
            if lat.abs() > 90.0 {
                Err(format!("latitude {lat} is outside [-90, 90]"))
            } else {
                Ok((lon.rem_euclid(360.0), lat))
            }
        }
        _ => Err(format!(
            "expected LON,LAT in degrees (e.g. 150.1,2.2), got '{s}'"
        )),
    }
}

fn parse_color(s: &str) -> Result<Rgba, String> {
    Rgba::parse(s).ok_or_else(|| {
        format!("expected a colour as #rrggbb, #rrggbbaa or a name (white, gray, ...), got '{s}'")
    })
}

fn parse_range(s: &str) -> Result<(f32, f32), String> {
    let parts: Vec<&str> = s.split(',').map(str::trim).collect();
    let nums: Option<Vec<f32>> = parts.iter().map(|p| p.parse().ok()).collect();
    match nums.as_deref() {
        Some(&[lo, hi]) if lo.is_finite() && hi.is_finite() && lo < hi => Ok((lo, hi)),
        _ => Err(format!("expected LO,HI with LO < HI (e.g. 0,1), got '{s}'")),
    }
}

fn parse_fov(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(f) if f > 0.0 && f <= 360.0 => Ok(f),
        _ => Err(format!(
            "expected a field of view in degrees in (0, 360], got '{s}'"
        )),
    }
}

pub fn parse_size(s: &str) -> Result<PageSize, String> {
    let bad =
        || format!("expected WIDTHxHEIGHT in pixels (e.g. 2048x2048) or inches (7x5in), got '{s}'");
    let lower = s.trim().to_ascii_lowercase();
    if let Some(inches) = lower.strip_suffix("in") {
        let (w, h) = inches.split_once('x').ok_or_else(bad)?;
        let w: f64 = w.trim().parse().map_err(|_| bad())?;
        let h: f64 = h.trim().parse().map_err(|_| bad())?;
        if !(w > 0.0 && h > 0.0 && w <= 1000.0 && h <= 1000.0) {
            return Err(format!("each side must be in (0, 1000] inches, got {s}"));
        }
        return Ok(PageSize::Inches(w, h));
    }
    let (w, h) = lower.split_once('x').ok_or_else(bad)?;
    let w: u32 = w.trim().parse().map_err(|_| bad())?;
    let h: u32 = h.trim().parse().map_err(|_| bad())?;
    if w == 0 || h == 0 || w > MAX_OUTPUT_SIDE || h > MAX_OUTPUT_SIDE {
        return Err(format!(
            "each side must be 1..={MAX_OUTPUT_SIDE} pixels, got {w}x{h}"
        ));
    }
    Ok(PageSize::Pixels(w, h))
}

fn parse_rotation(s: &str) -> Result<f64, String> {
    limits::parse_with(s, "--rotation", limits::finite)
}

fn parse_finite_f32(s: &str) -> Result<f32, String> {
    limits::parse_with(s, "a filter bound", limits::finite).map(|x| x as f32)
}

fn parse_proximity(s: &str) -> Result<f64, String> {
    limits::parse_with(s, "--proximity", |_, x| limits::proximity_arcmin(x))
}

fn parse_opacity(s: &str) -> Result<f32, String> {
    limits::parse_with(s, "--mask-opacity", |_, x| limits::opacity(x)).map(|x| x as f32)
}

impl StyleArgs {
    /// The style as the scene describes it.
    pub fn spec(&self) -> SceneStyle {
        SceneStyle {
            algorithm: self.algorithm,
            color_by: self.color_by,
            colormap: self.colormap,
            color_range: self.color_range,
            snr_min: self.snr_min,
            snr_max: self.snr_max,
            z_min: self.z_min,
            z_max: self.z_max,
            proximity: self.proximity,
            density_column: self.density_column.clone(),
            max_markers: self.max_markers,
            marker_size: self.marker_size,
            line_width: self.line_width,
            no_galaxies: self.no_galaxies,
            no_clusters: self.no_clusters,
            no_tiles: self.no_tiles,
            no_mask: self.no_mask,
            mask_colormap: self.mask_colormap,
            mask_range: self.mask_range,
            mask_outline: self.mask_outline,
            mask_opacity: self.mask_opacity,
            mask_nodata: self.mask_nodata,
            mask_stretch: self.mask_stretch,
        }
    }
}

impl FigureArgs {
    pub fn spec(&self) -> FigureOptions {
        FigureOptions {
            title: self.title.clone(),
            font_size: self.font_size,
            grid_format: self.grid_format,
            no_grid: self.no_grid,
            bare: self.bare,
            wcs: self.wcs,
            moc: self.moc,
        }
    }
}

impl ColumnArgs {
    pub fn spec(&self) -> ColumnChoices {
        ColumnChoices {
            config: self.config.clone(),
            ra: self.ra.clone(),
            dec: self.dec.clone(),
            z: self.z.clone(),
            snr: self.snr.clone(),
            id: self.id.clone(),
            galaxy_ra: self.galaxy_ra.clone(),
            galaxy_dec: self.galaxy_dec.clone(),
            galaxy_z: self.galaxy_z.clone(),
            hdu: self.hdu.clone(),
            cache_dir: self.cache_dir.clone(),
            no_cache: self.no_cache,
            memory_budget: self.memory_budget,
            cone: self.cone,
            sky_box: self.sky_box,
        }
    }
}

impl RenderArgs {
    /// The inputs named by the flags.
    pub fn inputs(&self) -> SurveyInputs {
        SurveyInputs {
            demo: self.demo.then_some(DemoConfig {
                seed: self.seed,
                galaxies: self.demo_galaxies,
            }),
            clusters: self.clusters.clone(),
            galaxies: self.galaxy_files.clone(),
            tiles: self.tiles.clone(),
            mask: self.mask.clone(),
            mask_column: self.mask_column.clone(),
            columns: self.columns.spec(),
        }
    }

    /// The scene the flags describe.
    pub fn spec(&self) -> SceneSpec {
        SceneSpec {
            inputs: self.inputs(),
            view: self.view.spec(),
            style: self.style.spec(),
            figure: self.figure.spec(),
        }
    }
}

fn parse_dpi(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(d) if (10.0..=10_000.0).contains(&d) => Ok(d),
        _ => Err(format!("expected a DPI from 10 to 10000, got '{s}'")),
    }
}

fn parse_font_size(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(p) if (2.0..=200.0).contains(&p) => Ok(p),
        _ => Err(format!(
            "expected a text size from 2 to 200 points, got '{s}'"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_view_values() {
        assert_eq!(parse_center("-10,20.5"), Ok((350.0, 20.5)));
        assert!(parse_center("10,95").unwrap_err().contains("outside"));
        assert!(parse_center("ten,5").is_err());
        assert_eq!(parse_size("800X600"), Ok(PageSize::Pixels(800, 600)));
        assert_eq!(parse_size("7x5.5in"), Ok(PageSize::Inches(7.0, 5.5)));
        assert!(parse_size("0x5in").is_err());
        assert!(parse_dpi("5").is_err());
        assert!(parse_size("0x10").is_err());
        assert!(parse_size("100000x10").is_err());
        assert!(parse_fov("-1").is_err());
        assert!(parse_galaxy_count("1_000").is_ok());
        assert!(parse_galaxy_count("200000000").is_err());
    }
}
