// Owns small generic React hooks (debounce, ticking clock, a loaded list, closing a popover on an outside press) shared by features.
import { useCallback, useEffect, useRef, useState, type RefObject } from "react";
import { errorMessage } from "../ipc";

export function useDebouncedValue<T>(value: T, delayMs: number): T {
  const [debounced, setDebounced] = useState(value);
  useEffect(() => {
    const t = setTimeout(() => setDebounced(value), delayMs);
    return () => clearTimeout(t);
  }, [value, delayMs]);
  return debounced;
}

export type LoadedList<T> = { status: "loading" } | { status: "ready"; items: T[] } | { status: "error"; message: string };

/**
 * A list a page loads with `load` (the same function on every render): its state, a refresh to call after the page
 * changes it, and the setter for edits in place. When refreshes overlap, only the latest one's answer is shown.
 */
export function useLoadedList<T, A extends unknown[]>(load: (...args: A) => Promise<T[]>) {
  const [list, setList] = useState<LoadedList<T>>({ status: "loading" });
  const request = useRef(0);
  const refresh = useCallback(
    async (...args: A) => {
      const ticket = ++request.current;
      try {
        const items = await load(...args);
        if (ticket === request.current) setList({ status: "ready", items });
      } catch (e) {
        if (ticket === request.current) setList({ status: "error", message: errorMessage(e) });
      }
    },
    [load],
  );
  return [list, refresh, setList] as const;
}

/** Re-renders every `intervalMs` so relative times stay fresh. */
export function useNow(intervalMs = 30_000): Date {
  const [now, setNow] = useState(() => new Date());
  useEffect(() => {
    const t = setInterval(() => setNow(new Date()), intervalMs);
    return () => clearInterval(t);
  }, [intervalMs]);
  return now;
}

/** While `open`, a mouse press outside `box` calls `close` (a popover closes when you click elsewhere). */
export function useCloseOnOutsidePress(open: boolean, box: RefObject<HTMLElement | null>, close: () => void): void {
  useEffect(() => {
    if (!open) return;
    const onDown = (e: MouseEvent) => {
      if (box.current && !box.current.contains(e.target as Node)) close();
    };
    window.addEventListener("mousedown", onDown);
    return () => window.removeEventListener("mousedown", onDown);
  }, [open, box, close]);
}
