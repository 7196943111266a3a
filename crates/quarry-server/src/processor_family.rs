//! What every processor family (extractors, classifiers) answers alike:
//! create (fresh, or cloned from another processor's draft), get, update,
//! list, and publish/get/list versions, written once over
//! [`ProcessorApi`]. A kind's route file says only how its config is
//! checked, how its create request names a clone source, and how its
//! records look on the wire, then generates its handlers with
//! [`processor_routes!`].

use axum::Json;
use quarry_model::requests::{CreateProcessorVersion, UpdateProcessor};
use quarry_model::resources::ListResponse;
use quarry_model::time::now_ms;
use quarry_store::{ProcessorKind, ProcessorRecord, VersionRecord};
use serde::Serialize;
use serde_json::{Map, Value};

use crate::error::ApiError;
use crate::routes::paging::PageQuery;
use crate::run_family::capitalized;
use crate::state::AppState;

const MAX_NAME_CHARS: usize = 200;

/// How one processor kind is checked and rendered on the wire.
pub(crate) trait ProcessorApi: Send + Sync + 'static {
    const KIND: ProcessorKind;
    /// The processor's wire object (`Extractor`, `Classifier`).
    type Resource: Serialize + Send;
    /// Its version's wire object.
    type Version: Serialize + Send;
    /// Validates a config given to a processor, with defaults applied.
    fn check_config(config: Value) -> Result<Value, ApiError>;
    /// The processor, with its draft version in the full form.
    fn resource(p: &ProcessorRecord, draft: Option<Self::Version>) -> Self::Resource;
    /// A version; `with_config` false gives the summary form.
    fn version(v: &VersionRecord, with_config: bool) -> Self::Version;
}

/// What a create request asks for, whatever its kind calls the fields.
pub(crate) struct NewProcessor {
    pub name: String,
    /// Another processor of the kind whose draft config is copied.
    pub clone_from: Option<String>,
    pub config: Option<Value>,
}

fn check_name(name: &str) -> Result<String, ApiError> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > MAX_NAME_CHARS {
        return Err(ApiError::bad_request(format!(
            "name must be 1 to {MAX_NAME_CHARS} characters"
        )));
    }
    Ok(name.to_string())
}

/// Processor `id` of kind `P` in `ws`, or 404.
pub(crate) async fn find<P: ProcessorApi>(
    state: &AppState,
    ws: &str,
    id: &str,
) -> Result<ProcessorRecord, ApiError> {
    find_kind(state, P::KIND, ws, id).await
}

/// Processor `id` of `kind` in `ws`, or 404 naming the kind.
pub(crate) async fn find_kind(
    state: &AppState,
    kind: ProcessorKind,
    ws: &str,
    id: &str,
) -> Result<ProcessorRecord, ApiError> {
    state
        .store
        .get_processor(kind, ws, id)
        .await?
        .ok_or_else(|| ApiError::not_found(kind.noun(), id))
}

/// Version `selector` of processor `id`, or 404 naming both.
pub(crate) async fn version_of(
    state: &AppState,
    kind: ProcessorKind,
    ws: &str,
    id: &str,
    selector: &str,
) -> Result<VersionRecord, ApiError> {
    state
        .store
        .get_version(kind, ws, id, selector)
        .await?
        .ok_or_else(|| {
            ApiError::NotFound(format!(
                "version `{selector}` of {} `{id}` was not found",
                kind.noun()
            ))
        })
}

/// The full processor, with its draft version.
pub(crate) async fn full_view<P: ProcessorApi>(
    state: &AppState,
    p: &ProcessorRecord,
) -> Result<P::Resource, ApiError> {
    let draft = version_of(state, P::KIND, &p.workspace_id, &p.id, "draft").await?;
    Ok(P::resource(p, Some(P::version(&draft, true))))
}

