//! Where a run's HTTP requests may go: cloud-metadata and link-local addresses never, this computer and private networks only when the run allows it or an integration's saved URL leads there, and credentials only to their integration's base URL over TLS.

use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use reqwest::Url;
use serde::{Deserialize, Serialize};

use crate::error::NodeError;
use crate::host::Secret;

/// The name of the run option (and workflow setting) that lets graph-named URLs reach this
/// computer and private networks; refusals quote it so people know what to change.
pub const ALLOW_PRIVATE_NETWORK: &str = "allowPrivateNetwork";
/// The CLI flag that sets [`NetworkPolicy::allow_private_network`].
pub const ALLOW_PRIVATE_NETWORK_FLAG: &str = "--allow-private-network";

/// Redirects a request without credentials or headers of its own may follow.
const MAX_REDIRECTS: usize = 10;

/// What a run's requests may reach. The default refuses this computer and private networks
/// for URLs a graph names: a graph imported from elsewhere must not probe the LAN or local
/// services unless the person running it said so.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct NetworkPolicy {
    /// Graph-named URLs may reach loopback and private addresses (127/8, ::1, 10/8,
    /// 172.16/12, 192.168/16, 100.64/10, fc00::/7, 0.0.0.0).
    pub allow_private_network: bool,
}

/// How far an address is from the public internet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reach {
    Public,
    /// This computer or a private network: allowed when the run or an integration says so.
    Private(&'static str),
    /// Link-local (where cloud metadata services answer), multicast, broadcast: never.
    Never(&'static str),
}

/// Names that lead to a cloud provider's metadata service (instance credentials).
const METADATA_HOSTS: &[&str] = &[
    "metadata.google.internal",
    "metadata.goog",
    "metadata",
    "instance-data",
    "instance-data.ec2.internal",
    "metadata.azure.internal",
];

pub fn is_metadata_host(host: &str) -> bool {
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    METADATA_HOSTS.contains(&host.as_str())
}

pub fn classify(ip: IpAddr) -> Reach {
    match ip {
        IpAddr::V4(v4) => classify_v4(v4),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            // ::ffff:169.254.169.254 is 169.254.169.254 to the network stack.
            Some(v4) => classify_v4(v4),
            None => classify_v6(v6),
        },
    }
}

fn classify_v4(ip: Ipv4Addr) -> Reach {
    let [a, b, ..] = ip.octets();
    if ip.is_link_local() {
        Reach::Never("a link-local address (where cloud metadata services answer)")
    } else if ip == Ipv4Addr::new(100, 100, 100, 200) {
        Reach::Never("a cloud metadata address")
    } else if ip.is_multicast() || ip.is_broadcast() {
        Reach::Never("a multicast or broadcast address")
    } else if ip.is_loopback() {
        Reach::Private("this computer (loopback)")
    } else if ip.is_unspecified() || a == 0 {
        Reach::Private("this computer (0.0.0.0)")
    } else if ip.is_private() {
        Reach::Private("a private network address")
    } else if a == 100 && (64..128).contains(&b) {
        Reach::Private("a shared (carrier-grade NAT) address")
    } else {
        Reach::Public
    }
}

fn classify_v6(ip: Ipv6Addr) -> Reach {
    let first = ip.segments()[0];
    if ip == Ipv6Addr::new(0xfd00, 0x0ec2, 0, 0, 0, 0, 0, 0x0254) {
        Reach::Never("a cloud metadata address")
    } else if first & 0xffc0 == 0xfe80 {
        Reach::Never("a link-local address (where cloud metadata services answer)")
    } else if ip.is_multicast() {
        Reach::Never("a multicast address")
    } else if ip.is_loopback() {
        Reach::Private("this computer (loopback)")
    } else if ip.is_unspecified() {
        Reach::Private("this computer (::)")
    } else if first & 0xfe00 == 0xfc00 {
        Reach::Private("a private network address (unique local)")
    } else if first & 0xffc0 == 0xfec0 {
        Reach::Private("a private network address (site-local)")
    } else {
        Reach::Public
    }
}

