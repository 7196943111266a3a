//! `/splitters` and `/splitters/{id}/versions`: the processor family
//! ([`crate::processor_family`]) for SplitConfigs.

use axum::Json;
use axum::extract::State;
use quarry_model::requests::CreateSplitter;
use quarry_model::resources::{ListResponse, Splitter, SplitterVersion};

use crate::error::ApiError;
use crate::http::auth::Caller;
use crate::http::request::ApiJson;
use crate::processor_family::{self, NewProcessor, processor_routes};
use crate::processors::Splitters;
use crate::state::AppState;

#[utoipa::path(
    post, path = "/splitters", tag = "splitters",
    request_body = CreateSplitter,
    responses((status = 200, description = "The new splitter with its draft version", body = Splitter)),
)]
pub async fn create(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(req): ApiJson<CreateSplitter>,
) -> Result<Json<Splitter>, ApiError> {
    let new = NewProcessor {
        name: req.name,
        clone_from: req.clone_splitter_id,
        config: req.config,
    };
    processor_family::create::<Splitters>(&state, &caller.workspace_id, new).await
}

processor_routes!(
    Splitters,
    Splitter,
    SplitterVersion,
    tag = "splitters",
    noun = "Splitter id (`spl_…`)",
    list = "/splitters",
    one = "/splitters/{id}",
    versions = "/splitters/{id}/versions",
    version = "/splitters/{id}/versions/{version}"
);
