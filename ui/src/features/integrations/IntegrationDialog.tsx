// Owns the Add/Edit integration dialog: provider choice, the provider's form (secrets as never-pre-filled password fields), save, and the keychain consent when saving needs it.
import { useEffect, useId, useRef, useState, type FormEvent, type KeyboardEvent, type ReactNode } from "react";
import { api, errorMessage, isIpcError, type IntegrationProvider, type IntegrationView, type KeychainStatusView } from "../../ipc";
import { Icon } from "../../shared/icons";
import { ProviderIcon } from "./ProviderIcon";
import { PROVIDERS, buildDraft, initialValues, keepsSavedSecret, providerInfo, sentence, type FieldSpec, type FormValues } from "./providers";

type Props = {
  /** The integration being edited; absent when adding one. */
  existing?: IntegrationView;
  initialProvider?: IntegrationProvider;
  keychain: KeychainStatusView | null;
  onClose: () => void;
  onSaved: (view: IntegrationView) => void;
  /** Switches to session memory (the user's consent); resolves once it is in effect. */
  onUseMemory: () => Promise<void>;
};

type SaveError = { message: string; keychain: boolean };

export function IntegrationDialog({ existing, initialProvider, keychain, onClose, onSaved, onUseMemory }: Props) {
  const [provider, setProvider] = useState<IntegrationProvider | null>(existing?.provider ?? initialProvider ?? null);
  const [name, setName] = useState(existing?.name ?? "");
  const [values, setValues] = useState<FormValues>(() => initialValues(existing));
  const [error, setError] = useState<SaveError | null>(null);
  const [saving, setSaving] = useState(false);
  const nameInput = useRef<HTMLInputElement>(null);
  const titleId = useId();
  const formId = useId();

  useEffect(() => {
    if (provider) nameInput.current?.focus();
  }, [provider]);

  const info = provider ? providerInfo(provider) : null;
  const set = (field: keyof FormValues, value: string) => {
    setValues((v) => ({ ...v, [field]: value }));
    setError(null);
  };

  const save = async (e?: FormEvent) => {
    e?.preventDefault();
    if (!provider || saving) return;
    setSaving(true);
    setError(null);
    try {
      const draft = buildDraft(provider, name, values);
      const saved = existing ? await api.integrationUpdate(existing.id, draft) : await api.integrationCreate(draft);
      onSaved(saved);
    } catch (err) {
      setError({ message: errorMessage(err), keychain: isIpcError(err, "keychain_unavailable") });
    } finally {
      setSaving(false);
    }
  };

  const useMemoryAndSave = async () => {
    try {
      await onUseMemory();
    } catch (err) {
      setError({ message: errorMessage(err), keychain: false });
      return;
    }
    await save();
  };

  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === "Escape" && !saving) {
      e.preventDefault();
      e.stopPropagation();
      onClose();
    }
  };

  const keepSecret = keepsSavedSecret(existing, values);
  const lacksSecrets = existing?.hasCredentials && !existing.credentialsOnThisDevice;

  return (
    <div className="modal-backdrop">
      <div
        className="modal integration-dialog"
        role="dialog"
        aria-modal="true"
        aria-labelledby={titleId}
        onKeyDown={onKeyDown}
        data-testid="integration-dialog"
      >
        <header className="integration-dialog-head">
          {info && existing ? <ProviderIcon provider={info.id} size={34} /> : null}
          <div>
            <h2 id={titleId} className="modal-title">
              {existing ? `Edit “${existing.name}”` : "Add integration"}
            </h2>
            <p className="integration-dialog-sub">
              {existing && info ? `${info.label} · ${info.tagline}` : "Choose a service, then enter its settings and credentials."}
            </p>
          </div>
          <button type="button" className="icon-button" aria-label="Close" title="Close" onClick={onClose} disabled={saving}>
            <Icon name="x" size={16} />
          </button>
        </header>

        {!existing && (
          <div className="provider-picker" role="radiogroup" aria-label="Service">
            {PROVIDERS.map((p) => (
              <button
                key={p.id}
                type="button"
                role="radio"
                aria-checked={provider === p.id}
                className={`provider-choice${provider === p.id ? " is-selected" : ""}`}
                data-testid={`integration-provider-${p.slug}`}
                onClick={() => {
                  setProvider(p.id);
                  setError(null);
                }}
              >
                <ProviderIcon provider={p.id} size={30} />
                <span className="provider-choice-text">
                  <span className="provider-choice-label">{p.label}</span>
                  <span className="provider-choice-tagline">{p.tagline}</span>
                </span>
              </button>
            ))}
          </div>
        )}

        {info && (
          <form id={formId} className="integration-form" onSubmit={save} autoComplete="off">
            {lacksSecrets && (
              <div className="form-notice" role="note">
                <Icon name="alert" size={14} />
                This device has none of the saved credentials: enter them again to use this integration here.
              </div>
            )}
            <Field label="Name" required htmlFor={`${formId}-name`} wide>
              <input
                id={`${formId}-name`}
                ref={nameInput}
                className="input"
                data-testid="integration-name"
                placeholder={`e.g. Team ${info.label}`}
                value={name}
                onChange={(e) => {
                  setName(e.target.value);
                  setError(null);
                }}
              />
            </Field>
            {info.fields
              .filter((f) => !f.when || f.when(values))
              .map((f) => (
                <FormField
                  key={f.name}
                  id={`${formId}-${f.name}`}
                  spec={f}
                  value={values[f.name]}
                  keepSaved={f.kind === "secret" && keepSecret}
                  creating={!existing}
                  onChange={(value) => set(f.name, value)}
                />
              ))}
          </form>
        )}

        {error && (
          <div className="form-error integration-form-error" role="alert" data-testid="integration-error">
            <Icon name="alert" size={14} />
            <span>{sentence(error.message)}</span>
            {error.keychain && (
              <button
                type="button"
                className="btn btn-sm"
                data-testid="dialog-keychain-use-memory"
                onClick={() => void useMemoryAndSave()}
                disabled={saving}
              >
                Keep secrets in memory for this session only
              </button>
            )}
          </div>
        )}

        <footer className="integration-dialog-foot">
          <span className="integration-dialog-note">
            <Icon name={keychain?.state === "available" || keychain?.sessionMemory ? "check" : "info"} size={13} />
            {keychain?.sessionMemory
              ? "Secrets are kept in memory for this session only."
              : keychain && keychain.state !== "available"
                ? "No usable OS keychain: secrets cannot be saved yet."
                : "Secrets are saved in your OS keychain and never shown again."}
          </span>
          <div className="modal-actions">
            <button type="button" className="btn" onClick={onClose} disabled={saving}>
              Cancel
            </button>
            <button
              type="submit"
              form={formId}
              className="btn btn-primary"
              data-testid="integration-save"
              disabled={!info || saving}
            >
              {saving ? "Saving…" : existing ? "Save changes" : "Add integration"}
            </button>
          </div>
        </footer>
      </div>
    </div>
  );
}

