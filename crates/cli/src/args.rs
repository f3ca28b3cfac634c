//! A small argument reader: positionals, `--name value` options and flags, with clear errors.

#[derive(Debug)]
pub struct UsageError(pub String);

impl std::fmt::Display for UsageError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

pub struct Args {
    rest: Vec<String>,
}

impl Args {
    pub fn new(argv: Vec<String>) -> Self {
        Self { rest: argv }
    }

    /// The next argument that is not an option.
    pub fn positional(&mut self, what: &str) -> Result<String, UsageError> {
        match self.rest.iter().position(|a| !a.starts_with("--")) {
            Some(i) => Ok(self.rest.remove(i)),
            None => Err(UsageError(format!("expected {what}"))),
        }
    }

    /// `--name value` or `--name=value`.
    pub fn required(&mut self, name: &str) -> Result<String, UsageError> {
        let prefix = format!("{name}=");
        if let Some(i) = self.rest.iter().position(|a| a.starts_with(&prefix)) {
            return Ok(self.rest.remove(i)[prefix.len()..].to_string());
        }
        match self.rest.iter().position(|a| a == name) {
            Some(i) if i + 1 < self.rest.len() && !self.rest[i + 1].starts_with("--") => {
                self.rest.remove(i);
                Ok(self.rest.remove(i))
            }
            Some(_) => Err(UsageError(format!("{name} needs a value"))),
            None => Err(UsageError(format!("{name} is required"))),
        }
    }

    pub fn flag(&mut self, name: &str) -> bool {
        match self.rest.iter().position(|a| a == name) {
            Some(i) => {
                self.rest.remove(i);
                true
            }
            None => false,
        }
    }

    /// Fails on anything left over, so a typo is never silently ignored.
    pub fn finish(self) -> Result<(), UsageError> {
        match self.rest.first() {
            Some(extra) => Err(UsageError(format!("unexpected argument '{extra}'"))),
            None => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(s: &str) -> Args {
        Args::new(s.split_whitespace().map(String::from).collect())
    }

    #[test]
    fn reads_options_in_any_order() {
        let mut a = args("db --database-url x.db migrate");
        assert_eq!(a.positional("cmd").ok().as_deref(), Some("db"));
        assert_eq!(a.positional("sub").ok().as_deref(), Some("migrate"));
        assert_eq!(a.required("--database-url").ok().as_deref(), Some("x.db"));
        assert!(a.finish().is_ok());
    }

    #[test]
    fn missing_values_and_leftovers_are_errors() {
        assert!(args("--email").required("--email").is_err());
        assert!(args("").required("--email").is_err());
        assert_eq!(args("--org=acme").required("--org").ok().as_deref(), Some("acme"));
        assert!(args("--typo 1").finish().is_err());
    }
}
