// Owns the open canvas's side of team sync: when a sync brings someone else's saved changes to this document, the canvas shows them in place and keeps its own unsaved edits on top (the core makes them on the new graph).
import { useEffect, useRef } from "react";
import { toast } from "../../shared/toast";
import { usePulledRevision } from "../team/teamStatus";
import type { CanvasDocument } from "./document";
import { useCanvasStore } from "./store";

/** How often a rebase waits for a save or drag in progress to end before trying again, and how many times. */
const RETRY_MS = 300;
const RETRIES = 20;

export function useRemoteChanges(document: CanvasDocument, ready: boolean): void {
  const pulled = usePulledRevision();
  const seen = useRef(pulled);
  useEffect(() => {
    if (!ready || pulled === seen.current) return;
    seen.current = pulled;
    let live = true;
    let timer: ReturnType<typeof setTimeout> | null = null;
    const busy = () => {
      const s = useCanvasStore.getState();
      return s.saving || s.dragging;
    };
    const later = (tries: number) => {
      if (tries > 0) timer = setTimeout(() => void apply(tries - 1), RETRY_MS);
    };
    const apply = async (tries: number): Promise<void> => {
      if (!live || !useCanvasStore.getState().summary) return;
      if (busy()) return later(tries);
      const doc = await document.load();
      const before = useCanvasStore.getState();
      if (!live || !before.summary) return;
      // Our own save coming back from the team database, or a change to another document: nothing to show.
      if (!before.savedDiffers(doc.graph)) return;
      let withLocal = doc.graph;
      if (before.dirty) {
        await document.putDraft(before.unsavedChanges(), before.summary.version);
        const draft = await document.getDraft();
        if (!live || !draft) return;
        withLocal = draft.graph;
      }
      const now = useCanvasStore.getState();
      // An edit made while this was read would be lost: start over with it.
      if (busy() || now.revision !== before.revision) return later(tries);
      now.rebase(doc, withLocal);
      toast(before.dirty ? "Your team's changes arrived; your unsaved edits are kept on top." : "Your team's changes arrived.", "info");
    };
    void apply(RETRIES).catch(() => {
      // The next sync tries again; the canvas keeps what it shows.
    });
    return () => {
      live = false;
      if (timer) clearTimeout(timer);
    };
  }, [pulled, ready, document]);
}
