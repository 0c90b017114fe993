//! The YAML header of an ECSV file (astropy's text format), also stored by astropy in
//! Parquet files as `table_meta_yaml`: each column's name, type, unit and UCD, and the
//! delimiter.

use yaml_rust2::{Yaml, YamlLoader};

/// One column as the header declares it.
#[derive(Clone, Debug, PartialEq)]
pub struct EcsvColumn {
    pub name: String,
    /// ECSV's type name: `float64`, `int32`, `string`, `bool`, ...
    pub datatype: String,
    pub unit: String,
    pub ucd: String,
    /// Set for array columns (`datatype: string` with an array subtype).
    pub subtype: Option<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct EcsvHeader {
    pub delimiter: u8,
    pub columns: Vec<EcsvColumn>,
}

/// Parses the YAML text of a header (without its `# ` prefixes).
pub fn parse_header(yaml: &str) -> Result<EcsvHeader, String> {
    let docs = YamlLoader::load_from_str(yaml).map_err(|e| format!("header is not YAML: {e}"))?;
    let doc = docs.first().ok_or("header is empty")?;
    let delimiter = match doc["delimiter"].as_str() {
        None => b' ',
        Some(",") => b',',
        Some(" ") => b' ',
        Some(d) => return Err(format!("delimiter {d:?} is neither a space nor a comma")),
    };
    let list = doc["datatype"]
        .as_vec()
        .ok_or("header has no datatype list")?;
    let text = |y: &Yaml| match y {
        Yaml::String(s) => s.clone(),
        Yaml::Integer(i) => i.to_string(),
        Yaml::Real(r) => r.clone(),
        _ => String::new(),
    };
    let columns = list
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let name = text(&c["name"]);
            if name.is_empty() {
                return Err(format!("column {} of the header has no name", i + 1));
            }
            let datatype = c["datatype"]
                .as_str()
                .ok_or_else(|| format!("column {name} has no datatype"))?
                .to_string();
            Ok(EcsvColumn {
                unit: text(&c["unit"]),
                ucd: text(&c["meta"]["ucd"]),
                subtype: c["subtype"].as_str().map(str::to_string),
                name,
                datatype,
            })
        })
        .collect::<Result<Vec<_>, String>>()?;
    Ok(EcsvHeader { delimiter, columns })
}

/// The header lines of an ECSV text (`# %ECSV 1.0`, `# ---`, then YAML), with their `#`
/// prefixes removed; and the rest of the text, from the column-name line on.
pub fn split_header(text: &str) -> Result<(String, &str), String> {
    let mut yaml = String::new();
    let mut rest = text;
    let mut first = true;
    while let Some(line) = rest.strip_prefix('#') {
        let end = line.find('\n').map_or(line.len(), |i| i + 1);
        let content = &line[..end];
        rest = &line[end..];
        if first {
            let version = content
                .trim()
                .strip_prefix("%ECSV")
                .ok_or("does not start with '# %ECSV'")?;
            let major = version.trim().split('.').next().unwrap_or("");
            if major != "1" && major != "0" {
                return Err(format!("ECSV version {} is not supported", version.trim()));
            }
            first = false;
            continue;
        }
        if content.trim() == "---" && yaml.is_empty() {
            continue;
        }
        yaml.push_str(content.strip_prefix(' ').unwrap_or(content));
    }
    if first {
        return Err("does not start with '# %ECSV'".into());
    }
    Ok((yaml, rest))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_columns_astropy_declares() {
        let text = "# %ECSV 1.0\n# ---\n# delimiter: ','\n# datatype:\n# - {name: ra, unit: deg, datatype: float64}\n# - {name: n, datatype: int32, meta: {ucd: meta.number}}\n# - name: label\n#   datatype: string\n# schema: astropy-2.0\nra,n,label\n1.5,2,a\n";
        let (yaml, rest) = split_header(text).unwrap();
        assert!(rest.starts_with("ra,n,label"));
        let h = parse_header(&yaml).unwrap();
        assert_eq!(h.delimiter, b',');
        let names: Vec<_> = h
            .columns
            .iter()
            .map(|c| {
                (
                    c.name.as_str(),
                    c.datatype.as_str(),
                    c.unit.as_str(),
                    c.ucd.as_str(),
                )
            })
            .collect();
        assert_eq!(
            names,
            [
                ("ra", "float64", "deg", ""),
                ("n", "int32", "", "meta.number"),
                ("label", "string", "", "")
            ]
        );
        assert!(split_header("# %ECSV 2.0\n").is_err());
        assert!(parse_header("delimiter: ';'\ndatatype: []").is_err());
        assert!(
            parse_header("datatype:\n- {datatype: float64}")
                .unwrap_err()
                .contains("no name")
        );
    }
}
