//! What every operation shares, added once to the generated document: the
//! bearer-key security scheme, the `x-extend-api-version` and
//! `x-extend-workspace-id` headers, and the error responses that the
//! middleware ([`crate::http`]) and extractors can answer on any route. The
//! public paths are those [`crate::http::auth`] lets through without a key.

use quarry_model::{API_VERSION, API_VERSION_HEADER, WORKSPACE_HEADER};
use utoipa::Modify;
use utoipa::openapi::path::{Operation, Parameter, ParameterBuilder, ParameterIn};
use utoipa::openapi::response::{Response, ResponseBuilder};
use utoipa::openapi::schema::{ObjectBuilder, SchemaType, Type};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityRequirement, SecurityScheme};
use utoipa::openapi::{
    ContentBuilder, Header, HeaderBuilder, OpenApi, PathItem, Ref, RefOr, Required,
};

use crate::http::auth::PUBLIC_PATHS;

/// Name of the bearer-key security scheme.
const BEARER: &str = "apiKey";
/// The response header carrying the request id.
const REQUEST_ID_HEADER: &str = "x-request-id";

/// An error response every operation of some kind can answer.
struct ErrorResponse {
    status: &'static str,
    /// Component name under `#/components/responses`.
    name: &'static str,
    description: &'static str,
}

const BAD_REQUEST: ErrorResponse = ErrorResponse {
    status: "400",
    name: "BadRequest",
    description: "Invalid request: bad parameters or body, or a missing or unsupported \
                  `x-extend-api-version` header (`INVALID_REQUEST`)",
};
const UNAUTHORIZED: ErrorResponse = ErrorResponse {
    status: "401",
    name: "Unauthorized",
    description: "Missing, invalid or revoked API key (`UNAUTHORIZED`)",
};
const FORBIDDEN: ErrorResponse = ErrorResponse {
    status: "403",
    name: "Forbidden",
    description: "`x-extend-workspace-id` names a workspace the key has no access to (`FORBIDDEN`)",
};
const NOT_FOUND: ErrorResponse = ErrorResponse {
    status: "404",
    name: "NotFound",
    description: "A resource named in the path or body does not exist in the caller's \
                  workspace (`NOT_FOUND`)",
};
const PAYLOAD_TOO_LARGE: ErrorResponse = ErrorResponse {
    status: "413",
    name: "PayloadTooLarge",
    description: "The body is over the server's size limit (`PAYLOAD_TOO_LARGE`)",
};
const RATE_LIMITED: ErrorResponse = ErrorResponse {
    status: "429",
    name: "RateLimited",
    description: "Over the key's or workspace's rate limit (`RATE_LIMIT_EXCEEDED`); retry \
                  after `Retry-After` seconds (`Retry-After-Ms` milliseconds)",
};
const INTERNAL: ErrorResponse = ErrorResponse {
    status: "500",
    name: "InternalError",
    description: "Unexpected server failure (`INTERNAL_ERROR`, retryable)",
};
const ALL: [&ErrorResponse; 7] = [
    &BAD_REQUEST,
    &UNAUTHORIZED,
    &FORBIDDEN,
    &NOT_FOUND,
    &PAYLOAD_TOO_LARGE,
    &RATE_LIMITED,
    &INTERNAL,
];

/// The [`Modify`] that applies the shared conventions.
pub struct Conventions;

impl Modify for Conventions {
    fn modify(&self, api: &mut OpenApi) {
        let components = api.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            BEARER,
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some(
                        "An API key from `quarry keys create`: `Authorization: Bearer <key>`",
                    ))
                    .build(),
            ),
        );
        for e in ALL {
            components
                .responses
                .insert(e.name.to_string(), RefOr::T(error_response(e)));
        }
        for (path, item) in api.paths.paths.iter_mut() {
            let public = PUBLIC_PATHS.contains(&path.as_str());
            let has_id = path.contains('{');
            for op in operations(item) {
                qualify_operation_id(op);
                for response in op.responses.responses.values_mut() {
                    if let RefOr::T(response) = response {
                        response
                            .headers
                            .insert(REQUEST_ID_HEADER.to_string(), RefOr::T(request_id_header()));
                    }
                }
                if public {
                    // An empty requirement: this operation needs no key.
                    op.security = Some(vec![SecurityRequirement::default()]);
                    add_error(op, &INTERNAL);
                    continue;
                }
                op.security = Some(vec![SecurityRequirement::new(BEARER, Vec::<String>::new())]);
                let params = op.parameters.get_or_insert_with(Vec::new);
                params.extend([version_header(), workspace_header()].map(RefOr::T));
                let has_body = op.request_body.is_some();
                for e in [
                    &BAD_REQUEST,
                    &UNAUTHORIZED,
                    &FORBIDDEN,
                    &RATE_LIMITED,
                    &INTERNAL,
                ] {
                    add_error(op, e);
                }
                if has_id || has_body {
                    add_error(op, &NOT_FOUND);
                }
                if has_body {
                    add_error(op, &PAYLOAD_TOO_LARGE);
                }
            }
        }
    }
}

