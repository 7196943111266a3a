//! Fields of long prose documents (contracts, agreements, letters) that no
//! label names: a contract states its governing law, effective date,
//! parties and term in sentences, often pages in, and mentions other laws,
//! dates, companies and periods all around them. Each reader here finds the
//! *clause* that carries its field (the governing-law sentence, the
//! preamble, the term sentence) rather than the first match.
//!
//! A field is read here when its names mean one of these clauses
//! ([`Clause::of`]: the field's key, `extend:name` or title through the
//! label table, else a multi-word clause name in its description), so any
//! schema that asks for a governing law or the parties of an agreement gets
//! them, whatever it calls the fields. On a prose document the clause
//! reader's answer is final, `null` included: a label match inside running
//! text (`the term "Confidential Information" means …`) is no value.

mod effective;
mod law;
mod parties;
mod prose;
mod term;

use serde_json::{Map, Value};

use super::matcher::words;
use super::run::{Field, Run, Source};
use crate::values::Kind;
use prose::Prose;

/// Share of the text on long lines above which a document reads as prose.
const PROSE_SHARE: f64 = 0.5;
/// Words on a line of running text.
const PROSE_LINE_WORDS: usize = 10;
/// Fewest words of a prose document.
const PROSE_MIN_WORDS: usize = 150;

/// A value a reader found in the running text.
pub(super) struct Found {
    pub value: String,
    /// Byte offset in [`Prose::text`] where the evidence starts.
    pub at: usize,
    /// Raw confidence, before OCR confidence is applied.
    pub confidence: f64,
}

/// The clause a field asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Clause {
    GoverningLaw,
    EffectiveDate,
    Parties,
    Term,
}

impl Clause {
    /// The clause `field` means, by its concept or, failing that, by a
    /// clause name in its description.
    fn of(field: &Field) -> Option<Self> {
        let by_concept = [
            ("governing_law", Self::GoverningLaw),
            ("effective_date", Self::EffectiveDate),
            ("parties", Self::Parties),
            ("contract_term", Self::Term),
        ]
        .into_iter()
        .find(|(id, _)| field.names.is(id))
        .map(|(_, clause)| clause);
        let described = || {
            let description = &field.names.description;
            [
                ("governing law", Self::GoverningLaw),
                ("effective date", Self::EffectiveDate),
                ("parties to the agreement", Self::Parties),
                ("term of the agreement", Self::Term),
            ]
            .into_iter()
            .find(|(name, _)| {
                let name = words(name);
                description
                    .windows(name.len())
                    .any(|w| w == name.as_slice())
            })
            .map(|(_, clause)| clause)
        };
        let clause = by_concept.or_else(described)?;
        let fits = match clause {
            Clause::Parties => {
                field.kind == Kind::Array
                    && field
                        .node
                        .get("items")
                        .is_some_and(|i| Kind::of(i) == Kind::String)
            }
            Clause::EffectiveDate => matches!(field.kind, Kind::Date | Kind::String),
            Clause::GoverningLaw | Clause::Term => field.kind == Kind::String,
        };
        fits.then_some(clause)
    }
}

impl Run<'_> {
    /// Fills the root fields that ask for a clause. Returns the keys settled
    /// here: those found, and on a prose document every clause field.
    pub(super) fn clauses(
        &mut self,
        fields: &[Field],
        values: &mut Map<String, Value>,
    ) -> Vec<String> {
        let wanted: Vec<(&Field, Clause)> = fields
            .iter()
            .filter_map(|f| Some((f, Clause::of(f)?)))
            .collect();
        if wanted.is_empty() {
            return Vec::new();
        }
        let prose = Prose::new(self.layout);
        let is_prose = self.is_prose();
        let mut decided = Vec::new();
        for (field, clause) in wanted {
            let found: Vec<Found> = match clause {
                Clause::GoverningLaw => law::governing_law(&prose).into_iter().collect(),
                Clause::EffectiveDate => effective::effective_date(&prose, self.layout.date_order)
                    .into_iter()
                    .collect(),
                Clause::Term => term::term(&prose).into_iter().collect(),
                Clause::Parties => parties::parties(&prose),
            };
            if found.is_empty() {
                if is_prose {
                    decided.push(field.key.to_string());
                }
                continue;
            }
            let value = self.record_found(field, clause, &prose, found);
            values.insert(field.key.to_string(), value);
            decided.push(field.key.to_string());
        }
        decided
    }

    /// Records the evidence of what a reader found and returns the value.
    fn record_found(
        &mut self,
        field: &Field,
        clause: Clause,
        prose: &Prose,
        found: Vec<Found>,
    ) -> Value {
        let key = field.key.to_string();
        let layout = self.layout;
        if clause == Clause::Parties {
            let mut names = Vec::new();
            for (i, f) in found.into_iter().enumerate() {
                // The array itself inherits its items' evidence.
                if let Some(span) = prose.span_at(layout, f.at) {
                    self.record(format!("{key}[{i}]"), f.confidence, span, Source::Clause);
                }
                names.push(Value::String(f.value));
            }
            return Value::Array(names);
        }
        let Some(f) = found.into_iter().next() else {
            return Value::Null;
        };
        if let Some(span) = prose.span_at(layout, f.at) {
            self.record(key, f.confidence, span, Source::Clause);
        }
        Value::String(f.value)
    }

    /// Whether the document is running text: most of its words sit on long lines.
    fn is_prose(&self) -> bool {
        let (mut all, mut long) = (0usize, 0usize);
        for id in self.layout.line_ids() {
            let Some(line) = self.layout.line(id) else {
                continue;
            };
            let n = line.text.split_whitespace().count();
            all += n;
            if n >= PROSE_LINE_WORDS {
                long += n;
            }
        }
        all >= PROSE_MIN_WORDS && long as f64 >= PROSE_SHARE * all as f64
    }
}
