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

/// The name an imported document takes when `name` is already one of `taken` (compared without
/// case): "Name (imported)", then "Name (imported 2)", … — shortened to fit the name limit.
pub fn free_name(name: &str, taken: &std::collections::HashSet<String>) -> String {
    let is_taken = |n: &str| taken.contains(&n.to_lowercase());
    if !is_taken(name) {
        return name.to_string();
    }
    // `taken` is finite, so some counter is free.
    let mut i = 1usize;
    loop {
        let suffix = if i == 1 {
            " (imported)".to_string()
        } else {
            format!(" (imported {i})")
        };
        let room = MAX_NAME_CHARS.saturating_sub(suffix.chars().count());
        let base: String = name.chars().take(room).collect();
        let candidate = format!("{}{suffix}", base.trim_end());
        if !is_taken(&candidate) {
            return candidate;
        }
        i += 1;
    }
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
    #[test]
    fn an_imported_name_that_is_taken_gets_imported_then_a_number() {
        let taken: std::collections::HashSet<String> = ["lead router", "lead router (imported)"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert_eq!(super::free_name("Fresh", &taken), "Fresh");
        assert_eq!(
            super::free_name("Lead Router", &taken),
            "Lead Router (imported 2)"
        );
        let mut one = std::collections::HashSet::new();
        one.insert("x".to_string());
        assert_eq!(super::free_name("X", &one), "X (imported)");
        let long = "n".repeat(MAX_NAME_CHARS);
        let mut taken_long = std::collections::HashSet::new();
        taken_long.insert(long.clone());
        let free = super::free_name(&long, &taken_long);
        assert!(free.ends_with(" (imported)"));
        assert_eq!(free.chars().count(), MAX_NAME_CHARS);
    }

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
