//! What a schema field is for, in a handful of roles that behave alike
//! whatever the schema calls them (an amount, a date, a party's name, an
//! identifier, …): a feature of the calibration (`rules/features.rs`), since
//! how often a value is right depends more on what kind of thing it is than
//! on the rule's own score.
//!
//! The role is read from the field the way the matcher reads it: its key,
//! `extend:name`, title and JSON type, the concepts of the synonym table
//! they name, and the words of its description as a last resort.

use serde_json::Value;

use super::matcher::{FieldNames, words};
use crate::values::Kind;

/// The role of a field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Role {
    /// A money amount (a total, a price, a balance).
    Amount,
    /// A count or quantity.
    Count,
    /// A rate or percentage.
    Rate,
    /// A calendar date.
    Date,
    /// A time of day.
    Time,
    /// A phone number.
    Phone,
    /// A postal address.
    Address,
    /// The name of a company or person (seller, buyer, merchant, party).
    PartyName,
    /// A number or code that identifies something (invoice number, IBAN).
    Identifier,
    /// A value from a closed set (a currency code, an enum, a yes/no).
    Code,
    /// Free text (a description, a clause, a term).
    Text,
}

/// Every role, in the order of the calibration's role features.
pub(crate) const ROLES: [Role; 11] = [
    Role::Amount,
    Role::Count,
    Role::Rate,
    Role::Date,
    Role::Time,
    Role::Phone,
    Role::Address,
    Role::PartyName,
    Role::Identifier,
    Role::Code,
    Role::Text,
];

const PARTY_CONCEPTS: &[&str] = &[
    "seller_name",
    "buyer_name",
    "account_holder",
    "advertiser",
    "parties",
];
const PARTY_WORDS: &[&str] = &[
    "name",
    "company",
    "merchant",
    "store",
    "shop",
    "vendor",
    "seller",
    "buyer",
    "supplier",
    "customer",
    "client",
    "party",
    "parties",
    "advertiser",
    "holder",
    "issuer",
    "payee",
];
const IDENTIFIER_CONCEPTS: &[&str] = &["invoice_number", "contract_number", "iban", "vat_id"];
const IDENTIFIER_WORDS: &[&str] = &[
    "number",
    "id",
    "code",
    "iban",
    "bic",
    "swift",
    "reference",
    "ref",
    "account",
];
const DATE_WORDS: &[&str] = &["date", "day", "start", "end", "from", "until", "period"];
const COUNT_WORDS: &[&str] = &["quantity", "qty", "count", "units", "pieces"];
const RATE_WORDS: &[&str] = &["rate", "percent", "percentage", "pct"];

impl Role {
    /// The role of property `key` with schema `node` (for an array of
    /// primitives, `node` is its `items`).
    pub(crate) fn of(key: &str, node: &Value) -> Role {
        let kind = Kind::of(node);
        let names = FieldNames::of(key, node);
        let named = |list: &[&str]| {
            names
                .variants
                .iter()
                .flatten()
                .any(|w| list.contains(&w.as_str()))
        };
        let concept = |list: &[&str]| list.iter().any(|c| names.is(c));
        match kind {
            Kind::Date => return Role::Date,
            Kind::Boolean | Kind::Enum(_) | Kind::Currency => return Role::Code,
            Kind::Number | Kind::Integer => {
                return if names.is("quantity") || named(COUNT_WORDS) {
                    Role::Count
                } else if names.is("vat_rate") || named(RATE_WORDS) {
                    Role::Rate
                } else if kind == Kind::Integer && !names.concepts.iter().any(|c| is_amount(c)) {
                    Role::Count
                } else {
                    Role::Amount
                };
            }
            _ => {}
        }
        if names.is("time") || named(&["time"]) {
            Role::Time
        } else if names.is("phone") || named(&["phone", "telephone", "tel", "fax", "mobile"]) {
            Role::Phone
        } else if names.is("address") || named(&["address", "street"]) {
            Role::Address
        } else if names.is("currency") || named(&["currency"]) {
            Role::Code
        } else if concept(PARTY_CONCEPTS) || named(PARTY_WORDS) {
            Role::PartyName
        } else if concept(IDENTIFIER_CONCEPTS) || named(IDENTIFIER_WORDS) {
            Role::Identifier
        } else if named(DATE_WORDS) || described_as_date(&names.description) {
            Role::Date
        } else {
            Role::Text
        }
    }
}

/// Concepts whose values are money.
fn is_amount(concept: &str) -> bool {
    matches!(
        concept,
        "total_net"
            | "total_tax"
            | "total_gross"
            | "due_payable"
            | "unit_price"
            | "line_total"
            | "closing_balance"
    )
}

/// A description that asks for a date in a named format (`ISO yyyy-mm-dd`).
fn described_as_date(description: &[String]) -> bool {
    let format = words("yyyy mm dd");
    format.iter().all(|w| description.contains(w))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn role(key: &str, node: Value) -> Role {
        Role::of(key, &node)
    }

    #[test]
    fn roles_come_from_names_and_types_not_from_one_schema() {
        let s = || json!({"type": ["string", "null"]});
        let n = || json!({"type": ["number", "null"]});
        assert_eq!(role("grand_total", n()), Role::Amount);
        assert_eq!(role("totalDue", n()), Role::Amount);
        assert_eq!(role("qty", n()), Role::Count);
        assert_eq!(role("line_count", json!({"type": "integer"})), Role::Count);
        assert_eq!(role("tax_rate", n()), Role::Rate);
        assert_eq!(
            role("issued", json!({"type": "string", "extend:type": "date"})),
            Role::Date
        );
        assert_eq!(
            role(
                "issued_on",
                json!({"type": "string", "description": "Issue day (yyyy-mm-dd)"})
            ),
            Role::Date
        );
        assert_eq!(role("checkout_time", s()), Role::Time);
        assert_eq!(role("telephone", s()), Role::Phone);
        assert_eq!(role("shop_address", s()), Role::Address);
        assert_eq!(role("supplier", s()), Role::PartyName);
        assert_eq!(role("customer_name", s()), Role::PartyName);
        assert_eq!(role("order_number", s()), Role::Identifier);
        assert_eq!(role("iban", s()), Role::Identifier);
        assert_eq!(role("currency", s()), Role::Code);
        assert_eq!(
            role(
                "status",
                json!({"type": "string", "enum": ["open", "paid"]})
            ),
            Role::Code
        );
        assert_eq!(role("governing_law", s()), Role::Text);
        assert_eq!(role("notes", s()), Role::Text);
    }
}
