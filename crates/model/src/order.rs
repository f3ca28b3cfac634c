//! The custom agent order lifecycle: which status moves are allowed and who may make them.

use crate::{OrderStatus, OrgRole};

/// Who is acting on an order, relative to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrderActor {
    /// The member who created the order (the client).
    Client,
    /// An OWNER or ADMIN of the organization (reviewers and builders' leads).
    Staff,
    /// The builder the order is assigned to.
    Builder,
}

impl OrderActor {
    /// The actor a member is for one order.
    pub fn of(role: OrgRole, is_creator: bool, is_assignee: bool) -> Option<Self> {
        match role {
            OrgRole::Owner | OrgRole::Admin => Some(Self::Staff),
            OrgRole::Member if is_assignee => Some(Self::Builder),
            OrgRole::Member if is_creator => Some(Self::Client),
            _ => None,
        }
    }
}

/// Every allowed move with the actors allowed to make it. The Postgres trigger
/// `private.check_order_transition` holds the same table; a test keeps them equal.
pub const TRANSITIONS: &[(OrderStatus, OrderStatus, &[OrderActor])] = {
    use OrderActor::*;
    use OrderStatus::*;
    &[
        (Draft, Submitted, &[Client, Staff]),
        (Draft, Cancelled, &[Client, Staff]),
        (Submitted, InReview, &[Staff]),
        (Submitted, Cancelled, &[Client, Staff]),
        (InReview, Approved, &[Staff]),
        (InReview, Rejected, &[Staff]),
        (InReview, Cancelled, &[Client, Staff]),
        (Approved, InProgress, &[Staff, Builder]),
        (Approved, Cancelled, &[Client, Staff]),
        (InProgress, Testing, &[Staff, Builder]),
        (InProgress, Cancelled, &[Staff]),
        (Testing, InProgress, &[Staff, Builder]),
        (Testing, Completed, &[Staff, Builder]),
        (Completed, Delivered, &[Staff]),
    ]
};

/// Why a status move was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TransitionError {
    #[error("an order cannot move from {from} to {to}")]
    NotAllowed { from: OrderStatus, to: OrderStatus },
    #[error("only {allowed} may move an order from {from} to {to}")]
    WrongActor {
        from: OrderStatus,
        to: OrderStatus,
        allowed: String,
    },
}

pub fn check_transition(
    from: OrderStatus,
    to: OrderStatus,
    actor: OrderActor,
) -> Result<(), TransitionError> {
    let (_, _, actors) = TRANSITIONS
        .iter()
        .find(|(f, t, _)| *f == from && *t == to)
        .ok_or(TransitionError::NotAllowed { from, to })?;
    if actors.contains(&actor) {
        Ok(())
    } else {
        let allowed = actors
            .iter()
            .map(|a| format!("{a:?}").to_lowercase())
            .collect::<Vec<_>>()
            .join(" or ");
        Err(TransitionError::WrongActor { from, to, allowed })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lifecycle_moves_forward_only_by_allowed_actors() {
        use OrderActor::*;
        use OrderStatus::*;
        assert!(check_transition(Draft, Submitted, Client).is_ok());
        assert!(check_transition(Submitted, InReview, Client).is_err());
        assert!(check_transition(Submitted, InReview, Staff).is_ok());
        assert!(matches!(
            check_transition(Delivered, Draft, Staff),
            Err(TransitionError::NotAllowed { .. })
        ));
        assert!(check_transition(Testing, Completed, Builder).is_ok());
        assert!(check_transition(Completed, Delivered, Builder).is_err());
    }

    #[test]
    fn terminal_states_have_no_way_out() {
        for terminal in [
            OrderStatus::Delivered,
            OrderStatus::Cancelled,
            OrderStatus::Rejected,
        ] {
            assert!(TRANSITIONS.iter().all(|(from, _, _)| *from != terminal));
        }
    }

    #[test]
    fn viewers_act_on_nothing() {
        assert_eq!(OrderActor::of(OrgRole::Viewer, true, true), None);
        assert_eq!(
            OrderActor::of(OrgRole::Member, true, false),
            Some(OrderActor::Client)
        );
    }
}
