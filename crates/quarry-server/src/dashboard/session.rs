//! Dashboard sign-in. A valid API key, posted once to the login form, mints
//! a session: a random 256-bit token sent back as an `HttpOnly`,
//! `SameSite=Strict` cookie scoped to `/dashboard`. The store keeps only the
//! token's SHA-256 and the key it came from, so the raw key is never stored
//! and a session ends with its key (revocation), its expiry, or logout.
//!
//! Every dashboard page and endpoint takes a [`Viewer`], which is how
//! "nothing visible without signing in" is enforced: without a live session
//! a page redirects to the login form. State-changing requests also need the
//! CSRF token derived from the session ([`Viewer::check_csrf`]) and, when the
//! browser sends one, a same-host `Origin`.

use axum::extract::{FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Form, http};
use base64::Engine as _;
use quarry_model::time::now_ms;
use quarry_store::DashboardSession;
use rand::RngCore;
use serde::Deserialize;
use sha2::{Digest, Sha256};

use super::html::{Page, esc};
use crate::error::ApiError;
use crate::http::auth::hash_key;
use crate::state::AppState;

/// Name of the session cookie.
pub const COOKIE: &str = "quarry_session";
/// How long a session lasts after sign-in.
const SESSION_MS: i64 = 12 * 3600 * 1000;

/// A signed-in dashboard user: the workspace of the key the session was
/// minted from.
#[derive(Debug, Clone)]
pub struct Viewer {
    pub workspace_id: String,
    /// The API key the session was minted from.
    pub key_id: String,
    pub key_name: String,
    /// The CSRF token pages embed and POSTs must echo.
    pub csrf: String,
    token_hash: String,
}

impl Viewer {
    /// Accepts a state-changing request only with this session's CSRF token
    /// (header `x-csrf-token` or form field `_csrf`) and, if the browser
    /// sent an `Origin`, one naming this host.
    pub fn check_csrf(
        &self,
        headers: &HeaderMap,
        form_token: Option<&str>,
    ) -> Result<(), ApiError> {
        let sent = headers
            .get("x-csrf-token")
            .and_then(|v| v.to_str().ok())
            .or(form_token)
            .unwrap_or("");
        if !constant_time_eq(sent.as_bytes(), self.csrf.as_bytes()) {
            return Err(ApiError::Forbidden("Missing or invalid CSRF token".into()));
        }
        check_origin(headers)
    }
}

/// The CSRF token of a session: derived from the cookie token (so it needs
/// no storage) but not equal to it, and useless without the cookie.
fn csrf_of(token: &str) -> String {
    hex::encode(Sha256::digest(format!("quarry-csrf:{token}").as_bytes()))
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Refuses cross-site POSTs whose `Origin` names another host.
fn check_origin(headers: &HeaderMap) -> Result<(), ApiError> {
    let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) else {
        return Ok(());
    };
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let origin_host = origin.split_once("://").map_or(origin, |(_, rest)| rest);
    if origin_host.eq_ignore_ascii_case(host) {
        Ok(())
    } else {
        Err(ApiError::Forbidden(format!(
            "Cross-origin request from `{origin}` refused"
        )))
    }
}

/// The value of cookie `name` in the request headers.
fn cookie<'h>(headers: &'h HeaderMap, name: &str) -> Option<&'h str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
        .filter(|v| !v.is_empty())
}

impl FromRequestParts<AppState> for Viewer {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let found = match cookie(&parts.headers, COOKIE) {
            Some(token) => {
                let token_hash = hash_key(token);
                state
                    .store
                    .find_session(&token_hash, now_ms())
                    .await
                    .map_err(|e| ApiError::from(e).into_response())?
                    .map(|key| Viewer {
                        workspace_id: key.workspace_id,
                        key_id: key.id,
                        key_name: key.name,
                        csrf: csrf_of(token),
                        token_hash,
                    })
            }
            None => None,
        };
        found.ok_or_else(|| sign_in_first(parts))
    }
}

/// Pages redirect to the login form (coming back afterwards); other
/// requests get a plain 401.
fn sign_in_first(parts: &Parts) -> Response {
    if parts.method != http::Method::GET {
        return ApiError::Unauthorized("Sign in to the dashboard first".into()).into_response();
    }
    let back = parts
        .uri
        .path_and_query()
        .map_or("/dashboard/runs", |p| p.as_str());
    let next: String = url::form_urlencoded::byte_serialize(back.as_bytes()).collect();
    Redirect::to(&format!("/dashboard/login?next={next}")).into_response()
}

