//! CSV and TSV: one page holding one table (first row as header), laid out
//! in aligned columns so each row is also one line of text. The delimiter is
//! a tab for `.tsv` names or when the first line has tabs but no commas.
//! Ragged rows are accepted; undecodable bytes are replaced.

use crate::flow::{CellInput, Flow};
use crate::{Document, FileKind, Limits, ParseError};

pub(crate) fn parse_csv(
    bytes: &[u8],
    file_name: &str,
    limits: &Limits,
) -> Result<Document, ParseError> {
    let text = String::from_utf8_lossy(bytes);
    let first = text.lines().next().unwrap_or("");
    let tsv = file_name.to_ascii_lowercase().ends_with(".tsv")
        || (first.contains('\t') && !first.contains(','));
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(if tsv { b'\t' } else { b',' })
        .from_reader(text.as_bytes());
    let mut rows: Vec<Vec<CellInput>> = Vec::new();
    let mut cells = 0usize;
    for record in reader.records() {
        let record = record.map_err(|e| ParseError::Corrupt(format!("CSV: {e}")))?;
        cells = cells.saturating_add(record.len());
        if cells > limits.max_cells {
            return Err(ParseError::TooManyCells {
                limit: limits.max_cells,
            });
        }
        if record.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        rows.push(
            record
                .iter()
                .map(|f| (f.trim().to_string(), None))
                .collect(),
        );
    }
    let mut flow = Flow::new(false, limits.max_cells, limits.max_pages);
    flow.table(rows, None)?;
    Ok(Document {
        kind: FileKind::Csv,
        einvoice: None,
        pages: flow.finish(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_fields_and_tsv() {
        let doc = parse_csv(
            b"Item,Note\r\nWidget,\"has, comma\"\n",
            "a.csv",
            &Limits::default(),
        )
        .expect("csv");
        let t = &doc.pages[0].tables[0];
        assert_eq!(t.cell(1, 1), Some("has, comma"));
        let doc = parse_csv(b"a\tb\n1\t2\n", "a.txt", &Limits::default()).expect("tsv");
        assert_eq!(doc.pages[0].tables[0].cell(1, 1), Some("2"));
        assert_eq!(doc.pages[0].lines[1].text, "1   2");
    }
}
