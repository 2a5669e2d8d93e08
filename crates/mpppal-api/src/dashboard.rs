//! The operator dashboard's static export (`dashboard/`, Next.js), served at `/` on the API's own
//! origin so the sign-in cookie and the CSRF header work unchanged (ADR 0023).
//!
//! The export is read into memory once at start: it is a few megabytes, and reading it once lets
//! each HTML page carry a Content-Security-Policy that allows exactly its own inline scripts (by
//! hash), with no `unsafe-inline` for scripts.

use axum::body::Body;
use axum::extract::State;
use axum::http::{header, HeaderValue, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::problem::Problem;
use crate::ready::Dependencies;

/// One file of the export, ready to send.
struct File {
    bytes: axum::body::Bytes,
    content_type: &'static str,
    /// HTML pages only: the policy naming the hashes of their inline scripts.
    csp: Option<HeaderValue>,
}

/// The export, by URL path (`/accounts/index.html`).
pub struct Dashboard {
    files: HashMap<String, File>,
}

/// The rest of a page's policy: nothing from other origins, no plugins, no framing, forms and
/// `<base>` only to this origin. Styles may be inline (React sets `style` attributes).
const PAGE_POLICY: &str = "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; object-src 'none'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'";

impl Dashboard {
    /// Reads the export under `dir` (it must hold `index.html`).
    pub fn load(dir: &Path) -> Result<Self, String> {
        if !dir.join("index.html").is_file() {
            return Err(format!(
                "MPPPAL_DASHBOARD_DIR {}: no index.html there; build the dashboard first (npm ci && npm run build in dashboard/)",
                dir.display()
            ));
        }
        let mut files = HashMap::new();
        let mut pending: Vec<PathBuf> = vec![dir.to_path_buf()];
        while let Some(folder) = pending.pop() {
            let entries = std::fs::read_dir(&folder)
                .map_err(|e| format!("reading {}: {e}", folder.display()))?;
            for entry in entries {
                let path = entry
                    .map_err(|e| format!("reading {}: {e}", folder.display()))?
                    .path();
                if path.is_dir() {
                    pending.push(path);
                    continue;
                }
                let bytes =
                    std::fs::read(&path).map_err(|e| format!("reading {}: {e}", path.display()))?;
                let relative = path.strip_prefix(dir).expect("under the export");
                let url = format!(
                    "/{}",
                    relative
                        .components()
                        .map(|c| c.as_os_str().to_string_lossy())
                        .collect::<Vec<_>>()
                        .join("/")
                );
                let content_type = content_type(&url);
                let csp = (content_type.starts_with("text/html")).then(|| {
                    HeaderValue::from_str(&page_policy(&String::from_utf8_lossy(&bytes)))
                        .expect("hashes are header text")
                });
                files.insert(
                    url,
                    File {
                        bytes: bytes.into(),
                        content_type,
                        csp,
                    },
                );
            }
        }
        Ok(Self { files })
    }

    /// The file a browser's path names: `/x/` is `/x/index.html`, `/x` is `/x.html` or
    /// `/x/index.html` (exports made with or without trailing slashes both work).
    fn find(&self, path: &str) -> Option<&File> {
        let candidates = if path.ends_with('/') {
            vec![format!("{path}index.html")]
        } else {
            vec![
                path.to_string(),
                format!("{path}.html"),
                format!("{path}/index.html"),
            ]
        };
        candidates.iter().find_map(|c| self.files.get(c))
    }

    fn send(&self, file: &File, status: StatusCode, path: &str) -> Response {
        let mut response = Response::new(Body::from(file.bytes.clone()));
        *response.status_mut() = status;
        let headers = response.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static(file.content_type),
        );
        // Next.js names its build output by content hash: those never change. Pages always
        // revalidate, so a new build is seen at once.
        let cache = if path.starts_with("/_next/static/") {
            "public, max-age=31536000, immutable"
        } else {
            "no-cache"
        };
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
        if let Some(csp) = &file.csp {
            headers.insert(header::CONTENT_SECURITY_POLICY, csp.clone());
        }
        response
    }
}

