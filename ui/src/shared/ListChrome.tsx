//! The pieces every list page shares: the search field, the create form, the Import button and its error, the error banner, the empty state, and the page of an item that could not be opened.
import { useRef, useState, type FormEvent, type ReactNode, type RefObject } from "react";
import { Icon, type IconName } from "./icons";

/** The toolbar's search box; `noun` reads "Search workflows" etc. */
export function SearchField({ noun, testId, value, onChange }: { noun: string; testId: string; value: string; onChange: (value: string) => void }) {
  return (
    <label className="input-with-icon toolbar-search">
      <Icon name="search" size={15} />
      <input
        className="input"
        type="search"
        placeholder={`Search ${noun}`}
        aria-label={`Search ${noun}`}
        data-testid={testId}
        value={value}
        onChange={(e) => onChange(e.target.value)}
      />
    </label>
  );
}

/**
 * The toolbar's create form: the name of the new item, the page's own fields (`children`, e.g. a category) and the
 * Create button. `invalid` marks the name field: only a refused create does, since the field is what it refused.
 */
export function CreateForm({
  noun,
  nameTestId,
  submitTestId,
  nameRef,
  name,
  onNameChange,
  invalid,
  busy,
  onSubmit,
  children,
}: {
  noun: string;
  nameTestId: string;
  submitTestId: string;
  nameRef: RefObject<HTMLInputElement | null>;
  name: string;
  onNameChange: (name: string) => void;
  invalid: boolean;
  busy: boolean;
  onSubmit: (e: FormEvent) => void;
  children?: ReactNode;
}) {
  return (
    <form className="create-form" onSubmit={onSubmit}>
      <input
        ref={nameRef}
        className={`input${invalid ? " is-invalid" : ""}`}
        placeholder={`New ${noun} name`}
        aria-label={`New ${noun} name`}
        aria-invalid={invalid || undefined}
        data-testid={nameTestId}
        value={name}
        onChange={(e) => onNameChange(e.target.value)}
      />
      {children}
      <button type="submit" className="btn btn-primary" data-testid={submitTestId} disabled={busy}>
        <Icon name="plus" size={15} />
        Create {noun}
      </button>
    </form>
  );
}

/**
 * The toolbar's Import button: picks a graph file and hands it to `onFile`, which reports a refused file as `error`.
 * The error shows under the button rather than in the page's banner, which speaks for the create form.
 */
export function ImportButton({
  testId,
  fileTestId,
  title,
  error,
  onFile,
}: {
  testId: string;
  fileTestId: string;
  title: string;
  error: string | null;
  onFile: (file: File) => Promise<void>;
}) {
  const input = useRef<HTMLInputElement>(null);
  const [busy, setBusy] = useState(false);
  const take = async (file: File) => {
    setBusy(true);
    try {
      await onFile(file);
    } finally {
      setBusy(false);
      if (input.current) input.current.value = "";
    }
  };
  return (
    <>
      <button type="button" className="btn" data-testid={testId} disabled={busy} title={title} onClick={() => input.current?.click()}>
        <Icon name="upload" size={15} />
        {busy ? "Importing…" : "Import"}
      </button>
      <input
        ref={input}
        type="file"
        accept=".json,application/json"
        hidden
        data-testid={fileTestId}
        onChange={(e) => {
          const f = e.target.files?.[0];
          if (f) void take(f);
        }}
      />
      {error && (
        <div className="import-error">
          <div className="form-error" role="alert" data-testid="import-error">
            <Icon name="alert" size={14} />
            {error}
          </div>
        </div>
      )}
    </>
  );
}

/** An error the page shows above its list; `onRetry` adds a Retry button. */
export function ErrorBanner({ children, onRetry }: { children: ReactNode; onRetry?: () => void }) {
  return (
    <div className="form-error" role="alert" data-testid="form-error">
      <Icon name="alert" size={14} />
      {children}
      {onRetry && (
        <button type="button" className="btn btn-sm" onClick={onRetry}>
          Retry
        </button>
      )}
    </div>
  );
}

/** The first-use screen of a list: icon, title, one paragraph and an optional action. */
export function EmptyState({
  icon,
  title,
  testId,
  className,
  children,
  action,
}: {
  icon: IconName;
  title: string;
  testId: string;
  className?: string;
  children: ReactNode;
  action?: ReactNode;
}) {
  return (
    <div className={`empty${className ? ` ${className}` : ""}`} data-testid={testId}>
      <div className="empty-icon">
        <Icon name={icon} size={22} />
      </div>
      <h2>{title}</h2>
      <p>{children}</p>
      {action}
    </div>
  );
}

/** A page for one item that could not be opened: gone (`notFound`) or failed, with the reason and the way back. */
export function OpenFailure({ noun, notFound, message, backLabel, onBack }: { noun: string; notFound: boolean; message: string; backLabel: string; onBack: () => void }) {
  return (
    <div className="page">
      <div className="empty">
        <h2>{notFound ? `This ${noun} doesn't exist` : `Couldn't open this ${noun}`}</h2>
        <p data-testid="form-error">{message}</p>
        <button type="button" className="btn btn-primary" onClick={onBack}>
          {backLabel}
        </button>
      </div>
    </div>
  );
}
