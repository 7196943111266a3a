//! Spreadsheets (XLSX/XLSM/XLSB, XLS, ODS) through calamine: each sheet is a
//! page holding one table. Cells keep their A1 reference, rows are read top
//! to bottom and empty rows are dropped. calamine materialises a sheet's
//! whole used range, so for XLSX the range is measured from the cell
//! references first and a sheet that would exceed the cell cap is refused
//! before calamine allocates it (a two-cell file can claim A1:XFD1048576).
//!
//! [`SheetOptions`] choose which sheets are read (a sheet left out keeps its
//! page, empty, so page numbers stay sheet numbers as citations need),
//! whether hidden sheets, rows and columns are skipped, and whether cells
//! show their stored value (a date's serial number) or what a reader sees.

use std::collections::HashMap;
use std::io::Cursor;
use std::panic::{AssertUnwindSafe, catch_unwind};

use calamine::{Data, ExcelDateTime, Reader, SheetVisible, open_workbook_auto_from_rs};
use serde::{Deserialize, Serialize};

use super::hidden::{Hidden, xlsx_hidden};
use super::package::Package;
use crate::flow::{CellInput, Flow};
use crate::xml::{Node, attr, walk};
use crate::{Document, FileKind, Limits, ParseError};

/// How a spreadsheet is read: the parse config's `excelSkipHiddenContent`
/// and `excelUseRawCellValues`, and the extract config's `excelSheetRanges`
/// / `excelSheetSelectionStrategy`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SheetOptions {
    /// Leave out hidden sheets, rows and columns (rows and columns: XLSX).
    pub skip_hidden: bool,
    /// Cells as stored (`45356` for a date) instead of as displayed
    /// (`2024-03-05`; floats without binary noise).
    pub raw_values: bool,
    pub selection: SheetSelection,
}

/// Which sheets are read.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub enum SheetSelection {
    #[default]
    All,
    First,
    Last,
    /// 0-based sheet indices, inclusive ranges.
    Ranges(Vec<(usize, usize)>),
}

impl SheetSelection {
    fn includes(&self, index: usize, sheets: usize) -> bool {
        match self {
            Self::All => true,
            Self::First => index == 0,
            Self::Last => index + 1 == sheets,
            Self::Ranges(ranges) => ranges.iter().any(|&(lo, hi)| (lo..=hi).contains(&index)),
        }
    }
}

pub(crate) fn parse_sheets(bytes: &[u8], limits: &Limits) -> Result<Document, ParseError> {
    let mut hidden = HashMap::new();
    if bytes.starts_with(b"PK") {
        let mut pkg = Package::open(bytes, limits.max_decompressed_bytes)?;
        check_xlsx_ranges(&mut pkg, limits.max_cells)?;
        check_ods_repeats(&mut pkg, limits.max_cells)?;
        if limits.sheets.skip_hidden {
            hidden = xlsx_hidden(&mut pkg)?;
        }
    }
    catch_unwind(AssertUnwindSafe(|| read_workbook(bytes, limits, &hidden))).unwrap_or_else(|_| {
        Err(ParseError::Corrupt(
            "the spreadsheet structure could not be read".into(),
        ))
    })
}

fn read_workbook(
    bytes: &[u8],
    limits: &Limits,
    hidden: &HashMap<String, Hidden>,
) -> Result<Document, ParseError> {
    let options = &limits.sheets;
    let mut book = open_workbook_auto_from_rs(Cursor::new(bytes)).map_err(book_error)?;
    let sheets = book.sheets_metadata().to_vec();
    if sheets.len() > limits.max_pages {
        return Err(ParseError::TooManyPages {
            pages: sheets.len(),
            limit: limits.max_pages,
        });
    }
    let nothing_hidden = Hidden::default();
    let mut flow = Flow::new(false, limits.max_cells, limits.max_pages.saturating_add(1))
        .keeping_empty_pages();
    for (i, sheet) in sheets.iter().enumerate() {
        if i > 0 {
            flow.page_break()?;
        }
        let invisible = sheet.visible != SheetVisible::Visible;
        if !options.selection.includes(i, sheets.len()) || (options.skip_hidden && invisible) {
            continue;
        }
        let name = &sheet.name;
        let hidden = hidden.get(name).unwrap_or(&nothing_hidden);
        let range = book.worksheet_range(name).map_err(book_error)?;
        let (r0, c0) = range.start().unwrap_or((0, 0));
        let rows: Vec<Vec<CellInput>> = range
            .rows()
            .enumerate()
            .map(|(r, row)| (r0 + r as u32, row))
            .filter(|(r, row)| !hidden.row(*r) && row.iter().any(|c| !matches!(c, Data::Empty)))
            .map(|(r, row)| {
                row.iter()
                    .enumerate()
                    .map(|(c, cell)| (c0 + c as u32, cell))
                    .filter(|(c, _)| !hidden.col(*c))
                    .map(|(c, cell)| (cell_text(cell, options.raw_values), Some(a1(r, c))))
                    .collect()
            })
            .collect();
        if rows.is_empty() {
            // Keep the sheet as an (empty) page so page numbers match sheets.
            flow.heading(2, name)?;
            continue;
        }
        flow.table(rows, Some(name.clone()))?;
    }
    Ok(Document {
        kind: FileKind::Excel,
        einvoice: None,
        pages: flow.finish(),
    })
}

