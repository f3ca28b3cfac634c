// Owns the full-window screens shown when the app cannot start (e.g. the local database can't be opened).
import type { ReactNode } from "react";
import { Icon, LogoMark } from "../shared/icons";

type Props = { title: string; message: string; testId: string; hint?: ReactNode; onRetry: () => void };

export function ErrorScreen({ title, message, testId, hint, onRetry }: Props) {
  return (
    <div className="fatal" data-testid={testId} role="alert">
      <div className="fatal-card">
        <div className="fatal-brand">
          <LogoMark size={22} />
          NeuroFlow Studio
        </div>
        <div className="fatal-icon">
          <Icon name="database" size={24} />
        </div>
        <h1>{title}</h1>
        <pre className="fatal-message">{message}</pre>
        {hint && <p className="fatal-hint">{hint}</p>}
        <button type="button" className="btn btn-primary" onClick={onRetry}>
          Try again
        </button>
      </div>
    </div>
  );
}
