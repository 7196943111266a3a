//! Which EN 16931 business term a schema field asks for, decided the way
//! the rules engine names fields: by key, `extend:name`, title and the
//! multilingual concept table ([`FieldNames`]), so `total_gross`,
//! `Rechnungsbetrag` and `grand total` all reach BT-112.

use quarry_parse::einvoice::{EInvoice, Line};
use serde_json::Value;

use crate::rules::FieldNames;
use crate::values::{Kind, number_value};

/// Whose party a nested object describes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Role {
    Seller,
    Buyer,
}

/// A business term a scalar field can be filled from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Term {
    Number,
    IssueDate,
    DueDate,
    Currency,
    PartyName(Role),
    PartyVat(Role),
    PartyAddress(Role),
    Iban,
    VatRate,
    Net,
    Tax,
    Gross,
    Due,
}

impl Term {
    /// Whether a page value that differs from the XML is a discrepancy
    /// worth flagging: amounts and identifiers are printed as the XML has
    /// them; names, dates and codes are often printed in another form (a
    /// trade name, a local date, `€` for EUR) or not at all.
    pub(super) fn cross_checked(self) -> bool {
        matches!(
            self,
            Term::Number
                | Term::Iban
                | Term::PartyVat(_)
                | Term::Net
                | Term::Tax
                | Term::Gross
                | Term::Due
        )
    }
}

/// A line term (BG-25) an item property can be filled from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum LineTerm {
    Name,
    Quantity,
    NetPrice,
    LineTotal,
}

/// The party a nested object's key names (`seller`, `vendor`, `buyer`, …).
pub(super) fn role_of(key: &str, node: &Value) -> Option<Role> {
    let names = FieldNames::of(key, node);
    let any = |set: &[&str]| {
        names
            .variants
            .iter()
            .flatten()
            .any(|w| set.contains(&w.as_str()))
    };
    if any(&[
        "seller",
        "vendor",
        "supplier",
        "issuer",
        "merchant",
        "verkäufer",
        "lieferant",
    ]) {
        Some(Role::Seller)
    } else if any(&[
        "buyer",
        "customer",
        "client",
        "recipient",
        "käufer",
        "kunde",
    ]) {
        Some(Role::Buyer)
    } else {
        None
    }
}

/// The term of scalar field `key` (inside a party object when `role` is given).
pub(super) fn term_of(key: &str, node: &Value, role: Option<Role>) -> Option<Term> {
    let names = FieldNames::of(key, node);
    let has = |word: &str| names.variants.iter().flatten().any(|w| w == word);
    if let Some(role) = role {
        return if names.is("vat_id") || (has("tax") || has("vat")) && (has("id") || has("number")) {
            Some(Term::PartyVat(role))
        } else if names.is("address") || has("address") {
            Some(Term::PartyAddress(role))
        } else if has("name") || names.variants.iter().any(|v| v.is_empty()) {
            Some(Term::PartyName(role))
        } else {
            None
        };
    }
    let concept = [
        ("invoice_number", Term::Number),
        ("invoice_date", Term::IssueDate),
        ("due_date", Term::DueDate),
        ("currency", Term::Currency),
        ("seller_name", Term::PartyName(Role::Seller)),
        ("buyer_name", Term::PartyName(Role::Buyer)),
        ("iban", Term::Iban),
        ("total_net", Term::Net),
        ("total_tax", Term::Tax),
        ("total_gross", Term::Gross),
        ("due_payable", Term::Due),
        ("vat_id", Term::PartyVat(Role::Seller)),
    ]
    .into_iter()
    .find(|(id, _)| names.is(id))
    .map(|(_, term)| term);
    concept.or_else(|| {
        let rate = has("rate") || has("percent") || has("percentage") || has("satz");
        ((has("vat") || has("tax") || has("mwst") || has("ust")) && rate).then_some(Term::VatRate)
    })
}

/// The line term of item property `key`.
pub(super) fn line_term_of(key: &str, node: &Value) -> Option<LineTerm> {
    let names = FieldNames::of(key, node);
    [
        ("description", LineTerm::Name),
        ("quantity", LineTerm::Quantity),
        ("unit_price", LineTerm::NetPrice),
        ("line_total", LineTerm::LineTotal),
    ]
    .into_iter()
    .find(|(id, _)| names.is(id))
    .map(|(_, term)| term)
}

/// Whether array field `key` lists the invoice's lines: its items are
/// objects with at least two line terms among their properties.
pub(super) fn is_line_array(node: &Value) -> bool {
    let Some(props) = node.pointer("/items/properties").and_then(Value::as_object) else {
        return false;
    };
    props
        .iter()
        .filter(|(k, v)| line_term_of(k, v).is_some())
        .count()
        >= 2
}

/// The XML's value of `term`, typed for schema `node`; `None` when the
/// invoice has no such value or the field's type cannot hold it.
pub(super) fn value_of(invoice: &EInvoice, term: Term, node: &Value) -> Option<Value> {
    let party = |role| match role {
        Role::Seller => &invoice.seller,
        Role::Buyer => &invoice.buyer,
    };
    let totals = &invoice.totals;
    match term {
        Term::Number => text(invoice.number.as_deref(), node),
        Term::IssueDate => date(invoice.issue_date.as_deref(), node),
        Term::DueDate => date(invoice.due_date.as_deref(), node),
        Term::Currency => text(invoice.currency.as_deref(), node),
        Term::PartyName(role) => text(party(role).name.as_deref(), node),
        Term::PartyVat(role) => text(party(role).vat_id.as_deref(), node),
        Term::PartyAddress(role) => text(party(role).address.as_deref(), node),
        Term::Iban => text(invoice.iban.as_deref(), node),
        Term::VatRate => number(invoice.vat_rate, node),
        Term::Net => number(totals.net, node),
        Term::Tax => number(totals.tax, node),
        Term::Gross => number(totals.gross, node),
        Term::Due => number(totals.due, node),
    }
}

/// The value of line term `term` of `line`, typed for `node`.
pub(super) fn line_value(line: &Line, term: LineTerm, node: &Value) -> Option<Value> {
    match term {
        LineTerm::Name => text(line.name.as_deref(), node),
        LineTerm::Quantity => number(line.quantity, node),
        LineTerm::NetPrice => number(line.net_price, node),
        LineTerm::LineTotal => number(line.line_total, node),
    }
}

fn text(value: Option<&str>, node: &Value) -> Option<Value> {
    let value = value?;
    matches!(Kind::of(node), Kind::String).then(|| Value::String(value.to_string()))
}

fn date(value: Option<&str>, node: &Value) -> Option<Value> {
    let value = value?;
    matches!(Kind::of(node), Kind::Date | Kind::String).then(|| Value::String(value.to_string()))
}

fn number(value: Option<f64>, node: &Value) -> Option<Value> {
    match Kind::of(node) {
        Kind::Number => number_value(value?, false),
        Kind::Integer => number_value(value?, true),
        _ => None,
    }
}
