// Owns the Members section: the organization's people and roles, role changes and removal for owners and admins (the team database decides), and the command that makes a new person's login.
import { useCallback, useEffect, useState } from "react";
import { api, errorMessage, isIpcError, type Member, type MemberList } from "../../ipc";
import { useConfirm } from "../../shared/ConfirmDialog";
import { Icon } from "../../shared/icons";

const ROLES = ["OWNER", "ADMIN", "MEMBER", "VIEWER"] as const;

export function MembersSection({ online }: { online: boolean }) {
  const [list, setList] = useState<MemberList | null>(null);
  const [error, setError] = useState<{ message: string; offline: boolean } | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [copied, setCopied] = useState(false);
  const [dialog, confirm] = useConfirm();

  const load = useCallback(async () => {
    try {
      setList(await api.memberList());
      setError(null);
    } catch (e) {
      setError({ message: errorMessage(e), offline: isIpcError(e, "offline") });
    }
  }, []);

  useEffect(() => {
    void load();
  }, [load, online]);

  const change = async (m: Member, call: () => Promise<MemberList>) => {
    setBusy(m.id);
    try {
      setList(await call());
      setError(null);
    } catch (e) {
      setError({ message: errorMessage(e), offline: isIpcError(e, "offline") });
      await load();
    } finally {
      setBusy(null);
    }
  };

  const remove = async (m: Member) => {
    const ok = await confirm({
      title: `Remove ${m.displayName || m.email}?`,
      message: "They lose access to this organization's work at their next sync. Their login stays for their other organizations.",
      confirmLabel: "Remove from organization",
      danger: true,
    });
    if (ok) await change(m, () => api.memberRemove(m.id));
  };

  const copy = async (text: string) => {
    try {
      await navigator.clipboard.writeText(text);
      setCopied(true);
      setTimeout(() => setCopied(false), 1500);
    } catch {
      setCopied(false);
    }
  };

  return (
    <section className="team-card" aria-labelledby="members-title" data-testid="members">
      <h2 id="members-title" className="team-card-title">
        Members
      </h2>
      {error && (
        <div className={error.offline ? "team-empty" : "form-error"} role={error.offline ? undefined : "alert"} data-testid="members-error">
          {error.offline ? "Members are listed from the team database, which can't be reached right now." : error.message}
        </div>
      )}
      {!list && !error && <div className="list-loading">Loading members…</div>}
      {list && (
        <>
          <table className="members-table">
            <thead>
              <tr>
                <th scope="col">Person</th>
                <th scope="col">Role</th>
                <th scope="col">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {list.members.map((m) => {
                const you = m.userId === list.you;
                return (
                  <tr key={m.id} data-testid="member">
                    <td>
                      <div className="member-name">
                        {m.displayName || m.email}
                        {you && <span className="you-badge">you</span>}
                      </div>
                      <div className="member-email">{m.email}</div>
                    </td>
                    <td>
                      {list.canManage && !you ? (
                        <select
                          className="input select input-sm"
                          aria-label={`Role of ${m.email}`}
                          data-testid="member-role"
                          value={m.role}
                          disabled={busy === m.id}
                          onChange={(e) => void change(m, () => api.memberSetRole(m.id, e.target.value))}
                        >
                          {ROLES.map((r) => (
                            <option key={r} value={r}>
                              {r.toLowerCase()}
                            </option>
                          ))}
                        </select>
                      ) : (
                        <span className="role-badge">{m.role.toLowerCase()}</span>
                      )}
                    </td>
                    <td className="member-actions">
                      {list.canManage && !you && (
                        <button type="button" className="icon-button" aria-label={`Remove ${m.email}`} title="Remove from organization" disabled={busy === m.id} onClick={() => void remove(m)}>
                          <Icon name="trash" size={15} />
                        </button>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
          {list.canManage && (
            <div className="add-member">
              <div className="form-label">Add a person</div>
              <p className="team-card-sub">
                Logins are made on the team database by its admin, never by the app. Run this with the admin's connection, then share the password with them:
              </p>
              <div className="command-box">
                <code data-testid="add-member-command">{list.addCommand}</code>
                <button type="button" className="btn btn-sm" onClick={() => void copy(list.addCommand)}>
                  <Icon name={copied ? "check" : "copy"} size={14} />
                  {copied ? "Copied" : "Copy"}
                </button>
              </div>
            </div>
          )}
        </>
      )}
      {dialog}
    </section>
  );
}
