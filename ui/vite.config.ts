// Vite config for the NeuroFlow Studio UI (served by Tauri in dev on :1420, bundled from dist/).
/// <reference types="vitest/config" />
import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";

export default defineConfig({
  plugins: [react()],
  base: "./",
  clearScreen: false,
  server: {
    port: 1420,
    strictPort: true,
    watch: { ignored: ["**/src-tauri/**"] },
  },
  build: {
    outDir: "dist",
    target: ["es2022", "safari15", "chrome105"],
    // elkjs (~1.5 MB) is its own chunk, loaded only when auto-layout first runs; the initial bundle stays small.
    chunkSizeWarningLimit: 1600,
  },
  test: {
    environment: "node",
    include: ["src/**/*.test.ts"],
    // One real core for the tests that call it (src/test/core.ts); npm test builds it first.
    globalSetup: ["src/test/core-setup.mjs"],
  },
});
