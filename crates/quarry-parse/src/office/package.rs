//! Zip containers (DOCX, PPTX, XLSX, ODS) under a decompressed-size budget.
//!
//! A zip's declared sizes can lie, so the guard does not trust them: before
//! any parser sees the archive, every entry is inflated into a counting sink
//! that stops at the budget. Decompression is cheap next to parsing, and this
//! is what makes a 40 KB file that inflates to 40 GB a typed error instead of
//! an out-of-memory kill.

use std::io::{Cursor, Read, Write};

use zip::ZipArchive;

use crate::ParseError;
use crate::xml::{Node, attr, walk};

/// One `<Relationship>` of a part's `.rels` file.
pub(crate) struct Relationship {
    pub id: String,
    /// The relationship type URI (`…/relationships/header`).
    pub kind: String,
    /// The package path it points at.
    pub path: String,
}

/// Most entries a package may have (each costs a central-directory record).
const MAX_ENTRIES: usize = 50_000;

/// An opened package whose total decompressed size is within the budget.
pub(crate) struct Package<'a> {
    archive: ZipArchive<Cursor<&'a [u8]>>,
}

impl<'a> Package<'a> {
    /// Opens `bytes` and checks the real decompressed size against `limit`.
    pub(crate) fn open(bytes: &'a [u8], limit: u64) -> Result<Self, ParseError> {
        let mut archive = ZipArchive::new(Cursor::new(bytes))
            .map_err(|e| ParseError::Corrupt(format!("not a readable zip package: {e}")))?;
        if archive.len() > MAX_ENTRIES {
            return Err(ParseError::Corrupt(format!(
                "zip package has {} entries, above {MAX_ENTRIES}",
                archive.len()
            )));
        }
        let mut sink = Budget { left: limit };
        for i in 0..archive.len() {
            let mut entry = archive.by_index(i).map_err(zip_error)?;
            if entry.encrypted() {
                return Err(ParseError::PasswordProtected);
            }
            std::io::copy(&mut entry, &mut sink).map_err(|e| {
                if sink.left == 0 {
                    ParseError::TooLargeDecompressed { limit }
                } else {
                    ParseError::Corrupt(format!("zip entry could not be inflated: {e}"))
                }
            })?;
        }
        Ok(Self { archive })
    }

    /// The entry names, in archive order.
    pub(crate) fn names(&self) -> Vec<String> {
        self.archive
            .file_names()
            .filter_map(|n| n.ok().map(|n| n.into_owned()))
            .collect()
    }

    /// The bytes of entry `name`, or `None` when it is absent.
    pub(crate) fn read(&mut self, name: &str) -> Result<Option<Vec<u8>>, ParseError> {
        let mut entry = match self.archive.by_name(name) {
            Ok(e) => e,
            Err(zip::result::ZipError::FileNotFound) => return Ok(None),
            Err(e) => return Err(zip_error(e)),
        };
        let mut out = Vec::new();
        entry
            .read_to_end(&mut out)
            .map_err(|e| ParseError::Corrupt(format!("zip entry {name} could not be read: {e}")))?;
        Ok(Some(out))
    }

    /// The relationships in `rels` (such as `word/_rels/document.xml.rels`),
    /// their targets resolved against the folder `base` (`word`); a target
    /// starting with `/` is already a package path. Absent file: none.
    pub(crate) fn relationships(
        &mut self,
        rels: &str,
        base: &str,
    ) -> Result<Vec<Relationship>, ParseError> {
        let Some(xml) = self.read(rels)? else {
            return Ok(Vec::new());
        };
        let mut out = Vec::new();
        walk(&String::from_utf8_lossy(&xml), |node| {
            if let Node::Open("Relationship", e) = node
                && let (Some(id), Some(kind), Some(target)) =
                    (attr(e, "Id"), attr(e, "Type"), attr(e, "Target"))
            {
                let path = match target.strip_prefix('/') {
                    Some(absolute) => absolute.to_string(),
                    None => resolve(base, &target),
                };
                out.push(Relationship { id, kind, path });
            }
            Ok(())
        })?;
        Ok(out)
    }
}

/// `target` relative to the folder `base`, with `.` and `..` steps taken
/// (`ppt/slides` + `../media/image1.png` = `ppt/media/image1.png`), so the
/// result names a package entry.
fn resolve(base: &str, target: &str) -> String {
    let mut parts: Vec<&str> = base.split('/').filter(|p| !p.is_empty()).collect();
    for step in target.split('/') {
        match step {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            name => parts.push(name),
        }
    }
    parts.join("/")
}

fn zip_error(e: zip::result::ZipError) -> ParseError {
    match e {
        zip::result::ZipError::UnsupportedArchive(msg) if msg.contains("assword") => {
            ParseError::PasswordProtected
        }
        other => ParseError::Corrupt(format!("zip package: {other}")),
    }
}

/// A writer that accepts at most `left` bytes, then fails.
struct Budget {
    left: u64,
}

impl Write for Budget {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = buf.len() as u64;
        if n > self.left {
            self.left = 0;
            return Err(std::io::Error::other("decompressed-size budget exceeded"));
        }
        self.left -= n;
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use zip::write::SimpleFileOptions;

    fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
        let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
        for (name, data) in entries {
            w.start_file(*name, SimpleFileOptions::default())
                .expect("start");
            w.write_all(data).expect("write");
        }
        w.finish().expect("finish").into_inner()
    }

    #[test]
    fn inflating_past_the_budget_is_a_typed_error() {
        let big = vec![b'a'; 1 << 20];
        let bytes = zip_of(&[("a.xml", &big)]);
        assert!(bytes.len() < 10_000, "deflate squeezes the zeros");
        let err = Package::open(&bytes, 64 * 1024).err().expect("over budget");
        assert!(
            matches!(err, ParseError::TooLargeDecompressed { .. }),
            "{err:?}"
        );
        let mut ok = Package::open(&bytes, 2 << 20).expect("within budget");
        assert_eq!(
            ok.read("a.xml").expect("read").map(|v| v.len()),
            Some(1 << 20)
        );
        assert_eq!(ok.read("missing").expect("read"), None);
    }

    #[test]
    fn relative_targets_resolve_to_package_paths() {
        assert_eq!(
            resolve("ppt/slides", "../media/image1.png"),
            "ppt/media/image1.png"
        );
        assert_eq!(resolve("word", "./header1.xml"), "word/header1.xml");
        assert_eq!(resolve("word", "media/a.png"), "word/media/a.png");
    }

    #[test]
    fn non_zip_is_corrupt() {
        let err = Package::open(b"PK\x03\x04garbage", 1 << 20)
            .err()
            .expect("bad");
        assert!(matches!(err, ParseError::Corrupt(_)));
    }
}
