// Tests the in-memory integration commands against the IPC.md contract: keychain consent, keep-saved secrets, no secret ever returned.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { api, IpcError, setBackend, type IntegrationDraft } from "./index";
import { createMemoryBackend } from "./memory";

const slack = (token: string | null): IntegrationDraft => ({
  name: "Team Slack",
  settings: { provider: "SLACK", apiBaseUrl: null, defaultChannel: "#ops" },
  credentials: { provider: "SLACK", botToken: token },
});

async function failure(p: Promise<unknown>): Promise<IpcError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(IpcError);
    return e as IpcError;
  }
  throw new Error("expected the call to fail");
}

describe("memory integrations", () => {
  beforeEach(() => setBackend(createMemoryBackend()));
  afterEach(() => setBackend(null));

  it("refuses to save a secret without a keychain until the user consents to session memory", async () => {
    expect(await api.keychainStatus()).toMatchObject({ state: "unavailable", sessionMemory: false });
    expect((await failure(api.integrationCreate(slack("xoxb-canary")))).code).toBe("keychain_unavailable");
    expect(await api.integrationList()).toEqual([]);
    expect(await api.keychainUseSessionMemory()).toMatchObject({ sessionMemory: true });
    const created = await api.integrationCreate(slack("xoxb-canary"));
    expect(created).toMatchObject({ status: "DISCONNECTED", hasCredentials: true, credentialsOnThisDevice: true });
    expect(JSON.stringify(await api.integrationList())).not.toContain("canary");
  });

  it("keeps saved secrets on edit, validates, and deletes", async () => {
    setBackend(createMemoryBackend({ keychain: "available" }));
    expect((await failure(api.keychainUseSessionMemory())).code).toBe("invalid_input");
    expect((await failure(api.integrationCreate(slack(null)))).message).toContain("Slack bot token");
    const created = await api.integrationCreate(slack("xoxb-1"));
    const edited = await api.integrationUpdate(created.id, { ...slack(null), name: "Renamed" });
    expect(edited).toMatchObject({ name: "Renamed", hasCredentials: true });
    const webhook: IntegrationDraft = {
      name: "W",
      settings: { provider: "WEBHOOK", url: "https://x.example/h" },
      credentials: null,
    };
    expect((await failure(api.integrationUpdate(created.id, webhook))).message).toContain("stays one");
    expect(await api.integrationDelete(created.id)).toBeNull();
    expect(await api.integrationList()).toEqual([]);
    expect((await failure(api.integrationTest(created.id))).code).toBe("not_found");
  });
});