type FieldProps = { label: string; required?: boolean; htmlFor: string; help?: string; wide?: boolean; children: ReactNode };

function Field({ label, required, htmlFor, help, wide, children }: FieldProps) {
  return (
    <div className={`form-field${wide ? " is-wide" : ""}`}>
      <label className="form-label" htmlFor={htmlFor}>
        {label}
        {required && <span className="form-required" aria-hidden="true"> *</span>}
      </label>
      {children}
      {help && <div className="form-help">{help}</div>}
    </div>
  );
}

type FormFieldProps = {
  id: string;
  spec: FieldSpec;
  value: string;
  keepSaved: boolean;
  creating: boolean;
  onChange: (value: string) => void;
};

function FormField({ id, spec, value, keepSaved, creating, onChange }: FormFieldProps) {
  const common = {
    id,
    "data-testid": `integration-field-${spec.name}`,
    value,
    onChange: (e: { target: { value: string } }) => onChange(e.target.value),
  };
  let control;
  if (spec.kind === "select") {
    control = (
      <select className="input select" {...common}>
        {spec.options?.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    );
  } else if (spec.kind === "secret") {
    control = (
      <input
        {...common}
        className="input input-secret"
        type="password"
        // Keeps the browser's password manager from offering or storing these values.
        autoComplete="new-password"
        spellCheck={false}
        placeholder={keepSaved ? "Saved — leave empty to keep" : spec.placeholder}
      />
    );
  } else {
    control = (
      <input
        {...common}
        className="input"
        type="text"
        // Not type="url": the browser's own URL check would pre-empt the app's clearer messages.
        inputMode={spec.kind === "url" ? "url" : undefined}
        spellCheck={false}
        placeholder={spec.placeholder}
      />
    );
  }
  return (
    <Field label={spec.label} required={spec.required && (creating || !keepSaved)} htmlFor={id} help={spec.help} wide={!spec.half}>
      {control}
    </Field>
  );
}