/// Whether `ip` may be reached; the refusal names the address and what allows it.
pub fn check_address(ip: IpAddr, host: &str, allow_private: bool) -> Result<(), String> {
    let shown = if host.trim_matches(['[', ']']) == ip.to_string() {
        ip.to_string()
    } else {
        format!("{host} ({ip})")
    };
    match classify(ip) {
        Reach::Public => Ok(()),
        Reach::Private(_) if allow_private => Ok(()),
        Reach::Private(what) => Err(format!(
            "{shown} is {what}: a workflow reaches this computer or a private network only when its setting '{ALLOW_PRIVATE_NETWORK}' is on (CLI: {ALLOW_PRIVATE_NETWORK_FLAG}), or through an integration whose base URL is there"
        )),
        Reach::Never(what) => Err(format!(
            "{shown} is {what}: runs never reach it, whatever the settings"
        )),
    }
}

/// Checks a URL before a request: http(s) only, no metadata host, and every address its host
/// resolves to allowed. The client's resolver filters again when it connects, so a name that
/// changes its answer in between still cannot lead anywhere refused. A refusal is permanent;
/// a name that does not resolve may resolve on a retry.
pub async fn check_url(url: &Url, allow_private: bool) -> Result<(), NodeError> {
    let refused = NodeError::permanent;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(refused(format!(
            "'{}' is not an http:// or https:// URL",
            origin_of(url)
        )));
    }
    match url.host() {
        None => Err(refused(format!("'{}' names no host", origin_of(url)))),
        Some(url::Host::Ipv4(ip)) => {
            check_address(IpAddr::V4(ip), &ip.to_string(), allow_private).map_err(refused)
        }
        Some(url::Host::Ipv6(ip)) => {
            check_address(IpAddr::V6(ip), &ip.to_string(), allow_private).map_err(refused)
        }
        Some(url::Host::Domain(name)) => {
            if is_metadata_host(name) {
                return Err(refused(format!(
                    "{name} is a cloud metadata service: runs never reach it, whatever the settings"
                )));
            }
            let port = url.port_or_known_default().unwrap_or(443);
            let addrs: Vec<SocketAddr> = tokio::net::lookup_host((name, port))
                .await
                .map_err(|e| NodeError::new(format!("{name} could not be resolved: {e}")))?
                .collect();
            if addrs.is_empty() {
                return Err(NodeError::new(format!("{name} resolves to no address")));
            }
            for addr in addrs {
                check_address(addr.ip(), name, allow_private).map_err(refused)?;
            }
            Ok(())
        }
    }
}

/// `scheme://host[:port]/path` of a URL, without user info, query or fragment: what an error
/// may show of a URL a graph templated.
pub fn origin_of(url: &Url) -> String {
    let mut shown = format!("{}://{}", url.scheme(), url.host_str().unwrap_or(""));
    if let Some(port) = url.port() {
        shown.push_str(&format!(":{port}"));
    }
    shown.push_str(url.path());
    shown
}

fn is_loopback_host(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(name)) => {
            let name = name.trim_end_matches('.').to_ascii_lowercase();
            name == "localhost" || name.ends_with(".localhost")
        }
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

/// Whether `url` stays on `base`'s scheme, host and port and under its path.
pub fn is_under(url: &Url, base: &Url) -> bool {
    let base_path = base.path().trim_end_matches('/');
    let under = url.path() == base_path
        || url
            .path()
            .strip_prefix(base_path)
            .is_some_and(|rest| rest.starts_with('/'));
    url.scheme() == base.scheme()
        && url.host_str() == base.host_str()
        && url.port_or_known_default() == base.port_or_known_default()
        && url.username().is_empty()
        && url.password().is_none()
        && under
}

/// Whether a request to `url` may carry `secret`: only under the base URL of the integration
/// it was saved on, and only over TLS unless the host is this computer. `Ok(true)` when the
/// URL is that integration's (which may then be loopback or private: the person saved it).
pub fn check_credential(secret: &Secret, url: &Url) -> Result<bool, String> {
    let mut scoped = false;
    if let Some(scope) = secret.scope() {
        let base = Url::parse(&scope.base_url).map_err(|_| {
            format!(
                "the base URL saved on the credential '{}' does not parse: edit that integration",
                scope.name
            )
        })?;
        if !is_under(url, &base) {
            return Err(format!(
                "the credential '{}' is only sent to {}; this URL is {}: use that integration's base URL, or another credential",
                scope.name,
                scope.base_url.trim_end_matches('/'),
                origin_of(url)
            ));
        }
        scoped = true;
    }
    if url.scheme() != "https" && !is_loopback_host(url) {
        return Err(format!(
            "credentials are only sent over https:// (plain http:// only to this computer); this URL is {}",
            origin_of(url)
        ));
    }
    Ok(scoped)
}

