//! `cargo run -p quarry-parse --example parse -- FILE [--lines]`: prints a
//! file's markdown (or its reading-order lines with boxes), for eyeballing
//! parser output on real documents.

use quarry_parse::{Limits, parse};

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(path) = args.next() else {
        eprintln!("usage: parse FILE [--lines]");
        std::process::exit(2);
    };
    let lines = args.next().as_deref() == Some("--lines");
    let bytes = match std::fs::read(&path) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("{path}: {e}");
            std::process::exit(1);
        }
    };
    match parse(&bytes, &path, &Limits::default()) {
        Ok(doc) if lines => {
            for page in &doc.pages {
                println!(
                    "--- page {} ({} x {})",
                    page.number, page.width, page.height
                );
                for l in &page.lines {
                    let b = l.bbox;
                    println!(
                        "[{:>6.1} {:>6.1} {:>6.1} {:>6.1}] {}",
                        b.left, b.top, b.right, b.bottom, l.text
                    );
                }
            }
        }
        Ok(doc) => println!("{}", doc.markdown()),
        Err(e) => {
            eprintln!("{path}: {e}");
            std::process::exit(1);
        }
    }
}
