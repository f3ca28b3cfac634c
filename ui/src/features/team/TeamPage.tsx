// Owns the Team page (#/account): signed out, the sign-in form; signed in, who you are and your role, the sync, the conflicts, the members and signing out; and about this app.
import { useState } from "react";
import { api, errorMessage, type TeamStatus } from "../../ipc";
import { Icon } from "../../shared/icons";
import { AboutApp } from "./AboutApp";
import { ConflictList } from "./ConflictList";
import { MembersSection } from "./MembersSection";
import { SignInAgain } from "./SignInAgain";
import { SignInForm } from "./SignInForm";
import { useTeamStatus } from "./teamStatus";
import "./team.css";

/** Signing in or out opens another database: the window starts again on it, on this page. */
function reopen(): void {
  window.location.hash = "#/account";
  window.location.reload();
}

export function TeamPage() {
  const status = useTeamStatus();
  return (
    <div className="page team-page">
      <header className="page-header">
        <div>
          <h1 className="page-title">Team</h1>
          <p className="page-subtitle">
            {status?.team
              ? "Your organization's work, synced with your team's Postgres and kept on this computer for when you're offline."
              : "You're working in the offline workspace on this computer. Connect to your team to share workflows and blueprints."}
          </p>
        </div>
      </header>
      {status === null && <div className="list-loading">Loading…</div>}
      {status && !status.team && <SignInForm onOpened={reopen} />}
      {status?.team && <SignedIn status={status} />}
      {status && <AboutApp />}
    </div>
  );
}

function SignedIn({ status }: { status: TeamStatus }) {
  const team = status.team!;
  const sync = status.sync!;
  const [signingOut, setSigningOut] = useState(false);
  const c = team.connection;
  const role = team.member.role;
  return (
    <>
      <section className="team-card account-card" aria-label="Signed in" data-testid="team-account">
        <div className="account-big-avatar" aria-hidden="true">
          {(team.member.displayName || team.member.email).slice(0, 1).toUpperCase()}
        </div>
        <div className="account-card-text">
          <div className="account-card-name" data-testid="team-member-name">
            {team.member.displayName || team.member.email}
            <span className="role-badge" data-testid="team-role">
              {role ? role.toLowerCase() : "no longer a member"}
            </span>
          </div>
          <div className="account-card-sub">
            {team.member.email} · <strong data-testid="team-org">{team.member.organizationName}</strong>
          </div>
          <div className="account-card-where">
            <Icon name="database" size={13} /> {c.host}:{c.port}/{c.database} · {c.tls === "disable" ? "unencrypted" : c.tls === "require" ? "TLS" : "TLS, verified"}
          </div>
        </div>
        <button type="button" className="btn" data-testid="team-sign-out" onClick={() => setSigningOut(true)}>
          Sign out
        </button>
      </section>
      {sync.error && ["sign_in", "keychain_unavailable"].includes(sync.error.code) && <SignInAgain team={team} reason={sync.error.message} />}
      {role === "VIEWER" && (
        <div className="team-notice" role="note" data-testid="viewer-notice">
          You're a viewer in {team.member.organizationName}: you can open and run its work, but not change it. An owner or admin can change your role.
        </div>
      )}
      <ConflictList revision={`${sync.conflicts}:${sync.pulledRevision}`} />
      <MembersSection online={sync.state === "synced"} />
      {signingOut && <SignOutDialog waiting={sync.waiting} onClose={() => setSigningOut(false)} />}
    </>
  );
}

function SignOutDialog({ waiting, onClose }: { waiting: number; onClose: () => void }) {
  const [keep, setKeep] = useState(true);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const signOut = async () => {
    setBusy(true);
    setError(null);
    try {
      await api.teamSignOut(keep || waiting > 0);
      reopen();
    } catch (e) {
      setError(errorMessage(e));
      setBusy(false);
    }
  };
  return (
    <div className="modal-backdrop">
      <div className="modal" role="dialog" aria-modal="true" aria-labelledby="sign-out-title" data-testid="sign-out-dialog">
        <h2 id="sign-out-title" className="modal-title">
          Sign out of the team?
        </h2>
        <p className="modal-body">The offline workspace on this computer opens again. Your password is removed from the keychain.</p>
        {waiting > 0 ? (
          <p className="team-notice" role="note">
            {waiting} of your {waiting === 1 ? "edit hasn't" : "edits haven't"} reached the team database yet, so the local copy is kept: they're sent when you sign in
            again.
          </p>
        ) : (
          <label className="check-row">
            <input type="checkbox" data-testid="sign-out-keep" checked={keep} onChange={(e) => setKeep(e.target.checked)} />
            <span>Keep the team's copy on this computer (signing in again is faster)</span>
          </label>
        )}
        {error && (
          <div className="form-error" role="alert">
            {error}
          </div>
        )}
        <div className="modal-actions">
          <button type="button" className="btn" onClick={onClose} disabled={busy}>
            Cancel
          </button>
          <button type="button" className="btn btn-primary" data-testid="sign-out-confirm" onClick={() => void signOut()} disabled={busy}>
            {busy ? "Signing out…" : "Sign out"}
          </button>
        </div>
      </div>
    </div>
  );
}
