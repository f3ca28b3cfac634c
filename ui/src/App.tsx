// Owns the app shell: asks the backend who/where we are, then renders sidebar + the routed page (or a full-window error).
import { lazy, Suspense, useCallback, useEffect, useMemo, useState } from "react";
import { api, errorMessage, isIpcError, inBrowserPreview, type AppInfo, type WorkflowGraph } from "./ipc";
import { ErrorScreen } from "./app/ErrorScreen";
import { NotBuiltPage } from "./app/NotBuiltPage";
import { pageInfo } from "./app/pages";
import { useRoute } from "./app/router";
import { Sidebar } from "./app/Sidebar";
import { AgentEditor } from "./features/agents/AgentEditor";
import { AgentsPage } from "./features/agents/AgentsPage";
import { BlueprintPanel } from "./features/blueprints/BlueprintPanel";
import { BlueprintsPage } from "./features/blueprints/BlueprintsPage";
import { CanvasPage } from "./features/canvas/CanvasPage";
import { blueprintDocument, workflowDocument } from "./features/canvas/document";
import { ExecutionsPage } from "./features/executions/ExecutionsPage";
import { IntegrationsPage } from "./features/integrations/IntegrationsPage";
import { OrderPage } from "./features/orders/OrderPage";
import { OrdersPage } from "./features/orders/OrdersPage";
import { TeamPage } from "./features/team/TeamPage";
import { WorkflowsPage } from "./features/workflows/WorkflowsPage";

// The charting library is only for the Dashboard: it loads when the Dashboard opens, not with the app.
const DashboardPage = lazy(() => import("./features/dashboard/DashboardPage").then((m) => ({ default: m.DashboardPage })));

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

  const editing = route.workflowId !== null || route.blueprintId !== null;
  let page;
  if (route.page === "workflows" && route.workflowId)
    page = <DocumentCanvas key={route.workflowId} surface="workflow" id={route.workflowId} executionId={route.executionId} />;
  else if (route.page === "workflows") page = <WorkflowsPage />;
  else if (route.page === "blueprints" && route.blueprintId)
    page = <DocumentCanvas key={route.blueprintId} surface="blueprint" id={route.blueprintId} executionId={null} />;
  else if (route.page === "blueprints") page = <BlueprintsPage />;
  else if (route.page === "integrations") page = <IntegrationsPage />;
  else if (route.page === "executions") page = <ExecutionsPage executionId={route.executionId} />;
  else if (route.page === "account") page = <TeamPage />;
  else if (route.page === "agents" && route.agentId) page = <AgentEditor key={route.agentId} id={route.agentId} />;
  else if (route.page === "agents") page = <AgentsPage />;
  else if (route.page === "dashboard")
    page = (
      <Suspense fallback={<div className="page list-loading">Loading…</div>}>
        <DashboardPage />
      </Suspense>
    );
  else if (route.page === "orders" && route.orderId) page = <OrderPage key={route.orderId} id={route.orderId} />;
  else if (route.page === "orders") page = <OrdersPage />;
  else page = <NotBuiltPage key={route.page} page={pageInfo(route.page)} />;

  return (
    <div className={`app${editing ? " is-compact" : ""}`}>
      <Sidebar active={route.page} info={boot.info} previewMode={inBrowserPreview()} compact={editing} />
      <main className="main">{page}</main>
    </div>
  );
}

/** The canvas of one workflow or blueprint; the document object lives as long as the page, so the canvas loads it once. */
function DocumentCanvas({ surface, id, executionId }: { surface: "workflow" | "blueprint"; id: string; executionId: string | null }) {
  const document = useMemo(() => (surface === "workflow" ? workflowDocument(id) : blueprintDocument(id)), [surface, id]);
  const idlePanel = useMemo(() => (surface === "blueprint" ? () => <BlueprintPanel id={id} /> : undefined), [surface, id]);
  return <CanvasPage document={document} executionId={executionId} idlePanel={idlePanel} />;
}
