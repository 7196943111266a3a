//! One extraction pass over a document: walks the schema object by object,
//! claims tables for arrays of objects, sections for nested objects, and
//! label/value candidates for everything else, each candidate used at most
//! once. Evidence (confidence and source spans) is recorded per field path
//! for the metadata step.

use std::collections::{HashMap, HashSet};

use serde_json::{Map, Value};

use super::fit::type_fit;
use super::matcher::{FieldNames, PARTIAL, words};
use super::metadata::Evidence;
use crate::layout::{Delim, Layout, LineId, Span};
use crate::pairs::{Pair, PairKind, find_pairs};
use crate::values::{
    Kind, all_dates, currency_code, empty_value, normalize_iban, normalize_tax_id, parse_leaf_in,
    parse_time, phone_number,
};

/// A qualified child name beats an unqualified one found outside the parent's section.
const OUTSIDE_SECTION: f64 = 0.85;
/// Readable candidates kept per field, best first; enough for the greedy
/// assignment to fall back when a better-suited field takes the top one.
const MAX_ALTERNATIVES: usize = 16;

/// Which lines a lookup may use.
#[derive(Debug, Clone)]
pub(super) enum Scope {
    All,
    Lines(HashSet<LineId>),
}

impl Scope {
    pub(super) fn contains(&self, id: LineId) -> bool {
        match self {
            Self::All => true,
            Self::Lines(lines) => lines.contains(&id),
        }
    }
}

/// Where an object sits: its own names (for qualified child labels such as
/// `Vendor Name`) and whether its lookups are confined to its section.
#[derive(Debug, Clone, Default)]
struct Ctx {
    parent: Option<FieldNames>,
    in_section: bool,
}

/// One property of the object being filled.
pub(super) struct Field<'n> {
    pub key: &'n str,
    pub node: &'n Value,
    pub kind: Kind,
    pub names: FieldNames,
    qualified: Option<FieldNames>,
}

/// A leaf value read from one candidate, with the spans behind it.
struct Filled {
    value: Value,
    span: Span,
    /// Sub-paths (`[0]`, `.amount`) with their own spans.
    parts: Vec<(String, Span)>,
    /// The candidate holds a date range, so it may fill a start and an end field.
    shareable: bool,
}

pub(super) struct Run<'a> {
    pub(super) layout: &'a Layout,
    pairs: Vec<(Pair, Vec<String>)>,
    used: Vec<bool>,
    pub(super) table_lines: HashSet<LineId>,
    evidence: HashMap<String, Evidence>,
    /// Each recorded path's rule score before OCR confidence (a feature of
    /// the calibration, `rules/features.rs`).
    rule_scores: HashMap<String, f64>,
    /// Which kind of rule found each recorded path (a feature too).
    sources: HashMap<String, Source>,
    /// For labelled values, how the chosen candidate compares with the
    /// field's other readable candidates (a feature too).
    rivals: HashMap<String, Rivals>,
}

/// Which kind of rule found a value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Source {
    /// A label on the value's own line (`Total: 5.00`, `Total   5.00`,
    /// `Rechnung Nr. 4711` in running text).
    LabelBeside,
    /// A label on its own line or in a row of labels, the value under it.
    LabelAbove,
    /// A cell of a table row under a header.
    TableRow,
    /// A party's name found by layout (heading, sender line, letterhead).
    Layout,
    /// A till receipt's merchant, address or total read by its shape.
    Receipt,
    /// Amounts settled by arithmetic (net + tax = gross, a rate from the
    /// tax lines, the amount due from the grand total).
    Arithmetic,
    /// What no label named, filled by position or shape alone.
    Position,
    /// A clause of an agreement read from its sentence.
    Clause,
}

/// How the chosen label candidate of a field stands against the others.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Rivals {
    /// The best score of a candidate reading a different value (0 if none).
    pub runner_up: f64,
    /// Another label reads the same value.
    pub seconded: bool,
}

impl<'a> Run<'a> {
    pub(super) fn new(layout: &'a Layout) -> Self {
        let pairs: Vec<(Pair, Vec<String>)> = find_pairs(layout)
            .into_iter()
            .map(|p| {
                let w = words(&p.label_text);
                (p, w)
            })
            .collect();
        let used = vec![false; pairs.len()];
        Self {
            layout,
            pairs,
            used,
            table_lines: HashSet::new(),
            evidence: HashMap::new(),
            rule_scores: HashMap::new(),
            sources: HashMap::new(),
            rivals: HashMap::new(),
        }
    }

    pub(super) fn evidence(&self) -> &HashMap<String, Evidence> {
        &self.evidence
    }

