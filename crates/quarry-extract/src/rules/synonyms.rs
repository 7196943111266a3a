//! The multilingual label table: what a field called `invoice_number` or
//! `total_net` is printed as on real documents in English, German, French,
//! Spanish and Dutch.
//!
//! A [`Concept`] is known by the English names a schema author gives a field
//! (`names`, compared with the field's key, `extend:name` and `title` after
//! [`words`] normalisation) and by the labels documents print for it
//! (`labels`). A field that answers to a concept's name also answers to all
//! of its labels, at a slightly lower tier than its own name, so an explicit
//! `extend:name` always wins over the table.

use super::matcher::words;

/// One kind of field and its printed labels.
pub(crate) struct Concept {
    /// A stable name for rules that treat the concept specially (`seller_name`).
    pub id: &'static str,
    /// Field names (English, as schema keys are written) that mean this
    /// concept, separated by `|`.
    pub names: &'static str,
    /// Labels printed on documents, any language, separated by `|`;
    /// compared after normalisation.
    pub labels: &'static str,
}

/// The table. Labels are lower-case; accents are kept (documents print them).
pub(crate) const CONCEPTS: &[Concept] = &[
    Concept {
        id: "invoice_number",
        names: "invoice number|invoice id|invoice|bill number|document number|\
            credit note number|receipt number",
        labels: "invoice number|invoice|invoice id|bill number|document number|\
            credit note number|credit note|receipt number|doc number|bill|reference|\
            rechnungsnummer|rechnung number|rechnungs number|rechnung|belegnummer|\
            beleg number|gutschriftsnummer|gutschriftnummer|gutschrift number|gutschrift|\
            rechnungskorrektur number|facture number|number de facture|number facture|\
            facture|avoir|avoir number|number d avoir|factura number|number de factura|\
            number factura|factura|factuurnummer|factuur number|factuur|creditnota",
    },
    // `<title> date` (`rechnung date`) is how `crate::pairs` labels the date
    // of a title line (`Rechnungskorrektur Nr. 7 vom 15.11.2024`): the
    // document's own date, stronger than a qualified `Lieferschein-Datum`.
    Concept {
        id: "invoice_date",
        names: "invoice date|issue date|date|document date|receipt date|date of issue|\
            invoice issue date",
        labels: "invoice date|date|issue date|date of issue|document date|date issued|\
            billing date|rechnungsdatum|datum|belegdatum|beleg datum|ausstellungsdatum|rechnungs datum|\
            gutschriftsdatum|date de facture|date facture|date de facturation|\
            date d émission|date d emission|date de l avoir|fecha|fecha de factura|\
            fecha factura|fecha de emisión|fecha emisión|factuurdatum|datum factuur|\
            rechnung date|rechnungskorrektur date|gutschrift date|avoir date|factura date|\
            factuur date|creditnota date|credit note date",
    },
    Concept {
        id: "due_date",
        names: "due date|payment due date|payment date",
        labels: "due date|payment due|due|pay by|fälligkeitsdatum|fällig am|fällig|zahlbar bis|\
            zahlungsziel|date d échéance|échéance|date limite de paiement|\
            fecha de vencimiento|vencimiento|vervaldatum|uiterste betaaldatum",
    },
    Concept {
        id: "seller_name",
        names: "seller name|seller|vendor name|vendor|supplier name|supplier|merchant name|\
            merchant|company name|company|issuer|store name",
        labels: "seller|vendor|supplier|from|merchant|issuer|sold by|verkäufer|lieferant|\
            rechnungssteller|rechnungsersteller|leistungserbringer|auftragnehmer|vendeur|fournisseur|émetteur|\
            prestataire|vendedor|proveedor|emisor|verkoper|leverancier",
    },
    Concept {
        id: "buyer_name",
        names: "buyer name|buyer|customer name|customer|client name|client|recipient|bill to|\
            sold to",
        labels: "buyer|customer|client|bill to|billed to|invoice to|sold to|recipient|\
            invoice address|käufer|kunde|rechnungsempfänger|empfänger|rechnungsadresse|\
            auftraggeber|leistungsempfänger|acheteur|destinataire|facturé à|\
            adresse de facturation|comprador|cliente|facturar a|destinatario|koper|klant|\
            factuuradres",
    },
    Concept {
        id: "currency",
        names: "currency|currency code|invoice currency",
        labels: "currency|währung|devise|monnaie|moneda|divisa|valuta",
    },
    Concept {
        id: "total_net",
        names: "total net|net total|net amount|subtotal|sub total|total before tax|tax basis|\
            total excluding tax|net",
        labels: "net total|total net|net amount|subtotal|sub total|total before tax|\
            total excl vat|total excl tax|amount excl vat|total excluding vat|net|tax basis|\
            taxable amount|nettobetrag|summe netto|netto|gesamt netto|gesamtbetrag netto|\
            zwischensumme|warenwert|nettosumme|rechnungsbetrag netto|rechnungssumme ohne ust|\
            summe ohne ust|gesamtbetrag ohne ust|betrag ohne ust|netto summe|steuerbasis|total ht|montant ht|total hors taxes|\
            montant hors taxes|sous total|base ht|base imponible|subtotal|total sin iva|\
            importe neto|subtotaal|totaal excl btw|netto bedrag|bedrag excl btw",
    },
    Concept {
        id: "total_tax",
        names: "total tax|tax|tax amount|vat|vat amount|sales tax|gst|tax total",
        labels: "tax|vat|total tax|tax amount|vat amount|sales tax|gst|total vat|mwst|ust|\
            umsatzsteuer|mehrwertsteuer|steuerbetrag|summe ust|summe mwst|mwst betrag|\
            ust betrag|steuer|gesamt ust|umsatzsteuerbetrag|tva|montant tva|total tva|iva|\
            cuota iva|total iva|importe iva|btw|btw bedrag|totaal btw",
    },
    Concept {
        id: "vat_rate",
        names: "vat rate|tax rate|vat percent|vat percentage|tax percent|tax percentage|\
            gst rate|sales tax rate",
        labels: "vat rate|tax rate|mwst satz|ust satz|steuersatz|mehrwertsteuersatz|\
            taux de tva|taux tva|tipo iva|tipo de iva|btw tarief|btw percentage",
    },
    Concept {
        id: "total_gross",
        names: "total gross|gross total|grand total|total|total amount|invoice total|\
            gross amount|total including tax|amount total",
        labels: "total|grand total|total amount|invoice total|gross amount|total gross|\
            gross total|total incl vat|total including vat|total incl tax|amount|\
            total price|gesamtbetrag|bruttobetrag|summe brutto|gesamtsumme|rechnungsbetrag|\
            endbetrag|brutto|gesamt brutto|gesamtbetrag brutto|rechnungsbetrag brutto|\
            bruttosumme|gesamt|summe|rechnungssumme|gesamtpreis|total ttc|montant ttc|\
            total facture|montant total|total factura|importe total|total con iva|totaal|\
            totaal incl btw|totaalbedrag|eindtotaal",
    },
    Concept {
        id: "due_payable",
        names: "due payable|amount due|balance due|payable amount|amount payable|due amount|\
            total due",
        labels: "amount due|balance due|total due|due|amount payable|to pay|payable|balance|\
            residual|residual amount|remaining amount|amount outstanding|outstanding amount|\
            zahlbetrag|zu zahlen|zahlbarer betrag|offener betrag|fälliger betrag|\
            zu zahlender betrag|noch zu zahlen|restbetrag|forderung|net à payer|montant dû|\
            à payer|reste à payer|montant à payer|net a payer|reste a payer|montant a payer|a pagar|total a pagar|importe a pagar|\
            te betalen|openstaand bedrag|totaal te betalen",
    },
    Concept {
        id: "description",
        names: "description|item|product|name|product name|item name|article|service|\
            booking text|details",
        labels: "description|item|product|article|service|details|item description|particulars|\
            bezeichnung|beschreibung|artikel|artikelbezeichnung|leistung|produkt|position|\
            leistungsbeschreibung|artikelbeschreibung|text|buchungstext|verwendungszweck|artikelname|\
            désignation|libellé|description|produit|prestation|descripción|concepto|\
            artículo|producto|omschrijving|product|artikel",
    },
    Concept {
        id: "quantity",
        names: "quantity|qty|billed quantity|units|count",
        labels: "quantity|qty|units|count|pcs|quantity billed|menge|anzahl|stück|stk|anz|\
            quantité|qté|nombre|cantidad|cant|uds|unidades|aantal|hoeveelheid",
    },
    Concept {
        id: "unit_price",
        names: "unit price|price|rate|price per unit|net unit price|unit cost",
        labels: "unit price|price|rate|unit cost|price per unit|each|einzelpreis|preis|e preis|nettopreis|netto preis|preis einheit|\
            stückpreis|einheitspreis|preis je einheit|ep|netto einzelpreis|\
            einzelpreis netto|preis netto|prix unitaire|pu|prix|prix unitaire ht|pu ht|\
            precio unitario|precio|precio unidad|prijs|stukprijs|eenheidsprijs|\
            prijs per stuk",
    },
    Concept {
        id: "line_total",
        names: "line total|amount|line amount|total price|net amount|line net amount|total",
        labels: "amount|total|line total|total price|net amount|sum|betrag|gesamt|gesamtpreis|entgelt|\
            summe|nettobetrag|gesamtbetrag|positionsbetrag|netto|wert|montant|total ht|montant ht|\
            prix total|importe|total|importe neto|bedrag|totaal|regeltotaal",
    },
    Concept {
        id: "account_holder",
        names: "account holder|holder|account name|account owner",
        labels: "account holder|holder|account name|account owner|name|kontoinhaber|inhaber|\
            titulaire|titulaire du compte|titular|rekeninghouder",
    },
    Concept {
        id: "iban",
        names: "iban|account number|bank account",
        labels: "iban|account number|account|kontonummer|konto|numéro de compte|cuenta|\
            rekeningnummer|rekening",
    },
    Concept {
        id: "closing_balance",
        names: "closing balance|ending balance|final balance|balance",
        labels: "closing balance|ending balance|final balance|new balance|balance|schlusssaldo|\
            endsaldo|neuer saldo|kontostand|saldo|solde final|nouveau solde|solde|\
            saldo final|eindsaldo|nieuw saldo",
    },
    Concept {
        id: "period_start",
        names: "period start|start date|from date|period from",
        labels: "period|statement period|from|zeitraum|période|periodo|periode",
    },
    Concept {
        id: "period_end",
        names: "period end|end date|to date|period to",
        labels: "period|statement period|to|zeitraum|période|periodo|periode",
    },
    // The airing period of a media order (a flight), printed as one range.
    Concept {
        id: "flight_start",
        names: "flight start|flight start date|campaign start|campaign start date|air date start|\
            start of flight",
        labels: "flight|flight dates|flight date|order flight|contract dates|schedule dates|\
            air dates|airing dates|campaign dates|campaign period|run dates|broadcast dates|\
            flight start|kampagnenzeitraum|période de diffusion|periodo de emisión",
    },
    Concept {
        id: "flight_end",
        names: "flight end|flight end date|campaign end|campaign end date|air date end|\
            end of flight",
        labels: "flight|flight dates|flight date|order flight|contract dates|schedule dates|\
            air dates|airing dates|campaign dates|campaign period|run dates|broadcast dates|\
            flight end|kampagnenzeitraum|période de diffusion|periodo de emisión",
    },
    // The number of an order or contract (media buys, purchase contracts).
    // An invoice against the order prints its own number first.
    Concept {
        id: "contract_number",
        names: "contract number|order number|contract id|order id|agreement number|contract no",
        labels: "contract number|contract|contract revision|contract rev|order number|order|\
            order rev|order revision|invoice number|agreement number|vertragsnummer|\
            auftragsnummer|numéro de contrat|numéro de commande|número de contrato|\
            número de pedido|contractnummer|ordernummer",
    },
    // Who buys the airtime or space of a media order.
    Concept {
        id: "advertiser",
        names: "advertiser|advertiser name|sponsor",
        labels: "advertiser|advertiser name|sponsor|paid for by|werbetreibender|\
            werbekunde|annonceur|anunciante|adverteerder",
    },
    Concept {
        id: "address",
        names: "address|merchant address|company address|seller address|vendor address|\
            store address|shop address|restaurant address",
        labels: "address|adresse|anschrift|dirección|adres",
    },
    Concept {
        id: "vat_id",
        names: "vat id|tax id|vat number|tax number|vat registration number|gst id",
        labels: "vat id|vat number|vat no|tax id|tax number|vat reg number|gst id|gst reg number|\
            tin|ust id|ust idnr|ustid|ust id number|steuernummer|umsatzsteuer id|\
            steuer number|tva intracommunautaire|number tva|numéro de tva|siret|nif|cif|\
            número de iva|btw number|btw nummer|btw id",
    },
    // Clauses of agreements, read from running text by `super::clauses`;
    // the labels serve forms and cover sheets that print them.
    Concept {
        id: "governing_law",
        names: "governing law|jurisdiction|applicable law|choice of law|governing jurisdiction|\
            law|governing law jurisdiction",
        labels: "governing law|applicable law|choice of law|jurisdiction|anwendbares recht|\
            rechtswahl|droit applicable|loi applicable|ley aplicable|legislación aplicable|\
            toepasselijk recht",
    },
    Concept {
        id: "effective_date",
        names: "effective date|commencement date|agreement date|contract date|date of agreement|\
            effective from",
        labels: "effective date|commencement date|date of agreement|agreement date|\
            datum des inkrafttretens|inkrafttreten|date d effet|date d entrée en vigueur|\
            fecha de entrada en vigor|fecha efectiva|ingangsdatum",
    },
    Concept {
        id: "parties",
        names: "party|parties|contracting party|contracting parties|counterparty|\
            counterparties|party name|party names|parties to the agreement",
        labels: "parties|contracting parties|vertragsparteien|parteien|parties contractantes|\
            partes|partijen",
    },
    Concept {
        id: "contract_term",
        names: "term|duration|agreement term|contract term|term of agreement|\
            term of the agreement|contract duration|agreement duration",
        labels: "term|duration|contract term|term of agreement|laufzeit|vertragslaufzeit|\
            vertragsdauer|durée|durée du contrat|duración|looptijd",
    },
    Concept {
        id: "time",
        names: "time|transaction time|purchase time|receipt time|time of purchase|order time|\
            time of sale|sale time",
        labels: "time|zeit|uhrzeit|heure|hora|tijd|ora",
    },
    Concept {
        id: "phone",
        names: "phone|phone number|telephone|tel",
        labels: "phone|telephone|tel|mobile|telefon|fon|téléphone|teléfono|telefoon",
    },
];