/// A resolver that drops every address the policy refuses, so the connection is made only to
/// addresses [`check_url`] would accept (a name re-resolving elsewhere after the check gets
/// no connection, rather than a connection to a refused address).
#[derive(Debug, Clone, Copy)]
pub struct PolicyResolver {
    allow_private: bool,
}

impl PolicyResolver {
    /// `allow_private: true` still drops link-local and metadata addresses: for requests to
    /// URLs a person saved on an integration.
    pub fn new(allow_private: bool) -> Self {
        Self { allow_private }
    }
}

impl Resolve for PolicyResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let allow_private = self.allow_private;
        Box::pin(async move {
            let host = name.as_str().to_string();
            if is_metadata_host(&host) {
                return Err(format!("{host} is a cloud metadata service").into());
            }
            let found: Vec<SocketAddr> =
                tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            let kept: Vec<SocketAddr> = found
                .iter()
                .copied()
                .filter(|a| check_address(a.ip(), &host, allow_private).is_ok())
                .collect();
            if kept.is_empty() {
                let refused = found
                    .first()
                    .map(|a| check_address(a.ip(), &host, allow_private))
                    .and_then(Result::err)
                    .unwrap_or_else(|| format!("{host} resolves to no address"));
                return Err(refused.into());
            }
            let addrs: Addrs = Box::new(kept.into_iter());
            Ok(addrs)
        })
    }
}

/// One kind of client a run needs: whether private addresses are reachable, whether
/// redirects are followed, and the connect timeout.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ClientKind {
    pub allow_private: bool,
    pub follow_redirects: bool,
    pub connect_timeout: Duration,
}

/// A run's network: its policy and the HTTP clients made under it (one per [`ClientKind`],
/// on first use, shared by the run's blueprint calls).
#[derive(Debug, Default)]
pub struct Egress {
    policy: NetworkPolicy,
    clients: Mutex<HashMap<ClientKind, reqwest::Client>>,
}

impl Egress {
    pub fn new(policy: NetworkPolicy) -> Self {
        Self {
            policy,
            clients: Mutex::new(HashMap::new()),
        }
    }

    pub fn policy(&self) -> NetworkPolicy {
        self.policy
    }

    /// The client of that kind. System proxies are not used: a proxy resolves names itself,
    /// out of reach of the address checks.
    pub fn client(&self, kind: ClientKind) -> Result<reqwest::Client, String> {
        if let Some(client) = self.clients.lock().ok().and_then(|c| c.get(&kind).cloned()) {
            return Ok(client);
        }
        let allow_private = kind.allow_private;
        let redirect = if kind.follow_redirects {
            // Each hop is checked like the first URL: a literal address here (a resolver
            // never sees one), names by the resolver when the hop connects.
            reqwest::redirect::Policy::custom(move |attempt| {
                if attempt.previous().len() >= MAX_REDIRECTS {
                    return attempt.error(format!("more than {MAX_REDIRECTS} redirects"));
                }
                match refused_without_lookup(attempt.url(), allow_private) {
                    Some(why) => attempt.error(why),
                    None => attempt.follow(),
                }
            })
        } else {
            reqwest::redirect::Policy::none()
        };
        let client = reqwest::Client::builder()
            .no_proxy()
            .redirect(redirect)
            .connect_timeout(kind.connect_timeout)
            .dns_resolver(Arc::new(PolicyResolver { allow_private }))
            .build()
            .map_err(|e| format!("cannot set up HTTP: {e}"))?;
        if let Ok(mut clients) = self.clients.lock() {
            clients.insert(kind, client.clone());
        }
        Ok(client)
    }
}

