// Owns the browser's way to the real core: a `window.__TAURI_INTERNALS__` stand-in whose invoke is a fetch to the loopback dev server (crates/api-server) and whose channels are fed from its event stream, so the generated bindings work unchanged.

type Callback = (message: unknown) => void;

/** Where the dev server is and the token every call carries. */
export type DevServerLink = { origin: string; token: string };

const TOKEN_KEY = "neuroflow.devToken";
const ORIGIN_KEY = "neuroflow.devServer";
/** Marks the stand-in, so the desktop window is still told apart. */
const SHIM_MARK = "__neuroflowDevServer";

/**
 * The dev server this page was opened for: `?devToken=…` (and `?devServer=<origin>` when the page is served elsewhere,
 * e.g. by Vite) in its URL, remembered for the tab so a reload or a link without them still reaches it.
 */
export function devServerFromUrl(): DevServerLink | null {
  if (typeof window === "undefined" || !window.location || typeof sessionStorage === "undefined") return null;
  const q = new URLSearchParams(window.location.search);
  const token = q.get("devToken") ?? sessionStorage.getItem(TOKEN_KEY);
  if (!token) return null;
  const origin = q.get("devServer") ?? sessionStorage.getItem(ORIGIN_KEY) ?? window.location.origin;
  sessionStorage.setItem(TOKEN_KEY, token);
  sessionStorage.setItem(ORIGIN_KEY, origin);
  return { origin, token };
}

/** True for the real desktop window (the stand-in below is not one). */
export function isDesktopWindow(): boolean {
  if (typeof window === "undefined" || !("__TAURI_INTERNALS__" in window)) return false;
  const internals = (window as unknown as { __TAURI_INTERNALS__: Record<string, unknown> }).__TAURI_INTERNALS__;
  return !internals[SHIM_MARK];
}

/** Installs the stand-in: every `invoke` of the bindings becomes `POST <origin>/invoke/<command>`. */
export function installDevServerShim(link: DevServerLink): void {
  const callbacks = new Map<number, Callback>();
  let nextId = 1;
  const internals = {
    [SHIM_MARK]: true,
    transformCallback(callback: Callback, once = false): number {
      const id = nextId++;
      callbacks.set(id, (message) => {
        if (once) callbacks.delete(id);
        callback(message);
      });
      return id;
    },
    unregisterCallback(id: number): void {
      callbacks.delete(id);
    },
    async invoke(command: string, args: Record<string, unknown> = {}): Promise<unknown> {
      const body = JSON.stringify(args);
      const response = await fetch(`${link.origin}/invoke/${command}`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-neuroflow-token": link.token },
        body,
      }).catch((e: unknown) => {
        throw { code: "database_unavailable", message: `the dev server at ${link.origin} does not answer (${String(e)})` };
      });
      if (response.headers.get("content-type")?.startsWith("text/event-stream")) {
        const channel = /"__CHANNEL__:(\d+)"/.exec(body);
        return streamed(response, channel ? callbacks.get(Number(channel[1])) : undefined);
      }
      const reply: unknown = await response.json().catch(() => ({ code: "internal", message: `the dev server answered ${response.status}` }));
      if (!response.ok) throw reply;
      return reply;
    },
    convertFileSrc: (path: string) => path,
  };
  Object.defineProperty(window, "__TAURI_INTERNALS__", { value: internals, configurable: true, writable: true });
}

/**
 * A run's call: `update` events go to the channel as Tauri numbers them, the `result` event settles the call, the
 * stream's end ends the channel.
 */
function streamed(response: Response, channel: Callback | undefined): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const reader = response.body?.getReader();
    if (!reader) {
      reject({ code: "internal", message: "the dev server's stream has no body" });
      return;
    }
    const decoder = new TextDecoder();
    let buffered = "";
    let index = 0;
    let settled = false;
    const dispatch = (frame: string) => {
      const event = /^event: (.*)$/m.exec(frame)?.[1];
      const data = /^data: (.*)$/m.exec(frame)?.[1];
      if (!event || data === undefined) return;
      const value: unknown = JSON.parse(data);
      if (event === "update") {
        channel?.({ index: index++, message: value });
      } else if (event === "result") {
        settled = true;
        const result = value as { ok?: unknown; error?: unknown };
        if ("error" in result) reject(result.error);
        else resolve(result.ok ?? null);
      }
    };
    const pump = async (): Promise<void> => {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        buffered += decoder.decode(value, { stream: true });
        let end = buffered.indexOf("\n\n");
        while (end >= 0) {
          dispatch(buffered.slice(0, end));
          buffered = buffered.slice(end + 2);
          end = buffered.indexOf("\n\n");
        }
      }
      channel?.({ index, end: true });
      if (!settled) reject({ code: "internal", message: "the dev server's stream ended without a result" });
    };
    pump().catch((e: unknown) => {
      if (!settled) reject({ code: "internal", message: `the dev server's stream broke: ${String(e)}` });
    });
  });
}
