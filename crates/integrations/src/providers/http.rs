//! Any HTTP API under a base URL, with the integration's auth: bearer token, basic user and password, or an API key in a named header; requests stay under that base URL.

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use neuroflow_engine::HttpAction;
use neuroflow_secrets::Secret;
use reqwest::header::{HeaderName, HeaderValue, ACCEPT, AUTHORIZATION, CONTENT_TYPE};
use reqwest::{Method, Url};

use super::{body_value, check_status, read_body_capped, scrub, scrub_json, send};
use super::{sensitive_header, ProviderError, ProviderHttp};

const SERVICE: &str = "The HTTP service";

/// How requests authenticate.
#[derive(Debug, Clone)]
pub enum HttpAuth {
    None,
    Bearer(Secret),
    Basic { username: String, password: Secret },
    ApiKey { header: String, key: Secret },
}

/// Requests to one base URL with one auth.
#[derive(Debug, Clone)]
pub struct HttpServiceClient {
    http: ProviderHttp,
    base_url: String,
    auth: HttpAuth,
}

impl HttpServiceClient {
    pub fn new(http: ProviderHttp, base_url: &str, auth: HttpAuth) -> Self {
        HttpServiceClient {
            http,
            base_url: base_url.trim_end_matches('/').to_owned(),
            auth,
        }
    }

    /// A request to `{base}{path}` carrying the auth; the caller adds a body and sends it.
    pub fn request(
        &self,
        method: Method,
        path: &str,
    ) -> Result<reqwest::RequestBuilder, ProviderError> {
        let request = self
            .http
            .client()
            .request(method, format!("{}{path}", self.base_url));
        self.authorize(request)
    }

    /// `{base}{path}`, refused unless it stays on the base URL's scheme, host and port and
    /// under its path: a templated path must not carry the credentials elsewhere (`@host`,
    /// `/../`).
    pub fn url_for(&self, path: &str) -> Result<Url, ProviderError> {
        let outside = || ProviderError::Setup {
            service: SERVICE.to_owned(),
            detail: "the path leads outside the integration's base URL; give a path under it"
                .to_owned(),
        };
        if !path.starts_with('/') {
            return Err(outside());
        }
        let base = Url::parse(&self.base_url).map_err(|_| ProviderError::Setup {
            service: SERVICE.to_owned(),
            detail: "the integration's base URL does not parse; edit the integration".to_owned(),
        })?;
        let url = Url::parse(&format!("{}{path}", self.base_url)).map_err(|_| outside())?;
        // The same rule that scopes a credential in the engine's own HTTP nodes.
        if !neuroflow_engine::egress::is_under(&url, &base) {
            return Err(outside());
        }
        Ok(url)
    }

    /// The values the auth sends, to scrub answers of: the secret, and for basic auth also the
    /// header's base64 of `user:password`.
    fn sent_secrets(&self) -> Vec<Secret> {
        match &self.auth {
            HttpAuth::None => Vec::new(),
            HttpAuth::Bearer(token) => vec![token.clone()],
            HttpAuth::Basic { username, password } => vec![
                password.clone(),
                Secret::new(STANDARD.encode(format!("{username}:{}", password.expose()))),
            ],
            HttpAuth::ApiKey { key, .. } => vec![key.clone()],
        }
    }

    /// The header the auth occupies, which a node may not set itself.
    fn auth_header(&self) -> Option<&str> {
        match &self.auth {
            HttpAuth::None => None,
            HttpAuth::Bearer(_) | HttpAuth::Basic { .. } => Some("authorization"),
            HttpAuth::ApiKey { header, .. } => Some(header.as_str()),
        }
    }

