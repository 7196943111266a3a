//! CII: the UN/CEFACT Cross Industry Invoice of Factur-X, ZUGFeRD 2.x and
//! XRechnung, and ZUGFeRD 1.0's CrossIndustryDocument. The two generations
//! name the same terms along different paths (`ApplicableHeaderTradeSettlement`
//! vs `ApplicableSupplyChainTradeSettlement`), so every path lists both.

use super::tree::Element;
use super::{EInvoice, Line, Party, Syntax, Totals, decimal, iso_date, joined};

const DOCUMENT: &str = "ExchangedDocument|HeaderExchangedDocument";
const TRANSACTION: &str = "SupplyChainTradeTransaction|SpecifiedSupplyChainTradeTransaction";
const AGREEMENT: &str = "ApplicableHeaderTradeAgreement|ApplicableSupplyChainTradeAgreement";
const SETTLEMENT: &str = "ApplicableHeaderTradeSettlement|ApplicableSupplyChainTradeSettlement";
const HEADER_SUM: &str =
    "SpecifiedTradeSettlementHeaderMonetarySummation|SpecifiedTradeSettlementMonetarySummation";
const LINE_AGREEMENT: &str = "SpecifiedLineTradeAgreement|SpecifiedSupplyChainTradeAgreement";
const LINE_DELIVERY: &str = "SpecifiedLineTradeDelivery|SpecifiedSupplyChainTradeDelivery";
const LINE_SETTLEMENT: &str = "SpecifiedLineTradeSettlement|SpecifiedSupplyChainTradeSettlement";
const LINE_SUM: &str =
    "SpecifiedTradeSettlementLineMonetarySummation|SpecifiedTradeSettlementMonetarySummation";

pub(super) fn read(source: &str, root: &Element) -> EInvoice {
    let doc = root.at(&[DOCUMENT]);
    let transaction = root.at(&[TRANSACTION]);
    let agreement = transaction.and_then(|t| t.at(&[AGREEMENT]));
    let settlement = transaction.and_then(|t| t.at(&[SETTLEMENT]));
    let text = |node: Option<&Element>, path: &[&str]| node.and_then(|n| n.text_at(path));
    let currency = text(settlement, &["InvoiceCurrencyCode"]);
    let sums = settlement.and_then(|s| s.at(&[HEADER_SUM]));
    let amount = |name: &str| decimal(text(sums, &[name]));
    EInvoice {
        source: source.to_string(),
        syntax: Syntax::Cii,
        number: text(doc, &["ID"]),
        type_code: text(doc, &["TypeCode"]),
        issue_date: iso_date(text(doc, &["IssueDateTime", "DateTimeString"])),
        due_date: iso_date(text(
            settlement,
            &[
                "SpecifiedTradePaymentTerms",
                "DueDateDateTime",
                "DateTimeString",
            ],
        )),
        seller: party(agreement.and_then(|a| a.child("SellerTradeParty"))),
        buyer: party(agreement.and_then(|a| a.child("BuyerTradeParty"))),
        iban: text(
            settlement,
            &[
                "SpecifiedTradeSettlementPaymentMeans",
                "PayeePartyCreditorFinancialAccount",
                "IBANID",
            ],
        ),
        vat_rate: decimal(text(
            settlement,
            &[
                "ApplicableTradeTax",
                "RateApplicablePercent|ApplicablePercent",
            ],
        )),
        totals: Totals {
            line_net: amount("LineTotalAmount"),
            net: amount("TaxBasisTotalAmount"),
            tax: tax_total(sums, currency.as_deref()),
            gross: amount("GrandTotalAmount"),
            prepaid: amount("TotalPrepaidAmount"),
            due: amount("DuePayableAmount"),
        },
        lines: transaction
            .map(|t| t.find_all("IncludedSupplyChainTradeLineItem"))
            .unwrap_or_default()
            .into_iter()
            .map(line)
            .collect(),
        currency,
    }
}

/// BT-110: the `TaxTotalAmount` in the invoice currency (a second one may
/// give the VAT in the accounting currency, BT-111).
fn tax_total(sums: Option<&Element>, currency: Option<&str>) -> Option<f64> {
    let totals: Vec<&Element> = sums?
        .children
        .iter()
        .filter(|c| c.name == "TaxTotalAmount")
        .collect();
    let chosen = totals
        .iter()
        .find(|t| currency.is_some() && t.attr("currencyID") == currency)
        .or_else(|| totals.first())?;
    decimal(Some(chosen.text.clone()))
}

