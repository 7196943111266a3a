//! A split run: parse (under the config's ParseConfig, only the pages
//! `advancedOptions.pageRanges` names) → the offline splitter
//! (`quarry-classify`) finding where each document of a packet starts and
//! ends → `{splits: [...]}` and usage. Each split is also cut out of the
//! file losslessly ([`quarry_parse::cut_pages`]) and returned in
//! [`Outcome::files`], for the store to keep as a file of its own.

use quarry_classify::{SplitOptions, split};
use quarry_model::enums::failure;
use quarry_parse::{Limits, detect_kind};
use serde_json::{Value, json};

use crate::classify::{classes, keep_pages};
use crate::parse::read;
use crate::parse_config::{check_page_ranges, ranges};
use crate::{ConfigError, DerivedFile, Input, Outcome, ParsePlan, page_usage};

/// Base processors a SplitConfig may name; the first is the default.
const BASE_PROCESSORS: [&str; 2] = ["splitting_performance", "splitting_light"];

/// How one split run is processed.
#[derive(Debug, Clone)]
pub struct SplitPlan {
    /// The effective SplitConfig (defaults applied), as the run echoes it.
    config: Value,
    pub parse: ParsePlan,
    pub classes: Vec<quarry_classify::Class>,
    /// `splitRules`: free text the engine reads as extra evidence.
    pub rules: Option<String>,
    pub page_ranges: Vec<(u32, u32)>,
    /// `advancedOptions.pageOverlapEnabled` (accepted; see quarry-classify).
    pub page_overlap: bool,
    /// `advancedOptions.strictIdentifierModeEnabled`: neighbouring splits
    /// of one type with the same identifier become one.
    pub strict_identifier: bool,
}

impl SplitPlan {
    /// Validates a SplitConfig and resolves it over the `server` parser
    /// limits. Errors name the offending JSON path.
    pub fn resolve(mut config: Value, server: &Limits) -> Result<SplitPlan, ConfigError> {
        let Some(obj) = config.as_object_mut() else {
            return Err(ConfigError::new("config must be an object"));
        };
        let base = obj
            .entry("baseProcessor")
            .or_insert_with(|| json!(BASE_PROCESSORS[0]));
        if !base.as_str().is_some_and(|b| BASE_PROCESSORS.contains(&b)) {
            return Err(ConfigError::new(format!(
                "config.baseProcessor must be one of {}",
                BASE_PROCESSORS.join(", ")
            )));
        }
        let classes = classes(
            config.get("splitClassifications"),
            "config.splitClassifications",
        )?;
        let text = |key: &str| match config.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(_) => Err(ConfigError::new(format!("config.{key} must be a string"))),
        };
        let rules = text("splitRules")?;
        check_page_ranges(&config, "config")?;
        let flag = |key: &str| -> Result<Option<bool>, ConfigError> {
            match config.pointer(&format!("/advancedOptions/{key}")) {
                None | Some(Value::Null) => Ok(None),
                Some(Value::Bool(b)) => Ok(Some(*b)),
                Some(_) => Err(ConfigError::new(format!(
                    "config.advancedOptions.{key} must be a boolean"
                ))),
            }
        };
        let page_overlap = flag("pageOverlapEnabled")?.unwrap_or(false);
        // On by default, as on the current hosted splitters.
        let strict_identifier = flag("strictIdentifierModeEnabled")?.unwrap_or(true);
        let page_ranges = ranges(config.pointer("/advancedOptions/pageRanges"))
            .map(|(s, e)| (s as u32, e as u32))
            .collect();
        let parse = ParsePlan::resolve_at(config.get("parseConfig"), "config.parseConfig", server)?;
        Ok(SplitPlan {
            config,
            parse,
            classes,
            rules,
            page_ranges,
            page_overlap,
            strict_identifier,
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
}

/// Processes one split run; `keep_parse` as for extract runs. Each split's
/// `fileId` is left for the store to fill once it kept the split's file.
pub fn run_split(plan: &SplitPlan, input: &Input<'_>, keep_parse: bool) -> Outcome {
    let (mut doc, parse) = match read(&plan.parse, input, keep_parse) {
        Ok(read) => read,
        Err(failure) => return failure.into(),
    };
    keep_pages(&mut doc, &plan.page_ranges);
    let options = SplitOptions {
        rules: plan.rules.as_deref(),
        page_overlap: plan.page_overlap,
        strict_identifier: plan.strict_identifier,
    };
    let found = match split(&doc, &plan.classes, &options) {
        Ok(found) => found,
        Err(e) => return Outcome::failed(failure::FAILED_TO_PROCESS_FILE, e.to_string()),
    };
    let kind = detect_kind(input.bytes, input.file_name);
    let (stem, extension) = match input.file_name.rsplit_once('.') {
        Some((stem, ext)) => (stem, format!(".{ext}")),
        None => (input.file_name, String::new()),
    };
    let mut splits = Vec::with_capacity(found.len());
    let mut files = Vec::with_capacity(found.len());
    for (i, s) in found.iter().enumerate() {
        let class = &plan.classes[s.class];
        let id = format!("split_{}", i + 1);
        let name = format!("{stem} (pages {}-{}){extension}", s.start_page, s.end_page);
        let bytes = match quarry_parse::cut_pages(input.bytes, kind, s.start_page, s.end_page) {
            Ok(bytes) => bytes,
            Err(e) => {
                return Outcome::failed(
                    failure::POST_PROCESSING_FAILURE,
                    format!(
                        "Could not cut pages {}-{} out of the file: {e}",
                        s.start_page, s.end_page
                    ),
                );
            }
        };
        let parent_split = json!({
            "id": id, "type": class.kind, "identifier": s.identifier,
            "startPage": s.start_page, "endPage": s.end_page,
        });
        files.push(DerivedFile {
            id_at: format!("/splits/{i}/fileId"),
            name: name.clone(),
            bytes,
            parent_split,
        });
        splits.push(json!({
            "id": id,
            "type": class.kind,
            "classificationId": class.id,
            "identifier": s.identifier,
            "startPage": s.start_page,
            "endPage": s.end_page,
            "observation": s.observation,
            "name": name,
            "confidence": s.confidence,
            "fileId": null,
        }));
    }
    let product = plan.config["baseProcessor"]
        .as_str()
        .unwrap_or(BASE_PROCESSORS[0]);
    let per_page = if product == "splitting_light" {
        0.5
    } else {
        1.0
    };
    let usage = page_usage(
        "split_run",
        input.run_id,
        product,
        per_page,
        doc.page_count(),
    );
    let mut outcome = Outcome::processed(json!({ "splits": splits }), usage);
    outcome.parse = parse;
    outcome.files = files;
    outcome
}
