// Owns the in-memory stand-in for the integration and keychain commands (plain-browser runs, tests): the IPC.md contract, keeping only which secret fields were saved, never their values.
import type {
  AppError,
  CredentialsInput,
  ErrorCode,
  IntegrationDraft,
  IntegrationSettings,
  IntegrationView,
  KeychainState,
  KeychainStatusView,
  commands,
} from "./bindings";
import type { Result } from "./wire";
import { uuidv7 } from "../shared/uuidv7";

type Commands = typeof commands;
export type IntegrationCommands = Pick<
  Commands,
  | "integrationList"
  | "integrationCreate"
  | "integrationUpdate"
  | "integrationDelete"
  | "integrationTest"
  | "keychainStatus"
  | "keychainUseSessionMemory"
>;

type Deps = {
  run: <T>(f: () => T) => Promise<Result<T, AppError>>;
  fail: (code: ErrorCode, message: string) => Error;
  now: () => Date;
  validateName: (raw: string) => string;
  /** A browser has no OS keychain: "unavailable" unless a test says otherwise. */
  keychain: KeychainState;
};

type Row = { view: IntegrationView; savedFields: Set<string>; deleted: boolean };

const PROVIDER_LABEL = { SLACK: "Slack", GMAIL: "Gmail", WEBHOOK: "webhook", HTTP: "HTTP" } as const;

export function createMemoryIntegrations(deps: Deps): IntegrationCommands {
  const { run, fail, now } = deps;
  const rows = new Map<string, Row>();
  let sessionMemory = false;

  function keychainView(): KeychainStatusView {
    const state = deps.keychain;
    if (sessionMemory)
      return { state, sessionMemory, message: "They are gone when NeuroFlow Studio quits and are never written to disk." };
    const message =
      state === "available"
        ? "Secrets are saved in the OS keychain."
        : state === "locked"
          ? "Unlock it when the system asks, or keep secrets in memory for this session only."
          : "A browser preview has no OS keychain. Secrets can be kept in memory for this session only; they are never written to disk in plaintext.";
    return { state, sessionMemory, message };
  }

  function live(id: string): Row {
    const row = rows.get(id);
    if (!row || row.deleted) throw fail("not_found", "this integration no longer exists: it may have been deleted (reload to see the current list)");
    return row;
  }

  /** Secret fields typed in the form (non-empty), checked against the settings' provider. */
  function entered(settings: IntegrationSettings, input: CredentialsInput | null): string[] {
    if (!input) return [];
    if (input.provider !== settings.provider)
      throw fail(
        "invalid_input",
        `the credentials entered are for ${PROVIDER_LABEL[input.provider]}, but the integration is ${PROVIDER_LABEL[settings.provider]}`,
      );
    return Object.entries(input)
      .filter(([key, value]) => key !== "provider" && typeof value === "string" && value.trim() !== "")
      .map(([key]) => key);
  }

  function save(settings: IntegrationSettings, fields: Set<string>) {
    for (const f of [...fields]) if (!allowedFields(settings).includes(f)) fields.delete(f);
    checkRequired(settings, fields, fail);
    if (fields.size > 0 && !sessionMemory && deps.keychain !== "available")
      throw fail(
        "keychain_unavailable",
        "the credentials could not be saved: the OS keychain is unavailable: a browser preview has no OS keychain",
      );
  }

  return {
    integrationList: () =>
      run(() =>
        [...rows.values()]
          .filter((r) => !r.deleted)
          .map((r) => r.view)
          .sort((a, b) => a.name.toLowerCase().localeCompare(b.name.toLowerCase())),
      ),
    integrationCreate: (draft: IntegrationDraft) =>
      run(() => {
        const name = deps.validateName(draft.name);
        const settings = normalized(draft.settings, fail);
        const fields = new Set(entered(settings, draft.credentials));
        save(settings, fields);
        const at = now().toISOString();
        const view: IntegrationView = {
          id: uuidv7(now().getTime()),
          name,
          provider: settings.provider,
          settings,
          status: "DISCONNECTED",
          lastTested: null,
          lastError: null,
          scopes: [],
          credentialExpiresAt: null,
          hasCredentials: fields.size > 0,
          credentialsOnThisDevice: fields.size > 0,
          createdAt: at,
          updatedAt: at,
        };
        rows.set(view.id, { view, savedFields: fields, deleted: false });
        return view;
      }),
    integrationUpdate: (id: string, draft: IntegrationDraft) =>
      run(() => {
        const row = live(id);
        const name = deps.validateName(draft.name);
        const settings = normalized(draft.settings, fail);
        if (settings.provider !== row.view.provider)
          throw fail(
            "invalid_input",
            `“${row.view.name}” is a ${PROVIDER_LABEL[row.view.provider]} integration and stays one: add a new integration for ${PROVIDER_LABEL[settings.provider]}`,
          );
        const typed = entered(settings, draft.credentials);
        const fields = new Set([...row.savedFields, ...typed]);
        const authChanged = JSON.stringify(allowedFields(settings)) !== JSON.stringify(allowedFields(row.view.settings));
        const changed = typed.length > 0 || authChanged || JSON.stringify(settings) !== JSON.stringify(row.view.settings);
        if (typed.length > 0 || authChanged) save(settings, fields);
        row.savedFields = fields;
        row.view = {
          ...row.view,
          name,
          settings,
          hasCredentials: fields.size > 0,
          credentialsOnThisDevice: fields.size > 0,
          ...(changed ? { status: "DISCONNECTED" as const, lastError: null } : {}),
          updatedAt: now().toISOString(),
        };
        return row.view;
      }),
    integrationDelete: (id: string) =>
      run(() => {
        live(id).deleted = true;
        return null;
      }),
    integrationTest: (id: string) =>
      run(() => {
        const row = live(id);
        row.view = {
          ...row.view,
          status: "ERROR",
          lastTested: now().toISOString(),
          lastError:
            row.view.hasCredentials && !row.view.credentialsOnThisDevice
              ? "this device's keychain has no saved credentials for this integration: edit it and enter them again"
              : "connection tests need the desktop app: this in-memory preview makes no network requests",
          updatedAt: now().toISOString(),
        };
        return row.view;
      }),
    keychainStatus: () => run(keychainView),
    keychainUseSessionMemory: () =>
      run(() => {
        if (deps.keychain === "available" && !sessionMemory)
          throw fail("invalid_input", "the OS keychain is available, so secrets are kept there");
        sessionMemory = true;
        return keychainView();
      }),
  };
}

