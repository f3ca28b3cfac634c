// Owns startup: global styles and mounting <App/>.
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import "@fontsource-variable/inter/wght.css";
import "@xyflow/react/dist/style.css";
import "./styles.css";
import { App } from "./App";
import { inDesktopWindow } from "./ipc";

// Styles that suit only the desktop window's engine (WebKitGTK) hang off this.
document.documentElement.dataset.shell = inDesktopWindow() ? "desktop" : "browser";

createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
