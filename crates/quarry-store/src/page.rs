//! Keyset pagination. The page token is opaque to clients: URL-safe base64 of
//! the sort key of the last row returned, plus the sort it belongs to, so a
//! token can't be replayed against a different ordering.

use base64::Engine as _;
use quarry_model::enums::{SortBy, SortDir};
use serde::{Deserialize, Serialize};

use crate::StoreError;

#[derive(Debug, Clone, PartialEq)]
pub struct PageRequest {
    pub sort_by: SortBy,
    pub sort_dir: SortDir,
    pub limit: u32,
    /// Decoded `nextPageToken` of the previous page.
    pub after: Option<Cursor>,
}

impl PageRequest {
    /// First page of `limit` rows in the given order.
    pub fn first(sort_by: SortBy, sort_dir: SortDir, limit: u32) -> Self {
        Self {
            sort_by,
            sort_dir,
            limit,
            after: None,
        }
    }

    /// Continues after `token`, which must come from the same ordering.
    pub fn with_token(mut self, token: Option<&str>) -> Result<Self, StoreError> {
        if let Some(token) = token {
            let cursor = Cursor::decode(token)?;
            if cursor.sort_by != self.sort_by || cursor.sort_dir != self.sort_dir {
                return Err(StoreError::InvalidPageToken);
            }
            self.after = Some(cursor);
        }
        Ok(self)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Cursor {
    #[serde(rename = "b")]
    pub sort_by: SortBy,
    #[serde(rename = "d")]
    pub sort_dir: SortDir,
    #[serde(rename = "v")]
    pub value: i64,
    #[serde(rename = "i")]
    pub id: String,
}

impl Cursor {
    pub fn encode(&self) -> String {
        let json = serde_json::to_vec(self).unwrap_or_default();
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(json)
    }

    pub fn decode(token: &str) -> Result<Self, StoreError> {
        let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(token)
            .map_err(|_| StoreError::InvalidPageToken)?;
        serde_json::from_slice(&bytes).map_err(|_| StoreError::InvalidPageToken)
    }
}

/// One page of rows and the token for the next one (`None` on the last page).
#[derive(Debug, Clone, PartialEq)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next_page_token: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_round_trips_and_rejects_other_sorts() {
        let c = Cursor {
            sort_by: SortBy::CreatedAt,
            sort_dir: SortDir::Desc,
            value: 42,
            id: "exr_x".into(),
        };
        let token = c.encode();
        assert_eq!(Cursor::decode(&token).expect("decodes"), c);
        assert!(Cursor::decode("not base64!").is_err());
        let other = PageRequest::first(SortBy::UpdatedAt, SortDir::Desc, 10);
        assert!(other.with_token(Some(&token)).is_err());
    }
}