function allowedFields(settings: IntegrationSettings): string[] {
  switch (settings.provider) {
    case "SLACK":
      return ["botToken"];
    case "GMAIL":
      return ["accessToken", "refreshToken", "clientSecret"];
    case "WEBHOOK":
      return ["signingSecret"];
    case "HTTP":
      return { NONE: [], BEARER: ["bearerToken"], BASIC: ["password"], API_KEY: ["apiKey"] }[settings.auth];
  }
}

function checkRequired(settings: IntegrationSettings, fields: Set<string>, fail: Deps["fail"]) {
  const missing = (what: string) => {
    throw fail("invalid_input", `enter the ${what}`);
  };
  switch (settings.provider) {
    case "SLACK":
      if (!fields.has("botToken")) missing("Slack bot token (xoxb-…)");
      return;
    case "GMAIL":
      if (!fields.has("accessToken") && !fields.has("refreshToken"))
        missing("Gmail access token, or a refresh token with the OAuth client's id and secret");
      if (fields.has("refreshToken") && !fields.has("clientSecret"))
        missing("OAuth client secret (a refresh token is used together with it)");
      if (fields.has("refreshToken") && !settings.clientId)
        missing("OAuth client id (a refresh token is used together with it)");
      return;
    case "HTTP": {
      const need = { NONE: null, BEARER: ["bearerToken", "bearer token"], BASIC: ["password", "password"], API_KEY: ["apiKey", "API key"] }[
        settings.auth
      ];
      if (need && !fields.has(need[0])) missing(need[1]);
      return;
    }
    case "WEBHOOK":
      return;
  }
}

/** The same trimming and URL rules as the Rust side (simplified: no IDNA or IPv6 parsing). */
function normalized(settings: IntegrationSettings, fail: Deps["fail"]): IntegrationSettings {
  const text = (v: string | null) => (v ?? "").trim() || null;
  const url = (field: string, raw: string | null, carriesCredentials: boolean, required: boolean): string | null => {
    const value = (raw ?? "").trim().replace(/\/+$/, "");
    if (!value) {
      if (required) throw fail("invalid_input", `enter the ${field}`);
      return null;
    }
    let parsed: URL;
    try {
      parsed = new URL(value);
    } catch {
      throw fail("invalid_input", `the ${field} is not a valid URL; it starts with https://`);
    }
    if (parsed.protocol !== "https:" && parsed.protocol !== "http:")
      throw fail("invalid_input", `the ${field} must start with https:// or http://`);
    if (parsed.username || parsed.password)
      throw fail(
        "invalid_input",
        `the ${field} contains a user name or password: put credentials in the credential fields, which are kept in the OS keychain`,
      );
    const loopback = ["localhost", "127.0.0.1", "[::1]"].includes(parsed.hostname);
    if (carriesCredentials && parsed.protocol === "http:" && !loopback)
      throw fail(
        "invalid_input",
        `the ${field} must use https://: credentials are sent there (plain http:// is accepted only for this computer, e.g. http://127.0.0.1)`,
      );
    return value;
  };
  switch (settings.provider) {
    case "SLACK":
      return {
        provider: "SLACK",
        apiBaseUrl: url("Slack API base URL", settings.apiBaseUrl, true, false),
        defaultChannel: text(settings.defaultChannel),
      };
    case "GMAIL":
      return {
        provider: "GMAIL",
        email: text(settings.email)?.toLowerCase() ?? null,
        clientId: text(settings.clientId),
        apiBaseUrl: url("Gmail API base URL", settings.apiBaseUrl, true, false),
        tokenEndpoint: url("token endpoint", settings.tokenEndpoint, true, false),
      };
    case "WEBHOOK":
      return { provider: "WEBHOOK", url: url("webhook URL", settings.url, false, true) ?? "" };
    case "HTTP": {
      const username = text(settings.username);
      const headerName = text(settings.headerName);
      if (settings.auth === "BASIC" && !username) throw fail("invalid_input", "Basic authentication needs a user name");
      if (settings.auth === "API_KEY" && !headerName)
        throw fail("invalid_input", "API-key authentication needs the header name, e.g. X-API-Key");
      const testPath = settings.testPath.trim() || "/";
      if (!testPath.startsWith("/"))
        throw fail("invalid_input", "the test path starts with / and is appended to the base URL, e.g. /health");
      return {
        provider: "HTTP",
        baseUrl: url("base URL", settings.baseUrl, settings.auth !== "NONE", true) ?? "",
        auth: settings.auth,
        username: settings.auth === "BASIC" ? username : null,
        headerName: settings.auth === "API_KEY" ? headerName : null,
        testPath,
      };
    }
  }
}