    /// Fills the root object of `schema`.
    pub(super) fn extract(&mut self, schema: &Value) -> Value {
        self.object(schema, &Scope::All, &Ctx::default(), "")
    }

    pub(super) fn rule_scores(&self) -> &HashMap<String, f64> {
        &self.rule_scores
    }

    pub(super) fn sources(&self) -> &HashMap<String, Source> {
        &self.sources
    }

    pub(super) fn rivals(&self) -> &HashMap<String, Rivals> {
        &self.rivals
    }

    pub(super) fn record(&mut self, path: String, confidence: f64, span: Span, source: Source) {
        self.rule_scores.insert(path.clone(), confidence);
        self.sources.insert(path.clone(), source);
        let confidence = confidence * self.layout.confidence(&span);
        self.evidence.insert(
            path,
            Evidence {
                confidence,
                spans: vec![span],
            },
        );
    }

    /// Gives the field at `to` the evidence of the field at `from` (one
    /// printed value that answers both).
    pub(super) fn copy_evidence(&mut self, from: &str, to: &str) {
        if let Some(evidence) = self.evidence.get(from).cloned() {
            self.evidence.insert(to.to_string(), evidence);
        }
        if let Some(score) = self.rule_scores.get(from).copied() {
            self.rule_scores.insert(to.to_string(), score);
        }
        self.sources.insert(to.to_string(), Source::Arithmetic);
    }

    /// Drops the evidence of a value that was withdrawn.
    pub(super) fn forget(&mut self, path: &str) {
        self.evidence.remove(path);
        self.rule_scores.remove(path);
        self.sources.remove(path);
        self.rivals.remove(path);
    }

    fn object(&mut self, node: &Value, scope: &Scope, ctx: &Ctx, path: &str) -> Value {
        let Some(props) = node.get("properties").and_then(Value::as_object) else {
            return empty_value(node);
        };
        let fields: Vec<Field> = props
            .iter()
            .map(|(key, child)| {
                let names = FieldNames::of(key, child);
                let qualified = ctx
                    .parent
                    .as_ref()
                    .map(|p| FieldNames::qualified(p, &names));
                Field {
                    key,
                    node: child,
                    kind: Kind::of(child),
                    names,
                    qualified,
                }
            })
            .collect();
        let mut values: Map<String, Value> = props
            .iter()
            .map(|(k, v)| (k.clone(), empty_value(v)))
            .collect();

        for field in fields.iter().filter(|f| f.kind == Kind::Array) {
            let Some(items) = field
                .node
                .get("items")
                .filter(|i| Kind::of(i) == Kind::Object)
            else {
                continue;
            };
            let rows = self.table_values(items, scope, &join(path, field.key));
            if !rows.is_empty() {
                values.insert(field.key.to_string(), Value::Array(rows));
            }
        }

        let mut sections: HashMap<&str, HashSet<LineId>> = HashMap::new();
        for field in fields.iter().filter(|f| f.kind == Kind::Object) {
            if let Some(lines) = self.section(&field.names, scope) {
                sections.insert(field.key, lines);
            }
        }
        let claimed: HashSet<LineId> = sections.values().flatten().copied().collect();
        let mut decided = Vec::new();
        if path.is_empty() {
            self.party_names(&fields, &mut values);
            decided = self.clauses(&fields, &mut values);
        }
        self.leaves(&fields, scope, &claimed, ctx, path, &decided, &mut values);
        if path.is_empty() {
            if self.is_receipt() {
                decided.extend(self.receipt(&fields, &mut values));
            }
            decided.extend(self.vat_rates(&fields, &mut values));
            self.positional(&fields, &decided, &mut values);
            self.consistent_totals(&fields, &mut values);
            self.due_from_gross(&fields, &mut values);
            self.credit_note_magnitudes(&fields, &mut values);
        }

        for field in fields.iter().filter(|f| f.kind == Kind::Object) {
            let (child_scope, in_section) = match sections.remove(field.key) {
                Some(lines) => (Scope::Lines(lines), true),
                None => (scope.clone(), false),
            };
            let child_ctx = Ctx {
                parent: Some(field.names.clone()),
                in_section,
            };
            let value = self.object(field.node, &child_scope, &child_ctx, &join(path, field.key));
            values.insert(field.key.to_string(), value);
        }
        Value::Object(values)
    }

