//! Office Open XML and OpenDocument formats. Every zip-based file is opened
//! through [`package::Package`], which enforces the decompressed-size cap
//! before any XML is parsed.

mod docx;
mod hidden;
mod package;
mod pptx;
mod sheet;

pub(crate) use docx::parse_docx;
pub(crate) use pptx::parse_pptx;
pub(crate) use sheet::parse_sheets;
pub use sheet::{SheetOptions, SheetSelection};
