// Owns the Integrations page: the list with status and last test, Test connection, add/edit/delete, and the keychain banner with its session-memory consent.
import { useCallback, useEffect, useRef, useState } from "react";
import { api, errorMessage, type IntegrationProvider, type IntegrationStatus, type IntegrationView, type KeychainStatusView } from "../../ipc";
import { useConfirm } from "../../shared/ConfirmDialog";
import { useNow } from "../../shared/hooks";
import { Icon } from "../../shared/icons";
import { ErrorBanner } from "../../shared/ListChrome";
import { absoluteTime, relativeTime } from "../../shared/time";
import { IntegrationDialog } from "./IntegrationDialog";
import { KeychainBanner } from "./KeychainBanner";
import { ProviderIcon } from "./ProviderIcon";
import { PROVIDERS, describeTarget, providerInfo, sentence } from "./providers";
import "./integrations.css";

type ListState = { status: "loading" } | { status: "ready"; items: IntegrationView[] } | { status: "error"; message: string };
type DialogState = { mode: "add"; provider?: IntegrationProvider } | { mode: "edit"; view: IntegrationView } | null;

export function IntegrationsPage() {
  const [list, setList] = useState<ListState>({ status: "loading" });
  const [keychain, setKeychain] = useState<KeychainStatusView | null>(null);
  const [keychainBusy, setKeychainBusy] = useState(false);
  const [dialog, setDialog] = useState<DialogState>(null);
  const [testing, setTesting] = useState<ReadonlySet<string>>(new Set());
  const [pageError, setPageError] = useState<string | null>(null);
  const [highlight, setHighlight] = useState<string | null>(null);
  const [confirmDialog, confirm] = useConfirm();
  const now = useNow();
  const request = useRef(0);

  const refreshList = useCallback(async () => {
    const ticket = ++request.current;
    try {
      const items = await api.integrationList();
      if (ticket === request.current) setList({ status: "ready", items });
    } catch (e) {
      if (ticket === request.current) setList({ status: "error", message: errorMessage(e) });
    }
  }, []);

  // The list waits for the first keychain check: its banner goes above the rows, and rows that moved down under the
  // pointer once it arrived would take a click meant for one button on another.
  const [keychainChecked, setKeychainChecked] = useState(false);
  const refreshKeychain = useCallback(async () => {
    try {
      setKeychain(await api.keychainStatus());
    } catch (e) {
      setPageError(`Couldn't check the OS keychain: ${errorMessage(e)}`);
    } finally {
      setKeychainChecked(true);
    }
  }, []);

  useEffect(() => {
    void refreshList();
    void refreshKeychain();
  }, [refreshList, refreshKeychain]);

  const replace = (view: IntegrationView) =>
    setList((l) => (l.status === "ready" ? { ...l, items: l.items.map((i) => (i.id === view.id ? view : i)) } : l));

  const useSessionMemory = async () => {
    setKeychainBusy(true);
    try {
      setKeychain(await api.keychainUseSessionMemory());
      setPageError(null);
      await refreshList();
    } finally {
      setKeychainBusy(false);
    }
  };

  const runTest = async (view: IntegrationView) => {
    setTesting((s) => new Set(s).add(view.id));
    setPageError(null);
    try {
      replace(await api.integrationTest(view.id));
    } catch (e) {
      setPageError(`Couldn't test “${view.name}”: ${errorMessage(e)}`);
      await refreshList();
    } finally {
      setTesting((s) => {
        const next = new Set(s);
        next.delete(view.id);
        return next;
      });
    }
  };

  const remove = async (view: IntegrationView) => {
    const ok = await confirm({
      title: `Delete “${view.name}”?`,
      message: view.hasCredentials
        ? "The integration is removed, and its credentials are deleted from your OS keychain. Workflows that use it will stop working."
        : "The integration is removed. Workflows that use it will stop working.",
      confirmLabel: "Delete integration",
      danger: true,
    });
    if (!ok) return;
    try {
      await api.integrationDelete(view.id);
      setPageError(null);
    } catch (e) {
      setPageError(`Couldn't delete “${view.name}”: ${errorMessage(e)}`);
    }
    await refreshList();
  };

  const shown = keychainChecked ? list : ({ status: "loading" } as const);
  const items = shown.status === "ready" ? shown.items : [];

  return (
    <div className="page integrations-page">
      <header className="page-header">
        <div>
          <h1 className="page-title">Integrations</h1>
          <p className="page-subtitle">
            Connect Slack, Gmail, webhooks and HTTP APIs for your workflows. Credentials stay in your OS keychain, never in the
            database.
          </p>
        </div>
        <button type="button" className="btn btn-primary" data-testid="integration-add" onClick={() => setDialog({ mode: "add" })}>
          <Icon name="plus" size={15} />
          Add integration
        </button>
      </header>

      {keychain && (
        <KeychainBanner
          status={keychain}
          busy={keychainBusy}
          onUseMemory={() => void useSessionMemory().catch((e: unknown) => setPageError(errorMessage(e)))}
          onRecheck={() => void refreshKeychain()}
        />
      )}

      {pageError && <ErrorBanner>{pageError}</ErrorBanner>}
      {shown.status === "error" && <ErrorBanner>Couldn't load integrations: {shown.message}</ErrorBanner>}
      {shown.status === "loading" && <div className="list-loading">Loading integrations…</div>}

      {shown.status === "ready" && items.length === 0 && (
        <div className="empty integrations-empty" data-testid="integrations-empty">
          <div className="empty-icon">
            <Icon name="plug" size={22} />
          </div>
          <h2>No integrations yet</h2>
          <p>Connect a service once, test the connection, then use it from Slack, Gmail, webhook and HTTP nodes in your workflows.</p>
          <div className="quick-providers">
            {PROVIDERS.map((p) => (
              <button
                key={p.id}
                type="button"
                className="provider-choice"
                data-testid={`integration-quick-${p.slug}`}
                onClick={() => setDialog({ mode: "add", provider: p.id })}
              >
                <ProviderIcon provider={p.id} size={30} />
                <span className="provider-choice-text">
                  <span className="provider-choice-label">{p.label}</span>
                  <span className="provider-choice-tagline">{p.tagline}</span>
                </span>
              </button>
            ))}
          </div>
        </div>
      )}

      {items.length > 0 && (
        <div className="table integrations-table" role="table" aria-label="Integrations">
          <div className="table-head" role="row">
            <div role="columnheader">Integration</div>
            <div role="columnheader">Status</div>
            <div role="columnheader">Last tested</div>
            <div role="columnheader" className="sr-only">
              Actions
            </div>
          </div>
          {items.map((view) => (
            <IntegrationRow
              key={view.id}
              view={view}
              now={now}
              testing={testing.has(view.id)}
              highlighted={view.id === highlight}
              onTest={() => void runTest(view)}
              onEdit={() => setDialog({ mode: "edit", view })}
              onDelete={() => void remove(view)}
            />
          ))}
        </div>
      )}

      {dialog && (
        <IntegrationDialog
          existing={dialog.mode === "edit" ? dialog.view : undefined}
          initialProvider={dialog.mode === "add" ? dialog.provider : undefined}
          keychain={keychain}
          onClose={() => setDialog(null)}
          onUseMemory={useSessionMemory}
          onSaved={(saved) => {
            setDialog(null);
            setHighlight(saved.id);
            void refreshList();
          }}
        />
      )}
      {confirmDialog}
    </div>
  );
}

type RowProps = {
  view: IntegrationView;
  now: Date;
  testing: boolean;
  highlighted: boolean;
  onTest: () => void;
  onEdit: () => void;
  onDelete: () => void;
};

function IntegrationRow({ view, now, testing, highlighted, onTest, onEdit, onDelete }: RowProps) {
  const status: IntegrationStatus = testing ? "TESTING" : view.status;
  const missingHere = view.hasCredentials && !view.credentialsOnThisDevice;
  return (
    <div
      className={`table-row integration-row${highlighted ? " is-new" : ""}`}
      role="row"
      data-testid="integration-row"
      data-name={view.name}
      data-id={view.id}
      data-status={status}
    >
      <div role="cell" className="cell-name">
        <ProviderIcon provider={view.provider} size={32} />
        <div className="integration-title">
          <button type="button" className="link-button" onClick={onEdit} title={`Edit ${view.name}`}>
            {view.name}
          </button>
          <div className="integration-target">
            <span>{providerInfo(view.provider).label}</span>
            <span className="dot" aria-hidden="true">
              ·
            </span>
            <span className="integration-target-text">{describeTarget(view)}</span>
            {view.scopes.length > 0 && (
              <span className="chip chip-xs" title={view.scopes.join("\n")}>
                {view.scopes.length} {view.scopes.length === 1 ? "scope" : "scopes"}
              </span>
            )}
          </div>
        </div>
      </div>
      <div role="cell">
        <StatusPill status={status} />
      </div>
      <div role="cell" className="muted" title={view.lastTested ? absoluteTime(view.lastTested) : undefined}>
        {view.lastTested ? relativeTime(view.lastTested, now) : "Never"}
      </div>
      <div role="cell" className="row-actions">
        <button type="button" className="btn btn-sm" data-testid="integration-test" onClick={onTest} disabled={testing}>
          <Icon name="zap" size={14} />
          {testing ? "Testing…" : "Test connection"}
        </button>
        <button type="button" className="icon-button" data-testid="integration-edit" aria-label={`Edit ${view.name}`} title="Edit" onClick={onEdit}>
          <Icon name="pencil" size={15} />
        </button>
        <button
          type="button"
          className="icon-button icon-button-danger"
          data-testid="integration-delete"
          aria-label={`Delete ${view.name}`}
          title="Delete"
          onClick={onDelete}
        >
          <Icon name="trash" size={15} />
        </button>
      </div>
      {status === "ERROR" && view.lastError && (
        <div className="integration-row-note is-error" data-testid="integration-last-error">
          <Icon name="alert" size={13} />
          <span>{sentence(view.lastError)}</span>
        </div>
      )}
      {missingHere && status !== "ERROR" && (
        <div className="integration-row-note is-warning">
          <Icon name="alert" size={13} />
          <span>This device has no saved credentials for this integration: edit it and enter them again.</span>
        </div>
      )}
    </div>
  );
}

const STATUS_HINT: Record<IntegrationStatus, string> = {
  CONNECTED: "The last connection test succeeded.",
  ERROR: "The last connection test failed.",
  TESTING: "Testing the connection…",
  DISCONNECTED: "Not tested since it was added or changed.",
};

/** What the status says to a person: an integration that was never tested is not "disconnected", it is not tested. */
const STATUS_LABEL: Record<IntegrationStatus, string> = {
  CONNECTED: "Connected",
  ERROR: "Failed",
  TESTING: "Testing…",
  DISCONNECTED: "Not tested",
};

function StatusPill({ status }: { status: IntegrationStatus }) {
  return (
    <span
      className={`status-pill is-${status.toLowerCase()}`}
      data-testid="integration-status"
      data-status={status}
      title={STATUS_HINT[status]}
    >
      {status === "TESTING" ? <span className="spinner" aria-hidden="true" /> : <span className="status-dot" aria-hidden="true" />}
      {STATUS_LABEL[status]}
    </span>
  );
}