pub(crate) async fn create<P: ProcessorApi>(
    state: &AppState,
    ws: &str,
    new: NewProcessor,
) -> Result<Json<P::Resource>, ApiError> {
    let name = check_name(&new.name)?;
    let config = match (&new.clone_from, new.config) {
        (Some(_), Some(_)) => {
            return Err(ApiError::bad_request(format!(
                "`clone{}Id` and `config` are mutually exclusive",
                capitalized(P::KIND.noun())
            )));
        }
        (Some(src), None) => {
            find::<P>(state, ws, src).await?;
            version_of(state, P::KIND, ws, src, "draft").await?.config
        }
        (None, config) => P::check_config(config.unwrap_or_else(|| Value::Object(Map::new())))?,
    };
    let p = ProcessorRecord::new(P::KIND, ws, &name, now_ms());
    let draft = p.draft(config);
    state.store.insert_processor(&p, &draft).await?;
    Ok(Json(full_view::<P>(state, &p).await?))
}

pub(crate) async fn get<P: ProcessorApi>(
    state: &AppState,
    ws: &str,
    id: &str,
) -> Result<Json<P::Resource>, ApiError> {
    let p = find::<P>(state, ws, id).await?;
    Ok(Json(full_view::<P>(state, &p).await?))
}

pub(crate) async fn update<P: ProcessorApi>(
    state: &AppState,
    ws: &str,
    id: &str,
    req: UpdateProcessor,
) -> Result<Json<P::Resource>, ApiError> {
    let name = req.name.as_deref().map(check_name).transpose()?;
    let config = req.config.map(P::check_config).transpose()?;
    let p = state
        .store
        .update_processor(P::KIND, ws, id, name.as_deref(), config.as_ref())
        .await?
        .ok_or_else(|| ApiError::not_found(P::KIND.noun(), id))?;
    Ok(Json(full_view::<P>(state, &p).await?))
}

pub(crate) async fn list<P: ProcessorApi>(
    state: &AppState,
    ws: &str,
    q: &PageQuery,
) -> Result<Json<ListResponse<P::Resource>>, ApiError> {
    let page = q.request()?;
    let list = state.store.list_processors(P::KIND, ws, &page).await?;
    Ok(Json(ListResponse::new(
        list.items.iter().map(|p| P::resource(p, None)).collect(),
        list.next_page_token,
    )))
}

pub(crate) async fn create_version<P: ProcessorApi>(
    state: &AppState,
    ws: &str,
    id: &str,
    req: CreateProcessorVersion,
) -> Result<Json<P::Version>, ApiError> {
    let config = req.config.map(P::check_config).transpose()?;
    let v = state
        .store
        .publish_version(
            P::KIND,
            ws,
            id,
            req.release_type,
            req.description.as_deref(),
            config.as_ref(),
        )
        .await?
        .ok_or_else(|| ApiError::not_found(P::KIND.noun(), id))?;
    Ok(Json(P::version(&v, true)))
}

pub(crate) async fn get_version<P: ProcessorApi>(
    state: &AppState,
    ws: &str,
    id: &str,
    selector: &str,
) -> Result<Json<P::Version>, ApiError> {
    find::<P>(state, ws, id).await?;
    let v = version_of(state, P::KIND, ws, id, selector).await?;
    Ok(Json(P::version(&v, true)))
}

pub(crate) async fn list_versions<P: ProcessorApi>(
    state: &AppState,
    ws: &str,
    id: &str,
    q: &PageQuery,
) -> Result<Json<ListResponse<P::Version>>, ApiError> {
    find::<P>(state, ws, id).await?;
    let page = q.by_creation()?;
    let list = state.store.list_versions(P::KIND, ws, id, &page).await?;
    Ok(Json(ListResponse::new(
        list.items.iter().map(|v| P::version(v, false)).collect(),
        list.next_page_token,
    )))
}

