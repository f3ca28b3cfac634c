//! Validation of user-entered values (names, slugs, emails) shared by every front end.

/// Input that a person must correct; the message is shown to them as is.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct ValidationError {
    pub field: &'static str,
    pub message: String,
}

impl ValidationError {
    pub fn new(field: &'static str, message: impl Into<String>) -> Self {
        Self {
            field,
            message: message.into(),
        }
    }
}

pub const MAX_NAME_CHARS: usize = 120;

/// A display name: trimmed, 1–120 characters, no control characters.
pub fn name(field: &'static str, raw: &str) -> Result<String, ValidationError> {
    let trimmed = raw.trim();
    if trimmed.is_empty() {
        return Err(ValidationError::new(
            field,
            format!("{field} must not be empty"),
        ));
    }
    let chars = trimmed.chars().count();
    if chars > MAX_NAME_CHARS {
        return Err(ValidationError::new(
            field,
            format!("{field} is {chars} characters long; the limit is {MAX_NAME_CHARS}"),
        ));
    }
    if trimmed.chars().any(char::is_control) {
        return Err(ValidationError::new(
            field,
            format!("{field} must not contain control characters"),
        ));
    }
    Ok(trimmed.to_string())
}

/// An organization slug: 2–48 of a–z, 0–9 and '-', not starting or ending with '-'.
pub fn slug(raw: &str) -> Result<String, ValidationError> {
    let s = raw.trim();
    let ok_chars = s
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if !(2..=48).contains(&s.len()) || !ok_chars || s.starts_with('-') || s.ends_with('-') {
        return Err(ValidationError::new(
            "slug",
            "organization slug must be 2–48 characters of a–z, 0–9 and '-', not starting or ending with '-'",
        ));
    }
    Ok(s.to_string())
}

/// An email address, checked only for the shape a person would mistype.
pub fn email(raw: &str) -> Result<String, ValidationError> {
    let s = raw.trim().to_lowercase();
    let valid = s.len() <= 254
        && !s.chars().any(|c| c.is_whitespace() || c.is_control())
        && matches!(s.split_once('@'), Some((local, domain)) if !local.is_empty() && domain.contains('.') && !domain.starts_with('.') && !domain.ends_with('.') && !domain.contains('@'));
    if !valid {
        return Err(ValidationError::new(
            "email",
            format!("'{}' is not a valid email address", raw.trim()),
        ));
    }
    Ok(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_trimmed_and_bounded() {
        assert_eq!(name("name", "  Lead router ").as_deref(), Ok("Lead router"));
        assert!(name("name", "   ").is_err());
        assert!(name("name", &"x".repeat(121)).is_err());
        assert!(name("name", &"é".repeat(120)).is_ok());
        assert!(name("name", "a\u{0}b").is_err());
    }

    #[test]
    fn slugs_and_emails() {
        assert!(slug("acme-labs").is_ok());
        assert!(slug("Acme").is_err());
        assert!(slug("-acme").is_err());
        assert!(slug("a").is_err());
        assert_eq!(email(" Ada@Example.com ").as_deref(), Ok("ada@example.com"));
        assert!(email("ada@").is_err());
        assert!(email("ada example@x.com").is_err());
        assert!(email("a@b@c.com").is_err());
    }
}