fn party(node: Option<&Element>) -> Party {
    let Some(node) = node else {
        return Party::default();
    };
    let vat_id = node
        .children
        .iter()
        .filter(|c| c.name == "SpecifiedTaxRegistration")
        .filter_map(|r| r.child("ID"))
        .find(|id| id.attr("schemeID") == Some("VA"))
        .and_then(|id| Some(id.text.trim().to_string()).filter(|t| !t.is_empty()));
    let address = node.child("PostalTradeAddress");
    let line = |name: &str| address.and_then(|a| a.text_at(&[name]));
    let city = joined(&[line("PostcodeCode"), line("CityName")]).map(|c| c.replace(", ", " "));
    Party {
        name: node.text_at(&["Name"]),
        vat_id,
        address: joined(&[line("LineOne"), line("LineTwo"), city]),
    }
}

fn line(item: &Element) -> Line {
    let agreement = item.at(&[LINE_AGREEMENT]);
    let price = |kind: &str| decimal(agreement.and_then(|a| a.text_at(&[kind, "ChargeAmount"])));
    Line {
        name: item.text_at(&["SpecifiedTradeProduct", "Name"]),
        quantity: decimal(item.text_at(&[LINE_DELIVERY, "BilledQuantity"])),
        net_price: price("NetPriceProductTradePrice"),
        gross_price: price("GrossPriceProductTradePrice"),
        line_total: decimal(item.text_at(&[LINE_SETTLEMENT, LINE_SUM, "LineTotalAmount"])),
    }
}

#[cfg(test)]
mod tests {
    use super::super::read;

    const FACTUR_X: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<rsm:CrossIndustryInvoice xmlns:rsm="urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"
  xmlns:ram="urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"
  xmlns:udt="urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100">
 <rsm:ExchangedDocument><ram:ID>FX-2024-17</ram:ID><ram:TypeCode>380</ram:TypeCode>
  <ram:IssueDateTime><udt:DateTimeString format="102">20240305</udt:DateTimeString></ram:IssueDateTime>
 </rsm:ExchangedDocument>
 <rsm:SupplyChainTradeTransaction>
  <ram:IncludedSupplyChainTradeLineItem>
   <ram:SpecifiedTradeProduct><ram:Name>Widget</ram:Name></ram:SpecifiedTradeProduct>
   <ram:SpecifiedLineTradeAgreement><ram:NetPriceProductTradePrice><ram:ChargeAmount>10.00</ram:ChargeAmount></ram:NetPriceProductTradePrice></ram:SpecifiedLineTradeAgreement>
   <ram:SpecifiedLineTradeDelivery><ram:BilledQuantity unitCode="C62">3</ram:BilledQuantity></ram:SpecifiedLineTradeDelivery>
   <ram:SpecifiedLineTradeSettlement><ram:SpecifiedTradeSettlementLineMonetarySummation><ram:LineTotalAmount>30.00</ram:LineTotalAmount></ram:SpecifiedTradeSettlementLineMonetarySummation></ram:SpecifiedLineTradeSettlement>
  </ram:IncludedSupplyChainTradeLineItem>
  <ram:ApplicableHeaderTradeAgreement>
   <ram:SellerTradeParty><ram:Name>Lieferant GmbH</ram:Name>
    <ram:PostalTradeAddress><ram:PostcodeCode>80333</ram:PostcodeCode><ram:LineOne>Hauptstr. 1</ram:LineOne><ram:CityName>München</ram:CityName></ram:PostalTradeAddress>
    <ram:SpecifiedTaxRegistration><ram:ID schemeID="FC">201/113/40209</ram:ID></ram:SpecifiedTaxRegistration>
    <ram:SpecifiedTaxRegistration><ram:ID schemeID="VA">DE123456789</ram:ID></ram:SpecifiedTaxRegistration>
   </ram:SellerTradeParty>
   <ram:BuyerTradeParty><ram:Name>Kunde AG</ram:Name></ram:BuyerTradeParty>
  </ram:ApplicableHeaderTradeAgreement>
  <ram:ApplicableHeaderTradeSettlement><ram:InvoiceCurrencyCode>EUR</ram:InvoiceCurrencyCode>
   <ram:ApplicableTradeTax><ram:RateApplicablePercent>19.00</ram:RateApplicablePercent></ram:ApplicableTradeTax>
   <ram:SpecifiedTradeSettlementHeaderMonetarySummation>
    <ram:LineTotalAmount>30.00</ram:LineTotalAmount><ram:TaxBasisTotalAmount>30.00</ram:TaxBasisTotalAmount>
    <ram:TaxTotalAmount currencyID="USD">6.00</ram:TaxTotalAmount><ram:TaxTotalAmount currencyID="EUR">5.70</ram:TaxTotalAmount>
    <ram:GrandTotalAmount>35.70</ram:GrandTotalAmount><ram:DuePayableAmount>35.70</ram:DuePayableAmount>
   </ram:SpecifiedTradeSettlementHeaderMonetarySummation>
  </ram:ApplicableHeaderTradeSettlement>
 </rsm:SupplyChainTradeTransaction>
</rsm:CrossIndustryInvoice>"#;

