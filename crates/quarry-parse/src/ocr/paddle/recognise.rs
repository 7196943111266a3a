//! Text recognition with PP-OCRv4's CTC recogniser: each text box is cut
//! out of the image (turned upright if it is rotated), scaled to 48 pixels
//! high, and read into one class per 8-pixel column step; repeated classes
//! and the blank are dropped (greedy CTC decoding).
//!
//! The model reads Latin text well but rarely makes the space class the most
//! probable one between words; it does give that class some probability
//! there, and next to none between the letters of a word. So a space is
//! also read where the space class's probability between two characters
//! reaches [`SPACE_PROBABILITY`]. Each character is tied to its column step,
//! which gives every word its horizontal extent inside the box.

use image::RgbImage;
use ort::value::Tensor;

use super::runtime::Engine;
use super::{Quad, model_value};
use crate::ParseError;

/// The recogniser's input height.
const HEIGHT: usize = 48;
/// Narrowest input width, as in PaddleOCR (a batch is as wide as its widest
/// crop, and never narrower than this).
const MIN_WIDTH: usize = 320;
/// Crops read per model call; crops are sorted by aspect ratio first so a
/// batch pads little.
const BATCH: usize = 6;
/// Lines read with a lower mean character probability are dropped
/// (PaddleOCR's `text_score`): they are mostly noise, logos and stamps.
const MIN_LINE_SCORE: f32 = 0.5;
/// How far each crop reaches beyond both ends of its text box, in box
/// heights. The detector's region stops short of thin glyphs at a line's
/// ends: a line-final comma and the stem of a first capital (`HREE
/// STOOGES`, `evel 6`) fell outside the crop. On the 150 `sroie` receipts
/// 0.3 turned field F1 0.790 into 0.803 (docs/accuracy.md). Boxes and word
/// positions stay those of the text box.
const END_MARGIN: f64 = 0.3;
/// Height-to-width ratio from which a box holds vertical text, read turned
/// a quarter as PaddleOCR does.
const VERTICAL_ASPECT: f64 = 1.5;
/// Two characters are separate words when the space class reaches this
/// probability at a step between them. Measured on receipt lines: between
/// the letters of a word it stays under 0.01 (880 of 942 gaps are exactly
/// 0 at two decimals, 33 more at 0.01–0.02); at word gaps it is mostly
/// 0.05–0.5.
const SPACE_PROBABILITY: f32 = 0.04;
/// The same after a comma or semicolon, which leaves the space class less
/// probability: after them it reached only 0.01–0.02 at printed spaces, and
/// stayed at 0 where no space was printed.
const SPACE_AFTER_COMMA_PROBABILITY: f32 = 0.01;

/// One word read in a text box: its text, its extent as fractions of the
/// box's width (left to right), and its mean character probability.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct WordSpan {
    pub text: String,
    pub start: f64,
    pub end: f64,
    pub confidence: f32,
}

/// One character class kept by CTC decoding, at its column step.
#[derive(Debug, Clone, Copy)]
struct Glyph {
    class: usize,
    step: usize,
    probability: f32,
    /// The highest probability of the space class at a step since the
    /// previous glyph.
    space_before: f32,
}

