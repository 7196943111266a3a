//! The one error a plan can have: its config is not one Quarry accepts.

/// A run config that cannot be resolved. The message names the JSON path
/// of the offending key (`config.parseConfig.target must be one of …`),
/// because it is what a `400` answers and what a user fixes.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct ConfigError(String);

impl ConfigError {
    pub fn new(message: impl Into<String>) -> Self {
        ConfigError(message.into())
    }
}