    #[test]
    fn reads_the_business_terms_of_a_factur_x_invoice() {
        let inv = read("factur-x.xml", FACTUR_X).expect("a CII invoice");
        assert_eq!(inv.number.as_deref(), Some("FX-2024-17"));
        assert_eq!(inv.issue_date.as_deref(), Some("2024-03-05"));
        assert_eq!(inv.currency.as_deref(), Some("EUR"));
        assert_eq!(inv.seller.name.as_deref(), Some("Lieferant GmbH"));
        assert_eq!(inv.seller.vat_id.as_deref(), Some("DE123456789"));
        assert_eq!(
            inv.seller.address.as_deref(),
            Some("Hauptstr. 1, 80333 München")
        );
        assert_eq!(inv.buyer.name.as_deref(), Some("Kunde AG"));
        assert_eq!(inv.totals.tax, Some(5.7), "the VAT in the invoice currency");
        assert_eq!(inv.totals.gross, Some(35.7));
        assert_eq!(inv.vat_rate, Some(19.0));
        assert_eq!(inv.lines.len(), 1);
        assert_eq!(inv.lines[0].quantity, Some(3.0));
        assert_eq!(inv.lines[0].net_price, Some(10.0));
        assert_eq!(inv.lines[0].line_total, Some(30.0));
    }

    #[test]
    fn reads_zugferd_1_paths() {
        let xml = r#"<rsm:CrossIndustryDocument xmlns:rsm="urn:ferd:CrossIndustryDocument:invoice:1p0" xmlns:ram="urn:r" xmlns:udt="urn:u">
 <rsm:HeaderExchangedDocument><ram:ID>471102</ram:ID><ram:IssueDateTime><udt:DateTimeString format="102">20130305</udt:DateTimeString></ram:IssueDateTime></rsm:HeaderExchangedDocument>
 <rsm:SpecifiedSupplyChainTradeTransaction>
  <ram:ApplicableSupplyChainTradeAgreement><ram:SellerTradeParty><ram:Name>Seller</ram:Name></ram:SellerTradeParty></ram:ApplicableSupplyChainTradeAgreement>
  <ram:ApplicableSupplyChainTradeSettlement><ram:InvoiceCurrencyCode>EUR</ram:InvoiceCurrencyCode>
   <ram:ApplicableTradeTax><ram:ApplicablePercent>7</ram:ApplicablePercent></ram:ApplicableTradeTax>
   <ram:SpecifiedTradeSettlementMonetarySummation><ram:GrandTotalAmount currencyID="EUR">529.87</ram:GrandTotalAmount></ram:SpecifiedTradeSettlementMonetarySummation>
  </ram:ApplicableSupplyChainTradeSettlement>
  <ram:IncludedSupplyChainTradeLineItem>
   <ram:SpecifiedSupplyChainTradeDelivery><ram:BilledQuantity unitCode="C62">20</ram:BilledQuantity></ram:SpecifiedSupplyChainTradeDelivery>
   <ram:SpecifiedSupplyChainTradeSettlement><ram:SpecifiedTradeSettlementMonetarySummation><ram:LineTotalAmount>198.00</ram:LineTotalAmount></ram:SpecifiedTradeSettlementMonetarySummation></ram:SpecifiedSupplyChainTradeSettlement>
   <ram:SpecifiedTradeProduct><ram:Name>Trennblätter</ram:Name></ram:SpecifiedTradeProduct>
  </ram:IncludedSupplyChainTradeLineItem>
 </rsm:SpecifiedSupplyChainTradeTransaction>
</rsm:CrossIndustryDocument>"#;
        let inv = read("ZUGFeRD-invoice.xml", xml).expect("a ZUGFeRD 1.0 invoice");
        assert_eq!(inv.number.as_deref(), Some("471102"));
        assert_eq!(inv.issue_date.as_deref(), Some("2013-03-05"));
        assert_eq!(inv.seller.name.as_deref(), Some("Seller"));
        assert_eq!(inv.totals.gross, Some(529.87));
        assert_eq!(inv.vat_rate, Some(7.0));
        assert_eq!(inv.lines[0].name.as_deref(), Some("Trennblätter"));
        assert_eq!(inv.lines[0].line_total, Some(198.0));
    }
}
