//! The wire shape of one citation (spec §8.7): `{fileId?, page: {number,
//! width, height}, referenceText, polygon: [{x, y} × 4]}`. Public so that
//! engines outside this crate (the LLM engines in `quarry-llm`) emit exactly
//! the shape the rules engine does.

use quarry_parse::{BBox, Page};
use serde_json::{Map, Value, json};

/// Four corners clockwise from the top-left, in page coordinates.
pub fn polygon(b: &BBox) -> Value {
    json!([
        {"x": b.left, "y": b.top},
        {"x": b.right, "y": b.top},
        {"x": b.right, "y": b.bottom},
        {"x": b.left, "y": b.bottom},
    ])
}

/// One citation of `text` inside `bbox` on `page`.
pub fn citation(file_id: Option<&str>, page: &Page, bbox: &BBox, text: &str) -> Value {
    citation_on(file_id, (page.number, page.width, page.height), bbox, text)
}

/// The same from the page's `(number, width, height)`, for callers that
/// hold a view of the page rather than the parsed [`Page`].
pub fn citation_on(
    file_id: Option<&str>,
    (number, width, height): (u32, f64, f64),
    bbox: &BBox,
    text: &str,
) -> Value {
    let mut c = Map::new();
    if let Some(file_id) = file_id {
        c.insert("fileId".into(), json!(file_id));
    }
    c.insert(
        "page".into(),
        json!({"number": number, "width": width, "height": height}),
    );
    c.insert("referenceText".into(), json!(text));
    c.insert("polygon".into(), polygon(bbox));
    Value::Object(c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn citation_carries_page_size_text_and_a_clockwise_polygon() {
        let page = quarry_parse::Page::new(2, 612.0, 792.0);
        let bbox = BBox {
            left: 1.0,
            top: 2.0,
            right: 3.0,
            bottom: 4.0,
        };
        let c = citation(Some("file_1"), &page, &bbox, "Total 5");
        assert_eq!(c["fileId"], "file_1");
        assert_eq!(
            c["page"],
            json!({"number": 2, "width": 612.0, "height": 792.0})
        );
        assert_eq!(c["referenceText"], "Total 5");
        assert_eq!(c["polygon"][2], json!({"x": 3.0, "y": 4.0}));
        assert!(citation(None, &page, &bbox, "x").get("fileId").is_none());
    }
}
