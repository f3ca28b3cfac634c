// Owns a workflow's run settings in the canvas header: what its runs may reach (this computer and private networks),
// a setting of the workflow row that its files never carry, read when the canvas loads and saved at once when changed.
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

  useCloseOnOutsidePress(
    open,
    box,
    useCallback(() => setOpen(false), []),
  );

  const change = async (next: boolean) => {
    setSaving(true);
    try {
      rememberSettings(workflowId, await api.workflowSetSettings(workflowId, { ...settings, allowPrivateNetwork: next }));
    } catch (e) {
      toast(`The setting was not saved: ${errorMessage(e)}`, "error");
    } finally {
      setSaving(false);
    }
  };

  return (
    <div className="run-input" ref={box}>
      <button
        type="button"
        className={`btn btn-ghost btn-sm${allowed ? " is-pressed" : ""}`}
        data-testid="run-settings-toggle"
        aria-expanded={open}
        title="What this workflow's runs may reach"
        onClick={() => setOpen((o) => !o)}
      >
        <Icon name="globe" size={14} />
        Network
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
            Files exported from this workflow do not carry this setting.
          </p>
        </div>
      )}
    </div>
  );
}