/// The Content-Security-Policy for one page: [`PAGE_POLICY`] with `script-src` allowing this
/// origin's files and the exact inline scripts the page carries.
fn page_policy(html: &str) -> String {
    let mut sources = vec!["'self'".to_string()];
    for script in inline_scripts(html) {
        let hash = base64::engine::general_purpose::STANDARD.encode(Sha256::digest(script));
        let source = format!("'sha256-{hash}'");
        if !sources.contains(&source) {
            sources.push(source);
        }
    }
    format!("{PAGE_POLICY}; script-src {}", sources.join(" "))
}

/// The bodies of the `<script>` elements without a `src`, exactly as the browser hashes them.
fn inline_scripts(html: &str) -> Vec<&str> {
    let mut found = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find("<script") {
        let after = &rest[start + "<script".len()..];
        let Some(open_end) = after.find('>') else {
            break;
        };
        let attributes = &after[..open_end];
        let body_and_rest = &after[open_end + 1..];
        let Some(close) = body_and_rest.find("</script>") else {
            break;
        };
        if !attributes.contains("src=") && close > 0 {
            found.push(&body_and_rest[..close]);
        }
        rest = &body_and_rest[close + "</script>".len()..];
    }
    found
}

fn content_type(path: &str) -> &'static str {
    match path.rsplit_once('.').map(|(_, ext)| ext) {
        Some("html") => "text/html; charset=utf-8",
        Some("js") => "text/javascript; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("json") => "application/json",
        Some("txt") => "text/plain; charset=utf-8",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("ico") => "image/x-icon",
        Some("woff2") => "font/woff2",
        Some("map") => "application/json",
        _ => "application/octet-stream",
    }
}

/// Every path no route claims: a page of the dashboard, its 404 page, or (for API paths, and
/// when no dashboard is configured) a 404 problem.
pub(crate) async fn serve(
    State(deps): State<Arc<Dependencies>>,
    method: Method,
    uri: Uri,
) -> Response {
    let path = uri.path();
    let api_path = ["/v1/", "/auth/"].iter().any(|p| path.starts_with(p));
    let not_found = || {
        Problem::not_found(format!("no route {path} on this server; see /openapi.json"))
            .into_response()
    };
    if api_path {
        return not_found();
    }
    let Some(dashboard) = deps.dashboard.as_deref() else {
        if path == "/" {
            return Problem::not_found(
                "this server does not serve the dashboard: build it (npm ci && npm run build in dashboard/) and set MPPPAL_DASHBOARD_DIR to dashboard/out",
            )
            .into_response();
        }
        return not_found();
    };
    if method != Method::GET && method != Method::HEAD {
        return Problem::new(
            StatusCode::METHOD_NOT_ALLOWED,
            "method_not_allowed",
            format!("{method} is not served on {path}"),
        )
        .into_response();
    }
    match dashboard.find(path) {
        Some(file) => dashboard.send(file, StatusCode::OK, path),
        None => match dashboard.files.get("/404.html") {
            Some(page) => dashboard.send(page, StatusCode::NOT_FOUND, "/404.html"),
            None => not_found(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_policy_allows_exactly_its_inline_scripts() {
        let html = r#"<html><head><script src="/_next/static/a.js" async=""></script>
<script>self.__next_f=self.__next_f||[]</script></head><body><script>self.__next_f.push([1,"x"])</script><script>self.__next_f=self.__next_f||[]</script></body></html>"#;
        assert_eq!(
            inline_scripts(html),
            [
                "self.__next_f=self.__next_f||[]",
                "self.__next_f.push([1,\"x\"])",
                "self.__next_f=self.__next_f||[]"
            ]
        );
        let policy = page_policy(html);
        let hash = base64::engine::general_purpose::STANDARD
            .encode(Sha256::digest("self.__next_f.push([1,\"x\"])"));
        assert!(policy.contains(&format!("'sha256-{hash}'")), "{policy}");
        assert_eq!(policy.matches("sha256-").count(), 2, "one hash per script");
        assert!(policy.contains("frame-ancestors 'none'"), "{policy}");
        assert!(!policy
            .split("; ")
            .any(|d| d.starts_with("script-src") && d.contains("unsafe")));
    }
}
