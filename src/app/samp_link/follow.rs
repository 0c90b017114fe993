//! Messages that move the view or mark rows: `coord.pointAt.sky` (look there),
//! `table.highlight.row` (select that row of a table we show, and centre on it) and
//! `table.select.rowList` (ring those rows: TOPCAT's subsets, a cross-match's result).

use crate::app::frame::ViewerFrame;
use crate::app::scene_data::ObjectRef;
use crate::app::state::Input;
use crate::samp::{Incoming, Value};
use crate::scene::layers::LayerKind;

/// A parameter given as text (SAMP sends numbers as strings).
fn text<'a>(m: &'a Incoming, key: &str) -> Result<&'a str, String> {
    m.params
        .get(key)
        .and_then(Value::as_str)
        .ok_or_else(|| format!("the message has no {key}"))
}

/// A parameter that must be a finite number.
fn number(m: &Incoming, key: &str) -> Result<f64, String> {
    let t = text(m, key)?;
    t.trim()
        .parse::<f64>()
        .ok()
        .filter(|v| v.is_finite())
        .ok_or_else(|| format!("{key} '{t}' is not a number"))
}

/// `coord.pointAt.sky`: centre the view on (ra, dec), ICRS degrees; the field stays.
pub fn point_at(frame: &mut ViewerFrame, m: &Incoming) -> Result<String, String> {
    let (ra, dec) = (number(m, "ra")?, number(m, "dec")?);
    if !(-90.0..=90.0).contains(&dec) {
        return Err(format!("dec {dec} is outside [-90, 90]"));
    }
    let ra = ra.rem_euclid(360.0);
    let to = Input::GoTo(format!("{ra:.10} {dec:.10}"));
    frame.state.apply(to, frame.data.as_deref());
    Ok(format!(
        "SAMP: {} points at RA {ra:.5} Dec {dec:+.5}",
        m.sender
    ))
}

/// The layer the received table a message names (by its `table-id`, else its `url`)
/// became, and its number of rows.
fn named_table(frame: &ViewerFrame, m: &Incoming) -> Result<(LayerKind, usize), String> {
    let id = m.params.get("table-id").and_then(Value::as_str);
    let url = m.params.get("url").and_then(Value::as_str);
    let ours = frame
        .samp_table
        .as_ref()
        .filter(|t| id.is_some_and(|i| i == t.id) || url.is_some_and(|u| u == t.url));
    let Some(table) = ours else {
        let named = id.or(url).unwrap_or("(no table-id or url)");
        return Err(format!("table {named} is not one this viewer shows"));
    };
    let rows = frame
        .data
        .as_deref()
        .and_then(|d| d.catalog(table.layer))
        .map(|c| c.len())
        .ok_or_else(|| "the table is not loaded".to_string())?;
    Ok((table.layer, rows))
}

/// How the status line names a layer a received table became.
pub(super) fn layer_words(layer: LayerKind) -> &'static str {
    if layer == LayerKind::Galaxies {
        "galaxies"
    } else {
        "merged clusters"
    }
}

/// A row index as SAMP sends it (a string), within `rows`.
fn row_index(t: &str, rows: usize) -> Result<u32, String> {
    match t.trim().parse::<u64>() {
        Ok(r) if (r as usize) < rows => Ok(r as u32),
        Ok(r) => Err(format!("row {r} is outside the table's {rows} rows")),
        Err(_) => Err(format!("row '{t}' is not a row index")),
    }
}

/// `table.highlight.row`: select the row and centre on it.
pub fn highlight_row(frame: &mut ViewerFrame, m: &Incoming) -> Result<String, String> {
    let (layer, rows) = named_table(frame, m)?;
    let row = row_index(text(m, "row")?, rows)?;
    let o = ObjectRef { layer, row };
    frame.state.apply(Input::Select(o), frame.data.as_deref());
    Ok(format!(
        "SAMP: {} highlights row {row} of the {}",
        m.sender,
        layer_words(layer)
    ))
}

/// `table.select.rowList`: ring those rows (an empty list clears the rings).
pub fn select_rows(frame: &mut ViewerFrame, m: &Incoming) -> Result<String, String> {
    let (layer, rows) = named_table(frame, m)?;
    let list = match m.params.get("row-list") {
        Some(Value::List(items)) => items,
        _ => return Err("the message has no row-list".into()),
    };
    let mut picked = Vec::with_capacity(list.len());
    for item in list {
        let t = item.as_str().ok_or("row-list holds something not a row")?;
        picked.push(ObjectRef {
            layer,
            row: row_index(t, rows)?,
        });
    }
    let n = picked.len();
    frame.state.highlighted = picked;
    frame.state.generation += 1;
    Ok(format!(
        "SAMP: {} marks {n} rows of the {}",
        m.sender,
        layer_words(layer)
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_are_indices_within_the_table() {
        assert_eq!(row_index(" 3", 7), Ok(3));
        assert!(
            row_index("7", 7)
                .unwrap_err()
                .contains("outside the table's 7")
        );
        assert!(row_index("-1", 7).unwrap_err().contains("not a row index"));
        assert!(row_index("x", 7).unwrap_err().contains("not a row index"));
    }
}
