//! What one figure shows: any of survey tiles, cluster catalogs per detection algorithm,
//! galaxies and a HEALPix map, whether generated (the demo) or read from files.

use glam::DVec3;

use crate::data::demo::DemoSurvey;
use crate::data::hats::{DensityOnly, HatsRead};
use crate::data::tiles::TilePart;
use crate::data::{Catalog, HealpixMap, TileSet};
use crate::sky::unit_vector;

/// An out-of-core galaxy catalog, and how its rows are read.
#[derive(Clone, Debug)]
pub struct GalaxySource {
    pub path: std::path::PathBuf,
    pub opts: crate::data::load_options::LoadOptions,
    /// The sample holds one row in this many of those `opts` keep.
    pub stride: u64,
    /// Set when no row was read, an even sample decoding too many: the density alone
    /// shows the catalog there (the viewer's layer panel says why).
    pub density_only: Option<DensityOnly>,
}

impl GalaxySource {
    /// The catalog at `path` read with `opts` as a sample of one row in `stride`, less
    /// what belongs to one load: its progress (whose channel must close when the load
    /// ends) and its cache.
    pub fn new(
        path: &std::path::Path,
        opts: &crate::data::load_options::LoadOptions,
        stride: u64,
    ) -> Self {
        GalaxySource {
            stride,
            density_only: None,
            path: path.to_path_buf(),
            opts: crate::data::load_options::LoadOptions {
                progress: None,
                cache: None,
                ..opts.clone()
            },
        }
    }

    /// Where the rows of `read` (of the catalog at `path`, read with `opts`) came from,
    /// when they are a sample; `None` when every row in the area was read.
    pub fn of_read(
        path: &std::path::Path,
        opts: &crate::data::load_options::LoadOptions,
        read: &HatsRead,
    ) -> Option<Self> {
        (read.stride > 1).then(|| GalaxySource {
            density_only: read.density_only,
            ..Self::new(path, opts, read.stride)
        })
    }
}

#[derive(Default)]
pub struct Survey {
    pub tiles: Option<TileSet>,
    pub merged: Option<Catalog>,
    pub pzwav: Option<Catalog>,
    pub amico: Option<Catalog>,
    pub galaxies: Option<Catalog>,
    /// All galaxies' counts per cell when `galaxies` holds only a sample of them (a
    /// HATS catalog's skymap): the density layer shows these.
    pub galaxy_counts: Option<HealpixMap>,
    /// Where `galaxies` were sampled from, when they are a sample of an out-of-core
    /// catalog: work that needs every galaxy near some places (proximity) reads there.
    pub galaxy_source: Option<GalaxySource>,
    /// Shared with the renderer's map layer, which reads its pyramid from it.
    pub mask: Option<std::sync::Arc<HealpixMap>>,
    /// Where the data came from, for figure metadata.
    pub source: String,
}

/// How figures name the demo survey of `config`.
pub fn demo_source(config: &crate::data::demo::DemoConfig) -> String {
    format!(
        "demo survey, seed {}, {} galaxies",
        config.seed, config.galaxies
    )
}

impl Survey {
    /// A copy of everything but the galaxies (catalogs from the cache share their
    /// columns), for a stage or a reread that brings galaxies of its own.
    pub fn without_galaxies(&self) -> Survey {
        Survey {
            tiles: self.tiles.clone(),
            merged: self.merged.clone(),
            pzwav: self.pzwav.clone(),
            amico: self.amico.clone(),
            galaxies: None,
            galaxy_counts: None,
            galaxy_source: None,
            mask: self.mask.clone(),
            source: self.source.clone(),
        }
    }
}

impl From<DemoSurvey> for Survey {
    fn from(d: DemoSurvey) -> Self {
        Survey {
            source: demo_source(&d.config),
            tiles: Some(d.tiles),
            merged: Some(d.merged),
            pzwav: Some(d.pzwav),
            amico: Some(d.amico),
            galaxies: Some(d.galaxies),
            galaxy_counts: None,
            galaxy_source: None,
            mask: Some(d.mask.into()),
        }
    }
}

impl Survey {
    /// Directions that outline the data, for framing a view: tile corners, clusters, and
    /// a sample of galaxies and map cells.
    pub fn outline_directions(&self) -> Vec<DVec3> {
        let mut dirs: Vec<DVec3> = Vec::new();
        if let Some(t) = &self.tiles {
            dirs.extend(
                t.rings(TilePart::Lev1)
                    .flatten()
                    .map(|&(ra, dec)| unit_vector(ra, dec)),
            );
        }
        for cat in [&self.merged, &self.pzwav, &self.amico]
            .into_iter()
            .flatten()
        {
            dirs.extend(cat.directions());
        }
        if let Some(g) = &self.galaxies {
            let step = (g.len() / 20_000).max(1);
            dirs.extend(
                (0..g.len())
                    .step_by(step)
                    .map(|i| unit_vector(g.ra(i), g.dec(i))),
            );
        }
        // The galaxies' counts, when they are more than the rows read (none, at times).
        let maps = [self.mask.as_deref(), self.galaxy_counts.as_ref()];
        for m in maps.into_iter().flatten() {
            let step = (m.cells.len() / 20_000).max(1);
            let layer = cdshealpix::nested::get(m.depth);
            let to_icrs = m.frame.to_icrs();
            dirs.extend(m.cells.iter().step_by(step).map(|&c| {
                let (lon, lat) = layer.center(c);
                to_icrs * unit_vector(lon.to_degrees(), lat.to_degrees())
            }));
        }
        dirs
    }
}
