//! The `--database-url`: which database it names, its password (in the URL, from `PGPASSWORD` or from stdin), and the redacted form every message shows.

use std::path::Path;

/// What a `--database-url` names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Postgres,
    Sqlite,
}

/// A checked `--database-url`: the URL to connect with and the secrets no message may show.
pub struct DatabaseUrl {
    backend: Backend,
    url: String,
    secrets: Vec<String>,
}

impl DatabaseUrl {
    /// Checks the URL's scheme (refusing anything that is neither Postgres nor a plausible
    /// SQLite file, so a typo never creates a junk database) and gives it its password:
    /// `stdin_password` (from `--database-password-stdin`) or else `PGPASSWORD`, when the
    /// URL has none of its own.
    pub fn parse(
        raw: &str,
        stdin_password: Option<String>,
        pgpassword: Option<String>,
    ) -> Result<Self, String> {
        let backend = backend_of(raw)?;
        let mut secrets: Vec<String> = url_password(raw)
            .into_iter()
            .chain(query_password(raw))
            .collect();
        let url = match backend {
            Backend::Sqlite => {
                if stdin_password.is_some() {
                    return Err(
                        "--database-password-stdin is for Postgres; a SQLite database has no password"
                            .into(),
                    );
                }
                raw.to_string()
            }
            Backend::Postgres => {
                let url = lower_scheme(raw);
                let has_own = !secrets.is_empty();
                match (stdin_password, has_own) {
                    (Some(_), true) => {
                        return Err(
                            "the --database-url already holds a password: give it once, with --database-password-stdin or PGPASSWORD and a URL without one"
                                .into(),
                        )
                    }
                    (Some(password), false) => {
                        secrets.push(password.clone());
                        with_password(&url, &password)
                    }
                    // libpq's rule: the URL's own password wins over PGPASSWORD.
                    (None, false) => match pgpassword.filter(|p| !p.is_empty()) {
                        Some(password) => {
                            secrets.push(password.clone());
                            with_password(&url, &password)
                        }
                        None => url,
                    },
                    (None, true) => url,
                }
            }
        };
        let mut all = Vec::new();
        // A URL's password is written encoded; an error may quote it either way.
        for secret in secrets.into_iter().filter(|s| !s.is_empty()) {
            all.push(percent_encoded(&secret));
            all.push(percent_decoded(&secret));
            all.push(secret);
        }
        all.dedup();
        // The longest first, so a secret that contains another is hidden whole.
        all.sort_by_key(|s| std::cmp::Reverse(s.len()));
        Ok(Self {
            backend,
            url,
            secrets: all,
        })
    }

    /// The checks `parse` makes that do not need the password, made before stdin is read so
    /// a wrong URL fails at once instead of after a password is typed.
    pub fn check_before_stdin(raw: &str, password_stdin: bool) -> Result<Backend, String> {
        Self::parse(raw, password_stdin.then(String::new), None).map(|u| u.backend)
    }

    /// The URL to connect with; it may hold a password, so it is never printed.
    pub fn connect_url(&self) -> &str {
        &self.url
    }

    /// A message with every form of the password replaced by `***` and any URL redacted.
    pub fn scrub(&self, message: &str) -> String {
        let mut out = message.to_string();
        for secret in &self.secrets {
            out = out.replace(secret.as_str(), "***");
        }
        redact(&out)
    }
}

/// The backend the URL names, or one line saying why it names none.
fn backend_of(raw: &str) -> Result<Backend, String> {
    const GIVE: &str = "give postgres://…, postgresql://…, sqlite:PATH or the path of a SQLite file (an existing file, or one ending in .db, .sqlite or .sqlite3 in an existing directory)";
    if raw.trim().is_empty() {
        return Err(format!("--database-url is empty: {GIVE}"));
    }
    if let Some(scheme) = scheme_of(raw) {
        let lower = scheme.to_ascii_lowercase();
        return match lower.as_str() {
            "postgres" | "postgresql" if raw[scheme.len()..].starts_with("://") => {
                Ok(Backend::Postgres)
            }
            "postgres" | "postgresql" => Err(format!(
                "--database-url '{}': a Postgres URL starts with {lower}://",
                shown_url(raw)
            )),
            "sqlite" => {
                let path = raw[scheme.len() + 1..].trim_start_matches("//");
                if path.is_empty() {
                    Err(format!(
                        "--database-url '{}' names no file: {GIVE}",
                        shown_url(raw)
                    ))
                } else {
                    Ok(Backend::Sqlite)
                }
            }
            _ => Err(format!(
                "--database-url '{}': '{}' databases are not supported; {GIVE}",
                shown_url(raw),
                shown(scheme)
            )),
        };
    }
    let path = Path::new(raw);
    match std::fs::metadata(path) {
        Ok(meta) if meta.is_file() => return Ok(Backend::Sqlite),
        Ok(_) => {
            return Err(format!(
                "--database-url '{}' is not a file: {GIVE}",
                shown_url(raw)
            ))
        }
        Err(_) => {}
    }
    let named_as_database = path
        .extension()
        .and_then(|e| e.to_str())
        .map(|e| ["db", "sqlite", "sqlite3"].contains(&e.to_ascii_lowercase().as_str()))
        .unwrap_or(false);
    if !named_as_database {
        return Err(format!(
            "--database-url '{}' is neither a database URL nor a SQLite file: {GIVE}",
            shown_url(raw)
        ));
    }
    let parent = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    if !parent.is_dir() {
        return Err(format!(
            "--database-url '{}': the directory {} does not exist",
            shown_url(raw),
            shown(&parent.display().to_string())
        ));
    }
    Ok(Backend::Sqlite)
}

