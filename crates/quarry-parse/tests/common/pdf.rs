//! Minimal PDFs built with lopdf: Helvetica text at given positions, an
//! optional `/Rotate`, and optional RC4 encryption.

use lopdf::content::{Content, Operation};
use lopdf::{
    Document, EncryptionState, EncryptionVersion, Object, Permissions, Stream, dictionary,
};

/// One text run: x, y (PDF user space, bottom-left origin), font size, text.
pub type Run = (f64, f64, f64, String);

/// A stroked straight line: x0, y0, x1, y1 in PDF user space.
pub type Stroke = (f64, f64, f64, f64);

/// An image drawn at x, y (bottom-left corner, user space), width, height.
pub type Picture = (f64, f64, f64, f64);

/// One page: 612×792 with `rotate` degrees, text runs and stroked lines.
/// With `upright_when_rotated`, runs are drawn turned 90° counter-clockwise,
/// the way a landscape page with `/Rotate 90` carries its text.
pub struct PageSpec {
    pub rotate: i64,
    pub runs: Vec<Run>,
    pub upright_when_rotated: bool,
    pub strokes: Vec<Stroke>,
    pub pictures: Vec<Picture>,
}

impl PageSpec {
    pub fn new(runs: Vec<Run>) -> Self {
        Self {
            rotate: 0,
            runs,
            upright_when_rotated: false,
            strokes: Vec::new(),
            pictures: Vec::new(),
        }
    }
}

pub fn run(x: f64, y: f64, size: f64, text: &str) -> Run {
    (x, y, size, text.to_string())
}

fn build(pages: &[PageSpec]) -> Document {
    let mut doc = Document::with_version("1.5");
    let pages_id = doc.new_object_id();
    let font_id = doc.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica",
        "Encoding" => "WinAnsiEncoding",
    });
    // A 2×2 gray checker, stretched to each picture's box.
    let mut picture = Stream::new(
        dictionary! {
            "Type" => "XObject", "Subtype" => "Image", "Width" => 2, "Height" => 2,
            "ColorSpace" => "DeviceGray", "BitsPerComponent" => 8,
        },
        vec![0, 255, 255, 0],
    );
    let _ = picture.compress();
    let picture_id = doc.add_object(picture);
    let resources_id = doc.add_object(dictionary! {
        "Font" => dictionary! { "F1" => font_id },
        "XObject" => dictionary! { "Im1" => picture_id },
    });
    let mut kids = Vec::new();
    for spec in pages {
        let mut ops = Vec::new();
        for (x0, y0, x1, y1) in &spec.strokes {
            ops.push(Operation::new("m", vec![(*x0).into(), (*y0).into()]));
            ops.push(Operation::new("l", vec![(*x1).into(), (*y1).into()]));
            ops.push(Operation::new("S", vec![]));
        }
        for (x, y, w, h) in &spec.pictures {
            let m: Vec<Object> = [*w, 0.0, 0.0, *h, *x, *y].map(Object::from).into();
            ops.push(Operation::new("q", vec![]));
            ops.push(Operation::new("cm", m));
            ops.push(Operation::new("Do", vec!["Im1".into()]));
            ops.push(Operation::new("Q", vec![]));
        }
        for (x, y, size, text) in &spec.runs {
            ops.push(Operation::new("BT", vec![]));
            ops.push(Operation::new("Tf", vec!["F1".into(), (*size).into()]));
            if spec.upright_when_rotated {
                let m: Vec<Object> = vec![
                    0.into(),
                    1.into(),
                    (-1).into(),
                    0.into(),
                    (*x).into(),
                    (*y).into(),
                ];
                ops.push(Operation::new("Tm", m));
            } else {
                ops.push(Operation::new("Td", vec![(*x).into(), (*y).into()]));
            }
            ops.push(Operation::new(
                "Tj",
                vec![Object::string_literal(text.as_str())],
            ));
            ops.push(Operation::new("ET", vec![]));
        }
        let content = Content { operations: ops };
        let bytes = content.encode().unwrap_or_default();
        let content_id = doc.add_object(Stream::new(dictionary! {}, bytes));
        let page_id = doc.add_object(dictionary! {
            "Type" => "Page",
            "Parent" => pages_id,
            "Contents" => content_id,
            "Rotate" => spec.rotate,
        });
        kids.push(page_id.into());
    }
    let count = kids.len() as i64;
    doc.objects.insert(
        pages_id,
        Object::Dictionary(dictionary! {
            "Type" => "Pages", "Kids" => kids, "Count" => count,
            "Resources" => resources_id,
            "MediaBox" => vec![0.into(), 0.into(), 612.into(), 792.into()],
        }),
    );
    let catalog_id = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    doc.trailer.set("Root", catalog_id);
    doc.trailer.set(
        "ID",
        Object::Array(vec![
            Object::string_literal("0123456789abcdef"),
            Object::string_literal("0123456789abcdef"),
        ]),
    );
    doc
}

fn save(mut doc: Document) -> Vec<u8> {
    let mut out = Vec::new();
    doc.save_to(&mut out).expect("save pdf");
    out
}

/// A PDF with the given pages.
pub fn pdf(pages: &[PageSpec]) -> Vec<u8> {
    save(build(pages))
}

