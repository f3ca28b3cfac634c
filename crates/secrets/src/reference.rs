//! The typed key of a secret: what the database stores instead of the value, and the keychain account it maps to.

use std::fmt;
use std::str::FromStr;

use uuid::Uuid;

use crate::SecretError;

const SCHEME: &str = "keychain:";
const MAX_ROLE_LEN: usize = 63;

/// Which secret of an organization a [`SecretRef`] names.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum SecretSlot {
    /// The credentials of one integration (one entry per integration; a provider with several
    /// values, e.g. Gmail's tokens and client secret, keeps them together in one value).
    Integration { integration_id: Uuid },
    /// The password of a team Postgres LOGIN role (`nf_<user hex>`).
    TeamPostgres { role: String },
}

/// Names one secret of one organization.
///
/// `to_string()` is what the database keeps, e.g.
/// `keychain:org/<uuid>/integration/<uuid>` or `keychain:org/<uuid>/postgres/<role>`, and
/// `parse()` reads it back; the text form is canonical (lowercase hyphenated UUIDs), so equal
/// refs are equal strings. The keychain entry is [`SecretRef::keychain_account`] under the
/// store's service name.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SecretRef {
    organization_id: Uuid,
    slot: SecretSlot,
}

impl SecretRef {
    pub fn integration(organization_id: Uuid, integration_id: Uuid) -> Self {
        SecretRef {
            organization_id,
            slot: SecretSlot::Integration { integration_id },
        }
    }

    /// The team Postgres password of `role`, which must be a plain Postgres identifier
    /// (ASCII letters, digits and `_`, not starting with a digit, at most 63 bytes) so the
    /// reference and the keychain account stay unambiguous.
    pub fn team_postgres(organization_id: Uuid, role: &str) -> Result<Self, SecretError> {
        check_role(role)?;
        Ok(SecretRef {
            organization_id,
            slot: SecretSlot::TeamPostgres {
                role: role.to_owned(),
            },
        })
    }

    pub fn organization_id(&self) -> Uuid {
        self.organization_id
    }

    pub fn slot(&self) -> &SecretSlot {
        &self.slot
    }

    /// The account of the keychain entry: `org:<id>:integration:<id>` or `org:<id>:postgres:<role>`.
    pub fn keychain_account(&self) -> String {
        match &self.slot {
            SecretSlot::Integration { integration_id } => {
                format!("org:{}:integration:{integration_id}", self.organization_id)
            }
            SecretSlot::TeamPostgres { role } => {
                format!("org:{}:postgres:{role}", self.organization_id)
            }
        }
    }
}

impl fmt::Display for SecretRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.slot {
            SecretSlot::Integration { integration_id } => write!(
                f,
                "{SCHEME}org/{}/integration/{integration_id}",
                self.organization_id
            ),
            SecretSlot::TeamPostgres { role } => {
                write!(f, "{SCHEME}org/{}/postgres/{role}", self.organization_id)
            }
        }
    }
}

impl FromStr for SecretRef {
    type Err = SecretError;

    /// Parses exactly what `to_string()` writes. The input is not echoed in the error: it
    /// comes from a database column that, by a bug elsewhere, could hold something it must not.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let invalid = |why: &str| SecretError::InvalidReference {
            why: why.to_owned(),
        };
        let path = text
            .strip_prefix(SCHEME)
            .ok_or_else(|| invalid("it does not start with `keychain:`"))?;
        let parts: Vec<&str> = path.split('/').collect();
        let [org_word, org, kind, key] = parts.as_slice() else {
            return Err(invalid(
                "expected keychain:org/<uuid>/integration/<uuid> or keychain:org/<uuid>/postgres/<role>",
            ));
        };
        if *org_word != "org" {
            return Err(invalid("the path does not start with `org/`"));
        }
        let organization_id = canonical_uuid(org)
            .ok_or_else(|| invalid("the organization id is not a lowercase hyphenated UUID"))?;
        match *kind {
            "integration" => {
                let integration_id = canonical_uuid(key).ok_or_else(|| {
                    invalid("the integration id is not a lowercase hyphenated UUID")
                })?;
                Ok(SecretRef::integration(organization_id, integration_id))
            }
            "postgres" => SecretRef::team_postgres(organization_id, key),
            _ => Err(invalid("the kind is neither `integration` nor `postgres`")),
        }
    }
}

/// Accepts only the form `Uuid` displays, so one ref has one text (the database compares text).
fn canonical_uuid(text: &str) -> Option<Uuid> {
    let id = Uuid::parse_str(text).ok()?;
    (id.hyphenated().to_string() == text).then_some(id)
}

fn check_role(role: &str) -> Result<(), SecretError> {
    let invalid = |why: &str| SecretError::InvalidReference {
        why: why.to_owned(),
    };
    if role.is_empty() || role.len() > MAX_ROLE_LEN {
        return Err(invalid("a Postgres role name has 1 to 63 characters"));
    }
    if role.starts_with(|c: char| c.is_ascii_digit()) {
        return Err(invalid("a Postgres role name cannot start with a digit"));
    }
    if !role.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return Err(invalid(
            "a Postgres role name may hold only ASCII letters, digits and `_`",
        ));
    }
    Ok(())
}
