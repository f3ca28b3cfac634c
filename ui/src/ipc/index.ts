// Owns the IPC boundary: the only module that touches the generated bindings / @tauri-apps; unwraps Result into IpcError.
import { Channel } from "@tauri-apps/api/core";
import { commands } from "./bindings";
import type { AgentSpec, AIToolCategory, AppError, BlueprintMeta, ComplexityLevel, ErrorCode, GraphChanges, GraphSurface, IntegrationDraft, LogLevel, OrderForm, OrderPriority, OrderStatus, RestoreSide, RunOptions, RunStarted, RunUpdate, SaveAs, TeamConnection, WorkflowSettings } from "./bindings";
import type { JsonValue, Result, WorkflowGraph } from "./wire";
import { devServerFromUrl, installDevServerShim, isDesktopWindow, type DevServerLink } from "./devServer";

export type {
  ComplexityLevel,
  Dashboard,
  DayFigures,
  WorkflowFigures,
  LogLevel,
  LogLine,
  MilestoneView,
  OrderDoc,
  OrderEstimate,
  OrderForm,
  OrderPerson,
  OrderPriority,
  OrderRole,
  OrderStatus,
  OrderSummary,
  AgentExecution,
  AppError,
  AppInfo,
  ErrorCode,
  CredentialsInput,
  GraphChanges,
  GraphCheck,
  GraphEdge,
  GraphNode,
  HttpAuthKind,
  IntegrationDraft,
  IntegrationProvider,
  IntegrationSettings,
  IntegrationStatus,
  IntegrationView,
  KeychainState,
  KeychainStatusView,
  Diagnostic,
  DiagnosticCode,
  Estimate,
  ExecutionDetail,
  ExecutionStatus,
  ExecutionSummary,
  KindInfo,
  ToolSignature,
  NodeResult,
  NodeStatus,
  PortInfo,
  PortType,
  Position,
  RunEvent,
  RunMode,
  RunOptions,
  RunStarted,
  RunStatus,
  RunUpdate,
  ImportReport,
  AIToolCategory,
  BlueprintDoc,
  BlueprintMeta,
  BlueprintSummary,
  GraphSurface,
  Draft,
  SaveAs,
  VersionDoc,
  VersionKind,
  VersionSummary,
  GraphExport,
  WorkflowDoc,
  WorkflowSettings,
  WorkflowSummary,
  AgentDoc,
  AgentSpec,
  AgentStatus,
  AgentSummary,
  ConversationMemory,
  Provider,
  ResponseFormat,
  ConflictView,
  LocalMember,
  Member,
  MemberList,
  Membership,
  RestoreSide,
  SignInResult,
  SyncState,
  SyncStatus,
  Refusal,
  TeamConnection,
  TeamStatus,
  TeamView,
  Tls,
} from "./bindings";
export type { JsonValue, WorkflowGraph } from "./wire";

/** What the UI calls: the generated commands, with run updates handed to a callback. */
export type Backend = Omit<typeof commands, "workflowRun" | "blueprintRun"> & {
  workflowRun: (id: string, options: RunOptions, onUpdate: (u: RunUpdate) => void) => Promise<Result<RunStarted, AppError>>;
  blueprintRun: (id: string, options: RunOptions, onUpdate: (u: RunUpdate) => void) => Promise<Result<null, AppError>>;
};

const ERROR_CODES: readonly ErrorCode[] = [
  "invalid_input",
  "invalid_graph",
  "not_found",
  "conflict",
  "database_unavailable",
  "database",
  "keychain_unavailable",
  "forbidden",
  "offline",
  "refused",
  "sign_in",
  "tls",
  "schema",
  "clock_ahead",
  "internal",
];

/** A failed command, as `{code, message}` from the Rust side. */
export class IpcError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string) {
    super(message);
    this.name = "IpcError";
    this.code = code;
  }
}

export function isIpcError(e: unknown, code?: ErrorCode): e is IpcError {
  return e instanceof IpcError && (code === undefined || e.code === code);
}

/** A message fit for the person using the app, whatever was thrown. */
export function errorMessage(e: unknown): string {
  if (e instanceof Error) return e.message;
  return String(e);
}

