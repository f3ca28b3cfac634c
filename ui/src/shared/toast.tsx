// Owns transient toasts: `toast(message)` from anywhere, `<Toaster />` renders them (bottom centre, auto-dismissed).
import { useSyncExternalStore } from "react";
import { Icon } from "./icons";
import "./toast.css";

export type ToastTone = "info" | "error" | "success";
export type Toast = { id: number; message: string; tone: ToastTone };

const TOAST_MS = 3200;
const MAX_TOASTS = 3;

let toasts: Toast[] = [];
let seq = 0;
const listeners = new Set<() => void>();
const emit = () => listeners.forEach((l) => l());

export function dismissToast(id: number): void {
  toasts = toasts.filter((t) => t.id !== id);
  emit();
}

/** Shows a short message; the same message shown again replaces the earlier one instead of stacking. */
export function toast(message: string, tone: ToastTone = "info"): void {
  const id = ++seq;
  toasts = [...toasts.filter((t) => t.message !== message), { id, message, tone }].slice(-MAX_TOASTS);
  emit();
  setTimeout(() => dismissToast(id), TOAST_MS);
}

function subscribe(l: () => void) {
  listeners.add(l);
  return () => listeners.delete(l);
}

export function Toaster() {
  const list = useSyncExternalStore(subscribe, () => toasts);
  return (
    <div className="toaster" aria-live="polite" role="status">
      {list.map((t) => (
        <div key={t.id} className={`toast toast-${t.tone}`} data-testid="toast" data-tone={t.tone}>
          <Icon name={t.tone === "error" ? "alert" : t.tone === "success" ? "check" : "info"} size={15} />
          <span>{t.message}</span>
        </div>
      ))}
    </div>
  );
}
