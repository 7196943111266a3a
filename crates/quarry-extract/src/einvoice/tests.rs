//! The overlay on a text page that prints an invoice, with a CII invoice
//! attached by hand: XML values win, cite the page, and a planted
//! disagreement is flagged.

use quarry_parse::einvoice::read;
use serde_json::{Value, json};

use super::{MISMATCH_FLAG, overlay};
use crate::engine::{Engine, ExtractRequest};
use crate::rules::RulesEngine;

const PAGE: &str = "Muster GmbH · Hauptstr. 1 · 80333 München\n\
Rechnung Nr. RE-2025-9\n\
Datum: 02.01.2025\n\
\n\
Pos  Artikel        Menge  Einzelpreis  Betrag\n\
1    Schrauben M4     100         0,10   10,00\n\
2    Dübel 6mm         50         0,20   10,00\n\
\n\
Nettobetrag 20,00 EUR\n\
MwSt 19% 3,80 EUR\n\
Gesamtbetrag 23,80 EUR\n";

fn cii(grand_total: &str) -> String {
    let line = |name: &str, qty: &str, price: &str, total: &str| {
        format!(
            "<ram:IncludedSupplyChainTradeLineItem>\
             <ram:SpecifiedTradeProduct><ram:Name>{name}</ram:Name></ram:SpecifiedTradeProduct>\
             <ram:SpecifiedLineTradeAgreement><ram:NetPriceProductTradePrice><ram:ChargeAmount>{price}</ram:ChargeAmount></ram:NetPriceProductTradePrice></ram:SpecifiedLineTradeAgreement>\
             <ram:SpecifiedLineTradeDelivery><ram:BilledQuantity unitCode=\"H87\">{qty}</ram:BilledQuantity></ram:SpecifiedLineTradeDelivery>\
             <ram:SpecifiedLineTradeSettlement><ram:SpecifiedTradeSettlementLineMonetarySummation><ram:LineTotalAmount>{total}</ram:LineTotalAmount></ram:SpecifiedTradeSettlementLineMonetarySummation></ram:SpecifiedLineTradeSettlement>\
             </ram:IncludedSupplyChainTradeLineItem>"
        )
    };
    format!(
        "<rsm:CrossIndustryInvoice xmlns:rsm=\"urn:rsm\" xmlns:ram=\"urn:ram\" xmlns:udt=\"urn:udt\">\
         <rsm:ExchangedDocument><ram:ID>RE-2025-9</ram:ID><ram:IssueDateTime><udt:DateTimeString format=\"102\">20250102</udt:DateTimeString></ram:IssueDateTime></rsm:ExchangedDocument>\
         <rsm:SupplyChainTradeTransaction>{}{}\
         <ram:ApplicableHeaderTradeAgreement><ram:SellerTradeParty><ram:Name>Muster GmbH</ram:Name></ram:SellerTradeParty></ram:ApplicableHeaderTradeAgreement>\
         <ram:ApplicableHeaderTradeSettlement><ram:InvoiceCurrencyCode>EUR</ram:InvoiceCurrencyCode>\
         <ram:SpecifiedTradeSettlementHeaderMonetarySummation><ram:TaxBasisTotalAmount>20.00</ram:TaxBasisTotalAmount>\
         <ram:TaxTotalAmount currencyID=\"EUR\">3.80</ram:TaxTotalAmount><ram:GrandTotalAmount>{grand_total}</ram:GrandTotalAmount>\
         </ram:SpecifiedTradeSettlementHeaderMonetarySummation></ram:ApplicableHeaderTradeSettlement>\
         </rsm:SupplyChainTradeTransaction></rsm:CrossIndustryInvoice>",
        line("Schrauben M4 verzinkt", "100", "0.10", "10.00"),
        line("Dübel 6mm", "50", "0.20", "10.00"),
    )
}

fn schema() -> Value {
    json!({"type": "object", "properties": {
        "invoice_number": {"type": ["string", "null"]},
        "invoice_date": {"type": ["string", "null"], "extend:type": "date"},
        "seller_name": {"type": ["string", "null"]},
        "total_gross": {"type": ["number", "null"]},
        "notes": {"type": ["string", "null"]},
        "line_items": {"type": "array", "items": {"type": "object", "properties": {
            "description": {"type": ["string", "null"]},
            "quantity": {"type": ["number", "null"]},
            "line_total": {"type": ["number", "null"]}
        }}}
    }})
}

