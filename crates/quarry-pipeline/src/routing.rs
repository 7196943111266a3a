//! What classify and split configs share, resolved once: the base
//! processor, the classes (`classifications` / `splitClassifications`),
//! the rules text, `advancedOptions.pageRanges` and the ParseConfig; and
//! what both runs do with it: read only the pages asked for, and charge
//! them.

use quarry_classify::Class;
use quarry_parse::{Document, Limits};
use serde_json::{Value, json};

use crate::parse::read;
use crate::parse_config::check_page_ranges;
use crate::plan::page_ranges;
use crate::{ConfigError, Failure, Input, ParseOutcome, ParsePlan, page_usage};

/// Most classifications one config may hold.
pub const MAX_CLASSIFICATIONS: usize = 200;

/// Where a config's classes and rules are, and which base processors it
/// may name (the first is the default; the second, `_light`, costs half).
pub(crate) struct RoutingKeys {
    pub classes: &'static str,
    pub rules: &'static str,
    pub base_processors: [&'static str; 2],
}

/// A resolved classify or split config.
#[derive(Debug, Clone)]
pub struct Routing {
    /// The effective config (defaults applied), as the run echoes it.
    config: Value,
    pub parse: ParsePlan,
    pub classes: Vec<Class>,
    /// The rules text the engine reads as extra evidence.
    pub rules: Option<String>,
}

impl Routing {
    /// Validates the shared part of a config and resolves it over the
    /// `server` parser limits. Errors name the offending JSON path.
    pub(crate) fn resolve(
        mut config: Value,
        keys: &RoutingKeys,
        server: &Limits,
    ) -> Result<Routing, ConfigError> {
        let Some(obj) = config.as_object_mut() else {
            return Err(ConfigError::new("config must be an object"));
        };
        let bases = keys.base_processors;
        let base = obj
            .entry("baseProcessor")
            .or_insert_with(|| json!(bases[0]));
        if !base.as_str().is_some_and(|b| bases.contains(&b)) {
            return Err(ConfigError::new(format!(
                "config.baseProcessor must be one of {}",
                bases.join(", ")
            )));
        }
        let classes = classes(
            config.get(keys.classes),
            &format!("config.{}", keys.classes),
        )?;
        let rules = match config.get(keys.rules) {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) => Some(s.clone()),
            Some(_) => {
                return Err(ConfigError::new(format!(
                    "config.{} must be a string",
                    keys.rules
                )));
            }
        };
        check_page_ranges(&config, "config")?;
        let mut parse =
            ParsePlan::resolve_at(config.get("parseConfig"), "config.parseConfig", server)?;
        parse.pages = page_ranges(&config);
        Ok(Routing {
            config,
            parse,
            classes,
            rules,
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

    /// The input's document (only the pages asked for) and its parse when
    /// `keep` (see [`read`]).
    pub(crate) fn read(
        &self,
        input: &Input<'_>,
        keep: bool,
    ) -> Result<(Document, Option<ParseOutcome>), Failure> {
        read(&self.parse, input, keep)
    }

    /// The usage of a run of wire `object` that read `pages` pages.
    pub(crate) fn usage(&self, object: &str, run_id: &str, pages: usize) -> Value {
        let product = self.config["baseProcessor"].as_str().unwrap_or_default();
        let per_page = if product.ends_with("_light") {
            0.5
        } else {
            1.0
        };
        page_usage(object, run_id, product, per_page, pages)
    }
}

/// The classifications of a config at `path`: a non-empty array of
/// `{id, type, description}` objects with distinct ids.
pub(crate) fn classes(list: Option<&Value>, path: &str) -> Result<Vec<Class>, ConfigError> {
    let Some(items) = list.and_then(Value::as_array) else {
        return Err(ConfigError::new(format!(
            "{path} is required: an array of {{id, type, description}}"
        )));
    };
    if items.is_empty() || items.len() > MAX_CLASSIFICATIONS {
        return Err(ConfigError::new(format!(
            "{path} must hold 1 to {MAX_CLASSIFICATIONS} classifications; got {}",
            items.len()
        )));
    }
    let mut classes: Vec<Class> = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let text = |key: &str, required: bool| -> Result<Option<String>, ConfigError> {
            match item.get(key) {
                Some(Value::String(s)) if !(required && s.trim().is_empty()) => Ok(Some(s.clone())),
                None | Some(Value::Null) if !required => Ok(None),
                _ => Err(ConfigError::new(format!(
                    "{path}[{i}].{key} must be a{} string",
                    if required { " non-empty" } else { "" }
                ))),
            }
        };
        let id = text("id", true)?.unwrap_or_default();
        if classes.iter().any(|c| c.id == id) {
            return Err(ConfigError::new(format!(
                "{path}[{i}].id `{id}` is used by an earlier classification; ids must be distinct"
            )));
        }
        classes.push(Class {
            kind: text("type", true)?.unwrap_or_default(),
            description: text("description", false)?.unwrap_or_default(),
            identifier_key: text("identifierKey", false)?,
            id,
        });
    }
    Ok(classes)
}