    /// An `integration.http` call: the action's method, path, query, headers and body under
    /// the base URL with the auth. Gives `{"status", "headers", "body"}` (body parsed when the
    /// answer is JSON), scrubbed of the credentials; a status outside 2xx fails unless the
    /// action says otherwise.
    pub async fn perform(&self, action: &HttpAction) -> Result<serde_json::Value, ProviderError> {
        let setup = |detail: String| ProviderError::Setup {
            service: SERVICE.to_owned(),
            detail,
        };
        let method = Method::from_bytes(action.method.as_bytes()).map_err(|_| {
            setup(format!(
                "'{}' is not an HTTP method",
                scrub(&action.method, [])
            ))
        })?;
        let mut url = self.url_for(&action.path)?;
        if !action.query.is_empty() {
            url.query_pairs_mut().extend_pairs(&action.query);
        }
        let mut request = self.http.client().request(method, url);
        for (name, value) in &action.headers {
            if self
                .auth_header()
                .is_some_and(|auth| auth.eq_ignore_ascii_case(name))
            {
                return Err(setup(format!(
                    "the header {name} carries the integration's credentials; remove it from the node"
                )));
            }
            let header = HeaderName::from_bytes(name.as_bytes())
                .map_err(|_| setup(format!("'{}' is not an HTTP header name", scrub(name, []))))?;
            let value = HeaderValue::from_str(value)
                .map_err(|_| setup(format!("the value of the header {header} cannot be sent")))?;
            request = request.header(header, value);
        }
        request = match &action.body {
            None => request,
            Some(serde_json::Value::String(text)) => request
                .header(CONTENT_TYPE, "text/plain; charset=utf-8")
                .body(text.clone()),
            Some(json) => request
                .header(CONTENT_TYPE, "application/json")
                .body(json.to_string()),
        };
        let response = send(SERVICE, self.authorize(request)?).await?;
        let sent = self.sent_secrets();
        let sent: Vec<&Secret> = sent.iter().collect();
        let status = response.status().as_u16();
        if action.fail_on_status {
            if let Err(failure) = check_status(SERVICE, &response, None) {
                let bytes = read_body_capped(SERVICE, response, 64 * 1024)
                    .await
                    .unwrap_or_default();
                let said = scrub(&String::from_utf8_lossy(&bytes), sent.iter().copied());
                return Err(match failure {
                    ProviderError::UnexpectedStatus { service, status } if !said.is_empty() => {
                        ProviderError::Api {
                            service,
                            detail: format!("answered HTTP {status}: {said}"),
                        }
                    }
                    other => other,
                });
            }
        }
        let mut headers = serde_json::Map::new();
        for (name, value) in response.headers() {
            headers.insert(
                name.to_string(),
                serde_json::Value::String(String::from_utf8_lossy(value.as_bytes()).into_owned()),
            );
        }
        let is_json = headers
            .get("content-type")
            .and_then(serde_json::Value::as_str)
            .is_some_and(|ct| ct.contains("json"));
        let bytes = read_body_capped(SERVICE, response, action.max_response_bytes).await?;
        Ok(scrub_json(
            serde_json::json!({
                "status": status,
                "headers": headers,
                "body": body_value(&bytes, is_json),
            }),
            &sent,
        ))
    }

    fn authorize(
        &self,
        request: reqwest::RequestBuilder,
    ) -> Result<reqwest::RequestBuilder, ProviderError> {
        Ok(match &self.auth {
            HttpAuth::None => request,
            HttpAuth::Bearer(token) => request.header(
                AUTHORIZATION,
                sensitive_header(SERVICE, &format!("Bearer {}", token.expose()))?,
            ),
            // reqwest marks the basic-auth header sensitive itself.
            HttpAuth::Basic { username, password } => {
                request.basic_auth(username, Some(password.expose()))
            }
            HttpAuth::ApiKey { header, key } => {
                let name = HeaderName::from_bytes(header.as_bytes()).map_err(|_| {
                    ProviderError::Setup {
                        service: SERVICE.to_owned(),
                        detail: "the API-key header name is not a valid HTTP header name"
                            .to_owned(),
                    }
                })?;
                request.header(name, sensitive_header(SERVICE, key.expose())?)
            }
        })
    }

    /// The connection test: `GET {base}{test_path}` must answer 2xx.
    pub async fn check(&self, test_path: &str) -> Result<u16, ProviderError> {
        let request = self.request(Method::GET, test_path)?.header(ACCEPT, "*/*");
        let response = send(SERVICE, request).await?;
        check_status(SERVICE, &response, None)?;
        Ok(response.status().as_u16())
    }
}
