//! Any HTTP API under a base URL, with the integration's auth: bearer token, basic user and password, or an API key in a named header.

use neuroflow_secrets::Secret;
use reqwest::header::{HeaderName, ACCEPT, AUTHORIZATION};
use reqwest::Method;

use super::{check_status, send, sensitive_header, ProviderError, ProviderHttp};

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
