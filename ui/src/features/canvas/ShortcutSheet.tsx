// Owns the keyboard shortcut sheet (press ?): every canvas shortcut from the shortcut table, grouped.
import { Fragment, useEffect, useRef, type KeyboardEvent } from "react";
import { Icon } from "../../shared/icons";
import { SHORTCUT_GROUPS, SHORTCUTS } from "./shortcuts";

export function ShortcutSheet({ onClose }: { onClose: () => void }) {
  const boxRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const previous = document.activeElement as HTMLElement | null;
    boxRef.current?.focus();
    return () => previous?.focus?.();
  }, []);

  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === "Escape" || e.key === "?") {
      e.preventDefault();
      e.stopPropagation();
      onClose();
    } else if (e.key === "Tab") {
      e.preventDefault(); // one control: keep focus inside
      boxRef.current?.querySelector("button")?.focus();
    }
  };

  return (
    <div className="modal-backdrop" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <div
        ref={boxRef}
        tabIndex={-1}
        className="modal shortcut-sheet"
        role="dialog"
        aria-modal="true"
        aria-labelledby="shortcut-sheet-title"
        data-testid="shortcut-sheet"
        onKeyDown={onKeyDown}
      >
        <div className="shortcut-sheet-head">
          <h2 id="shortcut-sheet-title" className="modal-title">
            Keyboard shortcuts
          </h2>
          <button type="button" className="icon-button" aria-label="Close" data-testid="shortcut-sheet-close" onClick={onClose}>
            <Icon name="x" size={16} />
          </button>
        </div>
        <div className="shortcut-sheet-body">
          {SHORTCUT_GROUPS.map((group) => (
            <section key={group} className="shortcut-group">
              <h3 className="shortcut-group-title">{group}</h3>
              <dl>
                {SHORTCUTS.filter((s) => s.group === group).map((s) => (
                  <div key={s.description} className="shortcut-row" data-testid="shortcut-row">
                    <dt>{s.description}</dt>
                    <dd>
                      {s.bindings.filter((b) => b.label.length > 0).map((b, i) => (
                        <Fragment key={i}>
                          {i > 0 && <span className="shortcut-or">or</span>}
                          <span className="shortcut-keys">
                            {b.label.map((k, j) => (
                              <kbd key={j} className={k.includes(" ") ? "is-gesture" : undefined}>
                                {k}
                              </kbd>
                            ))}
                          </span>
                        </Fragment>
                      ))}
                    </dd>
                  </div>
                ))}
              </dl>
            </section>
          ))}
        </div>
      </div>
    </div>
  );
}