/// The URL's scheme (`mysql` in `mysql://…`, `sqlite` in `sqlite:x.db`), when it has one.
/// One letter before `:` is a Windows drive, not a scheme.
fn scheme_of(raw: &str) -> Option<&str> {
    let colon = raw.find(':')?;
    let scheme = &raw[..colon];
    let mut chars = scheme.chars();
    let first = chars.next()?;
    let is_scheme = first.is_ascii_alphabetic()
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    (is_scheme && (scheme.len() > 1 || raw[colon..].starts_with("://"))).then_some(scheme)
}

/// The store matches `postgres://` exactly, so `POSTGRES://` is given to it in lower case.
fn lower_scheme(raw: &str) -> String {
    match raw.find("://") {
        Some(i) => format!("{}{}", raw[..i].to_ascii_lowercase(), &raw[i..]),
        None => raw.to_string(),
    }
}

/// The authority (`user:password@host:port`) of a `scheme://` URL, and where it starts.
fn authority(raw: &str) -> Option<(usize, &str)> {
    let start = raw.find("://")? + 3;
    let rest = &raw[start..];
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    Some((start, &rest[..end]))
}

/// The password in the URL's user info, as written (percent-encoded).
fn url_password(raw: &str) -> Option<String> {
    let (_, auth) = authority(raw)?;
    let (userinfo, _) = auth.rsplit_once('@')?;
    let (_, password) = userinfo.split_once(':')?;
    Some(password.to_string())
}

/// The value of a `password=` query parameter (sqlx takes the password from there too).
fn query_password(raw: &str) -> Option<String> {
    let (_, query) = raw.split_once('?')?;
    let query = query.split('#').next().unwrap_or_default();
    query.split('&').find_map(|pair| {
        let (key, value) = pair.split_once('=')?;
        key.eq_ignore_ascii_case("password")
            .then(|| value.to_string())
    })
}

/// The URL with `password` in its user info (the user stays, or is left to the default).
fn with_password(url: &str, password: &str) -> String {
    let encoded = percent_encoded(password);
    match authority(url) {
        Some((start, auth)) => match auth.rsplit_once('@') {
            Some((user, _)) => {
                let user_end = start + user.len();
                format!("{}:{encoded}{}", &url[..user_end], &url[user_end..])
            }
            None => format!("{}:{encoded}@{}", &url[..start], &url[start..]),
        },
        None => url.to_string(),
    }
}

/// Every byte but the unreserved ones as `%XX`, so any password fits in a URL's user info.
fn percent_encoded(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 3);
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// `%XX` escapes decoded (invalid ones left as written), as sqlx decodes a URL's password.
fn percent_decoded(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(b)) => {
                out.push(b);
                i += 3;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).to_string()
}

/// The text with any `user:password@` shown as `user:***@` and any `password=` query value as
/// `password=***`, whatever the scheme (a `mysql://` URL is refused, but it is shown redacted).
pub fn redact(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for piece in text.split_inclusive(char::is_whitespace) {
        let word = piece.trim_end();
        let start = word.find("://").map(|i| i + 3).unwrap_or(0);
        let body = &word[start..];
        match body
            .rfind('@')
            .and_then(|at| body[..at].find(':').map(|colon| (colon, at)))
        {
            Some((colon, at)) => {
                out.push_str(&word[..start + colon]);
                out.push_str(":***");
                out.push_str(&body[at..]);
            }
            None => out.push_str(word),
        }
        out.push_str(&piece[word.len()..]);
    }
    hide_query_passwords(&out)
}

/// A URL as a message shows it: redacted, on one short printable line.
pub fn shown_url(raw: &str) -> String {
    shown(&redact(raw))
}

