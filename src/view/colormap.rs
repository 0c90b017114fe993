//! Colormaps as 256-entry sRGB tables (assets/colormaps.txt, sampled from matplotlib).

use std::sync::OnceLock;

#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    Hash,
    Default,
    clap::ValueEnum,
    serde::Serialize,
    serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Colormap {
    #[default]
    Viridis,
    Plasma,
    Inferno,
    Magma,
    Cividis,
    Turbo,
    Gray,
}

const TABLES: &str = include_str!("../../assets/colormaps.txt");

impl Colormap {
    pub const ALL: [Colormap; 7] = [
        Colormap::Viridis,
        Colormap::Plasma,
        Colormap::Inferno,
        Colormap::Magma,
        Colormap::Cividis,
        Colormap::Turbo,
        Colormap::Gray,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Colormap::Viridis => "viridis",
            Colormap::Plasma => "plasma",
            Colormap::Inferno => "inferno",
            Colormap::Magma => "magma",
            Colormap::Cividis => "cividis",
            Colormap::Turbo => "turbo",
            Colormap::Gray => "gray",
        }
    }

    /// Row of this colormap in [`Colormap::all_tables`] (and in the GPU lookup texture).
    pub fn index(self) -> u32 {
        self as u32
    }

    /// The 256 sRGB entries.
    pub fn table(self) -> &'static [[u8; 3]; 256] {
        &Self::all_tables()[self as usize]
    }

    /// Colour at `t` in [0, 1] (clamped), nearest entry.
    pub fn at(self, t: f64) -> [u8; 3] {
        let i = (t.clamp(0.0, 1.0) * 255.0).round() as usize;
        self.table()[i]
    }

    /// All tables in [`Colormap::ALL`] order.
    pub fn all_tables() -> &'static [[[u8; 3]; 256]] {
        static PARSED: OnceLock<Vec<[[u8; 3]; 256]>> = OnceLock::new();
        PARSED.get_or_init(|| {
            Colormap::ALL
                .iter()
                .map(|cm| parse_table(cm.name()))
                .collect()
        })
    }
}

fn parse_table(name: &str) -> [[u8; 3]; 256] {
    let line = TABLES
        .lines()
        .find(|l| l.split_whitespace().next() == Some(name))
        .unwrap_or_else(|| panic!("assets/colormaps.txt lacks {name}"));
    let mut out = [[0u8; 3]; 256];
    let entries: Vec<&str> = line.split_whitespace().skip(1).collect();
    assert_eq!(entries.len(), 256, "colormap {name} must have 256 entries");
    for (slot, hex) in out.iter_mut().zip(entries) {
        let v = u32::from_str_radix(hex, 16).expect("hex colour in assets/colormaps.txt");
        *slot = [(v >> 16) as u8, (v >> 8) as u8, v as u8];
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_endpoints() {
        // matplotlib: viridis(0) = #440154, viridis(1) = #fde725; magma(1) = #fcfdbf.
        assert_eq!(Colormap::Viridis.at(0.0), [0x44, 0x01, 0x54]);
        assert_eq!(Colormap::Viridis.at(1.0), [0xfd, 0xe7, 0x25]);
        assert_eq!(Colormap::Magma.at(1.0), [0xfc, 0xfd, 0xbf]);
        assert_eq!(Colormap::all_tables().len(), Colormap::ALL.len());
    }
}
