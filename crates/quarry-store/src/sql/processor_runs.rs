//! What classify and split runs add to the run core: the processor (and
//! version) they used and the parse they were made from.

use sqlx::Row;
use sqlx::any::AnyRow;

use super::runs::RunRow;
use super::util::{Arg, args};
use crate::{ClassifyRunRecord, Result, RunCore, SplitRunRecord};

macro_rules! processor_run_row {
    ($record:ty, $processor:ident, $version:ident) => {
        impl RunRow for $record {
            const COLUMNS: &'static str = concat!(
                stringify!($processor),
                ", ",
                stringify!($version),
                ", parse_run_id"
            );

            fn from_row(core: RunCore, r: &AnyRow) -> Result<Self> {
                let mut run = Self::new(
                    core,
                    r.try_get(stringify!($processor))?,
                    r.try_get(stringify!($version))?,
                );
                run.parse_run_id = r.try_get("parse_run_id")?;
                Ok(run)
            }

            fn values(&self) -> Vec<Arg> {
                args![
                    self.$processor.clone(),
                    self.$version.clone(),
                    self.parse_run_id.clone()
                ]
            }
        }
    };
}

processor_run_row!(ClassifyRunRecord, classifier_id, classifier_version_id);
processor_run_row!(SplitRunRecord, splitter_id, splitter_version_id);
