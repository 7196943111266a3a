//! What extract runs add to the run core: the extractor they used, the
//! parse they were made from, and their human review.

use async_trait::async_trait;
use quarry_model::enums::RunStatus;
use quarry_model::time::now_ms;
use sqlx::Row;
use sqlx::any::AnyRow;

use super::SqlStore;
use super::runs::RunRow;
use super::util::{Arg, args, json_opt, stmt, to_json, to_json_opt};
use crate::{ExtractRunRecord, Result, ReviewStore, RunCore, RunReview, RunStore};

impl RunRow for ExtractRunRecord {
    const COLUMNS: &'static str = "extractor_id, extractor_version_id, initial_output, \
        reviewed_output, edits, reviewed, edited, parse_run_id";

    fn from_row(core: RunCore, r: &AnyRow) -> Result<Self> {
        let reviewed: i64 = r.try_get("reviewed")?;
        let edited: i64 = r.try_get("edited")?;
        Ok(ExtractRunRecord {
            core,
            extractor_id: r.try_get("extractor_id")?,
            extractor_version_id: r.try_get("extractor_version_id")?,
            initial_output: json_opt(r, "initial_output")?,
            reviewed_output: json_opt(r, "reviewed_output")?,
            edits: json_opt(r, "edits")?,
            reviewed: reviewed != 0,
            edited: edited != 0,
            parse_run_id: r.try_get("parse_run_id")?,
        })
    }

    fn values(&self) -> Vec<Arg> {
        args![
            self.extractor_id.clone(),
            self.extractor_version_id.clone(),
            to_json_opt(self.initial_output.as_ref()),
            to_json_opt(self.reviewed_output.as_ref()),
            to_json_opt(self.edits.as_ref()),
            self.reviewed,
            self.edited,
            self.parse_run_id.clone()
        ]
    }
}

#[async_trait]
impl ReviewStore for SqlStore {
    async fn review_run(
        &self,
        ws: &str,
        id: &str,
        review: &RunReview,
    ) -> Result<Option<ExtractRunRecord>> {
        let reviewed = to_json(&review.reviewed_output);
        let done = stmt(
            "UPDATE extract_runs SET initial_output = COALESCE(initial_output, output),
                output = $1, reviewed_output = $2, edits = $3, reviewed = 1, edited = $4,
                updated_at = $5
             WHERE workspace_id = $6 AND id = $7 AND status = $8",
            args![
                reviewed.clone(),
                reviewed,
                to_json(&review.edits),
                review.edited,
                now_ms(),
                ws,
                id,
                RunStatus::Processed.as_str()
            ],
        )
        .execute(&self.pool)
        .await?
        .rows_affected();
        if done == 0 {
            return Ok(None);
        }
        RunStore::<ExtractRunRecord>::get(self, ws, id).await
    }
}
