//! File-type detection from magic bytes first, then the file name.

use serde::{Deserialize, Serialize};

/// What kind of document a byte stream holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum FileKind {
    Pdf,
    Text,
    Csv,
    Html,
    Xml,
    Image,
    Docx,
    Excel,
    Pptx,
    Unknown,
}

impl FileKind {
    /// The Extend `FileType` enum value for this kind, if it has one.
    pub fn api_file_type(self) -> Option<&'static str> {
        Some(match self {
            FileKind::Pdf => "PDF",
            FileKind::Text => "TXT",
            FileKind::Csv => "CSV",
            FileKind::Html => "HTML",
            FileKind::Xml => "XML",
            FileKind::Image => "IMG",
            FileKind::Docx | FileKind::Pptx => "DOCX",
            FileKind::Excel => "EXCEL",
            FileKind::Unknown => return None,
        })
    }

    /// A MIME type suitable for a download response.
    pub fn mime(self) -> &'static str {
        match self {
            FileKind::Pdf => "application/pdf",
            FileKind::Text => "text/plain; charset=utf-8",
            FileKind::Csv => "text/csv",
            FileKind::Html => "text/html",
            FileKind::Xml => "application/xml",
            FileKind::Image => "application/octet-stream",
            FileKind::Docx => {
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            }
            FileKind::Excel => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            FileKind::Pptx => {
                "application/vnd.openxmlformats-officedocument.presentationml.presentation"
            }
            FileKind::Unknown => "application/octet-stream",
        }
    }
}

/// Detects the kind of `bytes`, using `file_name`'s extension to break ties.
pub fn detect_kind(bytes: &[u8], file_name: &str) -> FileKind {
    let ext = file_name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    if bytes.starts_with(b"%PDF-") || (bytes.len() < 1024 && find(bytes, b"%PDF-").is_some()) {
        return FileKind::Pdf;
    }
    if bytes.starts_with(b"\x89PNG")
        || bytes.starts_with(b"\xFF\xD8\xFF")
        || bytes.starts_with(b"GIF8")
        || bytes.starts_with(b"II*\0")
        || bytes.starts_with(b"MM\0*")
        || bytes.starts_with(b"BM")
        || (bytes.starts_with(b"RIFF") && bytes.get(8..12) == Some(b"WEBP"))
        || ((bytes.starts_with(b"P5") || bytes.starts_with(b"P6"))
            && bytes.get(2).is_some_and(u8::is_ascii_whitespace))
    {
        return FileKind::Image;
    }
    if bytes.starts_with(b"PK\x03\x04") {
        return match ext.as_str() {
            "xlsx" | "xlsm" | "xlsb" | "ods" => FileKind::Excel,
            "pptx" => FileKind::Pptx,
            "docx" => FileKind::Docx,
            // Unknown name: the entry names in the first local headers tell.
            _ => {
                let head = &bytes[..bytes.len().min(64 * 1024)];
                if find(head, b"xl/").is_some() || find(head, b"opendocument.spreadsheet").is_some()
                {
                    FileKind::Excel
                } else if find(head, b"ppt/").is_some() {
                    FileKind::Pptx
                } else {
                    FileKind::Docx
                }
            }
        };
    }
    if bytes.starts_with(b"\xD0\xCF\x11\xE0") {
        return FileKind::Excel;
    }
    if !matches!(ext.as_str(), "html" | "htm") && looks_like_xml(bytes) {
        return FileKind::Xml;
    }
    match ext.as_str() {
        "csv" | "tsv" => FileKind::Csv,
        "html" | "htm" => FileKind::Html,
        "xml" => FileKind::Xml,
        "txt" | "md" | "markdown" | "text" | "" => FileKind::Text,
        _ if std::str::from_utf8(bytes).is_ok() => FileKind::Text,
        _ => FileKind::Unknown,
    }
}

/// An XML declaration, or the root of a CII or UBL e-invoice without one,
/// at the start of the file: e-invoices are often sent without the `.xml`
/// extension (or as raw text), and must still be read as invoices.
fn looks_like_xml(bytes: &[u8]) -> bool {
    let start = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let skip = start.iter().take_while(|b| b.is_ascii_whitespace()).count();
    let start = &start[skip..];
    if start.starts_with(b"<?xml") {
        return true;
    }
    let head = &start[..start.len().min(4096)];
    start.starts_with(b"<")
        && (find(head, b"CrossIndustryInvoice").is_some()
            || find(head, b"CrossIndustryDocument").is_some()
            || find(head, b"urn:oasis:names:specification:ubl:schema:xsd:").is_some())
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_by_magic_then_extension() {
        assert_eq!(detect_kind(b"%PDF-1.7\n", "x.bin"), FileKind::Pdf);
        assert_eq!(detect_kind(b"\x89PNG\r\n", "a.txt"), FileKind::Image);
        assert_eq!(detect_kind(b"a,b\n1,2", "t.csv"), FileKind::Csv);
        assert_eq!(detect_kind(b"hello", "notes"), FileKind::Text);
        assert_eq!(
            detect_kind(b"\xEF\xBB\xBF <?xml version=\"1.0\"?><a/>", "invoice"),
            FileKind::Xml
        );
        let ubl = b"<Invoice xmlns=\"urn:oasis:names:specification:ubl:schema:xsd:Invoice-2\">";
        assert_eq!(detect_kind(ubl, "upload.txt"), FileKind::Xml);
        assert_eq!(
            detect_kind(b"<?xml version=\"1.0\"?><html/>", "page.html"),
            FileKind::Html
        );
        assert_eq!(
            detect_kind(&[0xff, 0x00, 0xfe], "blob.bin"),
            FileKind::Unknown
        );
    }
}