/// The rules engine's answer for the page, then the overlay of `xml`.
fn extract(xml: &str) -> crate::engine::ExtractOutput {
    let mut doc =
        quarry_parse::parse(PAGE.as_bytes(), "inv.txt", &Default::default()).expect("text parses");
    doc.einvoice = read("factur-x.xml", xml);
    assert!(doc.einvoice.is_some());
    let request = ExtractRequest {
        schema: Some(schema()),
        citations_enabled: true,
        ..Default::default()
    };
    let page_only = RulesEngine.extract(&doc, &request).expect("extracts");
    overlay(&doc, &request, page_only)
}

#[test]
fn xml_values_fill_the_fields_they_name_and_cite_the_page() {
    let out = extract(&cii("23.80"));
    let v = &out.value;
    assert_eq!(v["invoice_number"], "RE-2025-9");
    assert_eq!(v["invoice_date"], "2025-01-02");
    assert_eq!(v["seller_name"], "Muster GmbH");
    assert_eq!(v["total_gross"], 23.8);
    assert_eq!(
        v["notes"],
        Value::Null,
        "no business term: the engine's answer stays"
    );
    assert_eq!(
        v["line_items"],
        json!([
            {"description": "Schrauben M4 verzinkt", "quantity": 100, "line_total": 10},
            {"description": "Dübel 6mm", "quantity": 50, "line_total": 10}
        ]),
        "the XML's item names, even where the page abbreviates them"
    );
    let meta = &out.metadata["total_gross"];
    assert_eq!(meta["quarrySource"]["file"], "factur-x.xml");
    assert!(meta.get("quarryFlags").is_none(), "page and XML agree");
    let citation = &meta["citations"][0];
    assert_eq!(citation["page"]["number"], 1);
    assert!(
        citation["referenceText"]
            .as_str()
            .unwrap_or_default()
            .contains("23,80"),
        "{citation}"
    );
    assert!(
        out.metadata["invoice_date"]["citations"][0]["referenceText"]
            .as_str()
            .unwrap_or_default()
            .contains("02.01.2025")
    );
    assert!(out.metadata.contains_key("line_items[1].quantity"));
}

#[test]
fn a_total_printed_differently_from_the_xml_is_flagged_with_both_values() {
    let out = extract(&cii("25.00"));
    assert_eq!(out.value["total_gross"], 25, "the XML value is returned");
    let meta = &out.metadata["total_gross"];
    assert_eq!(meta["quarryFlags"], json!([MISMATCH_FLAG]));
    assert_eq!(meta["quarryMismatch"]["xmlValue"], 25);
    assert_eq!(meta["quarryMismatch"]["pageValue"], 23.8);
    assert_eq!(meta["citations"], json!([]), "the XML value is not printed");
    assert!(out.metadata["invoice_number"].get("quarryFlags").is_none());
}

#[test]
fn a_document_without_an_e_invoice_is_left_alone() {
    let doc =
        quarry_parse::parse(PAGE.as_bytes(), "inv.txt", &Default::default()).expect("text parses");
    let request = ExtractRequest {
        schema: Some(schema()),
        ..Default::default()
    };
    let page_only = RulesEngine.extract(&doc, &request).expect("extracts");
    assert_eq!(overlay(&doc, &request, page_only.clone()), page_only);
}

#[test]
fn a_pure_xml_invoice_is_read_from_its_xml_and_cited_on_its_rendered_page() {
    let xml = cii("23.80");
    // No extension: e-invoices often arrive as `invoice` or as raw text.
    let doc = quarry_parse::parse(xml.as_bytes(), "invoice", &Default::default())
        .expect("the XML parses");
    assert!(doc.einvoice.is_some(), "read as an e-invoice");
    let request = ExtractRequest {
        schema: Some(schema()),
        citations_enabled: true,
        ..Default::default()
    };
    let page_only = RulesEngine.extract(&doc, &request).expect("extracts");
    let out = overlay(&doc, &request, page_only);
    assert_eq!(out.value["invoice_number"], "RE-2025-9");
    assert_eq!(out.value["total_gross"], 23.8);
    assert_eq!(out.value["line_items"].as_array().map(Vec::len), Some(2));
    for (path, meta) in &out.metadata {
        assert!(
            meta.get("quarryFlags").is_none(),
            "{path}: the rendered page prints the XML's own values"
        );
    }
    let cited = out.metadata["total_gross"]["citations"][0]["referenceText"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert!(cited.contains("23.80"), "{cited}");
}
