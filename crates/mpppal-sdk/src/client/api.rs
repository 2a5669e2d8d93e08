//! Calling the MPPPal operator API as an agent: requests signed with an API key (ADR 0010 of
//! the API; `mpppal-signing`).

use serde_json::Value;

/// Where the API is and the key to sign with (`agent` scope is all an agent needs).
#[derive(Clone, Debug)]
pub struct ApiCredentials {
    /// The API's base URL, e.g. `http://127.0.0.1:8090`.
    pub base_url: String,
    pub key_id: String,
    pub secret: String,
}

impl ApiCredentials {
    /// POSTs the JSON `body` to `path`, signed now; the status and the JSON answer (`Null` when
    /// the answer is not JSON).
    pub(super) async fn post(
        &self,
        http: &reqwest::Client,
        path: &str,
        body: &str,
    ) -> Result<(reqwest::StatusCode, Value), reqwest::Error> {
        let url = format!("{}{path}", self.base_url.trim_end_matches('/'));
        // The signature covers the path as the server sees it, prefix included.
        let signed_path = reqwest::Url::parse(&url)
            .map(|u| u.path().to_string())
            .unwrap_or_else(|_| path.to_string());
        let timestamp = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs() as i64)
            .unwrap_or_default();
        let authorization = mpppal_signing::authorization(
            &self.key_id,
            &self.secret,
            "POST",
            &signed_path,
            "",
            timestamp,
            body.as_bytes(),
        );
        let response = http
            .post(&url)
            .header("authorization", authorization)
            .header("content-type", "application/json")
            .body(body.to_string())
            .send()
            .await?;
        let status = response.status();
        let answer = response.json().await.unwrap_or(Value::Null);
        Ok((status, answer))
    }
}
