// Owns the sidebar's sync control: one line saying where the team sync stands, and the panel it opens with the details and Sync now.
import { useCallback, useEffect, useRef, useState, type CSSProperties } from "react";
import { api, errorMessage, type Refusal, type SyncStatus, type TeamView } from "../../ipc";
import { navigate } from "../../app/router";
import { useCloseOnOutsidePress, useNow } from "../../shared/hooks";
import { Icon } from "../../shared/icons";
import { absoluteTime } from "../../shared/time";
import { toast } from "../../shared/toast";
import { ago, showTeamStatus, syncSummary, useTeamStatus } from "./teamStatus";
import "./team.css";

/** Nothing in the offline workspace: there is nothing to sync. `compact`: the dot alone (the canvas's icon rail). */
export function SyncControl({ compact = false }: { compact?: boolean }) {
  const status = useTeamStatus();
  if (!status?.team || !status.sync) return null;
  return <SyncButton team={status.team} sync={status.sync} compact={compact} />;
}

/** The control itself: its clock ticks only while signed in to a team. */
function SyncButton({ team, sync, compact }: { team: TeamView; sync: SyncStatus; compact: boolean }) {
  const [open, setOpen] = useState(false);
  const box = useRef<HTMLDivElement>(null);
  const close = useCallback(() => setOpen(false), []);
  useCloseOnOutsidePress(open, box, close);
  // Seconds tick in the full sidebar's words; on the canvas's icon rail they are only a tooltip, and a render every
  // second there is work the canvas can do without.
  const now = useNow(compact ? 15_000 : 1000);
  const summary = syncSummary(sync, now);
  useRefusalToasts(sync.refused);
  return (
    <div className="sync-control" ref={box}>
      <button
        type="button"
        className={`sync-button tone-${summary.tone}`}
        data-testid="sync-status"
        data-state={sync.state}
        aria-expanded={open}
        aria-haspopup="dialog"
        title={compact ? summary.text : "Team sync: details and Sync now"}
        onClick={() => setOpen((o) => !o)}
      >
        <span className="sync-dot" aria-hidden="true" />
        {!compact && <span className="sync-text">{summary.text}</span>}
        {compact && <span className="sr-only">{summary.text}</span>}
      </button>
      {open && <SyncPanel sync={sync} team={team} now={now} onClose={close} place={placeAbove(box.current)} />}
    </div>
  );
}

/** Says each refusal once, as it arrives: the person may be looking at anything but the sidebar. Refusals already
 * there when the control appears were said before (or are in the panel). */
function useRefusalToasts(refused: Refusal[]) {
  const seen = useRef<Set<string> | null>(null);
  useEffect(() => {
    if (seen.current === null) {
      seen.current = new Set(refused.map((r) => r.id));
      return;
    }
    for (const r of refused) {
      if (seen.current.has(r.id)) continue;
      seen.current.add(r.id);
      toast(`“${r.orderTitle}”: ${r.what.charAt(0).toLowerCase()}${r.what.slice(1)} was refused by the team: ${r.reason}`, "error");
    }
  }, [refused]);
}

/** Where the panel opens: above the control, fixed to the window, since the sidebar that holds the control scrolls and
 * would clip a panel wider than itself. */
function placeAbove(anchor: HTMLElement | null): CSSProperties | undefined {
  if (!anchor) return undefined;
  const r = anchor.getBoundingClientRect();
  return { left: Math.max(8, r.left), bottom: Math.max(8, window.innerHeight - r.top + 6) };
}

