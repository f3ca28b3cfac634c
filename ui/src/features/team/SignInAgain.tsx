// Owns signing in again without signing out: when the team database refuses the saved password or the keychain no longer has it (a keychain that was locked, session memory after a restart), the person types it once more and syncing resumes.
import { useState, type FormEvent } from "react";
import { api, errorMessage, isIpcError, type TeamView } from "../../ipc";
import { showTeamStatus } from "./teamStatus";

export function SignInAgain({ team, reason }: { team: TeamView; reason: string }) {
  const [password, setPassword] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<{ message: string; keychain: boolean } | null>(null);

  const submit = async (e?: FormEvent) => {
    e?.preventDefault();
    if (busy || password === "") return;
    setBusy(true);
    setError(null);
    try {
      await api.teamSignIn(team.connection, password);
      setPassword("");
      showTeamStatus(await api.syncNow());
    } catch (err) {
      setError({ message: errorMessage(err), keychain: isIpcError(err, "keychain_unavailable") });
    } finally {
      setBusy(false);
    }
  };

  const useMemory = async () => {
    try {
      await api.keychainUseSessionMemory();
      await submit();
    } catch (err) {
      setError({ message: errorMessage(err), keychain: false });
    }
  };

  return (
    <form className="team-card" onSubmit={(e) => void submit(e)} aria-labelledby="sign-in-again-title" data-testid="sign-in-again">
      <h2 id="sign-in-again-title" className="team-card-title">
        Sign in again to keep syncing
      </h2>
      <p className="team-card-sub">
        {reason} Your work here is safe: edits wait on this computer until you do.
      </p>
      <div className="form-grid">
        <div className="form-field wide">
          <label className="form-label" htmlFor="sign-in-again-password">
            Password for {team.member.email}
          </label>
          <input
            id="sign-in-again-password"
            className="input"
            type="password"
            autoComplete="current-password"
            data-testid="sign-in-again-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        </div>
      </div>
      {error && (
        <div className="form-error team-error" role="alert">
          <div>{error.message}</div>
          {error.keychain && (
            <button type="button" className="btn btn-sm" onClick={() => void useMemory()}>
              Keep it in memory for this session
            </button>
          )}
        </div>
      )}
      <div className="team-card-actions">
        <button type="submit" className="btn btn-primary" data-testid="sign-in-again-submit" disabled={busy || password === ""}>
          {busy ? "Signing in…" : "Sign in"}
        </button>
      </div>
    </form>
  );
}
