//! List query parameters shared by every list endpoint.

use quarry_model::enums::{SortBy, SortDir};
use quarry_store::PageRequest;
use serde::Deserialize;
use utoipa::IntoParams;

use crate::error::ApiError;

/// Page size when `maxPageSize` is absent.
pub const DEFAULT_PAGE_SIZE: i64 = 20;
/// Largest `maxPageSize` accepted.
pub const MAX_PAGE_SIZE: i64 = 1000;

/// Builds a page request from list query parameters, rejecting bad sizes and
/// tokens with 400.
pub fn page_request(
    sort_by: Option<SortBy>,
    sort_dir: Option<SortDir>,
    max_page_size: Option<i64>,
    token: Option<&str>,
) -> Result<PageRequest, ApiError> {
    let size = max_page_size.unwrap_or(DEFAULT_PAGE_SIZE);
    if !(1..=MAX_PAGE_SIZE).contains(&size) {
        return Err(ApiError::bad_request(format!(
            "maxPageSize must be between 1 and {MAX_PAGE_SIZE}; got {size}"
        )));
    }
    let token = token.filter(|t| !t.is_empty());
    Ok(PageRequest::first(
        sort_by.unwrap_or_default(),
        sort_dir.unwrap_or_default(),
        size as u32,
    )
    .with_token(token)?)
}

/// The paging and sorting parameters every list endpoint accepts; list
/// queries embed it with `#[serde(flatten)]`. `maxPageSize` is read as text
/// because flattened query fields arrive as strings.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// Sort key (lists that only sort by creation ignore it).
    #[param(inline)]
    sort_by: Option<SortBy>,
    #[param(inline)]
    sort_dir: Option<SortDir>,
    /// The `nextPageToken` of the previous page.
    next_page_token: Option<String>,
    /// Page size, 1 to 1000 (default 20).
    #[param(value_type = Option<i64>, minimum = 1, maximum = 1000)]
    max_page_size: Option<String>,
}

impl PageQuery {
    /// The page request, ignoring `sortBy` (for lists that only sort by creation).
    pub fn by_creation(&self) -> Result<PageRequest, ApiError> {
        self.build(None)
    }

    pub fn request(&self) -> Result<PageRequest, ApiError> {
        self.build(self.sort_by)
    }

    fn build(&self, sort_by: Option<SortBy>) -> Result<PageRequest, ApiError> {
        let size = self
            .max_page_size
            .as_deref()
            .map(|s| {
                s.trim().parse::<i64>().map_err(|_| {
                    ApiError::bad_request(format!("maxPageSize must be an integer; got `{s}`"))
                })
            })
            .transpose()?;
        page_request(
            sort_by,
            self.sort_dir,
            size,
            self.next_page_token.as_deref(),
        )
    }
}