function SyncPanel({ sync, team, now, onClose, place }: { sync: SyncStatus; team: TeamView; now: Date; onClose: () => void; place?: CSSProperties }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const syncNow = async () => {
    setBusy(true);
    setError(null);
    try {
      showTeamStatus(await api.syncNow());
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };
  const go = (path: string) => {
    onClose();
    navigate(path);
  };
  const c = team.connection;
  return (
    <div className="sync-panel" role="dialog" aria-label="Team sync" data-testid="sync-panel" style={place}>
      <div className="sync-panel-head">
        <strong>{team.member.organizationName}</strong>
        <span className="sync-panel-where">
          {c.host}:{c.port}/{c.database}
        </span>
      </div>
      <dl className="sync-facts">
        <dt>Status</dt>
        <dd data-testid="sync-panel-state">{syncSummary(sync, now).text}</dd>
        <dt>Last synced</dt>
        <dd title={sync.lastSyncedAt ? absoluteTime(sync.lastSyncedAt) : undefined}>{sync.lastSyncedAt ? ago(sync.lastSyncedAt, now) : "not yet"}</dd>
        <dt>Waiting to send</dt>
        <dd data-testid="sync-panel-waiting">{sync.waiting === 0 ? "nothing" : `${sync.waiting} ${sync.waiting === 1 ? "change" : "changes"}`}</dd>
        <dt>Conflicts</dt>
        <dd>
          {sync.conflicts === 0 ? (
            "none"
          ) : (
            <button type="button" className="link-button" data-testid="sync-panel-conflicts" onClick={() => go("/account")}>
              {sync.conflicts} to review
            </button>
          )}
        </dd>
      </dl>
      {sync.refused.length > 0 && <RefusedList refused={sync.refused} now={now} onOpen={(r) => go(`/orders/${r.orderId}`)} />}
      {sync.state === "offline" && (
        <p className="sync-note">The team database can't be reached. Keep working: your edits stay on this computer and are sent when it's back.</p>
      )}
      {sync.error && sync.state !== "offline" && (
        <p className="sync-note is-error" role="alert">
          {sync.error.message}
        </p>
      )}
      {sync.fullResync && <p className="sync-note">This computer was away longer than the team keeps deleted items, so everything was downloaded again.</p>}
      {sync.clockFlagged && <p className="sync-note is-error">Another device's clock is far ahead of this one's: check the date and time settings.</p>}
      {error && (
        <p className="sync-note is-error" role="alert">
          {error}
        </p>
      )}
      <div className="sync-panel-actions">
        <button type="button" className="btn btn-sm" onClick={() => go("/account")}>
          Team settings
        </button>
        <button type="button" className="btn btn-sm btn-primary" data-testid="sync-now" disabled={busy} onClick={() => void syncNow()}>
          <Icon name={busy ? "spinner" : "refresh"} size={14} />
          {busy ? "Syncing…" : "Sync now"}
        </button>
      </div>
    </div>
  );
}

/** Order changes the team database refused: each is already undone on this computer; the person reads why and dismisses it. */
function RefusedList({ refused, now, onOpen }: { refused: Refusal[]; now: Date; onOpen: (r: Refusal) => void }) {
  const [error, setError] = useState<string | null>(null);
  const dismiss = async (r: Refusal) => {
    setError(null);
    try {
      showTeamStatus(await api.refusalDismiss(r.id));
    } catch (e) {
      setError(errorMessage(e));
    }
  };
  return (
    <section className="sync-refused" aria-label="Changes the team refused" data-testid="sync-refused">
      <h3>Refused by the team database</h3>
      <p className="sync-note">These were undone here: the order shows what the team has.</p>
      <ul>
        {refused.map((r) => (
          <li key={r.id} data-testid="sync-refusal">
            <div className="sync-refusal-what">
              <button type="button" className="link-button" onClick={() => onOpen(r)}>
                {r.orderTitle}
              </button>
              <span>{r.what}</span>
              <time dateTime={r.madeAt} title={absoluteTime(r.madeAt)}>
                {ago(r.madeAt, now)}
              </time>
            </div>
            <p className="sync-refusal-reason">{r.reason}</p>
            <button type="button" className="btn btn-sm" aria-label={`Dismiss: ${r.what}`} onClick={() => void dismiss(r)}>
              Dismiss
            </button>
          </li>
        ))}
      </ul>
      {error && (
        <p className="sync-note is-error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}
