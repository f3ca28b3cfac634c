//! Team commands: sign in to a team database and pick an organization (its local cache becomes the open database), sign out (keeping the copy or not), the sync status and "Sync now", the conflict list and its restore, and the members with their roles.

use std::time::Duration;

use neuroflow_model::{DbEnum, OrgRole};
use neuroflow_sync::commands;
use neuroflow_sync::conflicts::{self, ConflictView};
use neuroflow_sync::connect::{sign_in, Membership, TeamConnection};
use neuroflow_sync::local::{self, LocalMember};
use neuroflow_sync::members::{self, Member};
use neuroflow_sync::{open_team_cache, TeamSession};
use serde::{Deserialize, Serialize};

use crate::error::{parse_id, AppError, ErrorCode};
use crate::state::{open_local, session_on, Core, Session};
use crate::team::{
    self, cache_file_name, connect, remember_password, SyncStatus, TeamLink, TeamLinkSettings,
};

/// Where the open database stands: the offline workspace, or a team's cache and its sync.
#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct TeamStatus {
    /// `None`: the offline-only workspace.
    pub team: Option<TeamView>,
    pub sync: Option<SyncStatus>,
}

/// The team connection and who is signed in, as the local copy knows them (works offline).
#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct TeamView {
    pub connection: TeamConnection,
    pub organization_id: String,
    pub member: LocalMember,
    pub cache_path: String,
}

/// A successful sign-in: who the team database says this is, and their organizations.
#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct SignInResult {
    pub email: String,
    pub display_name: String,
    pub memberships: Vec<Membership>,
}

/// Which value of a conflict to write back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum RestoreSide {
    /// The value that lost: the restore.
    Lost,
    /// The value that won: undoes a restore.
    Won,
}

/// The organization's members and what the signed-in person may do with them.
#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct MemberList {
    pub members: Vec<Member>,
    /// The signed-in person's user id.
    pub you: String,
    /// OWNER and ADMIN change roles and remove members (the team database enforces it).
    pub can_manage: bool,
    /// The command that makes a new person's login (the app never holds the admin role).
    pub add_command: String,
}

/// How long "Sync now" waits for its sync before answering with the status as it is.
const SYNC_NOW_WAIT: Duration = Duration::from_secs(30);

impl Core {
    pub async fn team_status(&self) -> Result<TeamStatus, AppError> {
        let s = self.session()?;
        status_of(&s).await
    }

    /// Signs in to check the email and password, keeps the password in the keychain and lists
    /// the person's organizations (nothing is opened yet: `team_open` opens the one picked).
    pub async fn team_sign_in(
        &self,
        connection: TeamConnection,
        password: String,
    ) -> Result<SignInResult, AppError> {
        self.workspace()?;
        let signed = sign_in(&connection, &password).await?;
        signed.pool.close().await;
        if signed.memberships.is_empty() {
            return Err(AppError::new(
                ErrorCode::SignIn,
                "you are signed in, but not a member of any organization yet: ask an owner or admin to add you",
            ));
        }
        remember_password(&self.secrets().secrets(), &connection, &password).await?;
        Ok(SignInResult {
            email: signed.email,
            display_name: signed.display_name,
            memberships: signed.memberships,
        })
    }

