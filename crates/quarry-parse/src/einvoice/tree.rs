//! An element tree over the crate's XML walker, for the e-invoice syntaxes:
//! their business terms are named by local element names, read along short
//! paths, so a tree is easier to query than events.
//!
//! The tree is capped ([`MAX_NODES`], [`MAX_DEPTH`]) because the XML comes
//! from an untrusted file: past a cap reading stops and the file counts as
//! no e-invoice.

use crate::ParseError;
use crate::xml::{self, Node as Step};

/// Most elements read from one file; a real invoice has a few thousand.
const MAX_NODES: usize = 200_000;
/// Deepest nesting read; CII nests about a dozen levels.
const MAX_DEPTH: usize = 64;

/// One element: local name, attributes (local names), own text, children.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Element {
    pub name: String,
    pub attrs: Vec<(String, String)>,
    pub text: String,
    pub children: Vec<Element>,
}

impl Element {
    /// The first child named `name`.
    pub(crate) fn child(&self, name: &str) -> Option<&Element> {
        self.children.iter().find(|c| c.name == name)
    }

    /// The element at `path` below this one: each step is a child name or
    /// several names separated by `|` (the first present wins).
    pub(crate) fn at(&self, path: &[&str]) -> Option<&Element> {
        path.iter().try_fold(self, |node, step| {
            step.split('|').find_map(|n| node.child(n))
        })
    }

    /// The text at `path`, whitespace collapsed; `None` when absent or blank.
    pub(crate) fn text_at(&self, path: &[&str]) -> Option<String> {
        let text = self.at(path)?.text.split_whitespace().collect::<Vec<_>>();
        (!text.is_empty()).then(|| text.join(" "))
    }

    /// The value of attribute `name`.
    pub(crate) fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// Every element named `name` below this one in document order, not
    /// looking inside a match.
    pub(crate) fn find_all<'a>(&'a self, name: &str) -> Vec<&'a Element> {
        let mut out = Vec::new();
        self.collect(name, &mut out);
        out
    }

    fn collect<'a>(&'a self, name: &str, out: &mut Vec<&'a Element>) {
        for child in &self.children {
            if child.name == name {
                out.push(child);
            } else {
                child.collect(name, out);
            }
        }
    }
}

/// The root element of `text`; `None` when it is not well-formed XML or
/// exceeds the caps.
pub(crate) fn parse(text: &str) -> Option<Element> {
    let mut stack: Vec<Element> = vec![Element::default()];
    let mut nodes = 0usize;
    let result = xml::walk(text, |step| {
        match step {
            Step::Open(name, e) => {
                nodes += 1;
                if nodes > MAX_NODES || stack.len() > MAX_DEPTH {
                    return Err(ParseError::Corrupt("e-invoice XML too large".into()));
                }
                let attrs = e
                    .attributes()
                    .flatten()
                    .filter(|a| !a.key.as_ref().starts_with("xmlns"))
                    .filter_map(|a| {
                        let key = a.key.local_name().as_ref().to_string();
                        xml::attr(e, &key).map(|v| (key, v))
                    })
                    .collect();
                stack.push(Element {
                    name: name.to_string(),
                    attrs,
                    ..Element::default()
                });
            }
            Step::Close(_) => {
                let done = stack.pop().filter(|_| !stack.is_empty());
                match (done, stack.last_mut()) {
                    (Some(done), Some(parent)) => parent.children.push(done),
                    _ => return Err(ParseError::Corrupt("unbalanced XML".into())),
                }
            }
            Step::Text(t) => {
                if let Some(top) = stack.last_mut() {
                    top.text.push_str(t);
                }
            }
        }
        Ok(())
    });
    if result.is_err() || stack.len() != 1 {
        return None;
    }
    stack.pop()?.children.into_iter().next()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes_are_dropped_and_paths_take_alternatives() {
        let root = parse(
            r#"<?xml version="1.0"?><rsm:Doc xmlns:rsm="urn:a" xmlns:ram="urn:b">
            <ram:Head><ram:ID>  INV &amp; 7 </ram:ID><ram:Amount currencyID="EUR">1.50</ram:Amount></ram:Head>
            <ram:Line/><ram:Head><ram:Line><ram:X/></ram:Line></ram:Head></rsm:Doc>"#,
        )
        .expect("parses");
        assert_eq!(root.name, "Doc");
        assert_eq!(
            root.text_at(&["Other|Head", "ID"]).as_deref(),
            Some("INV & 7")
        );
        let amount = root.at(&["Head", "Amount"]).expect("amount");
        assert_eq!(amount.attr("currencyID"), Some("EUR"));
        assert_eq!(root.find_all("Line").len(), 2);
    }

    #[test]
    fn broken_or_deep_xml_is_no_tree() {
        assert!(parse("<a><b></a>").is_none());
        assert!(parse("not xml").is_none());
        let deep = "<a>".repeat(MAX_DEPTH + 2) + &"</a>".repeat(MAX_DEPTH + 2);
        assert!(parse(&deep).is_none());
    }
}
