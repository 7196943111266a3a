//! One module per `quarry` subcommand that does not need the server:
//! `parse` (print a file as markdown, spatial text or JSON) and `bench`
//! (throughput and quality against the tools users compare us with).

pub mod bench;
pub mod parse;
pub mod spatial;
