// Vite config for the canvas benchmark's stock React Flow page (bench/stock.html), built to bench/dist by the bench.
import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";

const here = decodeURIComponent(new URL(".", import.meta.url).pathname);

export default defineConfig({
  root: here,
  plugins: [react()],
  base: "./",
  logLevel: "warn",
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: ["es2022", "chrome105"],
    rollupOptions: { input: { stock: `${here}stock.html` } },
  },
});
