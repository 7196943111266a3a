//! `quarry-classify`: the offline, deterministic classify and split
//! engines. Given a parsed [`quarry_parse::Document`] and the caller's
//! classes (a config's `classifications` / `splitClassifications`, as
//! plain [`Class`]es), [`classify`] says which class the document is and
//! [`split`] says where each document in a packet starts and ends. Pure:
//! no I/O, no clock, no randomness; the same input gives the same answer.
//!
//! # Where the evidence comes from
//!
//! Only from the classes themselves and the page. A class's **profile**
//! (`profile.rs`) holds the words of its `type` and `id` (weight 3), the
//! words `classificationRules` attach to it (2; quoted phrases 3, see
//! `rules.rs`), its description's words (1), and, when its type, id or
//! description names a common kind of document, that kind's generic cues
//! from the built-in table in `cues.rs` (vocabulary in EN/DE/FR/ES/IT/NL,
//! title words, layout cues): a class whose type says `receipt` gains the
//! till-roll cue, one that says `statement` the running-balance cue. A
//! term several classes hold is divided among them. Nothing is keyed by
//! an issuer, shop, vendor or file name, and the file name is never read.
//!
//! Each page is read once (`page.rs`): its terms, the terms of its title
//! region (short lines at the top), its `Label: value` lines, its layout
//! cues (`layout.rs`: a photographed narrow till roll; dated rows whose
//! last amount is a running balance; statistics rows and prose; rows of
//! billed amounts with a tax line; long prose), and its page marker
//! (`markers.rs`).
//!
//! # Decision rules
//!
//! **Classify**: each class scores title + vocabulary + labels + layout
//! (`score.rs` gives the points); the highest score wins, ties to the class
//! listed first. The confidence is the softmax of the scores at
//! [`TEMPERATURE`] (`confidence.rs`), so it reflects the margin over the
//! other classes; `insights` list the evidence of the winner.
//!
//! **Split**: each page is classified alone; each page after the first is
//! weighed for a boundary (`split/boundary.rs` holds the table of evidence
//! and points: page markers, a change of class, a different document
//! number, a title at the top, a running header, a change of page size, a
//! carried-on table, a previous page ending in a total, a till roll), and
//! a positive sum opens a new split. Each split is then classified on all
//! its pages; its identifier is the value its class's `identifier_key`
//! names on its first two pages (`split/identifier.rs`); with
//! `strict_identifier`, neighbours of one class with the same identifier
//! are merged. Two documents of one kind back to back are two splits
//! because their page markers restart, their document numbers differ, a
//! title opens the second or the page size changes.
//!
//! Measured by `quarry bench route` (docs/accuracy.md).

mod class;
mod classify;
mod confidence;
mod cues;
mod error;
mod layout;
mod markers;
mod numbers;
mod page;
mod profile;
mod rules;
mod score;
mod split;
mod text;

pub use class::Class;
pub use classify::{Classified, classify};
pub use confidence::{TEMPERATURE, softmax};
pub use error::ClassifyError;
pub use split::{Split, SplitOptions, split};

#[cfg(test)]
mod tests;
