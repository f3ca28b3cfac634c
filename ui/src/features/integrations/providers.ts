// Owns the per-provider form model: each provider's fields, their starting values, and turning the form into an IntegrationDraft (secrets only when typed).
import type { CredentialsInput, HttpAuthKind, IntegrationDraft, IntegrationProvider, IntegrationSettings, IntegrationView } from "../../ipc";

export type FieldName =
  | "botToken"
  | "apiBaseUrl"
  | "defaultChannel"
  | "email"
  | "clientId"
  | "accessToken"
  | "refreshToken"
  | "clientSecret"
  | "tokenEndpoint"
  | "url"
  | "signingSecret"
  | "baseUrl"
  | "auth"
  | "username"
  | "password"
  | "bearerToken"
  | "headerName"
  | "apiKey"
  | "testPath";

export type FormValues = Record<FieldName, string>;

export type FieldSpec = {
  name: FieldName;
  label: string;
  /** `secret` fields are password inputs that are never pre-filled. */
  kind: "text" | "url" | "secret" | "select";
  placeholder?: string;
  help?: string;
  /** Marked required (the Rust side decides; this only guides). */
  required?: boolean;
  options?: { value: string; label: string }[];
  /** Shown only when this returns true for the current values. */
  when?: (values: FormValues) => boolean;
  /** Takes half the form's width (short values, laid out in pairs). */
  half?: boolean;
};

export type ProviderInfo = {
  id: IntegrationProvider;
  slug: "slack" | "gmail" | "webhook" | "http";
  label: string;
  tagline: string;
  fields: FieldSpec[];
};

const HTTP_AUTH_OPTIONS: { value: HttpAuthKind; label: string }[] = [
  { value: "BEARER", label: "Bearer token" },
  { value: "BASIC", label: "Basic (user name and password)" },
  { value: "API_KEY", label: "API key header" },
  { value: "NONE", label: "None" },
];

export const PROVIDERS: ProviderInfo[] = [
  {
    id: "SLACK",
    slug: "slack",
    label: "Slack",
    tagline: "Post messages with a bot token",
    fields: [
      { name: "botToken", label: "Bot token", kind: "secret", placeholder: "xoxb-…", required: true, help: "From your Slack app: OAuth & Permissions → Bot User OAuth Token." },
      { name: "defaultChannel", label: "Default channel", kind: "text", placeholder: "#alerts", half: true },
      { name: "apiBaseUrl", label: "API base URL", kind: "url", placeholder: "https://slack.com/api", half: true },
    ],
  },
  {
    id: "GMAIL",
    slug: "gmail",
    label: "Gmail",
    tagline: "Send mail with OAuth tokens",
    fields: [
      { name: "email", label: "Mailbox", kind: "text", placeholder: "you@example.com", help: "Checked against the account the tokens belong to." },
      { name: "accessToken", label: "Access token", kind: "secret", placeholder: "ya29.…" },
      { name: "refreshToken", label: "Refresh token", kind: "secret", placeholder: "1//…", help: "Lets NeuroFlow get a new access token when one expires." },
      { name: "clientId", label: "OAuth client ID", kind: "text", placeholder: "….apps.googleusercontent.com", half: true },
      { name: "clientSecret", label: "OAuth client secret", kind: "secret", placeholder: "GOCSPX-…", half: true },
      { name: "tokenEndpoint", label: "Token endpoint", kind: "url", placeholder: "https://oauth2.googleapis.com/token", half: true },
      { name: "apiBaseUrl", label: "API base URL", kind: "url", placeholder: "https://gmail.googleapis.com", half: true },
    ],
  },
  {
    id: "WEBHOOK",
    slug: "webhook",
    label: "Webhook",
    tagline: "POST signed JSON to a URL",
    fields: [
      { name: "url", label: "URL", kind: "url", placeholder: "https://example.com/hooks/neuroflow", required: true },
      {
        name: "signingSecret",
        label: "Signing secret",
        kind: "secret",
        placeholder: "Optional",
        help: "Requests carry X-NeuroFlow-Signature: sha256=HMAC of the body with this secret.",
      },
    ],
  },
  {
    id: "HTTP",
    slug: "http",
    label: "HTTP API",
    tagline: "Any REST API with its auth",
    fields: [
      { name: "baseUrl", label: "Base URL", kind: "url", placeholder: "https://api.example.com/v1", required: true },
      { name: "auth", label: "Authentication", kind: "select", options: HTTP_AUTH_OPTIONS, half: true },
      { name: "testPath", label: "Test path", kind: "text", placeholder: "/health", half: true },
      { name: "bearerToken", label: "Bearer token", kind: "secret", required: true, when: (v) => v.auth === "BEARER" },
      { name: "username", label: "User name", kind: "text", required: true, when: (v) => v.auth === "BASIC", half: true },
      { name: "password", label: "Password", kind: "secret", required: true, when: (v) => v.auth === "BASIC", half: true },
      { name: "headerName", label: "Header name", kind: "text", placeholder: "X-API-Key", required: true, when: (v) => v.auth === "API_KEY", half: true },
      { name: "apiKey", label: "API key", kind: "secret", required: true, when: (v) => v.auth === "API_KEY", half: true },
    ],
  },
];