    /// Assigns label/value candidates to leaf fields (and primitive arrays),
    /// best match first, each candidate and field at most once; fields in
    /// `decided` were settled by a clause reader and are left alone.
    #[allow(clippy::too_many_arguments)]
    fn leaves(
        &mut self,
        fields: &[Field],
        scope: &Scope,
        claimed: &HashSet<LineId>,
        ctx: &Ctx,
        path: &str,
        decided: &[String],
        values: &mut Map<String, Value>,
    ) {
        let mut candidates: Vec<(f64, usize, usize, Filled)> = Vec::new();
        for (fi, field) in fields.iter().enumerate() {
            let list_items = field.node.get("items").filter(|i| Kind::of(i).is_leaf());
            // Already filled by layout (a party's name).
            let filled = values
                .get(field.key)
                .is_some_and(|v| *v != empty_value(field.node));
            let settled = decided.iter().any(|k| k == field.key);
            if (!field.kind.is_leaf() && list_items.is_none()) || filled || settled {
                continue;
            }
            let blocked = |id: LineId| {
                self.table_lines.contains(&id) || claimed.contains(&id) || !scope.contains(id)
            };
            let mut scored: Vec<(f64, usize, &Span)> = Vec::new();
            for (pi, (pair, label)) in self.pairs.iter().enumerate() {
                let Some(value) = &pair.value else { continue };
                if self.used[pi] || blocked(pair.label.line) || blocked(value.line) {
                    continue;
                }
                let raw = field_score(field, label, ctx);
                // A bare heading must name the field, not just appear in its description.
                if matches!(pair.kind, PairKind::Heading | PairKind::Column) && raw < PARTIAL {
                    continue;
                }
                let score = raw * kind_factor(pair.kind);
                if score > 0.0 {
                    scored.push((score, pi, value));
                }
            }
            scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
            let readable = scored.into_iter().filter_map(|(score, pi, value)| {
                let filled = match list_items {
                    Some(items) => self.fill_list(items, value),
                    None => self.fill_leaf(field, value),
                };
                let label = &self.pairs[pi].1;
                filled.map(|f| {
                    let fit = type_fit(field, label, &self.layout.text(value));
                    (score * fit, pi, fi, f)
                })
            });
            let readable = readable.filter(|c| c.0 > 0.0);
            candidates.extend(readable.take(MAX_ALTERNATIVES));
        }
        candidates.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        let readings: Vec<(f64, usize, usize, Value)> = candidates
            .iter()
            .map(|(score, pi, fi, f)| (*score, *pi, *fi, f.value.clone()))
            .collect();
        let mut done = vec![false; fields.len()];
        for (score, pi, fi, filled) in candidates {
            if done[fi] || self.used[pi] {
                continue;
            }
            done[fi] = true;
            self.used[pi] = !filled.shareable;
            let field_path = join(path, fields[fi].key);
            let source = source_of(self.pairs[pi].0.kind);
            for (suffix, span) in filled.parts {
                self.record(format!("{field_path}{suffix}"), score, span, source);
            }
            let rivals = rivals(&readings, fi, pi, &filled.value);
            self.rivals.insert(field_path.clone(), rivals);
            self.record(field_path, score, filled.span, source);
            values.insert(fields[fi].key.to_string(), filled.value);
        }
    }

    /// Every labelled value readable as `field` (used or not), with its
    /// score as [`Run::leaves`] would rank it, best first.
    pub(super) fn candidates(&self, field: &Field) -> Vec<(f64, Value, Span)> {
        let ctx = Ctx::default();
        let mut out: Vec<(f64, Value, Span)> = self
            .pairs
            .iter()
            .filter_map(|(pair, label)| {
                let value = pair.value.as_ref()?;
                if self.table_lines.contains(&pair.label.line) {
                    return None;
                }
                let score = field_score(field, label, &ctx) * kind_factor(pair.kind);
                if score < PARTIAL * kind_factor(PairKind::Inline) {
                    return None;
                }
                let filled = self.fill_leaf(field, value)?;
                let fit = type_fit(field, label, &self.layout.text(value));
                (fit > 0.0).then_some((score * fit, filled.value, filled.span))
            })
            .collect();
        out.sort_by(|a, b| b.0.total_cmp(&a.0));
        out
    }