/// Label word lists for a field known by `variants` (its normalized names),
/// and the ids of the concepts they came from.
pub(crate) fn labels_for(variants: &[Vec<String>]) -> (Vec<Vec<String>>, Vec<&'static str>) {
    let mut out: Vec<Vec<String>> = Vec::new();
    let mut ids = Vec::new();
    for concept in CONCEPTS {
        let named = concept
            .names
            .split('|')
            .map(words)
            .any(|n| variants.contains(&n));
        if !named {
            continue;
        }
        ids.push(concept.id);
        for label in concept.labels.split('|') {
            let w = words(label);
            if !w.is_empty() && !out.contains(&w) && !variants.contains(&w) {
                out.push(w);
            }
        }
    }
    (out, ids)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn has(field: &str, label: &str) -> bool {
        let names = super::super::matcher::FieldNames::of(field, &serde_json::json!({}));
        names.score(&words(label)) >= super::super::matcher::SYNONYM
    }

    #[test]
    fn invoice_fields_know_their_labels_in_five_languages() {
        for label in [
            "Rechnungsnummer",
            "N° de facture",
            "Número de factura",
            "Factuurnummer",
            "Invoice No.",
        ] {
            assert!(has("invoice_number", label), "{label}");
        }
        for label in [
            "Rechnungsdatum",
            "Date de facture",
            "Fecha de emisión",
            "Factuurdatum",
            "Beleg-Datum",
        ] {
            assert!(has("invoice_date", label), "{label}");
        }
        for label in [
            "Gesamtbetrag",
            "Total TTC",
            "Importe total",
            "Totaal incl. BTW",
        ] {
            assert!(has("total_gross", label), "{label}");
        }
        for label in ["MwSt.", "TVA", "IVA", "BTW"] {
            assert!(has("total_tax", label), "{label}");
        }
        assert!(has("due_payable", "Zahlbetrag"));
        assert!(has("due_payable", "NET A PAYER"));
        assert!(has("due_payable", "Residual"));
        assert!(has("seller_name", "Rechnungsersteller"));
        assert!(has("quantity", "Menge"));
        assert!(has("unit_price", "Prix unitaire"));
    }

    #[test]
    fn unknown_fields_get_no_synonyms() {
        assert!(labels_for(&[words("favourite_colour")]).0.is_empty());
    }
}