/// A cell as text: as stored when `raw`, else as a reader sees it.
fn cell_text(cell: &Data, raw: bool) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::DateTime(d) if !raw => displayed_datetime(d),
        Data::Float(f) if !raw => displayed_float(*f),
        other => other.to_string(),
    }
}

/// Decimal places a displayed float keeps: enough for any printed amount,
/// few enough to drop binary noise (`0.1 + 0.2`).
const FLOAT_PLACES: usize = 10;

fn displayed_float(f: f64) -> String {
    if !f.is_finite() || f.abs() >= 1e15 {
        return f.to_string();
    }
    let fixed = format!("{f:.FLOAT_PLACES$}");
    let trimmed = fixed.trim_end_matches('0').trim_end_matches('.');
    match trimmed {
        "-0" => "0".to_string(),
        t => t.to_string(),
    }
}

/// ISO 8601: a date, a date and time, or a duration as `h:mm:ss`.
fn displayed_datetime(d: &ExcelDateTime) -> String {
    if d.is_duration() {
        let seconds = (d.as_f64() * 86_400.0).round() as i64;
        let sign = if seconds < 0 { "-" } else { "" };
        let s = seconds.abs();
        return format!("{sign}{}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60);
    }
    let (y, mo, day, h, mi, sec, _) = d.to_ymd_hms_milli();
    if (h, mi, sec) == (0, 0, 0) {
        format!("{y:04}-{mo:02}-{day:02}")
    } else {
        format!("{y:04}-{mo:02}-{day:02} {h:02}:{mi:02}:{sec:02}")
    }
}

fn book_error(e: calamine::Error) -> ParseError {
    let msg = e.to_string();
    let lower = msg.to_ascii_lowercase();
    if lower.contains("password") || lower.contains("encrypt") {
        ParseError::PasswordProtected
    } else {
        ParseError::Corrupt(format!("spreadsheet: {msg}"))
    }
}

/// `A1` reference of a 0-based (row, col).
pub(crate) fn a1(row: u32, col: u32) -> String {
    let mut letters = Vec::new();
    let mut c = col as u64 + 1;
    while c > 0 {
        let rem = ((c - 1) % 26) as u8;
        letters.push((b'A' + rem) as char);
        c = (c - 1) / 26;
    }
    letters.iter().rev().collect::<String>() + &(row as u64 + 1).to_string()
}

/// Parses `B12` into 0-based (row, col).
fn parse_a1(r: &str) -> Option<(u64, u64)> {
    let split = r.find(|c: char| c.is_ascii_digit())?;
    let (letters, digits) = r.split_at(split);
    if letters.is_empty() || letters.len() > 3 {
        return None;
    }
    let col = letters.bytes().try_fold(0u64, |acc, b| {
        b.is_ascii_uppercase()
            .then(|| acc * 26 + u64::from(b - b'A' + 1))
    })?;
    let row: u64 = digits.parse().ok()?;
    Some((row.checked_sub(1)?, col - 1))
}

/// Refuses XLSX sheets whose used range (from `<c r=…>`) exceeds `max_cells`.
fn check_xlsx_ranges(pkg: &mut Package<'_>, max_cells: usize) -> Result<(), ParseError> {
    let sheets: Vec<String> = pkg
        .names()
        .into_iter()
        .filter(|n| n.starts_with("xl/worksheets/") && n.ends_with(".xml"))
        .collect();
    for name in sheets {
        let Some(xml) = pkg.read(&name)? else {
            continue;
        };
        let mut min = (u64::MAX, u64::MAX);
        let mut max = (0u64, 0u64);
        // Only cells with a value count: styled empty cells (`<c r=… s=…/>`)
        // are common far below the data and calamine skips them.
        let mut current: Option<(u64, u64)> = None;
        walk(&String::from_utf8_lossy(&xml), |node| {
            match node {
                Node::Open("c", e) => current = attr(e, "r").as_deref().and_then(parse_a1),
                Node::Open("v" | "is" | "f", _) => {
                    if let Some((r, c)) = current.take() {
                        min = (min.0.min(r), min.1.min(c));
                        max = (max.0.max(r), max.1.max(c));
                    }
                }
                Node::Close("c") => current = None,
                _ => {}
            }
            Ok(())
        })?;
        if min.0 == u64::MAX {
            continue;
        }
        let area = (max.0 - min.0 + 1).saturating_mul(max.1 - min.1 + 1);
        if area > max_cells as u64 {
            return Err(ParseError::TooManyCells { limit: max_cells });
        }
    }
    Ok(())
}

/// Refuses ODS files whose repeated rows/columns (`number-rows-repeated`,
/// `number-columns-repeated`) would expand past `max_cells` non-empty cells.
fn check_ods_repeats(pkg: &mut Package<'_>, max_cells: usize) -> Result<(), ParseError> {
    let Some(xml) = pkg.read("content.xml")? else {
        return Ok(());
    };
    let repeat = |e: &quick_xml::events::BytesStart<'_>, name: &str| {
        attr(e, name)
            .and_then(|v| v.parse::<u64>().ok())
            .unwrap_or(1)
    };
    let (mut total, mut rows, mut width, mut used) = (0u64, 1u64, 0u64, 0u64);
    let mut cell: Option<(u64, bool)> = None;
    walk(&String::from_utf8_lossy(&xml), |node| {
        match node {
            Node::Open("table-row", e) => {
                (rows, width, used) = (repeat(e, "number-rows-repeated"), 0, 0);
            }
            Node::Open("table-cell" | "covered-table-cell", e) => {
                cell = Some((
                    repeat(e, "number-columns-repeated"),
                    attr(e, "value-type").is_some(),
                ));
            }
            Node::Open("p", _) => {
                if let Some((_, filled)) = &mut cell {
                    *filled = true;
                }
            }
            Node::Close("table-cell" | "covered-table-cell") => {
                if let Some((cols, filled)) = cell.take() {
                    width = width.saturating_add(cols);
                    if filled {
                        used = width;
                    }
                }
            }
            Node::Close("table-row") => {
                total = total.saturating_add(rows.saturating_mul(used));
                if total > max_cells as u64 {
                    return Err(ParseError::TooManyCells { limit: max_cells });
                }
            }
            _ => {}
        }
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_display_as_a_reader_sees_them_unless_raw() {
        use calamine::ExcelDateTimeType::{DateTime, TimeDelta};
        let date = Data::DateTime(ExcelDateTime::new(45356.0, DateTime, false));
        assert_eq!(cell_text(&date, false), "2024-03-05");
        assert_eq!(cell_text(&date, true), "45356");
        let noon = Data::DateTime(ExcelDateTime::new(45356.5, DateTime, false));
        assert_eq!(cell_text(&noon, false), "2024-03-05 12:00:00");
        let span = Data::DateTime(ExcelDateTime::new(1.5, TimeDelta, false));
        assert_eq!(cell_text(&span, false), "36:00:00");
        let noisy = Data::Float(0.1 + 0.2);
        assert_eq!(cell_text(&noisy, false), "0.3");
        assert_eq!(cell_text(&noisy, true), "0.30000000000000004");
        assert_eq!(cell_text(&Data::Float(1234.5), false), "1234.5");
        assert_eq!(cell_text(&Data::Float(-0.0), false), "0");
    }

    #[test]
    fn selections_pick_sheets_by_index() {
        let ranges = SheetSelection::Ranges(vec![(1, 2)]);
        let picked = |s: &SheetSelection| (0..4).filter(|&i| s.includes(i, 4)).collect::<Vec<_>>();
        assert_eq!(picked(&ranges), [1, 2]);
        assert_eq!(picked(&SheetSelection::First), [0]);
        assert_eq!(picked(&SheetSelection::Last), [3]);
        assert_eq!(picked(&SheetSelection::All), [0, 1, 2, 3]);
    }

    #[test]
    fn a1_references_round_trip() {
        assert_eq!(a1(0, 0), "A1");
        assert_eq!(a1(9, 25), "Z10");
        assert_eq!(a1(0, 26), "AA1");
        assert_eq!(a1(1_048_575, 16_383), "XFD1048576");
        assert_eq!(parse_a1("XFD1048576"), Some((1_048_575, 16_383)));
        assert_eq!(parse_a1("B2"), Some((1, 1)));
        assert_eq!(parse_a1("b2"), None);
    }
}
