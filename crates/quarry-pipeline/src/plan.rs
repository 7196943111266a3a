//! A run config resolved once into what processing needs. The wire config
//! is JSON (inline, or an extractor version with overrides); everything
//! that reads it lives here, so a key is interpreted in one place and a
//! request is validated by the same code that later runs it.

use quarry_extract::{CitationMode, Engine, ExtractRequest};
use quarry_llm::Engines;
use quarry_parse::{Limits, ParseOptions, SheetOptions, SheetSelection};
use serde_json::Value;

use crate::{ConfigError, parse_config};

/// Where an ExtractConfig holds its ParseConfig (error messages name it).
pub const PARSE_CONFIG: &str = "config.parseConfig";

/// The run's file, as processing sees it.
pub struct Input<'a> {
    /// The run's id, named in its usage breakdown.
    pub run_id: &'a str,
    /// The file's id, echoed in citations (`fileId`).
    pub file_id: &'a str,
    /// The file's name: its extension helps tell the type.
    pub file_name: &'a str,
    pub bytes: &'a [u8],
    /// The password that opens the file (a protected PDF), when it has one.
    pub password: Option<&'a str>,
}

/// Applies the documented defaults of an ExtractConfig, so runs echo the
/// config they ran with (`baseProcessor` is `extraction_performance`).
pub fn with_defaults(mut config: Value) -> Value {
    if let Some(o) = config.as_object_mut() {
        o.entry("baseProcessor")
            .or_insert_with(|| Value::String("extraction_performance".into()));
    }
    config
}

/// Merges an extractor run's `overrideConfig` over its version's config:
/// top-level keys replace, except `advancedOptions`, whose keys are merged
/// one level deep.
pub fn with_overrides(base: &mut Value, overrides: &Value) {
    let (Some(b), Some(o)) = (base.as_object_mut(), overrides.as_object()) else {
        return;
    };
    for (k, v) in o {
        match (k.as_str(), b.get_mut(k)) {
            ("advancedOptions", Some(Value::Object(existing))) if v.is_object() => {
                for (ik, iv) in v.as_object().into_iter().flatten() {
                    existing.insert(ik.clone(), iv.clone());
                }
            }
            _ => {
                b.insert(k.clone(), v.clone());
            }
        }
    }
}

/// How one document is parsed: a resolved ParseConfig and the parser
/// limits it implies over the server's.
#[derive(Debug, Clone)]
pub struct ParsePlan {
    /// The ParseConfig with defaults applied, as runs echo it.
    pub config: Value,
    pub limits: Limits,
    /// How the parse output is cut into chunks and rendered.
    pub options: ParseOptions,
    /// The pages a processor run reads (its config's
    /// `advancedOptions.pageRanges`, 1-based, inclusive); empty reads every
    /// page. Pages outside are neither extracted nor charged, and the
    /// others keep the file's page numbers.
    pub pages: Vec<(u32, u32)>,
}

impl ParsePlan {
    /// Checks a ParseConfig found at `path` (`config`, or an extract
    /// config's [`PARSE_CONFIG`]) and resolves it over `server` limits.
    pub fn resolve_at(
        config: Option<&Value>,
        path: &str,
        server: &Limits,
    ) -> Result<ParsePlan, ConfigError> {
        Ok(ParsePlan::resolved(
            parse_config::resolve_at(config, path)?,
            server,
        ))
    }

    /// The plan of a config that was resolved before (a stored parse run's).
    /// `pageRotationEnabled` turns orientation detection on or off over the
    /// server's default, and the Excel options say how spreadsheets are read.
    pub fn resolved(config: Value, server: &Limits) -> ParsePlan {
        let flag = |key: &str, default: bool| {
            config
                .pointer(&format!("/advancedOptions/{key}"))
                .and_then(Value::as_bool)
                .unwrap_or(default)
        };
        let limits = Limits {
            detect_orientation: flag("pageRotationEnabled", server.detect_orientation),
            sheets: SheetOptions {
                skip_hidden: flag("excelSkipHiddenContent", server.sheets.skip_hidden),
                raw_values: flag("excelUseRawCellValues", server.sheets.raw_values),
                selection: server.sheets.selection.clone(),
            },
            ..server.clone()
        };
        let options = parse_config::options(&config);
        ParsePlan {
            config,
            limits,
            options,
            pages: Vec::new(),
        }
    }
}

/// How one extract run is processed.
#[derive(Debug, Clone)]
pub struct ExtractPlan {
    /// The effective ExtractConfig (defaults applied), as the run echoes it.
    config: Value,
    /// How its document is parsed (`parseConfig`, Excel sheet choice).
    pub parse: ParsePlan,
    /// The schema to fill; `None` infers one from the document.
    pub schema: Option<Value>,
    /// `baseProcessor`, which chooses the engine.
    pub base_processor: Option<String>,
    /// The engine request without schema and file (filled per document).
    request: ExtractRequest,
}