impl Engine {
    /// The words of every box (`None` for boxes read as nothing or as
    /// noise), in the order of `boxes`.
    pub(crate) fn recognise(
        &self,
        image: &RgbImage,
        boxes: &[Quad],
    ) -> Result<Vec<Option<Vec<WordSpan>>>, ParseError> {
        let crops: Vec<Crop> = boxes.iter().map(Crop::new).collect();
        let mut order: Vec<usize> = (0..crops.len()).collect();
        order.sort_by(|&a, &b| crops[a].ratio.total_cmp(&crops[b].ratio));
        let mut out = vec![None; crops.len()];
        for batch in order.chunks(BATCH) {
            let max_ratio = batch
                .iter()
                .map(|&i| crops[i].ratio)
                .fold(MIN_WIDTH as f64 / HEIGHT as f64, f64::max);
            let width = (HEIGHT as f64 * max_ratio) as usize;
            let mut input = vec![0.0f32; batch.len() * 3 * HEIGHT * width];
            let plane = HEIGHT * width;
            let mut widths = Vec::with_capacity(batch.len());
            for (n, &i) in batch.iter().enumerate() {
                let drawn =
                    crops[i].draw(image, width, &mut input[n * 3 * plane..(n + 1) * 3 * plane]);
                widths.push(drawn);
            }
            let tensor = Tensor::from_array(([batch.len(), 3, HEIGHT, width], input))
                .map_err(|e| ParseError::Corrupt(format!("text recognition input: {e}")))?;
            let mut session = self.recogniser.lock().unwrap_or_else(|p| p.into_inner());
            let outputs = session
                .run(ort::inputs![tensor])
                .map_err(|e| ParseError::Corrupt(format!("text recognition: {e}")))?;
            let (shape, scores) = outputs[0]
                .try_extract_tensor::<f32>()
                .map_err(|e| ParseError::Corrupt(format!("text recognition output: {e}")))?;
            let (steps, classes) = match shape[..] {
                [n, t, c]
                    if n as usize == batch.len()
                        && t > 0
                        && c as usize == self.alphabet.len() + 1 =>
                {
                    (t as usize, c as usize)
                }
                _ => {
                    return Err(ParseError::Corrupt(format!(
                        "text recognition gave a {shape:?} output"
                    )));
                }
            };
            for (n, &i) in batch.iter().enumerate() {
                let rows = &scores[n * steps * classes..(n + 1) * steps * classes];
                let glyphs = decode(rows, classes);
                // Input pixels per step, over the drawn (unpadded) width.
                let step_fraction = width as f64 / steps as f64 / widths[n] as f64;
                out[i] = words(&self.alphabet, &glyphs, step_fraction, &crops[i]);
            }
        }
        Ok(out)
    }
}

/// Glyphs cut into words at spaces; `None` for an empty or low-scoring
/// line. `alphabet` names the classes after the blank; `step_fraction` is
/// the share of the crop's width one step covers. Word extents are shares
/// of the text box's length, the first word starting and the last ending
/// at the box's ends.
fn words(
    alphabet: &[String],
    glyphs: &[Glyph],
    step_fraction: f64,
    crop: &Crop,
) -> Option<Vec<WordSpan>> {
    let space = alphabet.len();
    let letters: Vec<&Glyph> = glyphs.iter().filter(|g| g.class != space).collect();
    if letters.is_empty() {
        return None;
    }
    let score = letters.iter().map(|g| g.probability).sum::<f32>() / letters.len() as f32;
    if score < MIN_LINE_SCORE {
        return None;
    }
    let mut words: Vec<Vec<&Glyph>> = vec![Vec::new()];
    for glyph in glyphs {
        let current = words.last_mut().expect("never empty");
        let after_comma = current
            .last()
            .is_some_and(|g| matches!(alphabet[g.class - 1].as_str(), "," | ";" | "，" | "；"));
        let threshold = if after_comma {
            SPACE_AFTER_COMMA_PROBABILITY
        } else {
            SPACE_PROBABILITY
        };
        let gap = glyph.class == space || glyph.space_before >= threshold;
        if gap && !current.is_empty() {
            words.push(Vec::new());
        }
        if glyph.class != space {
            words.last_mut().expect("never empty").push(glyph);
        }
    }
    words.retain(|w| !w.is_empty());
    let last = words.len().saturating_sub(1);
    let spans = words
        .iter()
        .enumerate()
        .map(|(n, word)| {
            let first = word[0].step as f64;
            let end = word[word.len() - 1].step as f64;
            WordSpan {
                text: super::spelling::fix_digit_letters(
                    &word
                        .iter()
                        .flat_map(|g| alphabet[g.class - 1].chars())
                        .map(halfwidth)
                        .collect::<String>(),
                ),
                start: if n == 0 {
                    0.0
                } else {
                    crop.in_box((first - 0.5) * step_fraction)
                },
                end: if n == last {
                    1.0
                } else {
                    crop.in_box((end + 1.5) * step_fraction)
                },
                confidence: word.iter().map(|g| g.probability).sum::<f32>() / word.len() as f32,
            }
        })
        .collect();
    Some(spans)
}

/// The ASCII form of a full-width character (the recogniser's dictionary
/// is Chinese, so it reads a colon as `：` and a comma as `，`); other
/// characters unchanged.
fn halfwidth(c: char) -> char {
    match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        '\u{3000}' => ' ',
        '\u{3002}' => '.',
        _ => c,
    }
}

