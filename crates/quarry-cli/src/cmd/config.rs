//! `quarry config show`: the settings a `quarry serve` (or `quarry worker`)
//! started with this environment and config file would use, each with where
//! it came from, secrets redacted, sorted by name. The output is itself a
//! valid config file.
//!
//! It builds the real settings (`ServeArgs::config`) before printing, so it
//! doubles as a check: a bad value fails here with the error `serve` would
//! give.

use clap::parser::ValueSource;
use clap::{ArgMatches, Command, FromArgMatches, ValueEnum};

use crate::args::{ServeArgs, WorkerArgs};
use crate::config_file::{ConfigFile, is_setting};

/// Which process's settings to show.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Target {
    Serve,
    Worker,
}

impl Target {
    fn name(self) -> &'static str {
        match self {
            Target::Serve => "serve",
            Target::Worker => "worker",
        }
    }
}

/// Prints the settings of `target` as TOML.
pub fn show(command: &Command, file: &ConfigFile, target: Target) -> anyhow::Result<()> {
    // Built, so global settings (`log-format`, `otlp-endpoint`) are listed
    // under the subcommand too.
    let mut tree = command.clone();
    tree.build();
    let top = tree
        .clone()
        .try_get_matches_from(["quarry", target.name()])?;
    let matches = top
        .subcommand_matches(target.name())
        .ok_or_else(|| anyhow::anyhow!("no `{}` command", target.name()))?;
    let sub = tree
        .find_subcommand(target.name())
        .ok_or_else(|| anyhow::anyhow!("no `{}` command", target.name()))?;
    check(matches, target)?;
    let text = render(sub, matches, file, target);
    super::write_stdout(text.as_bytes())
}

/// Builds the real settings, so invalid values fail as they would at start.
fn check(matches: &ArgMatches, target: Target) -> anyhow::Result<()> {
    match target {
        Target::Serve => {
            ServeArgs::from_arg_matches(matches)?.config()?;
        }
        Target::Worker => {
            let args = WorkerArgs::from_arg_matches(matches)?;
            args.llm.config()?;
            args.outbound.apply(&mut args.store.config())?;
        }
    }
    Ok(())
}

fn render(sub: &Command, matches: &ArgMatches, file: &ConfigFile, target: Target) -> String {
    let origin = file.path().map_or_else(
        || "no config file".to_string(),
        |p| format!("config file {}", p.display()),
    );
    let mut out = format!(
        "# Settings of `quarry {}`: flag > QUARRY_* variable > {origin} > built-in default.\n",
        target.name()
    );
    let mut settings: Vec<_> = sub.get_arguments().filter(|a| is_setting(a)).collect();
    settings.sort_by_key(|a| a.get_long());
    for arg in settings {
        let (Some(long), Some(env)) = (arg.get_long(), arg.get_env()) else {
            continue;
        };
        let id = arg.get_id().as_str();
        let raw = matches
            .get_raw(id)
            .and_then(|mut v| v.next())
            .map(|v| v.to_string_lossy().into_owned());
        let source = match matches.value_source(id) {
            Some(ValueSource::EnvVariable) => format!("from {}", env.to_string_lossy()),
            Some(ValueSource::CommandLine) => "from the command line".to_string(),
            _ if file.sets(long) => "from the config file".to_string(),
            _ => "default".to_string(),
        };
        match raw {
            Some(value) => {
                let value = redact(long, arg.is_hide_env_values_set(), value);
                out.push_str(&format!("{long} = {}  # {source}\n", toml_value(&value)));
            }
            None => out.push_str(&format!("# {long} = (unset)\n")),
        }
    }
    out
}

/// Secrets never reach the output; URLs keep everything but the password.
fn redact(long: &str, secret: bool, value: String) -> String {
    if secret && !value.is_empty() {
        "<redacted>".to_string()
    } else if long.ends_with("url") {
        quarry_store::redact_url(&value)
    } else {
        value
    }
}

/// A value as TOML: booleans and numbers bare, everything else quoted.
fn toml_value(value: &str) -> String {
    let typed = if let Ok(b) = value.parse::<bool>() {
        toml::Value::Boolean(b)
    } else if let Ok(i) = value.parse::<i64>() {
        toml::Value::Integer(i)
    } else if let Some(f) = value
        .parse::<f64>()
        .ok()
        .filter(|f| f.is_finite() && value.contains('.'))
    {
        toml::Value::Float(f)
    } else {
        toml::Value::String(value.to_string())
    };
    typed.to_string()
}