    fn fill_leaf(&self, field: &Field, span: &Span) -> Option<Filled> {
        let span = &self.amount_cell(field, span);
        let node = field.node;
        let text = self.layout.text(span);
        let dates = match field.kind {
            Kind::Date => all_dates(&text, self.layout.date_order),
            _ => Vec::new(),
        };
        let value = match dates.last() {
            Some(last) if dates.len() > 1 && field.names.is_range_end() => {
                Value::String(last.clone())
            }
            _ if field.kind == Kind::String && field.names.is("iban") => {
                Value::String(normalize_iban(&text)?)
            }
            _ if field.kind == Kind::String && field.names.is("vat_id") => {
                Value::String(normalize_tax_id(&text)?)
            }
            _ if field.kind == Kind::String && field.names.is("phone") => {
                Value::String(phone_number(&text)?)
            }
            _ if field.kind == Kind::String && field.names.is("time") => {
                Value::String(parse_time(&text)?)
            }
            _ if field.kind == Kind::String && field.names.is("currency") => {
                Value::String(currency_code(&text)?.to_string())
            }
            // `Nummer   : 549910`: a colon cut off its label opens the value cell.
            _ if field.kind == Kind::String => parse_leaf_in(
                node,
                text.trim_start_matches([':', ' ']),
                self.layout.conventions(),
            )?,
            _ => parse_leaf_in(node, &text, self.layout.conventions())?,
        };
        let parts = match Kind::of(node) {
            Kind::Currency => value
                .as_object()
                .into_iter()
                .flatten()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, _)| (format!(".{k}"), span.clone()))
                .collect(),
            _ => Vec::new(),
        };
        Some(Filled {
            value,
            span: span.clone(),
            parts,
            shareable: dates.len() > 1,
        })
    }

    /// For amounts, the rightmost column of a value that spans several
    /// (`Total   3   42.40`: a count, then the amount).
    fn amount_cell(&self, field: &Field, span: &Span) -> Span {
        if !matches!(field.kind, Kind::Number | Kind::Currency) {
            return span.clone();
        }
        let Some(line) = self.layout.line(span.line) else {
            return span.clone();
        };
        line.cells(span.toks.clone(), Delim::Gap)
            .into_iter()
            .rev()
            .map(|toks| Span {
                line: span.line,
                toks,
            })
            .find(|cell| {
                parse_leaf_in(
                    field.node,
                    &self.layout.text(cell),
                    self.layout.conventions(),
                )
                .is_some()
            })
            .unwrap_or_else(|| span.clone())
    }

    /// A comma- or semicolon-separated list of primitives.
    fn fill_list(&self, items: &Value, span: &Span) -> Option<Filled> {
        let line = self.layout.line(span.line)?;
        let mut values = Vec::new();
        let mut parts = Vec::new();
        let mut start = span.toks.start;
        for i in span.toks.clone().chain(std::iter::once(span.toks.end)) {
            let is_sep = line
                .toks
                .get(i)
                .is_some_and(|t| t.text == "," || t.text == ";");
            if i < span.toks.end && !is_sep {
                continue;
            }
            let piece = Span {
                line: span.line,
                toks: start..i,
            };
            start = i + 1;
            if let Some(v) =
                parse_leaf_in(items, &self.layout.text(&piece), self.layout.conventions())
            {
                parts.push((format!("[{}]", values.len()), piece));
                values.push(v);
            }
        }
        (!values.is_empty()).then(|| Filled {
            value: Value::Array(values),
            span: span.clone(),
            parts,
            shareable: false,
        })
    }

    /// The lines under a heading that names this object (`Vendor:` or
    /// `Bill To`): the rest of the heading's block, or the next block when the
    /// heading ends its own.
    fn section(&mut self, names: &FieldNames, scope: &Scope) -> Option<HashSet<LineId>> {
        let best = self
            .pairs
            .iter()
            .enumerate()
            .filter(|(pi, (p, _))| {
                p.is_heading() && !self.used[*pi] && scope.contains(p.label.line)
            })
            .map(|(pi, (p, label))| (names.score(label), pi, p.label.line))
            .filter(|(score, _, _)| *score >= PARTIAL)
            .max_by(|a, b| a.0.total_cmp(&b.0).then(b.1.cmp(&a.1)))?;
        let (_, pi, heading) = best;
        self.used[pi] = true;
        let block_of = |id: LineId| self.layout.line(id).map(|l| l.block);
        let own = block_of(heading)?;
        let mut lines: HashSet<LineId> = self
            .block_lines(own)
            .filter(|id| id.line > heading.line)
            .collect();
        if lines.is_empty() {
            lines = self.block_lines(own + 1).collect();
        }
        lines.retain(|id| scope.contains(*id) && !self.table_lines.contains(id));
        (!lines.is_empty()).then_some(lines)
    }

    fn block_lines(&self, block: usize) -> impl Iterator<Item = LineId> + '_ {
        self.layout.blocks.get(block).into_iter().flat_map(|b| {
            b.lines
                .clone()
                .map(move |line| LineId { page: b.page, line })
        })
    }

    /// Cells of `line` cut by `delim` (for tables).
    pub(super) fn cells(&self, id: LineId, delim: Delim) -> Vec<Span> {
        let Some(line) = self.layout.line(id) else {
            return Vec::new();
        };
        line.cells(0..line.toks.len(), delim)
            .into_iter()
            .map(|toks| Span { line: id, toks })
            .collect()
    }
}