/// The handlers of processor kind `$api` except `create` (whose request
/// differs per kind): get, update, list and the three version handlers,
/// the same for every kind but for their paths and wire types — a macro
/// because the OpenAPI attribute wants literal paths.
macro_rules! processor_routes {
    (
        $api:ty, $resource:ty, $version:ty, tag = $tag:tt, noun = $noun:tt,
        list = $list:tt, one = $one:tt, versions = $versions:tt, version = $one_version:tt
    ) => {
        #[utoipa::path(
            get, path = $one, tag = $tag,
            params(("id" = String, Path, description = $noun)),
            responses((status = 200, description = "With its draft version", body = $resource)),
        )]
        pub async fn get(
            axum::extract::State(state): axum::extract::State<$crate::state::AppState>,
            caller: $crate::http::auth::Caller,
            axum::extract::Path(id): axum::extract::Path<String>,
        ) -> Result<axum::Json<$resource>, $crate::error::ApiError> {
            $crate::processor_family::get::<$api>(&state, &caller.workspace_id, &id).await
        }

        #[utoipa::path(
            post, path = $one, tag = $tag,
            params(("id" = String, Path, description = $noun)),
            request_body = quarry_model::requests::UpdateProcessor,
            responses((status = 200, description = "Renamed and/or with a new draft config", body = $resource)),
        )]
        pub async fn update(
            axum::extract::State(state): axum::extract::State<$crate::state::AppState>,
            caller: $crate::http::auth::Caller,
            axum::extract::Path(id): axum::extract::Path<String>,
            $crate::http::request::ApiJson(req): $crate::http::request::ApiJson<
                quarry_model::requests::UpdateProcessor,
            >,
        ) -> Result<axum::Json<$resource>, $crate::error::ApiError> {
            $crate::processor_family::update::<$api>(&state, &caller.workspace_id, &id, req).await
        }

        #[utoipa::path(
            get, path = $list, tag = $tag,
            params($crate::routes::paging::PageQuery),
            responses((status = 200, description = "One page (summary form)", body = ListResponse<$resource>)),
        )]
        pub async fn list(
            axum::extract::State(state): axum::extract::State<$crate::state::AppState>,
            caller: $crate::http::auth::Caller,
            $crate::http::request::ApiQuery(q): $crate::http::request::ApiQuery<
                $crate::routes::paging::PageQuery,
            >,
        ) -> Result<axum::Json<quarry_model::resources::ListResponse<$resource>>, $crate::error::ApiError> {
            $crate::processor_family::list::<$api>(&state, &caller.workspace_id, &q).await
        }

        #[utoipa::path(
            post, path = $versions, tag = $tag,
            params(("id" = String, Path, description = $noun)),
            request_body = quarry_model::requests::CreateProcessorVersion,
            responses((status = 200, description = "The published version", body = $version)),
        )]
        pub async fn create_version(
            axum::extract::State(state): axum::extract::State<$crate::state::AppState>,
            caller: $crate::http::auth::Caller,
            axum::extract::Path(id): axum::extract::Path<String>,
            $crate::http::request::ApiJson(req): $crate::http::request::ApiJson<
                quarry_model::requests::CreateProcessorVersion,
            >,
        ) -> Result<axum::Json<$version>, $crate::error::ApiError> {
            $crate::processor_family::create_version::<$api>(&state, &caller.workspace_id, &id, req)
                .await
        }

        #[utoipa::path(
            get, path = $one_version, tag = $tag,
            params(("id" = String, Path, description = $noun), ("version" = String, Path, description = "`draft`, `latest`, a version number such as `1.0`, or a version id")),
            responses((status = 200, description = "The version", body = $version)),
        )]
        pub async fn get_version(
            axum::extract::State(state): axum::extract::State<$crate::state::AppState>,
            caller: $crate::http::auth::Caller,
            axum::extract::Path((id, version)): axum::extract::Path<(String, String)>,
        ) -> Result<axum::Json<$version>, $crate::error::ApiError> {
            $crate::processor_family::get_version::<$api>(&state, &caller.workspace_id, &id, &version)
                .await
        }

        #[utoipa::path(
            get, path = $versions, tag = $tag,
            params(("id" = String, Path, description = $noun), $crate::routes::paging::PageQuery),
            responses((status = 200, description = "One page of versions (summary form), newest first", body = ListResponse<$version>)),
        )]
        pub async fn list_versions(
            axum::extract::State(state): axum::extract::State<$crate::state::AppState>,
            caller: $crate::http::auth::Caller,
            axum::extract::Path(id): axum::extract::Path<String>,
            $crate::http::request::ApiQuery(q): $crate::http::request::ApiQuery<
                $crate::routes::paging::PageQuery,
            >,
        ) -> Result<axum::Json<quarry_model::resources::ListResponse<$version>>, $crate::error::ApiError> {
            $crate::processor_family::list_versions::<$api>(&state, &caller.workspace_id, &id, &q)
                .await
        }
    };
}
pub(crate) use processor_routes;
