// Owns the keychain banner: says plainly when there is no usable OS keychain and asks consent to keep secrets in memory for this session only.
import { Icon } from "../../shared/icons";
import type { KeychainStatusView } from "../../ipc";

type Props = {
  status: KeychainStatusView;
  busy: boolean;
  onUseMemory: () => void;
  onRecheck: () => void;
};

/** Renders nothing while the keychain is available and in use. */
export function KeychainBanner({ status, busy, onUseMemory, onRecheck }: Props) {
  if (status.sessionMemory) {
    return (
      <div className="keychain-banner is-info" role="status" data-testid="keychain-banner" data-state="session-memory">
        <span className="keychain-banner-icon">
          <Icon name="info" size={16} />
        </span>
        <div className="keychain-banner-text">
          <div className="keychain-banner-title">Secrets are kept in memory for this session only</div>
          <p>{status.message}</p>
        </div>
      </div>
    );
  }
  if (status.state === "available") return null;
  return (
    <div className="keychain-banner" role="alert" data-testid="keychain-banner" data-state={status.state}>
      <span className="keychain-banner-icon">
        <Icon name="alert" size={16} />
      </span>
      <div className="keychain-banner-text">
        <div className="keychain-banner-title">
          {status.state === "locked" ? "The OS keychain is locked" : "No OS keychain is available"}
        </div>
        <p>{status.message}</p>
      </div>
      <div className="keychain-banner-actions">
        <button type="button" className="btn btn-sm btn-ghost" onClick={onRecheck} disabled={busy}>
          Check again
        </button>
        <button type="button" className="btn btn-sm" data-testid="keychain-use-memory" onClick={onUseMemory} disabled={busy}>
          Keep secrets in memory for this session only
        </button>
      </div>
    </div>
  );
}
