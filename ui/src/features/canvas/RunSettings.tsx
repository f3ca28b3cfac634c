// Owns a workflow's run settings in the canvas header: what its runs may reach (this computer and private networks)
// and how much data one run may hold; settings of the workflow row that its files never carry, read when the canvas
// loads and saved at once when changed (the core checks them).
import { useCallback, useRef, useState } from "react";
import { create } from "zustand";
import { api, errorMessage, type WorkflowSettings } from "../../ipc";
import { useCloseOnOutsidePress } from "../../shared/hooks";
import { Icon } from "../../shared/icons";
import { toast } from "../../shared/toast";

const useSettings = create<{ byDoc: Record<string, WorkflowSettings> }>()(() => ({ byDoc: {} }));

/** Keeps the settings a workflow was loaded with, for its header's Settings button. */
export function rememberSettings(workflowId: string, settings: WorkflowSettings): void {
  useSettings.setState((s) => ({ byDoc: { ...s.byDoc, [workflowId]: settings } }));
}

export function RunSettingsButton({ workflowId }: { workflowId: string }) {
  const [open, setOpen] = useState(false);
  const [saving, setSaving] = useState(false);
  const settings = useSettings((s) => s.byDoc[workflowId]);
  const box = useRef<HTMLDivElement>(null);
  const allowed = settings?.allowPrivateNetwork ?? false;
  const savedMib = settings?.maxRunDataMib ?? null;
  const [mibDraft, setMibDraft] = useState<string | null>(null);

  useCloseOnOutsidePress(
    open,
    box,
    useCallback(() => setOpen(false), []),
  );

  const save = async (next: WorkflowSettings) => {
    setSaving(true);
    try {
      rememberSettings(workflowId, await api.workflowSetSettings(workflowId, next));
      return true;
    } catch (e) {
      toast(`The setting was not saved: ${errorMessage(e)}`, "error");
      return false;
    } finally {
      setSaving(false);
    }
  };
  const change = (next: boolean) => save({ ...settings, allowPrivateNetwork: next });
  // An empty field is the default; anything else goes to the core as typed, which says what is wrong with it.
  const commitMib = async () => {
    if (mibDraft === null || saving) return;
    const text = mibDraft.trim();
    const next = text === "" ? null : Number(text);
    if (next !== null && !Number.isInteger(next)) {
      toast("The memory for a run's data is a whole number of MiB", "error");
      setMibDraft(null);
    } else if (next === savedMib) {
      setMibDraft(null);
    } else if (await save({ ...settings, maxRunDataMib: next })) {
      setMibDraft(null);
    }
  };

  return (
    <div className="run-input" ref={box}>
      <button
        type="button"
        className={`btn btn-ghost btn-sm${allowed ? " is-pressed" : ""}`}
        data-testid="run-settings-toggle"
        aria-expanded={open}
        title="What this workflow's runs may reach, and how much data they may hold"
        onClick={() => setOpen((o) => !o)}
      >
        <Icon name="globe" size={14} />
        Run settings
      </button>
      {open && (
        <div
          className="run-input-pop"
          role="dialog"
          aria-label="Run settings"
          data-testid="run-settings"
          onKeyDown={(e) => {
            if (e.key === "Escape") setOpen(false);
          }}
        >
          <label className="run-settings-check">
            <input
              type="checkbox"
              checked={allowed}
              disabled={saving || settings === undefined}
              data-testid="run-settings-private-network"
              onChange={(e) => void change(e.target.checked)}
            />
            <span>Let runs reach this computer and the local network</span>
          </label>
          <p className="run-settings-help">
            HTTP and LLM nodes may then call addresses such as localhost, 192.168.x.x or 10.x.x.x that this workflow names.
            Cloud metadata addresses stay blocked. An integration always reaches its own saved URL, whatever this says.
          </p>
          <label className="run-settings-field">
            <span>Memory for a run's data</span>
            <span className="run-settings-mib">
              <input
                type="number"
                inputMode="numeric"
                min={1}
                max={1024}
                step={1}
                placeholder="64"
                className="input"
                value={mibDraft ?? (savedMib === null ? "" : String(savedMib))}
                // Not disabled while saving: the field keeps its focus (Escape still closes the popover).
                disabled={settings === undefined}
                data-testid="run-settings-memory"
                onChange={(e) => setMibDraft(e.target.value)}
                onBlur={() => void commitMib()}
                onKeyDown={(e) => {
                  if (e.key === "Enter") void commitMib();
                }}
              />
              MiB
            </span>
          </label>
          <p className="run-settings-help">
            What this workflow's nodes make and keep in one run (1 to 1,024 MiB; empty: 64). Data a node passes on or keeps
            from its input counts once. A run that needs more stops and names the node. Files exported from this workflow
            do not carry these settings.
          </p>
        </div>
      )}
    </div>
  );
}