export const providerInfo = (id: IntegrationProvider): ProviderInfo => PROVIDERS.find((p) => p.id === id) ?? PROVIDERS[0];

const EMPTY: FormValues = {
  botToken: "",
  apiBaseUrl: "",
  defaultChannel: "",
  email: "",
  clientId: "",
  accessToken: "",
  refreshToken: "",
  clientSecret: "",
  tokenEndpoint: "",
  url: "",
  signingSecret: "",
  baseUrl: "",
  auth: "BEARER",
  username: "",
  password: "",
  bearerToken: "",
  headerName: "",
  apiKey: "",
  testPath: "",
};

/** The form's starting values: saved settings when editing; secret fields always start empty. */
export function initialValues(existing?: IntegrationView): FormValues {
  const values = { ...EMPTY };
  const s = existing?.settings;
  if (!s) return values;
  switch (s.provider) {
    case "SLACK":
      return { ...values, apiBaseUrl: s.apiBaseUrl ?? "", defaultChannel: s.defaultChannel ?? "" };
    case "GMAIL":
      return {
        ...values,
        email: s.email ?? "",
        clientId: s.clientId ?? "",
        apiBaseUrl: s.apiBaseUrl ?? "",
        tokenEndpoint: s.tokenEndpoint ?? "",
      };
    case "WEBHOOK":
      return { ...values, url: s.url };
    case "HTTP":
      return {
        ...values,
        baseUrl: s.baseUrl,
        auth: s.auth,
        username: s.username ?? "",
        headerName: s.headerName ?? "",
        testPath: s.testPath === "/" ? "" : s.testPath,
      };
  }
}

/** Whether a secret field has a saved value to keep when left empty. */
export function keepsSavedSecret(existing: IntegrationView | undefined, values: FormValues): boolean {
  if (!existing?.hasCredentials || !existing.credentialsOnThisDevice) return false;
  // Switching an HTTP integration's auth kind leaves nothing saved for the new kind.
  return existing.settings.provider !== "HTTP" || existing.settings.auth === values.auth;
}

const orNull = (v: string) => (v.trim() === "" ? null : v.trim());
/** Secrets are sent exactly as typed (the Rust side trims); empty means "keep what is saved". */
const secret = (v: string) => (v === "" ? null : v);

export function buildDraft(provider: IntegrationProvider, name: string, v: FormValues): IntegrationDraft {
  let settings: IntegrationSettings;
  let credentials: CredentialsInput;
  switch (provider) {
    case "SLACK":
      settings = { provider, apiBaseUrl: orNull(v.apiBaseUrl), defaultChannel: orNull(v.defaultChannel) };
      credentials = { provider, botToken: secret(v.botToken) };
      break;
    case "GMAIL":
      settings = {
        provider,
        email: orNull(v.email),
        clientId: orNull(v.clientId),
        apiBaseUrl: orNull(v.apiBaseUrl),
        tokenEndpoint: orNull(v.tokenEndpoint),
      };
      credentials = {
        provider,
        accessToken: secret(v.accessToken),
        refreshToken: secret(v.refreshToken),
        clientSecret: secret(v.clientSecret),
      };
      break;
    case "WEBHOOK":
      settings = { provider, url: v.url.trim() };
      credentials = { provider, signingSecret: secret(v.signingSecret) };
      break;
    case "HTTP": {
      const auth = v.auth as HttpAuthKind;
      settings = {
        provider,
        baseUrl: v.baseUrl.trim(),
        auth,
        username: auth === "BASIC" ? orNull(v.username) : null,
        headerName: auth === "API_KEY" ? orNull(v.headerName) : null,
        testPath: v.testPath.trim(),
      };
      credentials = {
        provider,
        bearerToken: auth === "BEARER" ? secret(v.bearerToken) : null,
        password: auth === "BASIC" ? secret(v.password) : null,
        apiKey: auth === "API_KEY" ? secret(v.apiKey) : null,
      };
      break;
    }
  }
  const typedAny = Object.entries(credentials).some(([k, value]) => k !== "provider" && value !== null);
  return { name, settings, credentials: typedAny ? credentials : null };
}

/** A short, non-secret line under the name: where the integration points. */
export function describeTarget(view: IntegrationView): string {
  const s = view.settings;
  const host = (raw: string) => {
    try {
      return new URL(raw).host;
    } catch {
      return raw;
    }
  };
  switch (s.provider) {
    case "SLACK":
      return [s.defaultChannel, s.apiBaseUrl ? host(s.apiBaseUrl) : "slack.com"].filter(Boolean).join(" · ");
    case "GMAIL":
      return s.email ?? (s.apiBaseUrl ? host(s.apiBaseUrl) : "Gmail API");
    case "WEBHOOK":
      return host(s.url);
    case "HTTP": {
      const auth = HTTP_AUTH_OPTIONS.find((o) => o.value === s.auth)?.label.replace(/ \(.*\)$/, "") ?? s.auth;
      return `${host(s.baseUrl)} · ${s.auth === "NONE" ? "no auth" : auth}`;
    }
  }
}

/** Backend messages are clauses ("enter the password"); shown alone, they start with a capital. */
export function sentence(message: string): string {
  return message.charAt(0).toUpperCase() + message.slice(1);
}
