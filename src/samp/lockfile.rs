//! Finding the hub (SAMP 1.3 §3.3): `SAMP_HUB=std-lockurl:URL` names the lockfile, else it
//! is `.samp` in the home folder. The lockfile's `samp.secret` and
//! `samp.hub.xmlrpc.url` are what a client needs.

use std::path::{Path, PathBuf};

/// What a lockfile says of its hub.
#[derive(Clone, Debug, PartialEq)]
pub struct HubInfo {
    pub secret: String,
    pub xmlrpc_url: String,
    /// Where it was read from, for messages.
    pub lockfile: PathBuf,
}

/// The lockfile to read: from `SAMP_HUB` (a `file:` URL only) if set, else `~/.samp`.
pub fn lockfile_path() -> Result<PathBuf, String> {
    if let Ok(hub) = std::env::var("SAMP_HUB") {
        let url = hub
            .strip_prefix("std-lockurl:")
            .ok_or_else(|| format!("SAMP_HUB={hub}: only std-lockurl: hubs are supported"))?;
        let path = url
            .strip_prefix("file://")
            .or_else(|| url.strip_prefix("file:"))
            .ok_or_else(|| format!("SAMP_HUB={hub}: only file: lockfile URLs are read"))?;
        return Ok(PathBuf::from(path));
    }
    let home = std::env::var_os("HOME").ok_or("HOME is not set: no ~/.samp to look for")?;
    Ok(Path::new(&home).join(".samp"))
}

/// Reads a lockfile: `key=value` lines, `#` comments.
pub fn read_lockfile(path: &Path) -> Result<HubInfo, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("no SAMP hub: cannot read {} ({e})", path.display()))?;
    parse_lockfile(&text, path)
}

fn parse_lockfile(text: &str, path: &Path) -> Result<HubInfo, String> {
    let value = |key: &str| {
        text.lines()
            .filter(|l| !l.trim_start().starts_with('#'))
            .filter_map(|l| l.split_once('='))
            .find(|(k, _)| k.trim() == key)
            .map(|(_, v)| v.trim().to_string())
            .ok_or_else(|| format!("{}: the SAMP lockfile has no {key}", path.display()))
    };
    Ok(HubInfo {
        secret: value("samp.secret")?,
        xmlrpc_url: value("samp.hub.xmlrpc.url")?,
        lockfile: path.to_path_buf(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_keys_a_hub_writes() {
        let text = "# SAMP Standard Profile lockfile\nsamp.secret=a1b2\nsamp.hub.xmlrpc.url=http://127.0.0.1:4567/xmlrpc\nsamp.profile.version=1.3\n";
        let h = parse_lockfile(text, Path::new("/h/.samp")).unwrap();
        assert_eq!(
            (h.secret.as_str(), h.xmlrpc_url.as_str()),
            ("a1b2", "http://127.0.0.1:4567/xmlrpc")
        );
        let e = parse_lockfile("samp.secret=x\n", Path::new("/h/.samp")).unwrap_err();
        assert_eq!(e, "/h/.samp: the SAMP lockfile has no samp.hub.xmlrpc.url");
    }
}