    /// Opens `organization_id` of the team signed in to with `team_sign_in`: its local cache
    /// (one file per organization and person, made by a first pull) becomes the open database,
    /// and it syncs from now on. The offline workspace stays as it is.
    pub async fn team_open(
        &self,
        connection: TeamConnection,
        organization_id: String,
    ) -> Result<TeamStatus, AppError> {
        let organization_id = parse_id("organization", &organization_id)?;
        let _switching = self.switching.lock().await;
        let workspace = self.workspace()?.clone();
        if let Ok(current) = self.session() {
            if current.team.is_some() {
                return Err(AppError::invalid(
                    "you are signed in to a team already: sign out first",
                ));
            }
        }
        let team = connect(&self.secrets().secrets(), &connection, organization_id).await?;
        let dir = workspace
            .parent()
            .unwrap_or(std::path::Path::new("."))
            .to_path_buf();
        let cache_file = cache_file_name(organization_id, team.user_id);
        let cache = dir.join(&cache_file);
        let (store, _first_pull) = open_team_cache(&cache, &team).await?;
        let settings = TeamLinkSettings {
            connection,
            organization_id,
            user_id: team.user_id,
            cache_file,
        };
        team::save_settings(&dir, &settings)?;
        let mut session = session_on(store.clone(), cache).await?;
        session.team = Some(TeamLink::start(
            settings,
            store,
            self.shared_secrets(),
            Some(team),
        ));
        self.replace_session(session);
        self.team_status().await
    }

    /// Signs out: the offline workspace opens again, the password leaves the keychain, and the
    /// team's local copy stays (to sign in faster later) or goes. A copy holding edits the team
    /// database has not received is never removed.
    pub async fn team_sign_out(&self, keep_local_copy: bool) -> Result<TeamStatus, AppError> {
        let _switching = self.switching.lock().await;
        let workspace = self.workspace()?.clone();
        let current = self.session()?;
        let Some(link) = &current.team else {
            return Err(AppError::invalid("you are not signed in to a team"));
        };
        if !keep_local_copy {
            let waiting = local::waiting(&current.store).await?;
            if waiting > 0 {
                return Err(AppError::new(
                    ErrorCode::Conflict,
                    format!(
                        "{waiting} of your edits have not reached the team database yet: sync first, or keep the local copy"
                    ),
                ));
            }
        }
        let offline = open_local(workspace.clone()).await?;
        link.stop();
        let connection = link.settings.connection.clone();
        let cache = current.database_path.clone();
        let dir = workspace
            .parent()
            .unwrap_or(std::path::Path::new("."))
            .to_path_buf();
        team::clear_settings(&dir)?;
        self.replace_session(offline);
        drop(current);
        if let Err(e) = team::forget_password(&self.secrets().secrets(), &connection).await {
            tracing::warn!(
                "the team password could not be removed from the keychain: {}",
                e.message
            );
        }
        if !keep_local_copy {
            team::remove_cache(&cache)?;
        }
        self.team_status().await
    }

    /// Syncs now and answers with how it went.
    pub async fn sync_now(&self) -> Result<TeamStatus, AppError> {
        let s = self.session()?;
        let Some(link) = &s.team else {
            return Err(AppError::invalid(
                "this is the offline workspace: sign in to a team to sync",
            ));
        };
        link.sync_now(SYNC_NOW_WAIT).await;
        status_of(&s).await
    }

    pub async fn conflict_list(
        &self,
        include_resolved: bool,
    ) -> Result<Vec<ConflictView>, AppError> {
        let s = self.session()?;
        if s.team.is_none() {
            return Ok(Vec::new());
        }
        Ok(conflicts::list(&s.store, s.identity.organization_id, include_resolved).await?)
    }

    /// Writes a conflict's losing value back as a new edit (or, to undo that, the value that
    /// won), and marks the conflict resolved when the team database can be reached.
    pub async fn conflict_restore(
        &self,
        id: String,
        side: RestoreSide,
    ) -> Result<ConflictView, AppError> {
        let id = parse_id("conflict", &id)?;
        let s = self.session()?;
        let conflict = conflicts::list(&s.store, s.identity.organization_id, true)
            .await?
            .into_iter()
            .find(|c| c.id == id)
            .ok_or_else(|| AppError::new(ErrorCode::NotFound, "that conflict no longer exists"))?;
        let value = match side {
            RestoreSide::Lost => conflict.lost_value.clone(),
            RestoreSide::Won => conflict.won_value.clone(),
        };
        s.store
            .write_field(
                s.identity.organization_id,
                &conflict.table,
                conflict.row_id,
                &conflict.field,
                value,
            )
            .await?;
        if let Some(link) = &s.team {
            // Online, the conflict is marked resolved (or open again, for an undo) for everyone,
            // and the sync that follows brings that back here; offline it stays as it is.
            if let Ok(team) = link.online() {
                let marked = match side {
                    RestoreSide::Lost => conflicts::resolve(&team, id).await,
                    RestoreSide::Won => conflicts::reopen(&team, id).await,
                };
                if marked.is_ok() {
                    link.sync_now(SYNC_NOW_WAIT).await;
                    return Ok(conflict);
                }
            }
            link.nudge();
        }
        Ok(conflict)
    }

