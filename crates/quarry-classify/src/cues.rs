//! The built-in table of generic cues for common kinds of business
//! document. A class gains a kind's cues when the words of its own `type`
//! or `id` (or, when those call up no kind, its description) name the kind:
//! a class whose type says `receipt` gains till-roll cues, one that says
//! `bank_statement` gains the running-balance cue. Nothing here is about one
//! issuer, shop or file: each list is what documents of that kind print in
//! general, in the languages the parser meets (EN, DE, FR, ES, IT, NL).
//!
//! Classes the table does not know work from their own words alone.

/// A layout cue: a shape of page that a kind of document has and that
/// words alone do not show.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LayoutCue {
    /// A till roll: a narrow column of short lines, or a photo of one.
    TillRoll,
    /// A table of dated transactions whose last amount is a running
    /// balance.
    Transactions,
    /// Pages of long prose and numeric tables (reports, articles).
    ProseAndTables,
    /// Header fields as `Label: value` lines and a table of items with
    /// amounts (invoices, orders).
    BilledItems,
    /// Long running prose with few numbers (contracts, letters).
    Prose,
}

impl LayoutCue {
    /// Score points of the cue at full strength. A till roll weighs most:
    /// a photographed narrow roll is a receipt even when it is headed
    /// `TAX INVOICE`, as till receipts are where sales tax applies.
    pub fn weight(self) -> f64 {
        match self {
            LayoutCue::TillRoll => WEIGHT_TILL_ROLL,
            _ => 6.0,
        }
    }
}

pub const WEIGHT_TILL_ROLL: f64 = 8.0;

/// The cues of one kind of document.
#[derive(Debug)]
pub struct Kind {
    /// Words in a class's type/id/description that call this kind up.
    pub triggers: &'static [&'static str],
    /// Words that, printed as a title at the top of a first page, say
    /// "this is such a document".
    pub titles: &'static [&'static str],
    /// Words such documents print (labels, column heads, small print).
    pub vocabulary: &'static [&'static str],
    /// Layout cues of the kind.
    pub layout: &'static [LayoutCue],
}

/// The table. Words are lower-case stems (see [`crate::text::stem`]).
pub const KINDS: &[Kind] = &[
    Kind {
        triggers: &[
            "invoice", "bill", "billing", "rechnung", "facture", "factura", "fattura", "factuur",
        ],
        titles: &[
            "invoice",
            "rechnung",
            "facture",
            "factura",
            "fattura",
            "factuur",
            "bill",
            "gutschrift",
            "avoir",
        ],
        vocabulary: &[
            "invoice",
            "rechnung",
            "facture",
            "due",
            "vat",
            "ust",
            "mwst",
            "tva",
            "iva",
            "btw",
            "subtotal",
            "net",
            "netto",
            "gross",
            "brutto",
            "payable",
            "payment",
            "term",
            "unit",
            "price",
            "customer",
            "seller",
            "buyer",
            "supplier",
            "ship",
            "remit",
            "zahlbar",
            "zahlungsbedingungen",
            "steuernummer",
            "leistung",
            "artikel",
            "menge",
            "einzelpreis",
            "gesamtbetrag",
            "summe",
            "betrag",
            "kunde",
            "kundennummer",
            "lieferung",
            "bestellung",
            "pos",
            "description",
            "quantity",
            "amount",
            "excl",
            "incl",
            "tax",
            "umsatzsteuer",
            "steuer",
            "bank",
            "iban",
            "bic",
            "order",
            "billing",
            "remittance",
        ],
        layout: &[LayoutCue::BilledItems],
    },
    Kind {
        triggers: &[
            "receipt",
            "till",
            "register",
            "kassenbon",
            "quittung",
            "ticket",
        ],
        titles: &["receipt", "kassenbon", "quittung", "bon"],
        vocabulary: &[
            "receipt",
            "cashier",
            "cash",
            "change",
            "tender",
            "tendered",
            "rounding",
            "gst",
            "sst",
            "qty",
            "total",
            "thank",
            "visa",
            "mastercard",
            "card",
            "tel",
            "item",
            "counter",
            "member",
            "kasse",
            "bar",
            "rückgeld",
            "pax",
            "server",
            "discount",
            "tax",
            "amount",
            "subtotal",
            "price",
        ],
        layout: &[LayoutCue::TillRoll, LayoutCue::BilledItems],
    },
    Kind {
        triggers: &[
            "statement",
            "bank",
            "kontoauszug",
            "releve",
            "relevé",
            "extracto",
        ],
        titles: &["statement", "kontoauszug", "relevé", "extracto", "estratto"],
        vocabulary: &[
            "statement",
            "balance",
            "opening",
            "closing",
            "account",
            "iban",
            "bic",
            "swift",
            "deposit",
            "withdrawal",
            "debit",
            "credit",
            "transaction",
            "period",
            "sort",
            "overdraft",
            "interest",
            "bank",
            "saldo",
            "soll",
            "haben",
            "buchung",
            "valuta",
            "kontoauszug",
            "holder",
        ],
        layout: &[LayoutCue::Transactions],
    },
    Kind {
        triggers: &[
            "report",
            "article",
            "publication",
            "study",
            "survey",
            "paper",
            "statistical",
            "statistic",
            "bericht",
        ],
        titles: &[
            "report", "survey", "study", "analysis", "bericht", "review", "bulletin",
        ],
        vocabulary: &[
            "report",
            "table",
            "figure",
            "source",
            "percent",
            "survey",
            "analysis",
            "result",
            "population",
            "average",
            "research",
            "annual",
            "fiscal",
            "section",
            "chapter",
            "abstract",
            "introduction",
            "conclusion",
            "statistic",
            "growth",
            "index",
            "median",
            "respondent",
            "study",
            "percentage",
            "summary",
            "findings",
        ],
        layout: &[LayoutCue::ProseAndTables],
    },
    Kind {
        triggers: &["contract", "agreement", "nda", "lease", "vertrag"],
        titles: &["agreement", "contract", "vertrag", "lease"],
        vocabulary: &[
            "agreement",
            "party",
            "hereby",
            "whereas",
            "shall",
            "governing",
            "law",
            "termination",
            "confidential",
            "obligation",
            "effective",
            "signature",
            "witness",
            "herein",
            "thereof",
            "clause",
            "indemnify",
            "jurisdiction",
        ],
        layout: &[LayoutCue::Prose],
    },
    Kind {
        triggers: &["order", "purchase", "bestellung", "commande"],
        titles: &["order", "bestellung", "commande", "pedido"],
        vocabulary: &[
            "order",
            "purchase",
            "ship",
            "delivery",
            "vendor",
            "quantity",
            "unit",
            "price",
            "buyer",
            "requested",
            "deliver",
            "terms",
            "total",
            "approved",
        ],
        layout: &[LayoutCue::BilledItems],
    },
];