function toIpcError(e: unknown): IpcError {
  if (e instanceof IpcError) return e;
  if (typeof e === "object" && e !== null && "code" in e && "message" in e) {
    const { code, message } = e as AppError;
    const known = ERROR_CODES.includes(code);
    return new IpcError(known ? code : "internal", String(message));
  }
  if (e instanceof Error) return new IpcError("internal", e.message);
  return new IpcError("internal", typeof e === "string" ? e : JSON.stringify(e));
}

async function unwrap<T>(call: Promise<Result<T, AppError>>): Promise<T> {
  let result: Result<T, AppError>;
  try {
    result = await call;
  } catch (e) {
    throw toIpcError(e);
  }
  if (result.status === "ok") return result.data;
  throw toIpcError(result.error);
}

/** The page is the desktop app's window (WebKitGTK on Linux), not a browser tab. */
export function inDesktopWindow(): boolean {
  return isDesktopWindow();
}

/**
 * The real core: the desktop window's, or in a browser the loopback dev server's the page was opened for (its token in
 * the URL), through the same generated bindings; `null` when there is neither.
 */
function realCore(): Backend | null {
  if (isDesktopWindow()) return tauriBackend;
  const link = devServerFromUrl();
  if (!link) return null;
  installDevServerShim(link);
  return tauriBackend;
}

/** The desktop backend: the generated commands, with run updates delivered through a Tauri channel. */
const tauriBackend: Backend = {
  ...commands,
  workflowRun: (id, options, onUpdate) => commands.workflowRun(id, options, channel(onUpdate)),
  blueprintRun: (id, options, onUpdate) => commands.blueprintRun(id, options, channel(onUpdate)),
};

function channel(onUpdate: (u: RunUpdate) => void): Channel<RunUpdate> {
  const updates = new Channel<RunUpdate>();
  updates.onmessage = onUpdate;
  return updates;
}

/** The engine's graph file limit (crates/engine/src/file.rs). */
const MAX_IMPORT_BYTES = 64 * 1024 * 1024;

let backend: Backend | null = null;

function current(): Backend {
  backend ??= realCore() ?? noCore;
  return backend;
}

/** A browser page opened without a core: every call says how to get one (the app shows it as its start-up error). */
const noCore: Backend = new Proxy({} as Backend, {
  get: () => () =>
    Promise.reject({
      code: "database_unavailable",
      message: "No NeuroFlow core to talk to: in a browser, open the page the dev server prints (./scripts/dev.sh --browser).",
    } satisfies AppError),
});

/** Every call from now on goes to the dev server at `link` (the unit tests' core; pages use `?devToken`). */
export function connectDevServer(link: DevServerLink): void {
  installDevServerShim(link);
  backend = tauriBackend;
}

/** Replace the backend (tests: to watch or fail one call of the real core's); `null` goes back to auto-detection. */
export function setBackend(next: Backend | null): void {
  backend = next;
}

/** The backend calls go to now (tests wrap it to watch a call). */
export function activeBackend(): Backend {
  return current();
}

/** True in a browser tab (the preview on the dev server's core), not the desktop window. */
export function inBrowserPreview(): boolean {
  return !isDesktopWindow();
}