/// Greedy CTC decoding of one crop's `[steps × classes]` probabilities:
/// the most probable class per step, repeats merged, blanks (class 0)
/// dropped. The last class is the space.
fn decode(rows: &[f32], classes: usize) -> Vec<Glyph> {
    let mut glyphs = Vec::new();
    let mut previous = 0;
    let mut space_before = 0.0f32;
    for (step, row) in rows.chunks_exact(classes).enumerate() {
        let (class, probability) =
            row.iter()
                .copied()
                .enumerate()
                .fold((0, f32::NEG_INFINITY), |best, (c, p)| {
                    if p > best.1 { (c, p) } else { best }
                });
        if class != 0 && class != previous {
            glyphs.push(Glyph {
                class,
                step,
                probability,
                space_before,
            });
            space_before = 0.0;
        } else if class == 0 {
            space_before = space_before.max(row[classes - 1]);
        }
        previous = class;
    }
    glyphs
}

/// How one text box is cut out: its origin and axes in the image, turned so
/// the text runs left to right and reaching [`END_MARGIN`] beyond both ends
/// of the box; its width-to-height ratio; and that margin as a share of the
/// box's length.
struct Crop {
    origin: (f64, f64),
    across: (f64, f64),
    down: (f64, f64),
    ratio: f64,
    margin: f64,
}

impl Crop {
    fn new(quad: &Quad) -> Self {
        let [tl, tr, br, bl] = quad.0;
        let (w, h) = (quad.width().max(1.0), quad.height().max(1.0));
        let vector = |a: (f64, f64), b: (f64, f64)| (b.0 - a.0, b.1 - a.1);
        // A tall box holds vertical text: read it turned a quarter to the
        // left, as PaddleOCR does.
        let (start, across, down, length, thickness) = if h / w >= VERTICAL_ASPECT {
            (tr, vector(tr, br), vector(tr, tl), h, w)
        } else {
            (tl, vector(tl, tr), vector(tl, bl), w, h)
        };
        let margin = END_MARGIN * thickness / length;
        Self {
            origin: (start.0 - margin * across.0, start.1 - margin * across.1),
            across: (
                across.0 * (1.0 + 2.0 * margin),
                across.1 * (1.0 + 2.0 * margin),
            ),
            down,
            ratio: length * (1.0 + 2.0 * margin) / thickness,
            margin,
        }
    }

    /// The share of the box's length at `fraction` of the crop's width.
    fn in_box(&self, fraction: f64) -> f64 {
        (fraction * (1.0 + 2.0 * self.margin) - self.margin).clamp(0.0, 1.0)
    }

    /// Draws the crop, [`HEIGHT`] pixels high and as wide as its ratio asks
    /// (at most `width`), into the first columns of a `3 × HEIGHT × width`
    /// planar buffer; returns the drawn width.
    fn draw(&self, image: &RgbImage, width: usize, out: &mut [f32]) -> usize {
        let drawn = ((HEIGHT as f64 * self.ratio).ceil() as usize).clamp(1, width);
        let plane = HEIGHT * width;
        for y in 0..HEIGHT {
            let v = (y as f64 + 0.5) / HEIGHT as f64;
            for x in 0..drawn {
                let u = (x as f64 + 0.5) / drawn as f64;
                let px = self.origin.0 + u * self.across.0 + v * self.down.0;
                let py = self.origin.1 + u * self.across.1 + v * self.down.1;
                let rgb = bilinear(image, px - 0.5, py - 0.5);
                for p in 0..3 {
                    out[p * plane + y * width + x] = model_value(rgb, p);
                }
            }
        }
        drawn
    }
}

