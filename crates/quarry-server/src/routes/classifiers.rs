//! `/classifiers` and `/classifiers/{id}/versions`: the processor family
//! ([`crate::processor_family`]) for ClassifyConfigs.

use axum::Json;
use axum::extract::State;
use quarry_model::requests::CreateClassifier;
use quarry_model::resources::{Classifier, ClassifierVersion, ListResponse};

use crate::error::ApiError;
use crate::http::auth::Caller;
use crate::http::request::ApiJson;
use crate::processor_family::{self, NewProcessor, processor_routes};
use crate::processors::Classifiers;
use crate::state::AppState;

#[utoipa::path(
    post, path = "/classifiers", tag = "classifiers",
    request_body = CreateClassifier,
    responses((status = 200, description = "The new classifier with its draft version", body = Classifier)),
)]
pub async fn create(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(req): ApiJson<CreateClassifier>,
) -> Result<Json<Classifier>, ApiError> {
    let new = NewProcessor {
        name: req.name,
        clone_from: req.clone_classifier_id,
        config: req.config,
    };
    processor_family::create::<Classifiers>(&state, &caller.workspace_id, new).await
}

processor_routes!(
    Classifiers,
    Classifier,
    ClassifierVersion,
    tag = "classifiers",
    noun = "Classifier id (`cl_…`)",
    list = "/classifiers",
    one = "/classifiers/{id}",
    versions = "/classifiers/{id}/versions",
    version = "/classifiers/{id}/versions/{version}"
);