/// The same PDF with `file` embedded under `name` the way Factur-X does it:
/// an `EmbeddedFiles` name tree and an `/AF` entry on the catalog.
pub fn pdf_with_attachment(pages: &[PageSpec], name: &str, file: &[u8]) -> Vec<u8> {
    let mut doc = build(pages);
    let stream_id = doc.add_object(Stream::new(
        dictionary! { "Type" => "EmbeddedFile", "Subtype" => "text/xml" },
        file.to_vec(),
    ));
    let spec_id = doc.add_object(dictionary! {
        "Type" => "Filespec",
        "F" => Object::string_literal(name),
        "UF" => Object::string_literal(name),
        "AFRelationship" => "Alternative",
        "EF" => dictionary! { "F" => stream_id, "UF" => stream_id },
    });
    let catalog_id = doc
        .trailer
        .get(b"Root")
        .and_then(Object::as_reference)
        .expect("catalog");
    let catalog = doc
        .get_object_mut(catalog_id)
        .and_then(Object::as_dict_mut)
        .expect("catalog dictionary");
    catalog.set(
        "Names",
        dictionary! {
            "EmbeddedFiles" => dictionary! {
                "Names" => vec![Object::string_literal(name), spec_id.into()],
            },
        },
    );
    catalog.set("AF", vec![spec_id.into()]);
    save(doc)
}

/// The same PDF, RC4-128 encrypted with the given passwords.
pub fn encrypted_pdf(pages: &[PageSpec], owner: &str, user: &str) -> Vec<u8> {
    let mut doc = build(pages);
    let state = EncryptionState::try_from(EncryptionVersion::V2 {
        document: &doc,
        owner_password: owner,
        user_password: user,
        key_length: 128,
        permissions: Permissions::all(),
    })
    .expect("encryption state");
    doc.encrypt(&state).expect("encrypt");
    save(doc)
}

/// Two text columns under a full-width title, with a footer label/value row.
pub fn two_columns() -> PageSpec {
    let mut runs = vec![run(72.0, 740.0, 18.0, "Quarterly Report Title")];
    for i in 0..6 {
        let y = 700.0 - i as f64 * 14.0;
        runs.push(run(
            72.0,
            y,
            10.0,
            &format!("Left column sentence number {i} goes here"),
        ));
        runs.push(run(
            320.0,
            y,
            10.0,
            &format!("Right column sentence number {i} goes here"),
        ));
    }
    runs.push(run(72.0, 100.0, 10.0, "Total Due:"));
    runs.push(run(400.0, 100.0, 10.0, "1,234.56"));
    PageSpec::new(runs)
}

/// A one-page 612×792 "scan": the grayscale image fills the page and
/// there is no text layer.
pub fn image_pdf(width: usize, height: usize, pixels: Vec<u8>) -> Vec<u8> {
    scanned_pdf(vec![(width, height, pixels)])
}

/// A 612×792 "scan" per `(width, height, grayscale pixels)`, without any
/// text layer.
pub fn scanned_pdf(images: Vec<(usize, usize, Vec<u8>)>) -> Vec<u8> {
    let mut doc = Document::with_version("1.5");
    let pages_id = doc.new_object_id();
    let mut kids: Vec<Object> = Vec::new();
    for (width, height, pixels) in images {
        let mut image = Stream::new(
            dictionary! {
                "Type" => "XObject", "Subtype" => "Image",
                "Width" => width as i64, "Height" => height as i64,
                "ColorSpace" => "DeviceGray", "BitsPerComponent" => 8,
            },
            pixels,
        );
        let _ = image.compress();
        let image_id = doc.add_object(image);
        let content = b"q 612 0 0 792 0 0 cm /Im1 Do Q".to_vec();
        let content_id = doc.add_object(Stream::new(dictionary! {}, content));
        let page_id = doc.add_object(dictionary! {
            "Type" => "Page", "Parent" => pages_id, "Contents" => content_id,
            "Resources" => dictionary! { "XObject" => dictionary! { "Im1" => image_id } },
        });
        kids.push(page_id.into());
    }
    let count = kids.len() as i64;
    doc.objects.insert(
        pages_id,
        Object::Dictionary(dictionary! {
            "Type" => "Pages", "Kids" => kids, "Count" => count,
            "MediaBox" => vec![0.into(), 0.into(), 612.into(), 792.into()],
        }),
    );
    let catalog_id = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    doc.trailer.set("Root", catalog_id);
    save(doc)
}

/// A table of `rows` (cells left to right) at 10 pt, rows 16 pt apart from
/// y=700 down, cells starting at the x positions `cols`. With `ruled`, a
/// full grid of lines is drawn around every cell.
pub fn table_page(rows: &[&[&str]], cols: &[f64], ruled: bool) -> PageSpec {
    let mut runs = vec![run(72.0, 740.0, 14.0, "Price list")];
    for (r, cells) in rows.iter().enumerate() {
        let y = 700.0 - r as f64 * 16.0;
        for (c, text) in cells.iter().enumerate() {
            runs.push(run(cols[c] + 3.0, y, 10.0, text));
        }
    }
    let mut spec = PageSpec::new(runs);
    if ruled {
        let right = cols[cols.len() - 1] + 120.0;
        let (top, bottom) = (712.0, 712.0 - rows.len() as f64 * 16.0);
        for r in 0..=rows.len() {
            let y = top - r as f64 * 16.0;
            spec.strokes.push((cols[0], y, right, y));
        }
        for x in cols.iter().copied().chain([right]) {
            spec.strokes.push((x, top, x, bottom));
        }
    }
    spec
}
