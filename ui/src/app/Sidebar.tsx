// Owns the left sidebar: product name, Hub / Garage navigation, the team sync control, and who is signed in where (a link to the Team page).
import type { MouseEvent } from "react";
import type { AppInfo } from "../ipc";
import { SyncControl } from "../features/team/SyncControl";
import { Icon, LogoMark } from "../shared/icons";
import { PAGE_INFO } from "./pages";
import { navigate, type PageId } from "./router";

/** `compact`: an icon rail, used on the canvas to leave it the room. */
type Props = { active: PageId; info: AppInfo; previewMode: boolean; compact?: boolean };

export function Sidebar({ active, info, previewMode, compact = false }: Props) {
  const go = (e: MouseEvent<HTMLAnchorElement>, id: PageId) => {
    if (e.metaKey || e.ctrlKey || e.shiftKey || e.button !== 0) return;
    e.preventDefault();
    navigate(`/${id}`);
  };
  const initials = (info.userEmail.split("@")[0] || "?")
    .split(/[._-]+/)
    .map((p) => p[0])
    .join("")
    .slice(0, 2)
    .toUpperCase();

  return (
    <nav className={`sidebar${compact ? " is-compact" : ""}`} aria-label="Main">
      <div className="brand" title="NeuroFlow Studio">
        <LogoMark size={26} />
        <span className="brand-name">NeuroFlow Studio</span>
      </div>
      {(["Hub", "Garage"] as const).map((section) => (
        <div className="nav-section" key={section}>
          <div className="nav-section-title">{section}</div>
          {PAGE_INFO.filter((p) => p.section === section).map((p) => (
            <a
              key={p.id}
              href={`#/${p.id}`}
              className={`nav-link${active === p.id ? " is-active" : ""}`}
              aria-current={active === p.id ? "page" : undefined}
              data-testid={`nav-${p.id}`}
              title={compact ? p.label : undefined}
              onClick={(e) => go(e, p.id)}
            >
              <Icon name={p.icon} size={16} />
              <span className="nav-label">{p.label}</span>
            </a>
          ))}
        </div>
      ))}
      <div className="sidebar-footer">
        {previewMode && (
          <div className="preview-badge" title="Running in a browser on the dev server's core: data lives in the SQLite file it was started with.">
            Browser preview
          </div>
        )}
        <SyncControl compact={compact} />
        <a
          href="#/account"
          className={`account${active === "account" ? " is-active" : ""}`}
          aria-current={active === "account" ? "page" : undefined}
          title={`${info.organizationName} · ${info.userEmail}\nDatabase: ${info.databasePath}\nTeam and sync settings`}
          data-testid="account"
          onClick={(e) => go(e, "account")}
        >
          <div className="avatar" aria-hidden="true">
            {initials}
          </div>
          <div className="account-text">
            <div className="account-org" data-testid="account-org">{info.organizationName}</div>
            <div className="account-user" data-testid="account-user">{info.userEmail}</div>
          </div>
        </a>
      </div>
    </nav>
  );
}
