//! ParseConfig: checked before a parse run is stored (unknown keys and bad
//! values are a 400 naming the JSON path), echoed with defaults applied, and
//! turned into the [`ParseOptions`] the output builder understands. Options
//! the hosted API offers but Quarry does not act on (figure image clipping
//! and chart extraction, agentic OCR, Excel parsing modes, …) are accepted
//! and echoed, so configs written for Extend keep working.

use quarry_parse::ParseOptions;
use quarry_parse::output::{Chunking, TableFormat, Target};
use serde_json::{Map, Value, json};

use crate::ConfigError;

/// What a key may hold.
enum Rule {
    Bool,
    Str,
    Int,
    Number(f64, f64),
    OneOf(&'static [&'static str]),
    Object(&'static [(&'static str, Rule)]),
    /// An array of objects of this shape.
    Objects(&'static [(&'static str, Rule)]),
}

const AGENTIC: &[(&str, Rule)] = &[("enabled", Rule::Bool), ("customInstructions", Rule::Str)];

const BLOCK_OPTIONS: &[(&str, Rule)] = &[
    (
        "figures",
        Rule::Object(&[
            ("enabled", Rule::Bool),
            ("figureImageClippingEnabled", Rule::Bool),
            ("advancedChartExtractionEnabled", Rule::Bool),
            ("customInstructions", Rule::Str),
        ]),
    ),
    (
        "tables",
        Rule::Object(&[
            ("enabled", Rule::Bool),
            ("targetFormat", Rule::OneOf(&["markdown", "html"])),
            ("tableHeaderContinuationEnabled", Rule::Bool),
            ("cellBlocksEnabled", Rule::Bool),
            ("agentic", Rule::Object(AGENTIC)),
        ]),
    ),
    (
        "text",
        Rule::Object(&[
            ("signatureDetectionEnabled", Rule::Bool),
            ("agentic", Rule::Object(AGENTIC)),
        ]),
    ),
    (
        "keyValue",
        Rule::Object(&[("blankFieldFormattingEnabled", Rule::Bool)]),
    ),
    (
        "barcodes",
        Rule::Object(&[
            ("imageClippingEnabled", Rule::Bool),
            ("readingEnabled", Rule::Bool),
        ]),
    ),
    ("formulas", Rule::Object(&[("enabled", Rule::Bool)])),
];

const ADVANCED_OPTIONS: &[(&str, Rule)] = &[
    ("pageRotationEnabled", Rule::Bool),
    (
        "pageRanges",
        Rule::Objects(&[("start", Rule::Int), ("end", Rule::Int)]),
    ),
    ("excelParsingMode", Rule::OneOf(&["basic", "advanced"])),
    ("excelSkipHiddenContent", Rule::Bool),
    ("excelUseRawCellValues", Rule::Bool),
    ("excelSkipCalculation", Rule::Bool),
    ("excelIncludeCellMetadata", Rule::Bool),
    ("excelIncludeCellFormatting", Rule::Bool),
    ("verticalGroupingThreshold", Rule::Number(0.1, 5.0)),
    (
        "returnOcr",
        Rule::Object(&[("words", Rule::Bool), ("lines", Rule::Bool)]),
    ),
    ("alwaysConvertToPdf", Rule::Bool),
    ("enrichmentFormat", Rule::OneOf(&["xml", "bracket"])),
    (
        "imageConversionQuality",
        Rule::OneOf(&["high", "medium", "low"]),
    ),
    (
        "formattingDetection",
        Rule::Objects(&[("type", Rule::OneOf(&["change_tracking"]))]),
    ),
];

const CONFIG: &[(&str, Rule)] = &[
    ("target", Rule::OneOf(&["markdown", "spatial"])),
    (
        "chunkingStrategy",
        Rule::Object(&[
            ("type", Rule::OneOf(&["page", "document", "section"])),
            (
                "options",
                Rule::Object(&[("minCharacters", Rule::Int), ("maxCharacters", Rule::Int)]),
            ),
        ]),
    ),
    (
        "engine",
        Rule::OneOf(&["parse_performance", "parse_light", "parse_auto"]),
    ),
    ("engineVersion", Rule::Str),
    ("blockOptions", Rule::Object(BLOCK_OPTIONS)),
    ("advancedOptions", Rule::Object(ADVANCED_OPTIONS)),
];

