// Owns the unit tests' core: one loopback dev server (crates/api-server) on a fresh SQLite file for the test run,
// started before the first test file and stopped after the last (vitest globalSetup). Build it first: npm run build:core.
import { startCore } from '../../e2e/harness.mjs';

export default async function setup(project) {
  const core = await startCore({ root: null });
  project.provide('core', { origin: core.origin, token: core.token });
  return () => core.close();
}
