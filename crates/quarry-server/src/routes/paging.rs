//! List query parameters shared by every list endpoint.

use quarry_model::enums::{SortBy, SortDir};
use quarry_store::PageRequest;

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