/// Only dashboard paths are followed after sign-in (no open redirect).
fn safe_next(next: Option<&str>) -> &str {
    match next {
        Some(n) if n.starts_with("/dashboard") && !n.starts_with("//") => n,
        _ => "/dashboard/runs",
    }
}

#[derive(Debug, Deserialize)]
pub struct LoginQuery {
    next: Option<String>,
}

pub async fn login_page(axum::extract::Query(q): axum::extract::Query<LoginQuery>) -> Response {
    login_form(q.next.as_deref(), None)
}

fn login_form(next: Option<&str>, error: Option<&str>) -> Response {
    let error = error
        .map(|e| format!(r#"<p class="error" role="alert">{}</p>"#, esc(e)))
        .unwrap_or_default();
    let mut page = Page::new(
        "Sign in",
        format!(
            r#"<section class="login"><h1>Sign in</h1>
<p>Enter an API key of your workspace (<code>quarry keys create</code> mints one).</p>{error}
<form method="post" action="/dashboard/login">
<input type="hidden" name="next" value="{next}">
<label>API key <input type="password" name="key" id="api-key" autocomplete="off" required autofocus></label>
<button type="submit" id="sign-in">Sign in</button></form></section>"#,
            next = esc(safe_next(next)),
        ),
    );
    if error.is_empty() {
        page.render(None)
    } else {
        page.status = StatusCode::UNAUTHORIZED;
        page.render(None)
    }
}

#[derive(Debug, Deserialize)]
pub struct LoginForm {
    key: String,
    next: Option<String>,
}

/// Checks the key and mints a session cookie.
pub async fn login(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(form): Form<LoginForm>,
) -> Result<Response, ApiError> {
    check_origin(&headers)?;
    let secret = state.config.key_secret.as_ref();
    let Some(key) = crate::keys::find_key(state.store.as_ref(), secret, form.key.trim()).await?
    else {
        return Ok(login_form(
            form.next.as_deref(),
            Some("Invalid or revoked API key"),
        ));
    };
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    let token = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes);
    let now = now_ms();
    state
        .store
        .insert_session(&DashboardSession {
            token_hash: hash_key(&token),
            key_id: key.id,
            created_at: now,
            expires_at: now + SESSION_MS,
        })
        .await?;
    let secure = if state.config.public_url.starts_with("https:") {
        "; Secure"
    } else {
        ""
    };
    let cookie = format!(
        "{COOKIE}={token}; Path=/dashboard; HttpOnly; SameSite=Strict; Max-Age={}{secure}",
        SESSION_MS / 1000
    );
    Ok((
        [(header::SET_COOKIE, cookie)],
        Redirect::to(safe_next(form.next.as_deref())),
    )
        .into_response())
}

#[derive(Debug, Deserialize)]
pub struct CsrfForm {
    #[serde(rename = "_csrf")]
    csrf: Option<String>,
}

/// Ends the session and clears the cookie.
pub async fn logout(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Form(form): Form<CsrfForm>,
) -> Result<Response, ApiError> {
    viewer.check_csrf(&headers, form.csrf.as_deref())?;
    state.store.delete_session(&viewer.token_hash).await?;
    let clear = format!("{COOKIE}=; Path=/dashboard; HttpOnly; SameSite=Strict; Max-Age=0");
    Ok((
        [(header::SET_COOKIE, clear)],
        Redirect::to("/dashboard/login"),
    )
        .into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_session_cookie_among_others() {
        let mut h = HeaderMap::new();
        h.append(
            header::COOKIE,
            "a=1; quarry_session=tok; b=2".parse().unwrap(),
        );
        assert_eq!(cookie(&h, COOKIE), Some("tok"));
        assert_eq!(cookie(&HeaderMap::new(), COOKIE), None);
    }

    #[test]
    fn next_stays_inside_the_dashboard() {
        assert_eq!(
            safe_next(Some("/dashboard/runs/exr_1")),
            "/dashboard/runs/exr_1"
        );
        for bad in ["https://evil.example/", "//evil.example", "/files"] {
            assert_eq!(safe_next(Some(bad)), "/dashboard/runs");
        }
    }

    #[test]
    fn cross_origin_posts_are_refused() {
        let mut h = HeaderMap::new();
        h.insert(header::HOST, "127.0.0.1:8080".parse().unwrap());
        assert!(check_origin(&h).is_ok());
        h.insert(header::ORIGIN, "http://127.0.0.1:8080".parse().unwrap());
        assert!(check_origin(&h).is_ok());
        h.insert(header::ORIGIN, "http://evil.example".parse().unwrap());
        assert!(check_origin(&h).is_err());
    }
}