fn field_score(field: &Field, label: &[String], ctx: &Ctx) -> f64 {
    let own = field.names.score(label);
    match &field.qualified {
        Some(qualified) if !ctx.in_section => (own * OUTSIDE_SECTION).max(qualified.score(label)),
        Some(qualified) => own.max(qualified.score(label)),
        None => own,
    }
}

/// How much a candidate's shape is trusted relative to `Label: value`.
/// The kind of rule a label pair of this kind stands for.
fn source_of(kind: PairKind) -> Source {
    match kind {
        PairKind::Colon | PairKind::Spaced | PairKind::Inline => Source::LabelBeside,
        PairKind::LabelLine | PairKind::Heading | PairKind::Column => Source::LabelAbove,
    }
}

/// How candidate `pi` chosen for field `fi` with `value` stands against the
/// field's other readings (`readings`: score, pair, field, value).
fn rivals(readings: &[(f64, usize, usize, Value)], fi: usize, pi: usize, value: &Value) -> Rivals {
    let others = readings.iter().filter(|r| r.2 == fi && r.1 != pi);
    let mut out = Rivals {
        runner_up: 0.0,
        seconded: false,
    };
    for (score, _, _, v) in others {
        if v == value {
            out.seconded = true;
        } else {
            out.runner_up = out.runner_up.max(*score);
        }
    }
    out
}

fn kind_factor(kind: PairKind) -> f64 {
    match kind {
        PairKind::Colon | PairKind::LabelLine => 1.0,
        PairKind::Spaced => 0.95,
        PairKind::Heading | PairKind::Inline | PairKind::Column => 0.9,
    }
}

/// Joins a parent path and a key (`vendor` + `name` → `vendor.name`).
pub(super) fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use crate::rules::extract_text;

    fn extract(text: &str, schema: Value) -> Value {
        extract_text(text, schema)
    }

    #[test]
    fn long_digit_runs_are_identifiers_not_amounts() {
        let schema = json!({"type": "object", "properties": {
            "total_tax": {"type": ["number", "null"]},
        }});
        let text = "TVA : FR11999999998 - SIRET : 99999999800010\n\nTotal TVA: 14,99\n";
        assert_eq!(extract(text, schema), json!({"total_tax": 14.99}));
    }

    #[test]
    fn a_number_named_inside_a_headings_value_line_is_read() {
        let schema = json!({"type": "object", "properties": {
            "invoice_number": {"type": ["string", "null"]},
        }});
        let text = "Your order AB321\nInvoice # RE-20201121/508 issued at 2020-11-21\n";
        assert_eq!(
            extract(text, schema),
            json!({"invoice_number": "RE-20201121/508"})
        );
    }

    #[test]
    fn a_number_named_inside_a_compound_loses_to_the_documents_own() {
        let schema = json!({"type": "object", "properties": {
            "invoice_number": {"type": ["string", "null"]},
        }});
        let text = "Rechnungskorrektur (384) Nr. RK21012345 vom 16.09.2018\n\n\
                    Ursprungsbeleg-Nr : R87654321012345\n";
        assert_eq!(
            extract(text, schema),
            json!({"invoice_number": "RK21012345"})
        );
    }

    #[test]
    fn a_colon_cut_off_its_label_is_not_part_of_the_value() {
        let schema = json!({"type": "object", "properties": {
            "invoice_number": {"type": ["string", "null"]},
        }});
        let text = "Invoice number   : R-4711\n";
        assert_eq!(extract(text, schema), json!({"invoice_number": "R-4711"}));
    }

    #[test]
    fn breakdown_rows_and_dates_lose_to_the_total_line() {
        let schema = json!({"type": "object", "properties": {
            "total_tax": {"type": ["number", "null"]},
        }});
        let text = "\
Umsatzsteuer   202,33   7   14,16
Umsatzsteuer   11,76   19   2,23

Steuerbetrag   16,39
";
        assert_eq!(extract(text, schema.clone()), json!({"total_tax": 16.39}));
        let dated = "MwSt: 10.08.2013\n\nMwSt. gesamt:   4,20\n";
        assert_eq!(extract(dated, schema), json!({"total_tax": 4.2}));
    }
}
