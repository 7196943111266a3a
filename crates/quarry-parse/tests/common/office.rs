//! Minimal DOCX, XLSX and PPTX packages written with `zip`: just the parts
//! the parsers (and calamine) read.

use std::io::{Cursor, Write};

use zip::write::SimpleFileOptions;

pub fn zip_of(entries: &[(&str, String)]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for (name, data) in entries {
        w.start_file(*name, SimpleFileOptions::default())
            .expect("start entry");
        w.write_all(data.as_bytes()).expect("write entry");
    }
    w.finish().expect("finish zip").into_inner()
}

const W: &str = r#"xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main""#;

pub fn para(style: Option<&str>, text: &str) -> String {
    let ppr = style
        .map(|s| format!(r#"<w:pPr><w:pStyle w:val="{s}"/></w:pPr>"#))
        .unwrap_or_default();
    format!(r#"<w:p>{ppr}<w:r><w:t xml:space="preserve">{text}</w:t></w:r></w:p>"#)
}

pub fn list_item(text: &str) -> String {
    format!(
        r#"<w:p><w:pPr><w:numPr><w:ilvl w:val="0"/><w:numId w:val="1"/></w:numPr></w:pPr><w:r><w:t>{text}</w:t></w:r></w:p>"#
    )
}

pub fn table(rows: &[&[&str]]) -> String {
    let rows: String = rows
        .iter()
        .map(|r| {
            let cells: String = r
                .iter()
                .map(|c| format!("<w:tc><w:tcPr/>{}</w:tc>", para(None, c)))
                .collect();
            format!("<w:tr>{cells}</w:tr>")
        })
        .collect();
    format!("<w:tbl><w:tblPr/>{rows}</w:tbl>")
}

pub fn page_break() -> String {
    r#"<w:p><w:r><w:br w:type="page"/></w:r></w:p>"#.to_string()
}

/// A DOCX whose body is `body` (already-built `w:p`/`w:tbl` XML).
pub fn docx(body: &str) -> Vec<u8> {
    docx_with_parts(body, &[])
}

/// The root element of a DOCX part of relationship type `kind`.
fn part_root(kind: &str) -> &str {
    match kind {
        "header" => "hdr",
        "footer" => "ftr",
        _ => kind,
    }
}

/// A DOCX whose document relationships name `parts`: `(relationship type
/// such as "header", part name such as "header1.xml", its paragraphs)`.
/// Footnotes go in as `("footnotes", "footnotes.xml", …)`.
pub fn docx_with_parts(body: &str, parts: &[(&str, &str, &str)]) -> Vec<u8> {
    let rels: String = parts
        .iter()
        .enumerate()
        .map(|(i, (kind, name, _))| {
            format!(
                r#"<Relationship Id="rId{}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/{kind}" Target="{name}"/>"#,
                i + 10
            )
        })
        .collect();
    let rels = format!(
        r#"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{rels}</Relationships>"#
    );
    let part_xml: Vec<(String, String)> = parts
        .iter()
        .map(|(kind, name, paras)| {
            (
                format!("word/{name}"),
                format!(
                    r#"<?xml version="1.0"?><w:{root} {W}>{paras}</w:{root}>"#,
                    root = part_root(kind)
                ),
            )
        })
        .collect();
    let document = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document {W}><w:body>{body}<w:sectPr/></w:body></w:document>"#
    );
    let styles = format!(
        r#"<?xml version="1.0"?><w:styles {W}><w:style w:type="paragraph" w:styleId="Kop1"><w:name w:val="heading 1"/></w:style></w:styles>"#
    );
    let mut entries: Vec<(&str, String)> = vec![
        ("[Content_Types].xml", CONTENT_TYPES.to_string()),
        ("word/document.xml", document),
        ("word/styles.xml", styles),
        ("word/_rels/document.xml.rels", rels),
    ];
    entries.extend(part_xml.iter().map(|(n, x)| (n.as_str(), x.clone())));
    zip_of(&entries)
}

const CONTENT_TYPES: &str = r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/worksheets/sheet2.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#;

/// One sheet: (name, cells as (A1 ref, value)); numbers stay numeric.
pub type Sheet<'a> = (&'a str, &'a [(&'a str, &'a str)]);

pub fn xlsx(sheets: &[Sheet<'_>]) -> Vec<u8> {
    let parts: Vec<XlsxSheet> = sheets
        .iter()
        .map(|(name, cells)| XlsxSheet {
            name: name.to_string(),
            state: None,
            xml: sheet_xml(cells),
        })
        .collect();
    xlsx_parts(&parts, None)
}

/// One sheet as [`xlsx_parts`] writes it: its workbook `state` (`hidden`)
/// and its whole worksheet XML.
pub struct XlsxSheet {
    pub name: String,
    pub state: Option<&'static str>,
    pub xml: String,
}

/// An XLSX package of `sheets`, with `styles` as `xl/styles.xml` when given
/// (date cells need a date number format there).
pub fn xlsx_parts(sheets: &[XlsxSheet], styles: Option<&str>) -> Vec<u8> {
    let mut entries = vec![("[Content_Types].xml", CONTENT_TYPES.to_string())];
    let mut book_sheets = String::new();
    let mut rels = String::new();
    let mut parts = Vec::new();
    for (i, sheet) in sheets.iter().enumerate() {
        let n = i + 1;
        let state = sheet
            .state
            .map(|s| format!(r#" state="{s}""#))
            .unwrap_or_default();
        book_sheets.push_str(&format!(
            r#"<sheet name="{}" sheetId="{n}"{state} r:id="rId{n}"/>"#,
            sheet.name
        ));
        rels.push_str(&format!(
            r#"<Relationship Id="rId{n}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet{n}.xml"/>"#
        ));
        parts.push((format!("xl/worksheets/sheet{n}.xml"), sheet.xml.clone()));
    }
    if let Some(styles) = styles {
        let n = sheets.len() + 1;
        rels.push_str(&format!(
            r#"<Relationship Id="rId{n}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>"#
        ));
        parts.push(("xl/styles.xml".to_string(), styles.to_string()));
    }
    entries.push((
        "_rels/.rels",
        r#"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#.to_string(),
    ));
    entries.push((
        "xl/workbook.xml",
        format!(
            r#"<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>{book_sheets}</sheets></workbook>"#
        ),
    ));
    entries.push((
        "xl/_rels/workbook.xml.rels",
        format!(
            r#"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{rels}</Relationships>"#
        ),
    ));
    let mut all: Vec<(&str, String)> = entries;
    for (name, xml) in &parts {
        all.push((name.as_str(), xml.clone()));
    }
    zip_of(&all)
}

fn sheet_xml(cells: &[(&str, &str)]) -> String {
    // Group cells by row number, in the order given.
    let mut rows: Vec<(String, String)> = Vec::new();
    for (r, v) in cells {
        let row: String = r.chars().filter(char::is_ascii_digit).collect();
        let cell = if v.parse::<f64>().is_ok() {
            format!(r#"<c r="{r}"><v>{v}</v></c>"#)
        } else {
            format!(r#"<c r="{r}" t="inlineStr"><is><t>{v}</t></is></c>"#)
        };
        match rows.iter_mut().find(|(n, _)| *n == row) {
            Some((_, xml)) => xml.push_str(&cell),
            None => rows.push((row, cell)),
        }
    }
    let data: String = rows
        .iter()
        .map(|(n, xml)| format!(r#"<row r="{n}">{xml}</row>"#))
        .collect();
    format!(
        r#"<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>{data}</sheetData></worksheet>"#
    )
}

/// A PPTX with one slide per (title, bullet texts).
pub fn pptx(slides: &[(&str, &[&str])]) -> Vec<u8> {
    const NS: &str = r#"xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main""#;
    let mut entries = Vec::new();
    for (i, (title, bullets)) in slides.iter().enumerate() {
        let paras: String = bullets
            .iter()
            .map(|b| format!("<a:p><a:r><a:t>{b}</a:t></a:r></a:p>"))
            .collect();
        let xml = format!(
            r#"<?xml version="1.0"?><p:sld {NS}><p:cSld><p:spTree><p:sp><p:nvSpPr><p:cNvPr id="2" name="Title"/><p:cNvSpPr/><p:nvPr><p:ph type="title"/></p:nvPr></p:nvSpPr><p:txBody><a:p><a:r><a:t>{title}</a:t></a:r></a:p></p:txBody></p:sp><p:sp><p:nvSpPr><p:cNvPr id="3" name="Body"/><p:cNvSpPr/><p:nvPr><p:ph idx="1"/></p:nvPr></p:nvSpPr><p:txBody>{paras}</p:txBody></p:sp></p:spTree></p:cSld></p:sld>"#
        );
        entries.push((format!("ppt/slides/slide{}.xml", i + 1), xml));
    }
    let refs: Vec<(&str, String)> = entries
        .iter()
        .map(|(n, x)| (n.as_str(), x.clone()))
        .collect();
    zip_of(&refs)
}