/// Validates `config` (absent = `{}`) and returns it with defaults applied.
pub fn resolve(config: Option<&Value>) -> Result<Value, ConfigError> {
    resolve_at(config, "config")
}

/// [`resolve`] for a ParseConfig found at `path` (errors name that path),
/// such as an ExtractConfig's `config.parseConfig`.
pub fn resolve_at(config: Option<&Value>, path: &str) -> Result<Value, ConfigError> {
    let mut config = config.cloned().unwrap_or_else(|| json!({}));
    check(&config, CONFIG, path).map_err(ConfigError::new)?;
    let target = config.get("target").and_then(Value::as_str);
    let chunking = config
        .pointer("/chunkingStrategy/type")
        .and_then(Value::as_str);
    if target == Some("spatial") && chunking == Some("section") {
        return Err(ConfigError::new(format!(
            "{path}.chunkingStrategy.type `section` cannot be used with target `spatial`; \
             use `page` or `document`"
        )));
    }
    check_page_ranges(&config, path)?;
    let (min, max) = (
        config
            .pointer("/chunkingStrategy/options/minCharacters")
            .and_then(Value::as_i64),
        config
            .pointer("/chunkingStrategy/options/maxCharacters")
            .and_then(Value::as_i64),
    );
    if let (Some(min), Some(max)) = (min, max)
        && min > max
    {
        return Err(ConfigError::new(format!(
            "{path}.chunkingStrategy.options.minCharacters ({min}) is above maxCharacters ({max})"
        )));
    }
    if let Some(o) = config.as_object_mut() {
        o.entry("target").or_insert_with(|| json!("markdown"));
        o.entry("engine")
            .or_insert_with(|| json!("parse_performance"));
        o.entry("engineVersion").or_insert_with(|| json!("latest"));
        let strategy = o
            .entry("chunkingStrategy")
            .or_insert_with(|| Value::Object(Map::new()));
        if let Some(s) = strategy.as_object_mut() {
            s.entry("type").or_insert_with(|| json!("page"));
        }
    }
    Ok(config)
}

/// The output options of a config that [`resolve`] accepted.
pub fn options(config: &Value) -> ParseOptions {
    let str_at = |p: &str| config.pointer(p).and_then(Value::as_str);
    let flag = |p: &str| config.pointer(p).and_then(Value::as_bool).unwrap_or(false);
    let count_at = |p: &str| {
        config
            .pointer(p)
            .and_then(Value::as_u64)
            .map(|n| n as usize)
    };
    ParseOptions {
        target: match str_at("/target") {
            Some("spatial") => Target::Spatial,
            _ => Target::Markdown,
        },
        chunking: match str_at("/chunkingStrategy/type") {
            Some("document") => Chunking::Document,
            Some("section") => Chunking::Section,
            _ => Chunking::Page,
        },
        min_characters: count_at("/chunkingStrategy/options/minCharacters"),
        max_characters: count_at("/chunkingStrategy/options/maxCharacters"),
        table_format: match str_at("/blockOptions/tables/targetFormat") {
            Some("html") => TableFormat::Html,
            _ => TableFormat::Markdown,
        },
        page_ranges: ranges(config.pointer("/advancedOptions/pageRanges"))
            .map(|(start, end)| (start as u32, end as u32))
            .collect(),
        cell_blocks: flag("/blockOptions/tables/cellBlocksEnabled"),
        ocr_words: flag("/advancedOptions/returnOcr/words"),
        ocr_lines: flag("/advancedOptions/returnOcr/lines"),
        skip_figures: config.pointer("/blockOptions/figures/enabled") == Some(&json!(false)),
    }
}

/// The `(start, end)` pairs of a `[{start, end}]` option (page or sheet
/// ranges); entries without both numbers are skipped (the config check
/// has rejected them already).
pub(crate) fn ranges(list: Option<&Value>) -> impl Iterator<Item = (u64, u64)> + '_ {
    list.and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|r| {
            let n = |k: &str| r.get(k).and_then(Value::as_u64);
            Some((n("start")?, n("end")?))
        })
}

