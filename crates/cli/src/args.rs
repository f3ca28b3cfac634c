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
    /// Options that take no value, so the word after them is not theirs.
    flags: &'static [&'static str],
}

impl Args {
    pub fn new(argv: Vec<String>, flags: &'static [&'static str]) -> Self {
        Self { rest: argv, flags }
    }

    /// The next argument that is neither an option nor an option's value.
    pub fn positional(&mut self, what: &str) -> Result<String, UsageError> {
        let mut i = 0;
        while i < self.rest.len() {
            let arg = &self.rest[i];
            if !arg.starts_with("--") {
                return Ok(self.rest.remove(i));
            }
            let takes_value = !arg.contains('=') && !self.flags.contains(&arg.as_str());
            i += if takes_value { 2 } else { 1 };
        }
        Err(UsageError(format!("expected {what}")))
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

    /// `--name value` or `--name=value` when given; `None` when absent.
    pub fn optional(&mut self, name: &str) -> Result<Option<String>, UsageError> {
        let prefix = format!("{name}=");
        if self
            .rest
            .iter()
            .any(|a| a == name || a.starts_with(&prefix))
        {
            self.required(name).map(Some)
        } else {
            Ok(None)
        }
    }

    /// Every `--name value` / `--name=value`, for options that may be repeated.
    pub fn all(&mut self, name: &str) -> Result<Vec<String>, UsageError> {
        let prefix = format!("{name}=");
        let mut values = Vec::new();
        let mut i = 0;
        while i < self.rest.len() {
            if let Some(value) = self.rest[i].strip_prefix(&prefix) {
                values.push(value.to_string());
                self.rest.remove(i);
            } else if self.rest[i] == name {
                match self.rest.get(i + 1) {
                    Some(value) if !value.starts_with("--") => {
                        self.rest.remove(i);
                        values.push(self.rest.remove(i));
                    }
                    _ => return Err(UsageError(format!("{name} needs a value"))),
                }
            } else {
                i += 1;
            }
        }
        Ok(values)
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
        Args::new(
            s.split_whitespace().map(String::from).collect(),
            &["--password-stdin"],
        )
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
        assert_eq!(
            args("--org=acme").required("--org").ok().as_deref(),
            Some("acme")
        );
        assert!(args("--typo 1").finish().is_err());
    }

    #[test]
    fn optional_values_may_be_absent_but_not_empty() {
        assert_eq!(args("run f.json").optional("--input").ok(), Some(None));
        let mut a = args("run f.json --events jsonl");
        assert_eq!(
            a.optional("--events").ok().flatten().as_deref(),
            Some("jsonl")
        );
        assert!(args("run --events").optional("--events").is_err());
    }

    #[test]
    fn repeated_options_are_all_read() {
        let mut a = args("run --allow-env A f.json --allow-env=B");
        assert_eq!(
            a.all("--allow-env").ok(),
            Some(vec!["A".to_string(), "B".to_string()])
        );
        assert_eq!(a.positional("file").ok().as_deref(), Some("run"));
        assert_eq!(a.positional("file").ok().as_deref(), Some("f.json"));
        assert!(a.finish().is_ok());
        assert_eq!(args("run").all("--allow-env").ok(), Some(vec![]));
        assert!(args("run --allow-env").all("--allow-env").is_err());
    }

    #[test]
    fn flags_do_not_swallow_the_next_word() {
        let mut a = args("admin --password-stdin create-user");
        assert_eq!(a.positional("cmd").ok().as_deref(), Some("admin"));
        assert_eq!(a.positional("sub").ok().as_deref(), Some("create-user"));
        assert!(a.flag("--password-stdin"));
    }
}
