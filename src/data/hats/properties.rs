//! `hats.properties` and `collection.properties`: Java-style `key=value` lines (HATS
//! v1.0 writes `key=value`; `key: value`, `!` comments and `\` line continuations are
//! read as Java reads them).

use std::path::Path;

use crate::error::{Error, Result};

#[derive(Clone, Debug, Default)]
pub struct Properties {
    entries: Vec<(String, String)>,
}

impl Properties {
    pub fn read(path: &Path) -> Result<Properties> {
        let bytes =
            std::fs::read(path).map_err(|e| Error::file(path, format!("cannot read: {e}")))?;
        let text = String::from_utf8(bytes).map_err(|_| {
            Error::file(
                path,
                "is not text (a HATS properties file is key=value lines)",
            )
        })?;
        Ok(Self::parse(&text))
    }

    pub fn parse(text: &str) -> Properties {
        let mut entries = Vec::new();
        let mut pending = String::new();
        for raw in text.lines() {
            let line = raw.trim_start();
            if pending.is_empty() && (line.is_empty() || line.starts_with(['#', '!'])) {
                continue;
            }
            // An odd number of trailing backslashes continues the line.
            let trailing = line.chars().rev().take_while(|&c| c == '\\').count();
            if trailing % 2 == 1 {
                pending.push_str(&line[..line.len() - 1]);
                continue;
            }
            pending.push_str(line);
            let logical = std::mem::take(&mut pending);
            let split = logical.find(['=', ':']).unwrap_or(logical.len());
            let key = logical[..split].trim().to_string();
            let value = logical.get(split + 1..).unwrap_or("").trim().to_string();
            if !key.is_empty() {
                entries.push((key, value));
            }
        }
        Properties { entries }
    }

    /// The value of `key` (the last one given), if not empty.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.entries
            .iter()
            .rev()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
            .filter(|v| !v.is_empty())
    }

    /// `key` as a number of the type asked, with what was wrong if it is not one.
    pub fn number<T: std::str::FromStr>(
        &self,
        key: &str,
    ) -> std::result::Result<Option<T>, String> {
        self.get(key)
            .map(|v| {
                v.parse()
                    .map_err(|_| format!("{key}={v} is not a whole number"))
            })
            .transpose()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_key_value_lines_comments_and_continuations() {
        let p = Properties::parse(
            "#HATS catalog\nobs_collection=gal\n! also a comment\nhats_col_ra = RA\nhats_col_dec: DEC\n\
             hats_nrows=12\\\n  34\nempty=\nhats_nrows2=x\n",
        );
        assert_eq!(p.get("obs_collection"), Some("gal"));
        assert_eq!(p.get("hats_col_ra"), Some("RA"));
        assert_eq!(p.get("hats_col_dec"), Some("DEC"));
        assert_eq!(p.number::<u64>("hats_nrows"), Ok(Some(1234)));
        assert_eq!(p.get("empty"), None);
        assert_eq!(p.number::<u64>("missing"), Ok(None));
        assert!(
            p.number::<u64>("hats_nrows2")
                .unwrap_err()
                .contains("hats_nrows2=x")
        );
    }
}
