//! Fixture builders: every test document is generated here, never copied
//! from a corpus, so the tests say exactly what they feed the parser.
#![allow(dead_code)]

pub mod office;
pub mod pdf;
