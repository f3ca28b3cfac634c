// Owns the app shell: asks the backend who/where we are, then renders sidebar + the routed page (or a full-window error).
import { useCallback, useEffect, useState } from "react";
import { api, errorMessage, isIpcError, usingMemoryBackend, type AppInfo } from "./ipc";
import { ErrorScreen } from "./app/ErrorScreen";
import { NotBuiltPage } from "./app/NotBuiltPage";
import { pageInfo } from "./app/pages";
import { useRoute } from "./app/router";
import { Sidebar } from "./app/Sidebar";
import { CanvasPage } from "./features/canvas/CanvasPage";
import { ExecutionsPage } from "./features/executions/ExecutionsPage";
import { IntegrationsPage } from "./features/integrations/IntegrationsPage";
import { WorkflowsPage } from "./features/workflows/WorkflowsPage";

type Boot =
  | { status: "loading" }
  | { status: "ready"; info: AppInfo }
  | { status: "error"; databaseUnavailable: boolean; message: string };

export function App() {
  const [boot, setBoot] = useState<Boot>({ status: "loading" });
  const route = useRoute();

  const start = useCallback(() => {
    setBoot({ status: "loading" });
    api
      .appInfo()
      .then((info) => setBoot({ status: "ready", info }))
      .catch((e: unknown) =>
        setBoot({ status: "error", databaseUnavailable: isIpcError(e, "database_unavailable"), message: errorMessage(e) }),
      );
  }, []);

  useEffect(start, [start]);

  if (boot.status === "loading") return <div className="boot" aria-busy="true" />;

  if (boot.status === "error") {
    return boot.databaseUnavailable ? (
      <ErrorScreen
        testId="db-error"
        title="NeuroFlow can't open its database"
        message={boot.message}
        hint="Another NeuroFlow window may be using it, or the file may be damaged. Close other copies of the app and try again."
        onRetry={start}
      />
    ) : (
      <ErrorScreen testId="app-error" title="NeuroFlow couldn't start" message={boot.message} onRetry={start} />
    );
  }

  let page;
  if (route.page === "workflows" && route.workflowId) page = <CanvasPage key={route.workflowId} workflowId={route.workflowId} executionId={route.executionId} />;
  else if (route.page === "workflows") page = <WorkflowsPage />;
  else if (route.page === "integrations") page = <IntegrationsPage />;
  else if (route.page === "executions") page = <ExecutionsPage executionId={route.executionId} />;
  else page = <NotBuiltPage key={route.page} page={pageInfo(route.page)} />;

  return (
    <div className={`app${route.workflowId ? " is-compact" : ""}`}>
      <Sidebar active={route.page} info={boot.info} previewMode={usingMemoryBackend()} compact={route.workflowId !== null} />
      <main className="main">{page}</main>
    </div>
  );
}
