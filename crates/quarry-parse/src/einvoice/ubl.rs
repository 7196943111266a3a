//! UBL 2.1 `Invoice` and `CreditNote` (Peppol BIS, XRechnung UBL): the
//! same business terms as CII under UBL's names; a credit note names its
//! lines and quantities differently.

use super::tree::Element;
use super::{EInvoice, Line, Party, Syntax, Totals, decimal, iso_date, joined};

pub(super) fn read(source: &str, root: &Element) -> EInvoice {
    let text = |path: &[&str]| root.text_at(path);
    let currency = text(&["DocumentCurrencyCode"]);
    let sums = |name: &str| decimal(text(&["LegalMonetaryTotal", name]));
    let tax = root
        .children
        .iter()
        .filter(|c| c.name == "TaxTotal")
        .filter_map(|t| t.child("TaxAmount"))
        .find(|a| currency.is_none() || a.attr("currencyID") == currency.as_deref())
        .and_then(|a| decimal(Some(a.text.clone())));
    let lines = root
        .children
        .iter()
        .filter(|c| c.name == "InvoiceLine" || c.name == "CreditNoteLine")
        .map(line)
        .collect();
    EInvoice {
        source: source.to_string(),
        syntax: Syntax::Ubl,
        number: text(&["ID"]),
        type_code: text(&["InvoiceTypeCode|CreditNoteTypeCode"]),
        issue_date: iso_date(text(&["IssueDate"])),
        due_date: iso_date(
            text(&["DueDate"]).or_else(|| text(&["PaymentMeans", "PaymentDueDate"])),
        ),
        seller: party(root.at(&["AccountingSupplierParty", "Party"])),
        buyer: party(root.at(&["AccountingCustomerParty", "Party"])),
        iban: text(&["PaymentMeans", "PayeeFinancialAccount", "ID"]),
        vat_rate: decimal(text(&["TaxTotal", "TaxSubtotal", "TaxCategory", "Percent"])),
        totals: Totals {
            line_net: sums("LineExtensionAmount"),
            net: sums("TaxExclusiveAmount"),
            tax,
            gross: sums("TaxInclusiveAmount"),
            prepaid: sums("PrepaidAmount"),
            due: sums("PayableAmount"),
        },
        lines,
        currency,
    }
}

fn party(node: Option<&Element>) -> Party {
    let Some(node) = node else {
        return Party::default();
    };
    let address = node.child("PostalAddress");
    let line = |name: &str| address.and_then(|a| a.text_at(&[name]));
    let city = joined(&[line("PostalZone"), line("CityName")]).map(|c| c.replace(", ", " "));
    Party {
        name: node
            .text_at(&["PartyLegalEntity", "RegistrationName"])
            .or_else(|| node.text_at(&["PartyName", "Name"])),
        vat_id: node
            .children
            .iter()
            .filter(|c| c.name == "PartyTaxScheme")
            .find(|s| s.text_at(&["TaxScheme", "ID"]).as_deref() == Some("VAT"))
            .and_then(|s| s.text_at(&["CompanyID"])),
        address: joined(&[line("StreetName"), line("AdditionalStreetName"), city]),
    }
}

fn line(item: &Element) -> Line {
    Line {
        name: item.text_at(&["Item", "Name"]),
        quantity: decimal(item.text_at(&["InvoicedQuantity|CreditedQuantity"])),
        net_price: decimal(item.text_at(&["Price", "PriceAmount"])),
        gross_price: decimal(item.text_at(&["Price", "AllowanceCharge", "BaseAmount"])),
        line_total: decimal(item.text_at(&["LineExtensionAmount"])),
    }
}

#[cfg(test)]
mod tests {
    use super::super::{Syntax, read};

    #[test]
    fn reads_a_peppol_credit_note() {
        let xml = r#"<CreditNote xmlns="urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"
 xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
 xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2">
 <cbc:ID>CN-9</cbc:ID><cbc:IssueDate>2025-01-31</cbc:IssueDate><cbc:CreditNoteTypeCode>381</cbc:CreditNoteTypeCode>
 <cbc:DocumentCurrencyCode>EUR</cbc:DocumentCurrencyCode>
 <cac:AccountingSupplierParty><cac:Party><cac:PartyName><cbc:Name>Trade Name</cbc:Name></cac:PartyName>
  <cac:PartyTaxScheme><cbc:CompanyID>NL123456789B01</cbc:CompanyID><cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme></cac:PartyTaxScheme>
  <cac:PartyLegalEntity><cbc:RegistrationName>Seller B.V.</cbc:RegistrationName></cac:PartyLegalEntity></cac:Party></cac:AccountingSupplierParty>
 <cac:AccountingCustomerParty><cac:Party><cac:PartyLegalEntity><cbc:RegistrationName>Buyer Ltd</cbc:RegistrationName></cac:PartyLegalEntity></cac:Party></cac:AccountingCustomerParty>
 <cac:PaymentMeans><cac:PayeeFinancialAccount><cbc:ID>NL91ABNA0417164300</cbc:ID></cac:PayeeFinancialAccount></cac:PaymentMeans>
 <cac:TaxTotal><cbc:TaxAmount currencyID="EUR">21.00</cbc:TaxAmount><cac:TaxSubtotal><cac:TaxCategory><cbc:Percent>21</cbc:Percent></cac:TaxCategory></cac:TaxSubtotal></cac:TaxTotal>
 <cac:LegalMonetaryTotal><cbc:LineExtensionAmount currencyID="EUR">100.00</cbc:LineExtensionAmount>
  <cbc:TaxExclusiveAmount currencyID="EUR">100.00</cbc:TaxExclusiveAmount><cbc:TaxInclusiveAmount currencyID="EUR">121.00</cbc:TaxInclusiveAmount>
  <cbc:PayableAmount currencyID="EUR">121.00</cbc:PayableAmount></cac:LegalMonetaryTotal>
 <cac:CreditNoteLine><cbc:ID>1</cbc:ID><cbc:CreditedQuantity unitCode="H87">4</cbc:CreditedQuantity>
  <cbc:LineExtensionAmount currencyID="EUR">100.00</cbc:LineExtensionAmount>
  <cac:Item><cbc:Name>Returned chairs</cbc:Name></cac:Item><cac:Price><cbc:PriceAmount currencyID="EUR">25.00</cbc:PriceAmount></cac:Price></cac:CreditNoteLine>
</CreditNote>"#;
        let inv = read("invoice.xml", xml).expect("a UBL credit note");
        assert_eq!(inv.syntax, Syntax::Ubl);
        assert_eq!(inv.number.as_deref(), Some("CN-9"));
        assert_eq!(inv.type_code.as_deref(), Some("381"));
        assert_eq!(inv.issue_date.as_deref(), Some("2025-01-31"));
        assert_eq!(
            inv.seller.name.as_deref(),
            Some("Seller B.V."),
            "the legal name first"
        );
        assert_eq!(inv.seller.vat_id.as_deref(), Some("NL123456789B01"));
        assert_eq!(inv.buyer.name.as_deref(), Some("Buyer Ltd"));
        assert_eq!(inv.iban.as_deref(), Some("NL91ABNA0417164300"));
        assert_eq!(inv.totals.gross, Some(121.0));
        assert_eq!(inv.totals.due, Some(121.0));
        assert_eq!(inv.vat_rate, Some(21.0));
        assert_eq!(inv.lines[0].quantity, Some(4.0));
        assert_eq!(inv.lines[0].net_price, Some(25.0));
        assert_eq!(inv.lines[0].name.as_deref(), Some("Returned chairs"));
    }
}
