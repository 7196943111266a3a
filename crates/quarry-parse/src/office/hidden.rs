//! Hidden rows and columns of XLSX sheets. calamine reads cell values but
//! not row and column visibility, so for `SheetOptions::skip_hidden` the
//! sheet XML is read here: `<row r="5" hidden="1">` and `<col min="2"
//! max="3" hidden="1"/>`, keyed by sheet name through `xl/workbook.xml` and
//! its relationships. (Hidden *sheets* come from calamine's sheet metadata.)

use std::collections::{HashMap, HashSet};

use super::package::Package;
use crate::ParseError;
use crate::xml::{Node, attr, walk};

/// The hidden rows and columns of one sheet, 0-based.
#[derive(Debug, Default, PartialEq)]
pub(crate) struct Hidden {
    rows: HashSet<u32>,
    /// Inclusive column ranges.
    cols: Vec<(u32, u32)>,
}

impl Hidden {
    pub(crate) fn row(&self, row: u32) -> bool {
        self.rows.contains(&row)
    }

    pub(crate) fn col(&self, col: u32) -> bool {
        self.cols.iter().any(|&(lo, hi)| (lo..=hi).contains(&col))
    }
}

/// Hidden rows and columns of every sheet of an XLSX package, by sheet name.
/// Sheets with nothing hidden are left out; a package that is not XLSX
/// (ODS) gives an empty map.
pub(crate) fn xlsx_hidden(pkg: &mut Package<'_>) -> Result<HashMap<String, Hidden>, ParseError> {
    let mut hidden = HashMap::new();
    for (name, path) in sheet_paths(pkg)? {
        let Some(xml) = pkg.read(&path)? else {
            continue;
        };
        let sheet = read_hidden(&String::from_utf8_lossy(&xml))?;
        if sheet != Hidden::default() {
            hidden.insert(name, sheet);
        }
    }
    Ok(hidden)
}

fn is_true(e: &quick_xml::events::BytesStart<'_>, name: &str) -> bool {
    matches!(attr(e, name).as_deref(), Some("1" | "true"))
}

/// `(sheet name, part path)` for every sheet the workbook lists.
fn sheet_paths(pkg: &mut Package<'_>) -> Result<Vec<(String, String)>, ParseError> {
    let Some(book) = pkg.read("xl/workbook.xml")? else {
        return Ok(Vec::new());
    };
    let targets: HashMap<String, String> = pkg
        .relationships("xl/_rels/workbook.xml.rels", "xl")?
        .into_iter()
        .map(|r| (r.id, r.path))
        .collect();
    let mut sheets = Vec::new();
    walk(&String::from_utf8_lossy(&book), |node| {
        if let Node::Open("sheet", e) = node
            && let (Some(name), Some(id)) = (attr(e, "name"), attr(e, "id"))
            && let Some(path) = targets.get(&id)
        {
            sheets.push((name, path.clone()));
        }
        Ok(())
    })?;
    Ok(sheets)
}

fn read_hidden(xml: &str) -> Result<Hidden, ParseError> {
    let mut hidden = Hidden::default();
    let number = |e: &quick_xml::events::BytesStart<'_>, name: &str| {
        attr(e, name)
            .and_then(|v| v.parse::<u32>().ok())
            .and_then(|n| n.checked_sub(1))
    };
    walk(xml, |node| {
        match node {
            Node::Open("row", e) if is_true(e, "hidden") => {
                if let Some(r) = number(e, "r") {
                    hidden.rows.insert(r);
                }
            }
            Node::Open("col", e) if is_true(e, "hidden") => {
                if let (Some(lo), Some(hi)) = (number(e, "min"), number(e, "max")) {
                    hidden.cols.push((lo, hi));
                }
            }
            _ => {}
        }
        Ok(())
    })?;
    Ok(hidden)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hidden_rows_and_columns_are_read_zero_based() {
        let xml = r#"<worksheet><cols><col min="2" max="3" hidden="1" width="0"/>
            <col min="5" max="5" width="9"/></cols><sheetData>
            <row r="1"><c r="A1"><v>1</v></c></row>
            <row r="4" hidden="true"><c r="A4"><v>2</v></c></row></sheetData></worksheet>"#;
        let hidden = read_hidden(xml).expect("reads");
        assert!(hidden.row(3) && !hidden.row(0));
        assert!(hidden.col(1) && hidden.col(2) && !hidden.col(3) && !hidden.col(4));
    }
}