/// Every operation of a path item.
fn operations(item: &mut PathItem) -> impl Iterator<Item = &mut Operation> {
    [
        &mut item.get,
        &mut item.post,
        &mut item.put,
        &mut item.patch,
        &mut item.delete,
    ]
    .into_iter()
    .flatten()
}

/// utoipa names an operation after its handler (`list`, `get`, …), which
/// repeats across resource modules; ids must be unique, so each is prefixed
/// with its tag (`files_list`).
fn qualify_operation_id(op: &mut Operation) {
    let tag = op.tags.as_ref().and_then(|t| t.first());
    if let (Some(tag), Some(id)) = (tag, op.operation_id.as_mut()) {
        *id = format!("{tag}_{id}");
    }
}

/// References the shared error response `e`, unless the operation already
/// documents that status itself.
fn add_error(op: &mut Operation, e: &ErrorResponse) {
    op.responses
        .responses
        .entry(e.status.to_string())
        .or_insert_with(|| RefOr::Ref(Ref::from_response_name(e.name)));
}

fn error_response(e: &ErrorResponse) -> Response {
    let content = ContentBuilder::new()
        .schema(Some(Ref::from_schema_name("ErrorBody")))
        .build();
    let mut response = ResponseBuilder::new()
        .description(e.description)
        .content("application/json", content)
        .header(REQUEST_ID_HEADER, request_id_header());
    if e.status == RATE_LIMITED.status {
        let integer = || ObjectBuilder::new().schema_type(SchemaType::Type(Type::Integer));
        response = response
            .header(
                "Retry-After",
                HeaderBuilder::new()
                    .schema(Some(integer()))
                    .description(Some("Seconds to wait, rounded up"))
                    .build(),
            )
            .header(
                "Retry-After-Ms",
                HeaderBuilder::new()
                    .schema(Some(integer()))
                    .description(Some("Milliseconds to wait"))
                    .build(),
            );
    }
    response.build()
}

/// A string schema.
fn string() -> ObjectBuilder {
    ObjectBuilder::new().schema_type(SchemaType::Type(Type::String))
}

/// `x-request-id`, set on every response by [`crate::http::envelope`].
fn request_id_header() -> Header {
    HeaderBuilder::new()
        .schema(Some(string().pattern(Some("^req_"))))
        .description(Some(
            "Id of this request (`req_…`), also in error bodies as `requestId`",
        ))
        .build()
}

/// A request header parameter.
fn header_param(
    name: &str,
    required: Required,
    description: String,
    schema: ObjectBuilder,
) -> Parameter {
    ParameterBuilder::new()
        .name(name)
        .parameter_in(ParameterIn::Header)
        .required(required)
        .description(Some(description))
        .schema(Some(schema))
        .build()
}

/// `x-extend-api-version`: required unless the server runs with a default
/// version, and only `2026-02-09` is accepted.
fn version_header() -> Parameter {
    header_param(
        API_VERSION_HEADER,
        Required::True,
        format!(
            "API version; only `{API_VERSION}`. May be omitted when the server runs with \
             `--default-api-version`."
        ),
        string().enum_values(Some([API_VERSION])),
    )
}

/// `x-extend-workspace-id`: optional; may only name the key's own workspace.
fn workspace_header() -> Parameter {
    header_param(
        WORKSPACE_HEADER,
        Required::False,
        "Workspace to act in; must be the API key's own workspace (else 403).".into(),
        string(),
    )
}
