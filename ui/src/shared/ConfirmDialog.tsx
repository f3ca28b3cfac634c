// Owns the modal confirm dialog (confirm-ok / confirm-cancel) and the useConfirm() hook that awaits an answer.
import { useCallback, useEffect, useId, useRef, useState, type KeyboardEvent, type ReactNode } from "react";

export type ConfirmOptions = {
  title: string;
  message?: ReactNode;
  confirmLabel?: string;
  cancelLabel?: string;
  danger?: boolean;
};

type Props = ConfirmOptions & { onAnswer: (ok: boolean) => void };

export function ConfirmDialog({ title, message, confirmLabel = "OK", cancelLabel = "Cancel", danger, onAnswer }: Props) {
  const okRef = useRef<HTMLButtonElement>(null);
  const boxRef = useRef<HTMLDivElement>(null);
  const titleId = useId();
  const bodyId = useId();

  useEffect(() => {
    const previous = document.activeElement as HTMLElement | null;
    okRef.current?.focus();
    return () => previous?.focus?.();
  }, []);

  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === "Escape") {
      e.preventDefault();
      e.stopPropagation();
      onAnswer(false);
    } else if (e.key === "Tab") {
      const items = boxRef.current?.querySelectorAll<HTMLElement>("button");
      if (!items?.length) return;
      const first = items[0];
      const last = items[items.length - 1];
      if (e.shiftKey && document.activeElement === first) {
        e.preventDefault();
        last.focus();
      } else if (!e.shiftKey && document.activeElement === last) {
        e.preventDefault();
        first.focus();
      }
    }
  };

  return (
    <div className="modal-backdrop" onMouseDown={(e) => e.target === e.currentTarget && onAnswer(false)}>
      <div
        ref={boxRef}
        className="modal"
        role="alertdialog"
        aria-modal="true"
        aria-labelledby={titleId}
        aria-describedby={message ? bodyId : undefined}
        onKeyDown={onKeyDown}
        data-testid="confirm-dialog"
      >
        <h2 id={titleId} className="modal-title">
          {title}
        </h2>
        {message && (
          <div id={bodyId} className="modal-body">
            {message}
          </div>
        )}
        <div className="modal-actions">
          <button type="button" className="btn" data-testid="confirm-cancel" onClick={() => onAnswer(false)}>
            {cancelLabel}
          </button>
          <button
            ref={okRef}
            type="button"
            className={danger ? "btn btn-danger" : "btn btn-primary"}
            data-testid="confirm-ok"
            onClick={() => onAnswer(true)}
          >
            {confirmLabel}
          </button>
        </div>
      </div>
    </div>
  );
}

/** `const [dialog, confirm] = useConfirm()`; render `dialog`, then `if (await confirm({...}))`. */
export function useConfirm(): [ReactNode, (options: ConfirmOptions) => Promise<boolean>] {
  const [pending, setPending] = useState<ConfirmOptions | null>(null);
  const resolver = useRef<((ok: boolean) => void) | null>(null);

  const confirm = useCallback(
    (options: ConfirmOptions) =>
      new Promise<boolean>((resolve) => {
        resolver.current?.(false);
        resolver.current = resolve;
        setPending(options);
      }),
    [],
  );

  const dialog = pending ? (
    <ConfirmDialog
      {...pending}
      onAnswer={(ok) => {
        resolver.current?.(ok);
        resolver.current = null;
        setPending(null);
      }}
    />
  ) : null;

  return [dialog, confirm];
}
