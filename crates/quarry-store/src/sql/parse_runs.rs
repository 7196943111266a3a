//! What parse runs add to the run core: their timing metrics.

use sqlx::any::AnyRow;

use super::runs::RunRow;
use super::util::{Arg, args, json_opt, to_json_opt};
use crate::{ParseRunRecord, Result, RunCore};

impl RunRow for ParseRunRecord {
    const COLUMNS: &'static str = "metrics";

    fn from_row(core: RunCore, r: &AnyRow) -> Result<Self> {
        Ok(ParseRunRecord {
            core,
            metrics: json_opt(r, "metrics")?,
        })
    }

    fn values(&self) -> Vec<Arg> {
        args![to_json_opt(self.metrics.as_ref())]
    }
}
