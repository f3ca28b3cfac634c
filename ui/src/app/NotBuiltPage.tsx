// Owns the honest placeholder for pages that are not built yet: what the page will do, in one sentence.
import { Icon } from "../shared/icons";
import type { PageInfo } from "./pages";

export function NotBuiltPage({ page }: { page: PageInfo }) {
  return (
    <div className="page">
      <header className="page-header">
        <div>
          <div className="page-eyebrow">{page.section}</div>
          <h1 className="page-title">{page.label}</h1>
        </div>
      </header>
      <div className="not-built" data-testid="not-built">
        <div className="empty-icon">
          <Icon name={page.icon} size={22} />
        </div>
        <div>
          <div className="not-built-title">
            Not built yet <span className="chip">Planned</span>
          </div>
          <p>{page.purpose}</p>
        </div>
      </div>
    </div>
  );
}