/// The colour at a fractional pixel position, edges repeated outwards.
fn bilinear(image: &RgbImage, x: f64, y: f64) -> [f32; 3] {
    let (w, h) = (image.width() as i64, image.height() as i64);
    let (x0, y0) = (x.floor(), y.floor());
    let (fx, fy) = ((x - x0) as f32, (y - y0) as f32);
    let at =
        |xi: i64, yi: i64| image.get_pixel(xi.clamp(0, w - 1) as u32, yi.clamp(0, h - 1) as u32);
    let (x0, y0) = (x0 as i64, y0 as i64);
    let (a, b, c, d) = (
        at(x0, y0),
        at(x0 + 1, y0),
        at(x0, y0 + 1),
        at(x0 + 1, y0 + 1),
    );
    std::array::from_fn(|i| {
        let top = f32::from(a[i]) * (1.0 - fx) + f32::from(b[i]) * fx;
        let bottom = f32::from(c[i]) * (1.0 - fx) + f32::from(d[i]) * fx;
        top * (1.0 - fy) + bottom * fy
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(classes_per_step: &[usize], classes: usize) -> Vec<f32> {
        classes_per_step
            .iter()
            .flat_map(|&c| {
                (0..classes).map(move |i| if i == c { 0.9 } else { 0.1 / classes as f32 })
            })
            .collect()
    }

    #[test]
    fn ctc_merges_repeats_and_drops_blanks() {
        // a a _ a b _ _ b  →  a a b b (a blank separates the repeated a).
        let glyphs = decode(&rows(&[1, 1, 0, 1, 2, 0, 0, 2], 3), 3);
        let classes: Vec<usize> = glyphs.iter().map(|g| g.class).collect();
        assert_eq!(classes, [1, 1, 2, 2]);
        let steps: Vec<usize> = glyphs.iter().map(|g| g.step).collect();
        assert_eq!(steps, [0, 3, 4, 7]);
    }

    #[test]
    fn space_probability_between_characters_is_remembered() {
        // Classes: 0 blank, 1 a, 2 b, 3 space. Between a and b the space
        // class reaches 0.3 at one blank step.
        let mut scores = rows(&[1, 0, 0, 2], 4);
        scores[2 * 4 + 3] = 0.3;
        let glyphs = decode(&scores, 4);
        assert_eq!(glyphs.len(), 2);
        assert_eq!(glyphs[0].space_before, 0.0);
        assert!((glyphs[1].space_before - 0.3).abs() < 1e-6);
    }

    #[test]
    fn words_split_at_likely_spaces_and_cover_their_steps() {
        let alphabet: Vec<String> = ["A", "B", " "].map(String::from).to_vec();
        let glyph = |class, step, space_before| Glyph {
            class,
            step,
            probability: 0.9,
            space_before,
        };
        // "AB" then a likely space, "A", the space class itself, "B".
        let glyphs = [
            glyph(1, 1, 0.0),
            glyph(2, 4, 0.01),
            glyph(1, 9, 0.3),
            glyph(3, 11, 0.0),
            glyph(2, 13, 0.0),
        ];
        // A crop without margin: its positions are the box's.
        let exact = Crop {
            origin: (0.0, 0.0),
            across: (1.0, 0.0),
            down: (0.0, 1.0),
            ratio: 1.0,
            margin: 0.0,
        };
        let spans = words(&alphabet, &glyphs, 0.05, &exact).expect("words");
        let texts: Vec<&str> = spans.iter().map(|w| w.text.as_str()).collect();
        assert_eq!(texts, ["AB", "A", "B"]);
        assert_eq!((spans[0].start, spans[2].end), (0.0, 1.0));
        assert!((spans[1].start - 0.425).abs() < 1e-9 && (spans[1].end - 0.525).abs() < 1e-9);
        // A line read with little confidence is dropped.
        let faint = [Glyph {
            probability: 0.3,
            ..glyph(1, 1, 0.0)
        }];
        assert!(words(&alphabet, &faint, 0.05, &exact).is_none());
    }

    #[test]
    fn full_width_punctuation_reads_as_ascii() {
        let text: String = "No.：CS，１".chars().map(halfwidth).collect();
        assert_eq!(text, "No.:CS,1");
    }

    #[test]
    fn tall_boxes_are_read_turned() {
        // Both reach END_MARGIN (0.3) box heights beyond the box's ends.
        let tall = Crop::new(&Quad([(0.0, 0.0), (10.0, 0.0), (10.0, 40.0), (0.0, 40.0)]));
        assert_eq!(tall.origin, (10.0, -3.0));
        assert_eq!(tall.across, (0.0, 46.0));
        assert!((tall.ratio - 4.6).abs() < 1e-9);
        let wide = Crop::new(&Quad([(0.0, 0.0), (40.0, 0.0), (40.0, 10.0), (0.0, 10.0)]));
        assert_eq!(wide.origin, (-3.0, 0.0));
        assert_eq!(wide.across, (46.0, 0.0));
        // Positions in the crop map back into the box.
        assert!((wide.in_box(0.5) - 0.5).abs() < 1e-9);
        assert_eq!(wide.in_box(0.0), 0.0);
        assert!((wide.in_box(3.0 / 46.0)).abs() < 1e-9);
    }
}
