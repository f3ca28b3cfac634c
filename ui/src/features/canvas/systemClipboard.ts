// Owns access to the system clipboard for canvas copy/paste: navigator.clipboard when the page may use it, an in-memory
// clipboard when it may not (permission denied, no secure context), so copy/paste inside the app always works.

let memory: string | null = null;
/** The last write could not reach the system clipboard, so what is there is older than `memory`. */
let systemIsStale = false;

const READ_TIMEOUT_MS = 3000;

function systemClipboard(): Clipboard | null {
  return typeof navigator !== "undefined" && navigator.clipboard ? navigator.clipboard : null;
}

/** Writes the text; returns where it went (the in-memory copy is always kept too). */
export async function writeClipboard(text: string): Promise<"system" | "memory"> {
  memory = text;
  const cb = systemClipboard();
  try {
    if (!cb) throw new Error("no clipboard API");
    await cb.writeText(text);
    systemIsStale = false;
    return "system";
  } catch {
    systemIsStale = true;
    return "memory";
  }
}

/**
 * Texts to try pasting, best first: the system clipboard when it can be read, and the in-memory copy when the system
 * clipboard can't be read or missed the last copy.
 */
export async function readClipboardCandidates(): Promise<string[]> {
  const out: string[] = [];
  const cb = systemClipboard();
  let readable = false;
  if (cb) {
    try {
      const text = await Promise.race([
        cb.readText(),
        new Promise<never>((_, reject) => setTimeout(() => reject(new Error("clipboard read timed out")), READ_TIMEOUT_MS)),
      ]);
      readable = true;
      out.push(text);
    } catch {
      readable = false;
    }
  }
  if (memory !== null && (!readable || systemIsStale) && !out.includes(memory)) out.push(memory);
  return out;
}

/** Forgets the in-memory copy (tests). */
export function clearMemoryClipboard(): void {
  memory = null;
  systemIsStale = false;
}
