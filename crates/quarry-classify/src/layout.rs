//! Layout cues: shapes of page that say what kind of document it is when
//! words alone do not (a Malaysian till receipt headed `TAX INVOICE` is
//! still a receipt; a statistics table says "report" in no word). Each cue
//! is a strength in 0..=1 measured on one page; [`crate::cues`] says which
//! kinds of class profit from which cue.

use quarry_parse::{Line, Page};

use crate::cues::LayoutCue;
use crate::numbers::{amount, date_at, is_number};

/// The strength of every [`LayoutCue`] on one page.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct LayoutCues {
    pub till_roll: f64,
    pub transactions: f64,
    pub prose_and_tables: f64,
    pub billed_items: f64,
    pub prose: f64,
}

impl LayoutCues {
    /// Measures `page`.
    pub fn measure(page: &Page) -> Self {
        let lines = &page.lines;
        let prose = lines.iter().filter(|l| is_prose(l)).count() as f64;
        let numeric_rows = lines.iter().filter(|l| is_statistic_row(l)).count() as f64;
        let long_table = page.tables.iter().map(|t| t.rows).max().unwrap_or(0) as f64;
        Self {
            till_roll: till_roll(page),
            transactions: transactions(lines),
            prose_and_tables: (0.5 * (numeric_rows / 8.0).min(1.0)
                + 0.3 * (prose / 6.0).min(1.0)
                + 0.2 * (long_table / 10.0).min(1.0))
            .min(1.0),
            billed_items: billed_items(lines),
            prose: (prose / 15.0).min(1.0),
        }
    }

    /// The strength of one cue.
    pub fn get(&self, cue: LayoutCue) -> f64 {
        match cue {
            LayoutCue::TillRoll => self.till_roll,
            LayoutCue::Transactions => self.transactions,
            LayoutCue::ProseAndTables => self.prose_and_tables,
            LayoutCue::BilledItems => self.billed_items,
            LayoutCue::Prose => self.prose,
        }
    }

    /// The stronger of two pages' cues, cue by cue: a document shows a
    /// cue when any of its pages does.
    pub fn max(self, other: Self) -> Self {
        Self {
            till_roll: self.till_roll.max(other.till_roll),
            transactions: self.transactions.max(other.transactions),
            prose_and_tables: self.prose_and_tables.max(other.prose_and_tables),
            billed_items: self.billed_items.max(other.billed_items),
            prose: self.prose.max(other.prose),
        }
    }
}

/// Median line length (characters) at most which a column of text reads
/// as a till roll.
const TILL_LINE_CHARS: f64 = 30.0;

/// A till roll: a photo or scan (recognised words, not a text layer) and
/// a narrow column of short lines, taller than wide; or a page itself
/// shaped like a roll (a PDF receipt printed to an 80 mm page).
fn till_roll(page: &Page) -> f64 {
    let lines = &page.lines;
    if lines.len() < 3 {
        return 0.0;
    }
    let recognised = lines
        .iter()
        .flat_map(|l| &l.words)
        .any(|w| w.confidence < 1.0);
    let mut chars: Vec<usize> = lines.iter().map(|l| l.text.chars().count()).collect();
    chars.sort_unstable();
    let median = chars[chars.len() / 2] as f64;
    let left = lines.iter().map(|l| l.bbox.left).fold(f64::MAX, f64::min);
    let right = lines.iter().map(|l| l.bbox.right).fold(f64::MIN, f64::max);
    let top = lines.iter().map(|l| l.bbox.top).fold(f64::MAX, f64::min);
    let bottom = lines.iter().map(|l| l.bbox.bottom).fold(f64::MIN, f64::max);
    let column_tall = (bottom - top) >= 1.2 * (right - left).max(1.0);
    let short_lines = median <= TILL_LINE_CHARS;
    let roll_page = page.height >= 2.2 * page.width.max(1.0);
    let narrow_column = column_tall && short_lines;
    match (recognised, roll_page || narrow_column, short_lines) {
        // A photo or scan of a narrow column of short lines.
        (true, true, _) => 1.0,
        // A photo of short lines that fills the frame sideways.
        (true, false, true) => 0.5,
        // A text-layer page shaped like a roll, or a narrow column on
        // a page mostly blank beside it.
        (false, true, _) if roll_page || (right - left) <= 0.5 * page.width => 0.6,
        _ => 0.0,
    }
}

/// Dated rows whose last amount is a running balance: a row's balance is
/// the previous row's balance plus or minus one of the row's other
/// amounts. Three such rows make the cue certain; dated rows with two
/// amounts but no balance that adds up count for a little.
fn transactions(lines: &[Line]) -> f64 {
    let mut previous: Option<f64> = None;
    let mut consistent = 0usize;
    let mut dated_amount_rows = 0usize;
    for line in lines {
        let words: Vec<&str> = line.text.split_whitespace().collect();
        let amounts: Vec<f64> = words.iter().filter_map(|w| amount(w)).collect();
        let Some(&balance) = amounts.last() else {
            continue;
        };
        if amounts.len() >= 2 && date_at(&words).is_some() {
            dated_amount_rows += 1;
        }
        if let Some(before) = previous
            && amounts[..amounts.len() - 1].iter().any(|a| {
                (before + a - balance).abs() < 0.005 || (before - a - balance).abs() < 0.005
            })
        {
            consistent += 1;
        }
        previous = Some(balance);
    }
    ((consistent as f64) / 3.0)
        .min(1.0)
        .max(0.3 * (dated_amount_rows as f64 / 5.0).min(1.0))
}

/// Billed items: several rows ending in an amount (items or totals) and a
/// tax or total line: what invoices, orders and receipts share. Class
/// words and other cues tell those apart; this cue tells them from
/// reports and letters.
fn billed_items(lines: &[Line]) -> f64 {
    let amount_rows = lines
        .iter()
        .filter(|l| l.text.split_whitespace().last().and_then(amount).is_some())
        .count();
    let tax_line = lines.iter().any(|l| {
        let t = l.text.to_lowercase();
        [
            "vat", "tax", "ust", "mwst", "tva", "iva", "btw", "gst", "steuer",
        ]
        .iter()
        .any(|k| {
            t.split(|c: char| !c.is_alphanumeric())
                .any(|w| w == *k || w.ends_with("steuer"))
        }) && l.text.split_whitespace().any(|w| amount(w).is_some())
    });
    let rows = (amount_rows as f64 / 4.0).min(1.0);
    0.6 * rows + if tax_line { 0.4 } else { 0.0 }
}

/// A line of running prose: eight words or more, nearly all of them
/// words of letters.
fn is_prose(line: &Line) -> bool {
    let words: Vec<&str> = line.text.split_whitespace().collect();
    words.len() >= 8
        && words
            .iter()
            .filter(|w| {
                w.chars().any(char::is_alphabetic) && !w.chars().any(|c| c.is_ascii_digit())
            })
            .count()
            * 10
            >= words.len() * 8
}

/// A row of a statistics table: three numbers that are not money amounts
/// (counts, percentages, rates), or six numbers of any kind. An invoice's
/// item row (quantity, unit price, amount) is neither.
fn is_statistic_row(line: &Line) -> bool {
    let numbers: Vec<&str> = line
        .text
        .split_whitespace()
        .filter(|w| is_number(w))
        .collect();
    numbers.len() >= 6 || numbers.iter().filter(|w| amount(w).is_none()).count() >= 3
}
