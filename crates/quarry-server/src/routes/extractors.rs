//! `/extractors` and `/extractors/{id}/versions`: the processor family
//! ([`crate::processor_family`]) for ExtractConfigs.

use axum::Json;
use axum::extract::State;
use quarry_model::requests::CreateExtractor;
use quarry_model::resources::{Extractor, ExtractorVersion, ListResponse};

use crate::error::ApiError;
use crate::http::auth::Caller;
use crate::http::request::ApiJson;
use crate::processor_family::{self, NewProcessor, processor_routes};
use crate::processors::Extractors;
use crate::state::AppState;

#[utoipa::path(
    post, path = "/extractors", tag = "extractors",
    request_body = CreateExtractor,
    responses((status = 200, description = "The new extractor with its draft version", body = Extractor)),
)]
pub async fn create(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(req): ApiJson<CreateExtractor>,
) -> Result<Json<Extractor>, ApiError> {
    if req.generate.is_some() {
        return Err(ApiError::bad_request(
            "`generate` is not supported by this server yet; pass a `config` with a schema",
        ));
    }
    let new = NewProcessor {
        name: req.name,
        clone_from: req.clone_extractor_id,
        config: req.config,
    };
    processor_family::create::<Extractors>(&state, &caller.workspace_id, new).await
}

processor_routes!(
    Extractors,
    Extractor,
    ExtractorVersion,
    tag = "extractors",
    noun = "Extractor id (`ex_…`)",
    list = "/extractors",
    one = "/extractors/{id}",
    versions = "/extractors/{id}/versions",
    version = "/extractors/{id}/versions/{version}"
);