export const api = {
  appInfo: () => unwrap(current().appInfo()),
  appOpenLogsFolder: () => unwrap(current().appOpenLogsFolder()),
  nodeKindList: () => unwrap(current().nodeKindList()),
  workflowList: (search: string | null) => unwrap(current().workflowList(search)),
  workflowCreate: (name: string) => unwrap(current().workflowCreate(name)),
  workflowRename: (id: string, name: string) => unwrap(current().workflowRename(id, name)),
  /** What the workflow's runs may do (its own setting, never carried by its files). */
  workflowSetSettings: (id: string, settings: WorkflowSettings) => unwrap(current().workflowSetSettings(id, settings)),
  workflowDelete: (id: string) => unwrap(current().workflowDelete(id)),
  workflowGet: (id: string) => unwrap(current().workflowGet(id)),
  /** An explicit save unless `save` says otherwise (autosaves become a version only at a checkpoint). */
  workflowSaveGraph: (id: string, graph: WorkflowGraph, save: SaveAs = { kind: "SAVE" }) =>
    unwrap(current().workflowSaveGraph(id, graph, save)),
  /** Saves only what changed since the version the canvas has (the answer is the summary, not the graph). */
  workflowSaveChanges: (id: string, changes: GraphChanges, save: SaveAs = { kind: "SAVE" }) =>
    unwrap(current().workflowSaveChanges(id, changes, save)),
  workflowVersions: (id: string) => unwrap(current().workflowVersions(id)),
  workflowVersionGet: (versionId: string) => unwrap(current().workflowVersionGet(versionId)),
  /** The desktop writes the file to the Downloads folder (`savedTo`); a browser gets the text to save itself. */
  workflowExport: (id: string) => unwrap(current().workflowExport(id)),
  workflowImport: (contents: string, fileName: string) => unwrap(current().workflowImport(contents, fileName)),
  /** Reads a chosen file (refusing one over the graph file limit before reading it) and imports it. */
  importWorkflowFile: async (file: File) => {
    if (file.size > MAX_IMPORT_BYTES) throw new IpcError("invalid_input", `${file.name} is ${file.size} bytes; the limit is ${MAX_IMPORT_BYTES}`);
    return unwrap(current().workflowImport(await file.text(), file.name));
  },
  /** The live check of a canvas: problems and estimate of the saved graph of `ownerId` with `changes` made. */
  graphCheckChanges: (ownerId: string, surface: GraphSurface, changes: GraphChanges, input: JsonValue) =>
    unwrap(current().graphCheckChanges(ownerId, surface, changes, input)),
  /** Starts a run of the saved workflow; `onUpdate` gets each event, then whether the execution was stored. */
  workflowRun: (id: string, options: RunOptions, onUpdate: (u: RunUpdate) => void) =>
    unwrap(current().workflowRun(id, options, onUpdate)),
  runCancel: (executionId: string) => unwrap(current().runCancel(executionId)),
  executionList: (workflowId: string | null, limit: number, offset: number) =>
    unwrap(current().executionList(workflowId, limit, offset)),
  executionGet: (id: string) => unwrap(current().executionGet(id)),
  blueprintList: (search: string | null, category: AIToolCategory | null) => unwrap(current().blueprintList(search, category)),
  blueprintCreate: (meta: BlueprintMeta) => unwrap(current().blueprintCreate(meta)),
  blueprintUpdateMeta: (id: string, meta: BlueprintMeta) => unwrap(current().blueprintUpdateMeta(id, meta)),
  blueprintDelete: (id: string) => unwrap(current().blueprintDelete(id)),
  blueprintGet: (id: string) => unwrap(current().blueprintGet(id)),
  blueprintSaveGraph: (id: string, graph: WorkflowGraph, save: SaveAs = { kind: "SAVE" }) => unwrap(current().blueprintSaveGraph(id, graph, save)),
  blueprintSaveChanges: (id: string, changes: GraphChanges, save: SaveAs = { kind: "SAVE" }) =>
    unwrap(current().blueprintSaveChanges(id, changes, save)),
  /** As workflowExport: the desktop writes the file to Downloads, a browser gets the text. */
  blueprintExport: (id: string) => unwrap(current().blueprintExport(id)),
  /** Reads a chosen file (refusing one over the graph file limit before reading it) and imports it as a blueprint. */
  importBlueprintFile: async (file: File) => {
    if (file.size > MAX_IMPORT_BYTES) throw new IpcError("invalid_input", `${file.name} is ${file.size} bytes; the limit is ${MAX_IMPORT_BYTES}`);
    return unwrap(current().blueprintImport(await file.text(), file.name));
  },
  blueprintVersions: (id: string) => unwrap(current().blueprintVersions(id)),
  blueprintVersionGet: (versionId: string) => unwrap(current().blueprintVersionGet(versionId)),
  blueprintKindList: () => unwrap(current().blueprintKindList()),
  /** A preview of the saved blueprint with `options.input` as its parameters; not stored. */
  blueprintRun: (id: string, options: RunOptions, onUpdate: (u: RunUpdate) => void) => unwrap(current().blueprintRun(id, options, onUpdate)),
  /** Keeps what the canvas changed since `baseVersion` (its draft, read back as the saved graph with them made). */
  draftPut: (ownerId: string, surface: GraphSurface, baseVersion: number, changes: GraphChanges) =>
    unwrap(current().draftPut(ownerId, surface, baseVersion, changes)),
  draftGet: (ownerId: string) => unwrap(current().draftGet(ownerId)),
  draftClear: (ownerId: string) => unwrap(current().draftClear(ownerId)),
  integrationList: () => unwrap(current().integrationList()),
  integrationCreate: (draft: IntegrationDraft) => unwrap(current().integrationCreate(draft)),
  integrationUpdate: (id: string, draft: IntegrationDraft) => unwrap(current().integrationUpdate(id, draft)),
  integrationDelete: (id: string) => unwrap(current().integrationDelete(id)),
  integrationTest: (id: string) => unwrap(current().integrationTest(id)),
  keychainStatus: () => unwrap(current().keychainStatus()),
  keychainUseSessionMemory: () => unwrap(current().keychainUseSessionMemory()),
  agentList: (search: string | null) => unwrap(current().agentList(search)),
  agentGet: (id: string) => unwrap(current().agentGet(id)),
  /** The settings a new agent starts from. */
  agentDefaults: (name: string) => unwrap(current().agentDefaults(name)),
  agentCreate: (spec: AgentSpec) => unwrap(current().agentCreate(spec)),
  agentUpdate: (id: string, spec: AgentSpec) => unwrap(current().agentUpdate(id, spec)),
  agentDuplicate: (id: string) => unwrap(current().agentDuplicate(id)),
  agentDelete: (id: string) => unwrap(current().agentDelete(id)),
  /** The figures of the last `days` days (1–90): runs by day, the rate, the rankings, the orders. */
  dashboard: (days: number) => unwrap(current().dashboard(days)),
  /** The orders this person may see: all of the studio's for its staff, else their own and the ones they build. */
  orderList: () => unwrap(current().orderList()),
  orderGet: (id: string) => unwrap(current().orderGet(id)),
  /** The price an order of this complexity and priority is estimated at (what it will store). */
  orderEstimate: (complexity: ComplexityLevel, priority: OrderPriority) => unwrap(current().orderEstimate(complexity, priority)),
  orderCreate: (form: OrderForm) => unwrap(current().orderCreate(form)),
  orderUpdate: (id: string, form: OrderForm) => unwrap(current().orderUpdate(id, form)),
  /** A lifecycle move; rejecting and cancelling need a reason, delivering takes the final cost. */
  orderMove: (id: string, to: OrderStatus, reason: string | null, finalCost: number | null) =>
    unwrap(current().orderMove(id, to, reason, finalCost)),
  orderMilestoneAdd: (id: string, title: string, dueDate: string | null) => unwrap(current().orderMilestoneAdd(id, title, dueDate)),
  orderMilestoneSetDone: (id: string, milestoneId: string, done: boolean) => unwrap(current().orderMilestoneSetDone(id, milestoneId, done)),
  /** Who staff may assign an order to (the organization's owners, admins and members). */
  orderBuilders: () => unwrap(current().orderBuilders()),
  orderAssign: (id: string, builder: string | null) => unwrap(current().orderAssign(id, builder)),
  orderLog: (id: string, level: LogLevel, stage: string, message: string) => unwrap(current().orderLog(id, level, stage, message)),
  /** The open database: the offline workspace, or a team's local copy with how its sync is going. */
  teamStatus: () => unwrap(current().teamStatus()),
  /** Checks the email and password (kept in the OS keychain, never in a file) and lists the person's organizations. */
  teamSignIn: (connection: TeamConnection, password: string) => unwrap(current().teamSignIn(connection, password)),
  /** Opens one organization as its own local copy; every page shows its work from then on. */
  teamOpen: (connection: TeamConnection, organizationId: string) => unwrap(current().teamOpen(connection, organizationId)),
  teamSignOut: (keepLocalCopy: boolean) => unwrap(current().teamSignOut(keepLocalCopy)),
  syncNow: () => unwrap(current().syncNow()),
  conflictList: (includeResolved: boolean) => unwrap(current().conflictList(includeResolved)),
  /** Writes back the value that lost (`lost`) as a new edit, or the one that won (`won`) to undo that. */
  conflictRestore: (id: string, side: RestoreSide) => unwrap(current().conflictRestore(id, side)),
  conflictDismiss: (id: string) => unwrap(current().conflictDismiss(id)),
  refusalDismiss: (id: string) => unwrap(current().refusalDismiss(id)),
  memberList: () => unwrap(current().memberList()),
  memberSetRole: (id: string, role: string) => unwrap(current().memberSetRole(id, role)),
  memberRemove: (id: string) => unwrap(current().memberRemove(id)),
};

