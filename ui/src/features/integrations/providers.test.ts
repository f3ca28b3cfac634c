// Tests the provider form model: drafts carry only typed secrets, settings are trimmed, edits start with no secret filled in.
import { describe, expect, it } from "vitest";
import type { IntegrationView } from "../../ipc";
import { buildDraft, describeTarget, initialValues, keepsSavedSecret } from "./providers";

const view = (over: Partial<IntegrationView>): IntegrationView => ({
  id: "01920000-0000-7000-8000-000000000001",
  name: "X",
  provider: "HTTP",
  settings: { provider: "HTTP", baseUrl: "https://api.example.com/v1", auth: "BEARER", username: null, headerName: null, testPath: "/health" },
  status: "CONNECTED",
  lastTested: null,
  lastError: null,
  scopes: [],
  credentialExpiresAt: null,
  hasCredentials: true,
  credentialsOnThisDevice: true,
  createdAt: "2025-01-01T00:00:00Z",
  updatedAt: "2025-01-01T00:00:00Z",
  ...over,
});

describe("integration form model", () => {
  it("sends secrets only when typed, so an edit keeps what is saved", () => {
    const values = initialValues(view({}));
    expect(values.bearerToken).toBe("");
    const draft = buildDraft("HTTP", "CRM", values);
    expect(draft.credentials).toBeNull();
    expect(draft.settings).toEqual({
      provider: "HTTP",
      baseUrl: "https://api.example.com/v1",
      auth: "BEARER",
      username: null,
      headerName: null,
      testPath: "/health",
    });
    const typed = buildDraft("HTTP", "CRM", { ...values, bearerToken: "tok", password: "not sent for bearer" });
    expect(typed.credentials).toEqual({ provider: "HTTP", bearerToken: "tok", password: null, apiKey: null });
  });

  it("builds a signed webhook draft with trimmed settings", () => {
    const draft = buildDraft("WEBHOOK", "Hook", { ...initialValues(), url: "  https://x.example/h ", signingSecret: "whsec" });
    expect(draft).toEqual({
      name: "Hook",
      settings: { provider: "WEBHOOK", url: "https://x.example/h" },
      credentials: { provider: "WEBHOOK", signingSecret: "whsec" },
    });
  });

  it("offers to keep saved secrets only when this device has them and the auth kind is unchanged", () => {
    const saved = view({});
    expect(keepsSavedSecret(saved, initialValues(saved))).toBe(true);
    expect(keepsSavedSecret(saved, { ...initialValues(saved), auth: "BASIC" })).toBe(false);
    expect(keepsSavedSecret(view({ credentialsOnThisDevice: false }), initialValues(saved))).toBe(false);
    expect(keepsSavedSecret(undefined, initialValues())).toBe(false);
  });

  it("describes where an integration points without any secret", () => {
    expect(describeTarget(view({}))).toBe("api.example.com · Bearer token");
    expect(
      describeTarget(view({ provider: "SLACK", settings: { provider: "SLACK", apiBaseUrl: null, defaultChannel: "#ops" } })),
    ).toBe("#ops · slack.com");
  });
});