impl ExtractPlan {
    /// Validates an ExtractConfig (schema dialect, options, its ParseConfig)
    /// and resolves it over the `server` parser limits. Errors name the
    /// offending JSON path.
    pub fn resolve(config: Value, server: &Limits) -> Result<ExtractPlan, ConfigError> {
        let config = with_defaults(config);
        quarry_extract::validate_config(&config).map_err(|e| ConfigError::new(e.to_string()))?;
        let mut parse = ParsePlan::resolve_at(config.get("parseConfig"), PARSE_CONFIG, server)?;
        let options = config.get("advancedOptions");
        parse.limits.sheets.selection = sheet_selection(options);
        parse.pages = page_ranges(&config);
        let flag = |k: &str| options.and_then(|o| o.get(k)).and_then(Value::as_bool);
        let request = ExtractRequest {
            schema: None,
            extraction_rules: config
                .get("extractionRules")
                .and_then(Value::as_str)
                .map(str::to_string),
            citations_enabled: flag("citationsEnabled").unwrap_or(false),
            citation_mode: options
                .and_then(|o| o.get("citationMode"))
                .and_then(Value::as_str)
                .and_then(CitationMode::from_wire)
                .unwrap_or_default(),
            file_id: None,
            page_chunk_size: options
                .and_then(|o| o.pointer("/chunkingOptions/pageChunkSize"))
                .and_then(Value::as_u64)
                .and_then(|n| usize::try_from(n).ok()),
            semantic_chunks: options
                .and_then(|o| o.pointer("/chunkingOptions/chunkingStrategy"))
                .and_then(Value::as_str)
                == Some("semantic"),
        };
        Ok(ExtractPlan {
            schema: config.get("schema").filter(|s| !s.is_null()).cloned(),
            base_processor: config
                .get("baseProcessor")
                .and_then(Value::as_str)
                .map(str::to_string),
            parse,
            request,
            config,
        })
    }

    /// The effective config, as the run echoes it.
    pub fn config(&self) -> &Value {
        &self.config
    }

    /// The effective config, taken out of the plan.
    pub fn into_config(self) -> Value {
        self.config
    }

    /// The engine `baseProcessor` chooses among `engines`.
    pub fn engine<'e>(&self, engines: &'e Engines) -> &'e dyn Engine {
        engines.for_processor(self.base_processor.as_deref())
    }

    /// The engine request for one document filled against `schema`, with
    /// citations naming `file_id`.
    pub fn request(&self, schema: &Value, file_id: Option<&str>) -> ExtractRequest {
        ExtractRequest {
            schema: Some(schema.clone()),
            file_id: file_id.map(str::to_string),
            ..self.request.clone()
        }
    }
}

/// A processor config's `advancedOptions.pageRanges` (checked with the
/// config) as `(start, end)` pairs.
pub(crate) fn page_ranges(config: &Value) -> Vec<(u32, u32)> {
    parse_config::ranges(config.pointer("/advancedOptions/pageRanges"))
        .map(|(s, e)| (s as u32, e as u32))
        .collect()
}

/// The sheets an ExtractConfig asks for: `excelSheetRanges` (0-based,
/// validated with the config) over `excelSheetSelectionStrategy` (`first`,
/// `last`; `intelligent` and `all` read every sheet).
fn sheet_selection(options: Option<&Value>) -> SheetSelection {
    let ranges: Vec<(usize, usize)> =
        parse_config::ranges(options.and_then(|o| o.get("excelSheetRanges")))
            .map(|(start, end)| (start as usize, end as usize))
            .collect();
    if !ranges.is_empty() {
        return SheetSelection::Ranges(ranges);
    }
    match options
        .and_then(|o| o.get("excelSheetSelectionStrategy"))
        .and_then(Value::as_str)
    {
        Some("first") => SheetSelection::First,
        Some("last") => SheetSelection::Last,
        _ => SheetSelection::All,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn a_config_is_resolved_once_into_its_parts() {
        let plan = ExtractPlan::resolve(
            json!({
                "schema": {"type": "object", "properties": {"n": {"type": ["string", "null"]}},
                           "required": ["n"], "additionalProperties": false},
                "advancedOptions": {"citationsEnabled": true, "excelSheetSelectionStrategy": "last",
                                    "chunkingOptions": {"pageChunkSize": 3}},
                "parseConfig": {"advancedOptions": {"pageRotationEnabled": false}}
            }),
            &Limits::default(),
        )
        .expect("valid");
        assert_eq!(plan.config()["baseProcessor"], "extraction_performance");
        assert_eq!(
            plan.base_processor.as_deref(),
            Some("extraction_performance")
        );
        assert!(plan.schema.is_some());
        assert_eq!(plan.parse.limits.sheets.selection, SheetSelection::Last);
        assert!(!plan.parse.limits.detect_orientation);
        assert_eq!(plan.parse.config["target"], "markdown");
        let request = plan.request(&json!({}), Some("file_1"));
        assert!(request.citations_enabled);
        assert_eq!(request.page_chunk_size, Some(3));
        assert_eq!(request.file_id.as_deref(), Some("file_1"));
    }

    #[test]
    fn a_bad_parse_config_names_its_path_inside_the_extract_config() {
        let e = ExtractPlan::resolve(
            json!({"parseConfig": {"target": "pdf"}}),
            &Limits::default(),
        )
        .expect_err("rejected");
        assert!(e.to_string().contains("config.parseConfig.target"), "{e}");
    }

    #[test]
    fn overrides_merge_advanced_options_one_level() {
        let mut base = json!({"schema": {"a": 1}, "advancedOptions": {"citationsEnabled": true, "pageRanges": []}});
        with_overrides(
            &mut base,
            &json!({"advancedOptions": {"citationsEnabled": false}, "extractionRules": "x"}),
        );
        assert_eq!(
            base,
            json!({"schema": {"a": 1}, "advancedOptions": {"citationsEnabled": false, "pageRanges": []}, "extractionRules": "x"})
        );
    }

    #[test]
    fn sheet_ranges_win_over_the_strategy() {
        let options = json!({"excelSheetRanges": [{"start": 1, "end": 2}],
                             "excelSheetSelectionStrategy": "first"});
        assert_eq!(
            sheet_selection(Some(&options)),
            SheetSelection::Ranges(vec![(1, 2)])
        );
    }
}