    /// Marks a conflict resolved, keeping the value that won.
    pub async fn conflict_dismiss(&self, id: String) -> Result<(), AppError> {
        let id = parse_id("conflict", &id)?;
        let s = self.session()?;
        let team = online(&s)?;
        conflicts::resolve(&team, id).await?;
        if let Some(link) = &s.team {
            link.sync_now(SYNC_NOW_WAIT).await;
        }
        Ok(())
    }

    /// The person has read a refused order change: it leaves the sync panel.
    pub async fn refusal_dismiss(&self, id: String) -> Result<TeamStatus, AppError> {
        let id = parse_id("refused change", &id)?;
        let s = self.session()?;
        commands::dismiss_refusal(&s.store, id).await?;
        status_of(&s).await
    }

    pub async fn member_list(&self) -> Result<MemberList, AppError> {
        let s = self.session()?;
        let team = online(&s)?;
        let me = local::member(&s.store, team.organization_id, team.user_id).await?;
        let members = members::list(&team).await?;
        let role = members
            .iter()
            .find(|m| m.user_id == team.user_id)
            .map(|m| m.role.clone());
        let can_manage = matches!(
            role.as_deref().map(OrgRole::parse),
            Some(Ok(OrgRole::Owner | OrgRole::Admin))
        );
        Ok(MemberList {
            members,
            you: team.user_id.to_string(),
            can_manage,
            add_command: members::create_user_command(
                "NEW.PERSON@EXAMPLE.COM",
                &me.organization_slug,
                OrgRole::Member.as_str(),
            ),
        })
    }

    pub async fn member_set_role(&self, id: String, role: String) -> Result<MemberList, AppError> {
        let id = parse_id("member", &id)?;
        let role = OrgRole::parse(&role).map_err(|e| AppError::invalid(e.to_string()))?;
        let s = self.session()?;
        members::set_role(&online(&s)?, id, role.as_str()).await?;
        self.nudge_sync(&s);
        self.member_list().await
    }

    pub async fn member_remove(&self, id: String) -> Result<MemberList, AppError> {
        let id = parse_id("member", &id)?;
        let s = self.session()?;
        members::remove(&online(&s)?, id).await?;
        self.nudge_sync(&s);
        self.member_list().await
    }

    fn nudge_sync(&self, s: &Session) {
        if let Some(link) = &s.team {
            link.nudge();
        }
    }
}

fn online(s: &Session) -> Result<TeamSession, AppError> {
    match &s.team {
        Some(link) => link.online(),
        None => Err(AppError::invalid(
            "this is the offline workspace: sign in to a team first",
        )),
    }
}

async fn status_of(s: &Session) -> Result<TeamStatus, AppError> {
    let Some(link) = &s.team else {
        return Ok(TeamStatus {
            team: None,
            sync: None,
        });
    };
    let org = link.settings.organization_id;
    let waiting = local::waiting(&s.store).await?;
    let open = local::open_conflicts(&s.store, org).await?;
    let refused = commands::refusals(&s.store).await?;
    let member = local::member(&s.store, org, link.settings.user_id).await?;
    Ok(TeamStatus {
        team: Some(TeamView {
            connection: link.settings.connection.clone(),
            organization_id: org.to_string(),
            member,
            cache_path: s.database_path.display().to_string(),
        }),
        sync: Some(link.status(waiting, open, refused)),
    })
}
