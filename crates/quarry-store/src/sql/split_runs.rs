//! What split runs add to the run core: the splitter they used and the
//! parse they were made from.

use sqlx::Row;
use sqlx::any::AnyRow;

use super::runs::RunRow;
use super::util::{Arg, args};
use crate::{Result, RunCore, SplitRunRecord};

impl RunRow for SplitRunRecord {
    const COLUMNS: &'static str = "splitter_id, splitter_version_id, parse_run_id";

    fn from_row(core: RunCore, r: &AnyRow) -> Result<Self> {
        Ok(SplitRunRecord {
            core,
            splitter_id: r.try_get("splitter_id")?,
            splitter_version_id: r.try_get("splitter_version_id")?,
            parse_run_id: r.try_get("parse_run_id")?,
        })
    }

    fn values(&self) -> Vec<Arg> {
        args![
            self.splitter_id.clone(),
            self.splitter_version_id.clone(),
            self.parse_run_id.clone()
        ]
    }
}