pub(crate) fn check_page_ranges(config: &Value, root: &str) -> Result<(), ConfigError> {
    let ranges = config
        .pointer("/advancedOptions/pageRanges")
        .and_then(Value::as_array);
    for (i, r) in ranges.into_iter().flatten().enumerate() {
        let path = format!("{root}.advancedOptions.pageRanges[{i}]");
        let n = |k: &str| r.get(k).and_then(Value::as_i64);
        match (n("start"), n("end")) {
            (Some(s), Some(e)) if 1 <= s && s <= e => {}
            _ => {
                return Err(ConfigError::new(format!(
                    "{path} must have integer `start` and `end` with 1 <= start <= end"
                )));
            }
        }
    }
    Ok(())
}

/// Checks `v` against the object shape `rules`; the error names the path.
fn check(v: &Value, rules: &[(&str, Rule)], path: &str) -> Result<(), String> {
    let Some(obj) = v.as_object() else {
        return Err(format!("{path} must be an object"));
    };
    for (key, value) in obj {
        let here = format!("{path}.{key}");
        let Some((_, rule)) = rules.iter().find(|(k, _)| k == key) else {
            let known: Vec<&str> = rules.iter().map(|(k, _)| *k).collect();
            return Err(format!(
                "{here} is not a known option; expected one of {}",
                known.join(", ")
            ));
        };
        check_value(value, rule, &here)?;
    }
    Ok(())
}

fn check_value(v: &Value, rule: &Rule, path: &str) -> Result<(), String> {
    let ok = match rule {
        Rule::Bool => v.is_boolean(),
        Rule::Str => v.is_string(),
        Rule::Int => v.as_i64().is_some_and(|n| n >= 0),
        Rule::Number(lo, hi) => v.as_f64().is_some_and(|n| (*lo..=*hi).contains(&n)),
        Rule::OneOf(values) => {
            if v.as_str().is_some_and(|s| values.contains(&s)) {
                true
            } else {
                return Err(format!(
                    "{path} must be one of {}; got {v}",
                    values.join(", ")
                ));
            }
        }
        Rule::Object(inner) => return check(v, inner, path),
        Rule::Objects(inner) => {
            let Some(items) = v.as_array() else {
                return Err(format!("{path} must be an array"));
            };
            for (i, item) in items.iter().enumerate() {
                check(item, inner, &format!("{path}[{i}]"))?;
            }
            true
        }
    };
    if ok {
        return Ok(());
    }
    let want = match rule {
        Rule::Bool => "a boolean".to_string(),
        Rule::Str => "a string".to_string(),
        Rule::Int => "a non-negative integer".to_string(),
        Rule::Number(lo, hi) => format!("a number from {lo} to {hi}"),
        _ => "valid".to_string(),
    };
    Err(format!("{path} must be {want}; got {v}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(config: Value) -> String {
        resolve(Some(&config)).expect_err("rejected").to_string()
    }

    #[test]
    fn defaults_are_applied() {
        let c = resolve(None).expect("empty config");
        assert_eq!(c["target"], "markdown");
        assert_eq!(c["chunkingStrategy"]["type"], "page");
        assert_eq!(c["engine"], "parse_performance");
        assert_eq!(options(&c), ParseOptions::default());
    }

    #[test]
    fn bad_keys_and_values_name_their_path() {
        assert!(err(json!({"bogus": 1})).contains("config.bogus"));
        assert!(err(json!({"target": "pdf"})).contains("config.target must be one of"));
        assert!(
            err(json!({"blockOptions": {"tables": {"targetFormat": "csv"}}}))
                .contains("config.blockOptions.tables.targetFormat")
        );
        assert!(
            err(json!({"advancedOptions": {"pageRanges": [{"start": 3, "end": 1}]}}))
                .contains("pageRanges[0]")
        );
        assert!(
            err(json!({"target": "spatial", "chunkingStrategy": {"type": "section"}}))
                .contains("section")
        );
    }

    #[test]
    fn options_follow_the_config() {
        let c = resolve(Some(&json!({
            "target": "spatial",
            "chunkingStrategy": {"type": "document", "options": {"maxCharacters": 500}},
            "blockOptions": {"tables": {"targetFormat": "html"}},
            "advancedOptions": {"pageRanges": [{"start": 2, "end": 4}]}
        })))
        .expect("valid");
        let o = options(&c);
        assert_eq!(o.target, Target::Spatial);
        assert_eq!(o.chunking, Chunking::Document);
        assert_eq!(o.max_characters, Some(500));
        assert_eq!(o.table_format, TableFormat::Html);
        assert_eq!(o.page_ranges, vec![(2, 4)]);
    }
}
