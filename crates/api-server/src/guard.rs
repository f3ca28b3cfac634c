//! Who may call the dev server: the random token on every call, and no page of another origin (nor a rebound host name).

use std::net::SocketAddr;

use axum::http::{header, HeaderMap, StatusCode};

/// The header every call carries the token in.
pub const TOKEN_HEADER: &str = "x-neuroflow-token";

/// A fresh token: 32 random bytes as hex.
pub fn random_token() -> Result<String, String> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| e.to_string())?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

/// The checks of one server: its token, its own origin and the others allowed.
pub struct Guard {
    token: String,
    own_origin: String,
    hosts: Vec<String>,
    allowed_origins: Vec<String>,
}

impl Guard {
    pub fn new(local: SocketAddr, token: String, allowed_origins: Vec<String>) -> Self {
        let port = local.port();
        let host = match local {
            SocketAddr::V4(v4) => v4.ip().to_string(),
            SocketAddr::V6(v6) => format!("[{}]", v6.ip()),
        };
        let own_origin = format!("http://{host}:{port}");
        let hosts = vec![format!("{host}:{port}"), format!("localhost:{port}")];
        let mut allowed = vec![own_origin.clone(), format!("http://localhost:{port}")];
        allowed.extend(allowed_origins);
        Guard {
            token,
            own_origin,
            hosts,
            allowed_origins: allowed,
        }
    }

    pub fn own_origin(&self) -> &str {
        &self.own_origin
    }

    /// The request's origin when it may call (`None` when it sent none: not a browser page).
    pub fn origin<'a>(
        &self,
        headers: &'a HeaderMap,
    ) -> Result<Option<&'a str>, (StatusCode, String)> {
        let host = headers
            .get(header::HOST)
            .and_then(|h| h.to_str().ok())
            .unwrap_or_default();
        if !self.hosts.iter().any(|h| h == host) {
            return Err((
                StatusCode::FORBIDDEN,
                format!("the dev server answers only to {}", self.hosts.join(" or ")),
            ));
        }
        let Some(origin) = headers.get(header::ORIGIN) else {
            return Ok(None);
        };
        let origin = origin.to_str().unwrap_or_default();
        if self.allowed_origins.iter().any(|o| o == origin) {
            Ok(Some(origin))
        } else {
            Err((
                StatusCode::FORBIDDEN,
                "calls from pages of another origin are refused".to_string(),
            ))
        }
    }

    /// The origin check, then the token (compared in constant time).
    pub fn check<'a>(
        &self,
        headers: &'a HeaderMap,
    ) -> Result<Option<&'a str>, (StatusCode, String)> {
        let origin = self.origin(headers)?;
        let sent = headers
            .get(TOKEN_HEADER)
            .map(|t| t.as_bytes())
            .unwrap_or_default();
        let expected = self.token.as_bytes();
        let same = sent.len() == expected.len()
            && sent
                .iter()
                .zip(expected)
                .fold(0u8, |acc, (a, b)| acc | (a ^ b))
                == 0;
        if same {
            Ok(origin)
        } else {
            Err((
                StatusCode::UNAUTHORIZED,
                format!("missing or wrong {TOKEN_HEADER} header"),
            ))
        }
    }
}