/// Why a URL is refused without resolving anything: not http(s), a metadata name, or a
/// literal address the policy refuses (a resolver never sees a literal address).
pub fn refused_without_lookup(url: &Url, allow_private: bool) -> Option<String> {
    if !matches!(url.scheme(), "http" | "https") {
        return Some(format!("{}: is not http:// or https://", url.scheme()));
    }
    match url.host()? {
        url::Host::Ipv4(ip) => check_address(IpAddr::V4(ip), &ip.to_string(), allow_private).err(),
        url::Host::Ipv6(ip) => check_address(IpAddr::V6(ip), &ip.to_string(), allow_private).err(),
        url::Host::Domain(name) => is_metadata_host(name)
            .then(|| format!("{name} is a cloud metadata service: runs never reach it")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::host::CredentialScope;

    fn ip(s: &str) -> IpAddr {
        s.parse().expect("an address")
    }

    #[test]
    fn metadata_and_link_local_are_never_reached() {
        for a in [
            "169.254.169.254",
            "169.254.0.1",
            "100.100.100.200",
            "fd00:ec2::254",
            "fe80::1",
            "febf::1",
            "::ffff:169.254.169.254",
            "224.0.0.1",
            "255.255.255.255",
        ] {
            assert!(matches!(classify(ip(a)), Reach::Never(_)), "{a}");
            assert!(check_address(ip(a), a, true).is_err(), "{a}");
        }
    }

    #[test]
    fn loopback_and_private_ranges_need_the_setting() {
        for a in [
            "127.0.0.1",
            "127.8.9.10",
            "::1",
            "10.1.2.3",
            "172.16.0.1",
            "172.31.255.255",
            "192.168.1.1",
            "100.64.0.1",
            "100.127.255.255",
            "fc00::1",
            "fd12:3456::1",
            "0.0.0.0",
            "::",
            "::ffff:10.0.0.1",
        ] {
            assert!(matches!(classify(ip(a)), Reach::Private(_)), "{a}");
            let refused = check_address(ip(a), a, false).expect_err(a);
            assert!(refused.contains(ALLOW_PRIVATE_NETWORK), "{refused}");
            assert!(refused.contains(a), "{refused}");
            assert!(check_address(ip(a), a, true).is_ok(), "{a}");
        }
    }

    #[test]
    fn public_addresses_pass() {
        for a in [
            "1.1.1.1",
            "172.32.0.1",
            "100.128.0.1",
            "169.255.0.1",
            "2606:4700::1111",
        ] {
            assert_eq!(classify(ip(a)), Reach::Public, "{a}");
        }
    }

    #[tokio::test]
    async fn urls_are_checked_after_resolution() {
        let url = |s: &str| Url::parse(s).expect("a URL");
        let refused = check_url(&url("http://localhost:9/x"), false)
            .await
            .expect_err("localhost is loopback")
            .message;
        assert!(refused.contains("localhost (127.0.0.1)") || refused.contains("localhost (::1)"));
        assert!(check_url(&url("http://localhost:9/x"), true).await.is_ok());
        let metadata = check_url(&url("http://metadata.google.internal/"), true)
            .await
            .expect_err("metadata");
        assert!(!metadata.retryable);
        let metadata = metadata.message;
        assert!(metadata.contains("metadata"), "{metadata}");
        assert!(check_url(&url("http://[fe80::1]/"), true).await.is_err());
        assert!(check_url(&url("file:///etc/passwd"), true).await.is_err());
    }

    #[test]
    fn a_scoped_credential_goes_only_under_its_base_url_and_over_tls() {
        let secret = Secret::scoped(
            "tok-123456",
            CredentialScope {
                name: "Acme API".into(),
                base_url: "https://api.acme.com/v1".into(),
            },
        );
        let url = |s: &str| Url::parse(s).expect("a URL");
        assert_eq!(
            check_credential(&secret, &url("https://api.acme.com/v1/things?q=1")),
            Ok(true)
        );
        for outside in [
            "https://evil.example/v1/things",
            "https://api.acme.com/v2/things",
            "https://api.acme.com/v1x",
            "http://api.acme.com/v1/things",
            "https://api.acme.com:8443/v1/things",
            "https://user:pw@api.acme.com/v1/things",
            "https://api.acme.com/v1/../admin",
        ] {
            let refused = check_credential(&secret, &url(outside)).expect_err(outside);
            assert!(
                refused.contains("'Acme API' is only sent to https://api.acme.com/v1"),
                "{refused}"
            );
            assert!(!refused.contains("tok-123456"));
        }
        let unscoped = Secret::new("tok-123456");
        assert_eq!(
            check_credential(&unscoped, &url("https://any.example/")),
            Ok(false)
        );
        assert_eq!(
            check_credential(&unscoped, &url("http://127.0.0.1:8080/")),
            Ok(false)
        );
        let plain = check_credential(&unscoped, &url("http://any.example/x")).expect_err("http");
        assert!(plain.contains("https://"), "{plain}");
    }
}
