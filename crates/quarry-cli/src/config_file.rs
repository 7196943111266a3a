//! The configuration file (`--config FILE` / `QUARRY_CONFIG`): a TOML file
//! whose keys are the long names of the flags that have a `QUARRY_*`
//! environment variable (`bind`, `data-dir`, `llm-model`, …).
//!
//! The file does not get a second, hand-kept settings struct: its values are
//! installed as the *defaults* of the matching clap arguments, so every flag
//! keeps one definition, one parser and one error message, and the order of
//! precedence falls out of clap: command-line flag, then environment
//! variable, then the file, then the built-in default.
//!
//! Tables are a spelling aid: `[llm] model = "m"` is the key `llm-model`, and
//! `_` may stand for `-` (`data_dir`).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use clap::{Arg, Command};

/// A configuration file that could not be used.
#[derive(Debug, thiserror::Error)]
pub enum ConfigFileError {
    #[error("reading the config file {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("the config file {path} is not valid TOML: {source}")]
    Syntax {
        path: PathBuf,
        source: Box<toml::de::Error>,
    },
    #[error(
        "the config file {path} sets `{key}`, which is not a setting{hint} \
         (keys are the long names of flags that have a QUARRY_* variable; \
         `quarry config show` lists them)"
    )]
    UnknownKey {
        path: PathBuf,
        key: String,
        hint: String,
    },
    #[error("the config file {path} sets `{key}` to {found}; expected a string, number or boolean")]
    BadValue {
        path: PathBuf,
        key: String,
        found: &'static str,
    },
}

/// Settings read from a config file, by flag long name.
#[derive(Debug, Clone, Default)]
pub struct ConfigFile {
    path: Option<PathBuf>,
    values: BTreeMap<String, String>,
}

impl ConfigFile {
    /// Reads and flattens `path`; keys are checked later against the
    /// command tree by [`ConfigFile::install`].
    pub fn load(path: &Path) -> Result<Self, ConfigFileError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigFileError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        Self::parse(path, &text)
    }

    fn parse(path: &Path, text: &str) -> Result<Self, ConfigFileError> {
        let table: toml::Table = text.parse().map_err(|source| ConfigFileError::Syntax {
            path: path.to_path_buf(),
            source: Box::new(source),
        })?;
        let mut values = BTreeMap::new();
        flatten(path, "", &table, &mut values)?;
        Ok(Self {
            path: Some(path.to_path_buf()),
            values,
        })
    }

    /// The file this came from, if any.
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// Whether the file sets the flag `long`.
    pub fn sets(&self, long: &str) -> bool {
        self.values.contains_key(long)
    }

    /// Makes the file's values the defaults of the matching arguments
    /// anywhere in `command`'s tree, after checking every key names one.
    pub fn install(&self, command: Command) -> Result<Command, ConfigFileError> {
        let known = settings(&command);
        if let Some(key) = self.values.keys().find(|k| !known.contains(k.as_str())) {
            return Err(ConfigFileError::UnknownKey {
                path: self.path.clone().unwrap_or_default(),
                key: key.clone(),
                hint: closest(key, &known)
                    .map(|k| format!(" (did you mean `{k}`?)"))
                    .unwrap_or_default(),
            });
        }
        Ok(self.install_into(command))
    }

    fn install_into(&self, mut command: Command) -> Command {
        let ids: Vec<(String, String)> = command
            .get_arguments()
            .filter(|a| is_setting(a))
            .filter_map(|a| {
                let value = self.values.get(a.get_long()?)?;
                Some((a.get_id().to_string(), value.clone()))
            })
            .collect();
        for (id, value) in ids {
            // clap keeps defaults as `&'static str` (without its `string`
            // feature); a config file is read once per process, so leaking
            // its few values is the simple, bounded way to hand them over.
            let value: &'static str = Box::leak(value.into_boxed_str());
            command = command.mut_arg(id, |a| a.default_value(value));
        }
        let names: Vec<String> = command
            .get_subcommands()
            .map(|s| s.get_name().to_string())
            .collect();
        for name in names {
            command = command.mut_subcommand(name, |sub| self.install_into(sub));
        }
        command
    }
}

/// A setting is a named flag with a `QUARRY_*` variable: the things an
/// operator configures, as opposed to per-invocation arguments.
pub fn is_setting(arg: &Arg) -> bool {
    arg.get_long().is_some()
        && arg
            .get_env()
            .and_then(|e| e.to_str())
            .is_some_and(|e| e.starts_with("QUARRY_") && e != "QUARRY_CONFIG")
}

