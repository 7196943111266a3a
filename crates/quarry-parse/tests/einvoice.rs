//! Hybrid e-invoice PDFs (Factur-X / ZUGFeRD) written by the test with
//! lopdf: the embedded CII XML is found and read, whatever the file is
//! called; other and broken attachments are ignored. Requires libpdfium.

mod common;

use common::pdf::{PageSpec, pdf_with_attachment, run};
use quarry_parse::einvoice::Syntax;
use quarry_parse::{Limits, parse};

fn page() -> PageSpec {
    PageSpec::new(vec![
        run(72.0, 720.0, 14.0, "Rechnung RE-77"),
        run(72.0, 690.0, 10.0, "Gesamtbetrag 119,00 EUR"),
    ])
}

/// A minimal CII invoice: number, date, seller and grand total.
fn cii(number: &str, total: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<rsm:CrossIndustryInvoice xmlns:rsm="urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"
 xmlns:ram="urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"
 xmlns:udt="urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100">
<rsm:ExchangedDocument><ram:ID>{number}</ram:ID>
<ram:IssueDateTime><udt:DateTimeString format="102">20250102</udt:DateTimeString></ram:IssueDateTime></rsm:ExchangedDocument>
<rsm:SupplyChainTradeTransaction>
<ram:ApplicableHeaderTradeAgreement><ram:SellerTradeParty><ram:Name>Muster GmbH</ram:Name></ram:SellerTradeParty></ram:ApplicableHeaderTradeAgreement>
<ram:ApplicableHeaderTradeSettlement><ram:InvoiceCurrencyCode>EUR</ram:InvoiceCurrencyCode>
<ram:SpecifiedTradeSettlementHeaderMonetarySummation><ram:GrandTotalAmount>{total}</ram:GrandTotalAmount></ram:SpecifiedTradeSettlementHeaderMonetarySummation>
</ram:ApplicableHeaderTradeSettlement></rsm:SupplyChainTradeTransaction></rsm:CrossIndustryInvoice>"#
    )
}

#[test]
fn the_embedded_cii_invoice_is_read_from_a_factur_x_pdf() {
    assert!(quarry_parse::pdfium_available(), "run scripts/install-deps");
    let bytes = pdf_with_attachment(&[page()], "factur-x.xml", cii("RE-77", "119.00").as_bytes());
    let doc = parse(&bytes, "inv.pdf", &Limits::default()).expect("parses");
    assert_eq!(
        doc.pages[0].lines[0].text, "Rechnung RE-77",
        "the page is read as before"
    );
    let invoice = doc.einvoice.expect("the embedded e-invoice");
    assert_eq!(invoice.source, "factur-x.xml");
    assert_eq!(invoice.syntax, Syntax::Cii);
    assert_eq!(invoice.number.as_deref(), Some("RE-77"));
    assert_eq!(invoice.issue_date.as_deref(), Some("2025-01-02"));
    assert_eq!(invoice.seller.name.as_deref(), Some("Muster GmbH"));
    assert_eq!(invoice.totals.gross, Some(119.0));
}

#[test]
fn an_invoice_under_another_name_is_found_by_its_root_element() {
    let bytes = pdf_with_attachment(&[page()], "attachment-1.xml", cii("X-1", "5").as_bytes());
    let doc = parse(&bytes, "inv.pdf", &Limits::default()).expect("parses");
    assert_eq!(doc.einvoice.and_then(|i| i.number).as_deref(), Some("X-1"));
}

#[test]
fn other_and_broken_attachments_are_no_invoice_and_no_error() {
    for file in [
        b"<note><to>someone</to></note>".as_slice(),
        b"<rsm:CrossIndustryInvoice><broken".as_slice(),
        &[0xff, 0xfe, 0x00, 0x01, 0x02],
    ] {
        let bytes = pdf_with_attachment(&[page()], "factur-x.xml", file);
        let doc = parse(&bytes, "inv.pdf", &Limits::default()).expect("still parses");
        assert!(doc.einvoice.is_none());
        assert_eq!(doc.pages.len(), 1);
    }
}
