//! Generated text-layer PDFs (lopdf, Helvetica): the RSS probe's 100- and
//! 1,000-page documents, and the throughput set when no corpus is present.

use lopdf::content::{Content, Operation};
use lopdf::{Document, Object, Stream, dictionary};

/// A Letter-size PDF of `pages` pages, each with a title and 45 lines of
/// invoice-like rows (about 270 words per page).
pub fn pdf(pages: usize) -> anyhow::Result<Vec<u8>> {
    let mut doc = Document::with_version("1.5");
    let pages_id = doc.new_object_id();
    let font_id = doc.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica",
        "Encoding" => "WinAnsiEncoding",
    });
    let resources_id = doc.add_object(dictionary! { "Font" => dictionary! { "F1" => font_id } });
    let mut kids = Vec::with_capacity(pages);
    for n in 0..pages {
        let mut ops = Vec::new();
        let mut text = |x: f64, y: f64, size: f64, s: String| {
            ops.push(Operation::new("BT", vec![]));
            ops.push(Operation::new("Tf", vec!["F1".into(), size.into()]));
            ops.push(Operation::new("Td", vec![x.into(), y.into()]));
            ops.push(Operation::new("Tj", vec![Object::string_literal(s)]));
            ops.push(Operation::new("ET", vec![]));
        };
        text(72.0, 740.0, 16.0, format!("Statement page {}", n + 1));
        for row in 0..45 {
            let y = 710.0 - 14.0 * row as f64;
            let item = n * 45 + row;
            text(72.0, y, 10.0, format!("2026-11-{:02}", row % 28 + 1));
            text(
                150.0,
                y,
                10.0,
                format!("Item {item} delivered to Example Ltd"),
            );
            text(480.0, y, 10.0, format!("{}.{:02}", item % 997, item % 100));
        }
        let bytes = Content { operations: ops }.encode()?;
        let content_id = doc.add_object(Stream::new(dictionary! {}, bytes));
        let page_id = doc.add_object(dictionary! {
            "Type" => "Page", "Parent" => pages_id, "Contents" => content_id,
        });
        kids.push(page_id.into());
    }
    let count = kids.len() as i64;
    doc.objects.insert(
        pages_id,
        Object::Dictionary(dictionary! {
            "Type" => "Pages", "Kids" => kids, "Count" => count,
            "Resources" => resources_id,
            "MediaBox" => vec![0.into(), 0.into(), 612.into(), 792.into()],
        }),
    );
    let catalog_id = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    doc.trailer.set("Root", catalog_id);
    let mut out = Vec::new();
    doc.save_to(&mut out)?;
    Ok(out)
}
