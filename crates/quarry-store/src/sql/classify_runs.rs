//! What classify runs add to the run core: the classifier they used and
//! the parse they were made from.

use sqlx::Row;
use sqlx::any::AnyRow;

use super::runs::RunRow;
use super::util::{Arg, args};
use crate::{ClassifyRunRecord, Result, RunCore};

impl RunRow for ClassifyRunRecord {
    const COLUMNS: &'static str = "classifier_id, classifier_version_id, parse_run_id";

    fn from_row(core: RunCore, r: &AnyRow) -> Result<Self> {
        Ok(ClassifyRunRecord {
            core,
            classifier_id: r.try_get("classifier_id")?,
            classifier_version_id: r.try_get("classifier_version_id")?,
            parse_run_id: r.try_get("parse_run_id")?,
        })
    }

    fn values(&self) -> Vec<Arg> {
        args![
            self.classifier_id.clone(),
            self.classifier_version_id.clone(),
            self.parse_run_id.clone()
        ]
    }
}
