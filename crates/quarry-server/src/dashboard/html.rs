//! HTML building blocks of the dashboard: escaping, the page shell, and
//! JSON embedded for the page script. Pages are plain server-rendered
//! strings; everything interpolated goes through [`esc`] (text and
//! attributes) or [`json_script`] (data for the script), so stored values
//! (file names, extracted text) cannot inject markup.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use super::session::Viewer;

/// Escapes text for HTML element content and quoted attribute values.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// `value` as JSON inside `<script type="application/json" id="…">`. `<`,
/// `>` and `&` are escaped as `\u00XX`, so no string can close the element.
pub fn json_script(id: &str, value: &impl Serialize) -> String {
    let json = serde_json::to_string(value).unwrap_or_else(|_| "null".into());
    let json = json
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026");
    format!(
        r#"<script type="application/json" id="{}">{json}</script>"#,
        esc(id)
    )
}

/// A rendered dashboard page.
pub struct Page {
    pub status: StatusCode,
    pub title: String,
    pub body: String,
    /// Extra response header `Server-Timing: app;dur=…` (ms), so load tests
    /// can read the server's own time.
    pub server_ms: Option<f64>,
}

impl Page {
    pub fn new(title: impl Into<String>, body: String) -> Self {
        Self {
            status: StatusCode::OK,
            title: title.into(),
            body,
            server_ms: None,
        }
    }

    /// The page inside the shell: navigation (when signed in), the CSRF
    /// token for the script, the stylesheet and script.
    pub fn render(self, viewer: Option<&Viewer>) -> Response {
        let nav = match viewer {
            Some(v) => format!(
                r#"<nav><a class="brand" href="/dashboard/runs">Quarry</a>
<a href="/dashboard/runs">Runs</a><a href="/dashboard/extractors">Extractors</a><a href="/dashboard/classify">Classify &amp; split</a>
<span class="who">{}</span>
<form method="post" action="/dashboard/logout"><input type="hidden" name="_csrf" value="{}">
<button type="submit" class="link">Sign out</button></form></nav>"#,
                esc(&v.key_name),
                esc(&v.csrf)
            ),
            None => r#"<nav><span class="brand">Quarry</span></nav>"#.to_string(),
        };
        let csrf = viewer.map(|v| esc(&v.csrf)).unwrap_or_default();
        let html = format!(
            r#"<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="csrf-token" content="{csrf}">
<title>{title} · Quarry</title>
<link rel="stylesheet" href="/dashboard/assets/dashboard.css">
<script src="/dashboard/assets/dashboard.js" defer></script>
</head><body>{nav}<main>{body}</main></body></html>"#,
            title = esc(&self.title),
            body = self.body,
        );
        let mut resp = (self.status, html_headers(), html).into_response();
        if let Some(ms) = self.server_ms
            && let Ok(v) = HeaderValue::from_str(&format!("app;dur={ms:.2}"))
        {
            resp.headers_mut().insert("server-timing", v);
        }
        resp
    }
}

/// Headers of every HTML page: no caching of tenant data, no framing, and a
/// policy that only runs the dashboard's own script.
fn html_headers() -> [(header::HeaderName, &'static str); 4] {
    [
        (header::CONTENT_TYPE, "text/html; charset=utf-8"),
        (header::CACHE_CONTROL, "no-store"),
        (header::X_FRAME_OPTIONS, "DENY"),
        (
            header::CONTENT_SECURITY_POLICY,
            "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; \
             script-src 'self'; frame-ancestors 'none'; form-action 'self'",
        ),
    ]
}

/// An error page (not found, bad filter) for a signed-in viewer.
pub fn error_page(viewer: &Viewer, status: StatusCode, message: &str) -> Response {
    let mut page = Page::new(
        "Error",
        format!(r#"<h1>Error</h1><p class="error">{}</p>"#, esc(message)),
    );
    page.status = status;
    page.render(Some(viewer))
}

/// A status badge for a run status.
pub fn status_badge(status: &str) -> String {
    format!(
        r#"<span class="badge status-{}" data-status="{}">{}</span>"#,
        esc(&status.to_ascii_lowercase()),
        esc(status),
        esc(status)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_quotes() {
        assert_eq!(
            esc(r#"<a href="x">'&'</a>"#),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;"
        );
    }

    #[test]
    fn json_cannot_close_its_script() {
        let s = json_script("d", &serde_json::json!({"v": "</script><b>&"}));
        assert!(!s[..s.len() - "</script>".len()].contains("</script"));
        assert!(s.contains(r"\u003c/script\u003e\u003cb\u003e\u0026"));
    }
}