/// Every setting's long name anywhere in `command`'s tree.
fn settings(command: &Command) -> BTreeSet<String> {
    let mut out: BTreeSet<String> = command
        .get_arguments()
        .filter(|a| is_setting(a))
        .filter_map(|a| a.get_long().map(str::to_string))
        .collect();
    for sub in command.get_subcommands() {
        out.extend(settings(sub));
    }
    out
}

fn closest<'a>(key: &str, known: &'a BTreeSet<String>) -> Option<&'a str> {
    known
        .iter()
        .map(|k| (strsim::levenshtein(key, k), k))
        .filter(|(d, _)| *d <= 3)
        .min_by_key(|(d, _)| *d)
        .map(|(_, k)| k.as_str())
}

fn flatten(
    path: &Path,
    prefix: &str,
    table: &toml::Table,
    out: &mut BTreeMap<String, String>,
) -> Result<(), ConfigFileError> {
    for (key, value) in table {
        let key = format!("{prefix}{}", key.replace('_', "-"));
        let text = match value {
            toml::Value::String(s) => s.clone(),
            toml::Value::Integer(i) => i.to_string(),
            toml::Value::Float(f) => f.to_string(),
            toml::Value::Boolean(b) => b.to_string(),
            toml::Value::Table(inner) => {
                flatten(path, &format!("{key}-"), inner, out)?;
                continue;
            }
            other => {
                return Err(ConfigFileError::BadValue {
                    path: path.to_path_buf(),
                    key,
                    found: other.type_str(),
                });
            }
        };
        out.insert(key, text);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use clap::{ArgAction, FromArgMatches, Parser};

    use super::*;

    #[derive(Debug, Parser)]
    struct Demo {
        #[arg(long, env = "QUARRY_DEMO_BIND", default_value = "127.0.0.1:8080")]
        bind: String,
        #[arg(long, env = "QUARRY_DEMO_WORKERS", default_value_t = 2)]
        workers: usize,
        #[arg(long, env = "QUARRY_DEMO_LLM_MODEL")]
        llm_model: Option<String>,
        #[arg(long, env = "QUARRY_DEMO_NO_WORKERS", action = ArgAction::SetTrue)]
        no_workers: bool,
        /// Not a setting: no QUARRY_* variable.
        #[arg(long, default_value = "x")]
        name: String,
    }

    fn demo(file: &str, argv: &[&str]) -> Result<Demo, Box<dyn std::error::Error>> {
        let config = ConfigFile::parse(Path::new("q.toml"), file)?;
        let command = config.install(<Demo as clap::CommandFactory>::command())?;
        let matches = command.try_get_matches_from(argv)?;
        Ok(Demo::from_arg_matches(&matches)?)
    }

    #[test]
    fn file_values_sit_between_flags_and_built_in_defaults()
    -> Result<(), Box<dyn std::error::Error>> {
        let file =
            "bind = \"0.0.0.0:9000\"\nworkers = 8\nno_workers = true\n[llm]\nmodel = \"qwen\"\n";
        let d = demo(file, &["demo"])?;
        assert_eq!(d.bind, "0.0.0.0:9000");
        assert_eq!(d.workers, 8);
        assert!(d.no_workers);
        assert_eq!(d.llm_model.as_deref(), Some("qwen"));
        let d = demo(file, &["demo", "--workers", "3"])?;
        assert_eq!(d.workers, 3, "a flag beats the file");
        let d = demo("", &["demo"])?;
        assert_eq!((d.bind.as_str(), d.workers), ("127.0.0.1:8080", 2));
        Ok(())
    }

    #[test]
    fn unknown_keys_and_odd_values_are_refused_with_the_key_named() {
        let err = demo("workrs = 3", &["demo"])
            .map(|_| ())
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("`workrs`") && err.contains("did you mean `workers`"),
            "{err}"
        );
        let err = demo("name = \"y\"", &["demo"])
            .map(|_| ())
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("`name`"),
            "per-invocation flags are not settings: {err}"
        );
        let err = demo("workers = [1]", &["demo"])
            .map(|_| ())
            .unwrap_err()
            .to_string();
        assert!(err.contains("`workers`") && err.contains("array"), "{err}");
        let err = demo("workers = \"many\"", &["demo"])
            .map(|_| ())
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("many"),
            "the flag's own parser reports it: {err}"
        );
        let err = demo("bind = ", &["demo"])
            .map(|_| ())
            .unwrap_err()
            .to_string();
        assert!(err.contains("not valid TOML"), "{err}");
    }
}
