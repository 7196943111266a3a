//! A small event walker over quick-xml for the office formats and e-invoices: element
//! opens/closes by local name (namespaces prefixes are ignored, as every
//! producer picks its own), text with entities resolved. Empty elements
//! are reported as an open followed by a close, so callers keep one state
//! machine.

use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};

use crate::ParseError;

/// One step of the walk.
pub(crate) enum Node<'a, 'e> {
    Open(&'a str, &'a BytesStart<'e>),
    Close(&'a str),
    Text(&'a str),
}

/// Walks `xml`, calling `f` for every element boundary and text run.
pub(crate) fn walk(
    xml: &str,
    mut f: impl FnMut(Node<'_, '_>) -> Result<(), ParseError>,
) -> Result<(), ParseError> {
    let mut reader = Reader::from_str(xml);
    loop {
        let event = reader
            .read_event()
            .map_err(|e| ParseError::Corrupt(format!("malformed XML: {e}")))?;
        match event {
            Event::Start(e) => f(Node::Open(e.local_name().as_ref(), &e))?,
            Event::Empty(e) => {
                let name = e.local_name();
                f(Node::Open(name.as_ref(), &e))?;
                f(Node::Close(name.as_ref()))?;
            }
            Event::End(e) => f(Node::Close(e.local_name().as_ref()))?,
            Event::Text(t) => f(Node::Text(&t.xml10_content()))?,
            Event::CData(t) => f(Node::Text(&t.xml10_content()))?,
            Event::GeneralRef(r) => {
                let resolved = match r.resolve_char_ref() {
                    Ok(Some(c)) => Some(c.to_string()),
                    _ => quick_xml::escape::resolve_predefined_entity(&r.xml10_content())
                        .map(str::to_string),
                };
                if let Some(s) = resolved {
                    f(Node::Text(&s))?;
                }
            }
            Event::Eof => return Ok(()),
            _ => {}
        }
    }
}

/// The value of attribute `name` (local name) on `e`, if present.
pub(crate) fn attr(e: &BytesStart<'_>, name: &str) -> Option<String> {
    e.attributes().flatten().find_map(|a| {
        (a.key.local_name().as_ref() == name)
            .then(|| {
                a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                    .ok()
                    .map(|v| v.into_owned())
            })
            .flatten()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn walks_elements_text_and_entities() {
        let mut seen = Vec::new();
        walk(
            r#"<w:p a:val="x"><w:t>A &amp; B&#33;</w:t><w:br/></w:p>"#,
            |n| {
                seen.push(match n {
                    Node::Open(name, e) => {
                        format!("<{name}:{}>", attr(e, "val").unwrap_or_default())
                    }
                    Node::Close(name) => format!("</{name}>"),
                    Node::Text(t) => t.to_string(),
                });
                Ok(())
            },
        )
        .expect("walks");
        assert_eq!(seen.concat(), "<p:x><t:>A & B!</t><br:></br></p>");
    }
}