fn hide_query_passwords(text: &str) -> String {
    let lower = text.to_ascii_lowercase();
    let mut out = String::new();
    let mut last = 0;
    for (i, _) in lower.match_indices("password=") {
        if i < last || !(i > 0 && matches!(text.as_bytes()[i - 1], b'?' | b'&')) {
            continue;
        }
        let value_start = i + "password=".len();
        let value_end = text[value_start..]
            .find(['&', '#', ' '])
            .map(|j| value_start + j)
            .unwrap_or(text.len());
        out.push_str(&text[last..value_start]);
        out.push_str("***");
        last = value_end;
    }
    out.push_str(&text[last..]);
    out
}

fn shown(text: &str) -> String {
    let mut out: String = text
        .chars()
        .take(200)
        .map(|c| if c.is_control() { '?' } else { c })
        .collect();
    if text.chars().count() > 200 {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn backend(raw: &str) -> Result<Backend, String> {
        DatabaseUrl::parse(raw, None, None).map(|u| u.backend)
    }

    #[test]
    fn only_postgres_and_plausible_sqlite_locations_are_accepted() {
        assert_eq!(backend("postgres://u@h/db"), Ok(Backend::Postgres));
        assert_eq!(backend("postgresql://h/db"), Ok(Backend::Postgres));
        assert_eq!(backend("POSTGRES://h/db"), Ok(Backend::Postgres));
        assert_eq!(backend("sqlite:x.db"), Ok(Backend::Sqlite));
        assert_eq!(backend("sqlite://some/where"), Ok(Backend::Sqlite));
        assert_eq!(backend("x.db"), Ok(Backend::Sqlite));
        assert_eq!(backend("data.SQLite3"), Ok(Backend::Sqlite));
        let dir = std::env::temp_dir();
        let existing = dir.join(format!("nf-db-{}", uuid::Uuid::now_v7().simple()));
        std::fs::write(&existing, b"").unwrap();
        assert_eq!(backend(&existing.to_string_lossy()), Ok(Backend::Sqlite));
        let _ = std::fs::remove_file(&existing);
        for bad in [
            "",
            "  ",
            "::: not a url",
            "mysql://user:pass@host/db",
            "postgres:host/db",
            "sqlite:",
            "sqlite://",
            "no-extension",
            "/no/such/dir/x.db",
            &dir.to_string_lossy(),
        ] {
            let err = backend(bad).unwrap_err();
            assert!(err.starts_with("--database-url"), "{bad:?}: {err}");
            assert!(!err.contains('\n'), "{err}");
            assert!(!err.contains("pass@"), "{err}");
        }
    }

    #[test]
    fn passwords_are_redacted_in_any_scheme() {
        assert_eq!(
            redact("mysql://user:pass@host/db"),
            "mysql://user:***@host/db"
        );
        assert_eq!(
            redact("cannot reach postgres://a:b@c@h:5/d?sslmode=x now"),
            "cannot reach postgres://a:***@h:5/d?sslmode=x now"
        );
        assert_eq!(
            redact("postgres://h/db?user=a&password=p4ss&x=1"),
            "postgres://h/db?user=a&password=***&x=1"
        );
        assert_eq!(redact("user:pw@host/db"), "user:***@host/db");
        assert_eq!(redact("postgres://u@h/db"), "postgres://u@h/db");
        assert_eq!(redact("plain.db"), "plain.db");
    }

    #[test]
    fn the_password_comes_from_the_url_stdin_or_pgpassword() {
        let u =
            DatabaseUrl::parse("postgres://ada@h:5432/db", Some("p@ss w:rd".into()), None).unwrap();
        assert_eq!(u.connect_url(), "postgres://ada:p%40ss%20w%3Ard@h:5432/db");
        assert_eq!(
            u.scrub("failed for p@ss w:rd and p%40ss%20w%3Ard"),
            "failed for *** and ***"
        );
        let u = DatabaseUrl::parse("postgres://h/db", None, Some("env-pw".into())).unwrap();
        assert_eq!(u.connect_url(), "postgres://:env-pw@h/db");
        let u = DatabaseUrl::parse("postgres://a:own@h/db", None, Some("env-pw".into())).unwrap();
        assert_eq!(u.connect_url(), "postgres://a:own@h/db");
        assert_eq!(u.scrub("own"), "***");
        let u = DatabaseUrl::parse("postgres://a:p%40ss%2@h/db", None, None).unwrap();
        assert_eq!(u.scrub("p@ss%2 and p%40ss%2"), "*** and ***");
        let u = DatabaseUrl::parse("postgres://a@h/db", None, Some(String::new())).unwrap();
        assert_eq!(u.connect_url(), "postgres://a@h/db");
        assert!(DatabaseUrl::parse("postgres://a:own@h/db", Some("x".into()), None).is_err());
        assert!(
            DatabaseUrl::parse("postgres://h/db?password=own", Some("x".into()), None).is_err()
        );
        assert!(DatabaseUrl::parse("x.db", Some("x".into()), None).is_err());
    }
}
