// Owns one order's page: its status and the moves this person may make (with the reason or final cost a move needs), the request (editable while a draft), milestones with progress, and the build log with every move in it.
import { useCallback, useEffect, useState, type FormEvent } from "react";
import { api, errorMessage, isIpcError, type LogLevel, type OrderDoc, type OrderForm, type OrderPerson, type OrderStatus } from "../../ipc";
import { navigate } from "../../app/router";
import { Icon } from "../../shared/icons";
import { ErrorBanner, OpenFailure } from "../../shared/ListChrome";
import { absoluteTime } from "../../shared/time";
import { Toaster, toast } from "../../shared/toast";
import { OrderFormFields } from "./OrderFormFields";
import { Progress, StatusChip } from "./OrdersPage";
import { COMPLEXITY_LABELS, LEVEL_LABELS, PRIORITY_LABELS, STATUS_LABELS, money, moveLabel, needsReason } from "./orderText";
import { usePulledRevision } from "../team/teamStatus";
import "./orders.css";

type Load = { status: "loading" } | { status: "ready"; doc: OrderDoc } | { status: "error"; message: string; notFound: boolean };

export function OrderPage({ id }: { id: string }) {
  const [load, setLoad] = useState<Load>({ status: "loading" });
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  // Another person's change, or one of this person's the team database refused, arrives with a sync: the page shows it.
  const pulled = usePulledRevision();

  useEffect(() => {
    let live = true;
    api
      .orderGet(id)
      .then((doc) => live && setLoad({ status: "ready", doc }))
      .catch((e: unknown) => live && setLoad({ status: "error", message: errorMessage(e), notFound: isIpcError(e, "not_found") }));
    return () => {
      live = false;
    };
  }, [id, pulled]);

  /** Runs one change; the page shows the order as the core returns it. */
  const act = useCallback(async (change: () => Promise<OrderDoc>, done?: string) => {
    setBusy(true);
    setError(null);
    try {
      setLoad({ status: "ready", doc: await change() });
      if (done) toast(done, "success");
      return true;
    } catch (e) {
      setError(errorMessage(e));
      return false;
    } finally {
      setBusy(false);
    }
  }, []);

  if (load.status === "loading") return <div className="page list-loading">Loading order…</div>;
  if (load.status === "error") {
    return <OpenFailure noun="order" notFound={load.notFound} message={load.message} backLabel="Back to orders" onBack={() => navigate("/orders")} />;
  }
  const { doc } = load;
  const o = doc.summary;

  return (
    <div className="page order-page" data-testid="order-page" data-status={o.status}>
      <header className="order-head">
        <button type="button" className="btn btn-ghost btn-sm" data-testid="back-to-orders" onClick={() => navigate("/orders")}>
          <Icon name="arrowLeft" size={15} />
          Orders
        </button>
        <h1 className="order-title">{o.title}</h1>
        <StatusChip status={o.status} />
        <span className="order-head-spacer" />
        <span className="order-price" data-testid="order-price" title={o.finalCost === null ? "Estimate" : "Final cost"}>
          {o.finalCost === null ? "Estimate " : "Final cost "}
          <strong>{money(o.finalCost ?? o.estimatedCost, o.currency)}</strong>
        </span>
      </header>
      <Toaster />
      <Builder doc={doc} busy={busy} onAssign={(builder) => act(() => api.orderAssign(o.id, builder))} />
      <Moves doc={doc} busy={busy} onMove={(to, reason, cost) => act(() => api.orderMove(o.id, to, reason, cost))} />
      {error && <ErrorBanner>{error}</ErrorBanner>}
      <div className="order-columns">
        <div className="order-main">
          <Request doc={doc} busy={busy} onSave={(form) => act(() => api.orderUpdate(o.id, form), "Order saved")} />
          <Milestones
            doc={doc}
            busy={busy}
            onAdd={(title) => act(() => api.orderMilestoneAdd(o.id, title, null))}
            onDone={(milestoneId, done) => act(() => api.orderMilestoneSetDone(o.id, milestoneId, done))}
          />
        </div>
        <BuildLog doc={doc} busy={busy} onAppend={(level, stage, message) => act(() => api.orderLog(o.id, level, stage, message))} />
      </div>
    </div>
  );
}

/** Who builds the order; staff pick them from the organization's people. */
function Builder({ doc, busy, onAssign }: { doc: OrderDoc; busy: boolean; onAssign: (builder: string | null) => void }) {
  const [people, setPeople] = useState<OrderPerson[] | null>(null);
  useEffect(() => {
    if (!doc.canAssign) return;
    let live = true;
    api
      .orderBuilders()
      .then((list) => live && setPeople(list))
      .catch(() => live && setPeople([]));
    return () => {
      live = false;
    };
  }, [doc.canAssign]);
  const name = (p: OrderPerson) => (p.displayName ? `${p.displayName} (${p.email})` : p.email);
  if (!doc.canAssign) {
    const closed = ["DELIVERED", "CANCELLED", "REJECTED"].includes(doc.summary.status);
    if (!doc.builder && closed) return null;
    return (
      <p className="order-builder muted" data-testid="order-builder">
        {doc.builder ? `Built by ${name(doc.builder)}` : "No builder assigned yet"}
      </p>
    );
  }
  return (
    <label className="order-builder">
      <span className="muted">Builder</span>
      <select
        className="input select input-sm"
        data-testid="order-builder-select"
        disabled={busy || people === null}
        value={doc.builder?.userId ?? ""}
        onChange={(e) => onAssign(e.target.value || null)}
      >
        <option value="">Nobody yet</option>
        {doc.builder && !people?.some((p) => p.userId === doc.builder?.userId) && <option value={doc.builder.userId}>{name(doc.builder)}</option>}
        {(people ?? []).map((p) => (
          <option key={p.userId} value={p.userId}>
            {name(p)}
          </option>
        ))}
      </select>
    </label>
  );
}

/** The moves this person may make now; the ones that need a reason or a cost ask for it first. */
function Moves({ doc, busy, onMove }: { doc: OrderDoc; busy: boolean; onMove: (to: OrderStatus, reason: string | null, cost: number | null) => Promise<boolean> }) {
  const [asking, setAsking] = useState<OrderStatus | null>(null);
  const [reason, setReason] = useState("");
  const [cost, setCost] = useState("");
  const o = doc.summary;
  if (doc.moves.length === 0) {
    return (
      <p className="order-moves-none muted" data-testid="order-moves-none">
        {o.status === "DELIVERED" ? "Delivered: this order is done." : CLOSED_TEXT[o.status] ?? "Nothing for you to do on this order right now."}
      </p>
    );
  }
  const start = (to: OrderStatus) => {
    if (needsReason(to) || to === "DELIVERED") {
      setAsking(to);
      setReason("");
      setCost(String(o.estimatedCost));
    } else void onMove(to, null, null);
  };
  const confirm = async (e: FormEvent) => {
    e.preventDefault();
    if (!asking) return;
    const amount = asking === "DELIVERED" ? Number(cost) : null;
    if (await onMove(asking, reason.trim() || null, amount)) setAsking(null);
  };
  return (
    <div className="order-moves" data-testid="order-moves">
      {!asking &&
        doc.moves.map((to) => (
          <button
            key={to}
            type="button"
            className={`btn btn-sm${needsReason(to) ? " btn-ghost order-move-danger" : " btn-primary"}`}
            data-testid={`order-move-${to}`}
            disabled={busy}
            onClick={() => start(to)}
          >
            {moveLabel(o.status, to)}
          </button>
        ))}
      {asking && (
        <form className="order-move-ask" onSubmit={(e) => void confirm(e)} data-testid="order-move-ask">
          {asking === "DELIVERED" && (
            <label className="form-field">
              <span className="form-label">Final cost ({o.currency})</span>
              <input className="input" type="number" min={0} step="0.01" data-testid="order-final-cost" value={cost} onChange={(e) => setCost(e.target.value)} />
            </label>
          )}
          <label className="form-field wide">
            <span className="form-label">{needsReason(asking) ? "Why (the client reads this)" : "Note for the client (optional)"}</span>
            <input className="input" data-testid="order-move-reason" value={reason} onChange={(e) => setReason(e.target.value)} autoFocus />
          </label>
          <div className="order-move-ask-actions">
            <button type="button" className="btn btn-ghost btn-sm" onClick={() => setAsking(null)}>
              Back
            </button>
            <button type="submit" className="btn btn-primary btn-sm" data-testid="order-move-confirm" disabled={busy}>
              {moveLabel(o.status, asking).replace("…", "")}
            </button>
          </div>
        </form>
      )}
    </div>
  );
}

const CLOSED_TEXT: Partial<Record<OrderStatus, string>> = {
  CANCELLED: "Cancelled: the reason is in the build log.",
  REJECTED: "Rejected: the reason is in the build log.",
};

function Request({ doc, busy, onSave }: { doc: OrderDoc; busy: boolean; onSave: (form: OrderForm) => Promise<boolean> }) {
  const [form, setForm] = useState<OrderForm | null>(null);
  const f = doc.form;
  if (form) {
    return (
      <section className="order-section" data-testid="order-request-edit">
        <h2 className="order-section-title">Request</h2>
        <OrderFormFields form={form} onChange={setForm} disabled={busy} />
        <div className="order-new-actions">
          <button type="button" className="btn btn-ghost btn-sm" onClick={() => setForm(null)}>
            Cancel
          </button>
          <button type="button" className="btn btn-primary btn-sm" data-testid="order-save" disabled={busy} onClick={() => void onSave(form).then((ok) => ok && setForm(null))}>
            Save
          </button>
        </div>
      </section>
    );
  }
  return (
    <section className="order-section" data-testid="order-request">
      <div className="order-section-head">
        <h2 className="order-section-title">Request</h2>
        {doc.canEdit && (
          <button type="button" className="btn btn-ghost btn-sm" data-testid="order-edit" onClick={() => setForm(f)}>
            <Icon name="pencil" size={14} />
            Edit
          </button>
        )}
      </div>
      <dl className="order-facts">
        <dt>Complexity</dt>
        <dd>{COMPLEXITY_LABELS[f.complexity]}</dd>
        <dt>Priority</dt>
        <dd>{PRIORITY_LABELS[f.priority]}</dd>
        <dt>Estimate</dt>
        <dd>
          {money(doc.estimate.cost, doc.estimate.currency)}{" "}
          <span className="muted">
            ({doc.estimate.hoursMin}–{doc.estimate.hoursMax} h)
          </span>
        </dd>
        <dt>Wanted by</dt>
        <dd>{f.dueDate ? new Date(f.dueDate).toLocaleDateString(undefined, { dateStyle: "medium" }) : "—"}</dd>
      </dl>
      <h3 className="order-sub">What the agent must do</h3>
      <p className="order-text" data-testid="order-description-text">
        {f.description || <span className="muted">Not described yet.</span>}
      </p>
      {f.requirements && (
        <>
          <h3 className="order-sub">Requirements</h3>
          <p className="order-text">{f.requirements}</p>
        </>
      )}
    </section>
  );
}

function Milestones({ doc, busy, onAdd, onDone }: { doc: OrderDoc; busy: boolean; onAdd: (title: string) => Promise<boolean>; onDone: (id: string, done: boolean) => void }) {
  const [title, setTitle] = useState("");
  const add = async (e: FormEvent) => {
    e.preventDefault();
    if (await onAdd(title)) setTitle("");
  };
  return (
    <section className="order-section" data-testid="order-milestones">
      <div className="order-section-head">
        <h2 className="order-section-title">Milestones</h2>
        <Progress value={doc.summary.progress} />
      </div>
      {doc.milestones.length === 0 && <p className="muted order-none">{doc.canBuild ? "Split the build into milestones: the client follows its progress here." : "The studio has not planned the build yet."}</p>}
      <ul className="order-milestones">
        {doc.milestones.map((m) => (
          <li key={m.id} data-testid="order-milestone" data-done={m.completedAt !== null}>
            <label className="check-row">
              <input type="checkbox" checked={m.completedAt !== null} disabled={!doc.canBuild || busy} onChange={(e) => onDone(m.id, e.target.checked)} />
              <span className={m.completedAt ? "is-done" : ""}>{m.title}</span>
            </label>
            {m.completedAt && (
              <span className="muted order-when" title={absoluteTime(m.completedAt)}>
                done {new Date(m.completedAt).toLocaleDateString(undefined, { dateStyle: "medium" })}
              </span>
            )}
          </li>
        ))}
      </ul>
      {doc.canBuild && (
        <form className="order-inline-form" onSubmit={(e) => void add(e)}>
          <input className="input" data-testid="milestone-title" placeholder="New milestone, e.g. Connect the ticket system" value={title} onChange={(e) => setTitle(e.target.value)} />
          <button type="submit" className="btn btn-sm" data-testid="milestone-add" disabled={busy || title.trim() === ""}>
            <Icon name="plus" size={14} />
            Add
          </button>
        </form>
      )}
    </section>
  );
}

const LEVELS: LogLevel[] = ["DEBUG", "INFO", "WARN", "ERROR"];

function BuildLog({ doc, busy, onAppend }: { doc: OrderDoc; busy: boolean; onAppend: (level: LogLevel, stage: string, message: string) => Promise<boolean> }) {
  const [level, setLevel] = useState<LogLevel | "all">("all");
  const [search, setSearch] = useState("");
  const [message, setMessage] = useState("");
  const [newLevel, setNewLevel] = useState<LogLevel>("INFO");
  const needle = search.trim().toLowerCase();
  const lines = doc.log.filter((l) => (level === "all" || l.level === level) && (!needle || `${l.stage} ${l.message}`.toLowerCase().includes(needle)));
  const append = async (e: FormEvent) => {
    e.preventDefault();
    if (await onAppend(newLevel, "", message)) setMessage("");
  };
  return (
    <section className="order-section order-log" data-testid="order-log">
      <div className="order-section-head">
        <h2 className="order-section-title">Build log</h2>
        <span className="muted">{doc.log.length} lines</span>
      </div>
      <div className="order-log-filters">
        <select className="input select input-sm" aria-label="Level" data-testid="log-level-filter" value={level} onChange={(e) => setLevel(e.target.value as LogLevel | "all")}>
          <option value="all">All levels</option>
          {LEVELS.map((l) => (
            <option key={l} value={l}>
              {LEVEL_LABELS[l]}
            </option>
          ))}
        </select>
        <input className="input input-sm" type="search" aria-label="Search the log" placeholder="Search" value={search} onChange={(e) => setSearch(e.target.value)} />
      </div>
      <ol className="order-log-lines">
        {lines.map((l) => (
          <li key={l.id} className={`log-line level-${l.level.toLowerCase()}${l.stage === "lifecycle" ? " is-move" : ""}`} data-testid="log-line" data-stage={l.stage}>
            <span className="log-time" title={absoluteTime(l.at)}>
              {new Date(l.at).toLocaleString(undefined, { dateStyle: "short", timeStyle: "short" })}
            </span>
            <span className="log-stage">{l.stage === "lifecycle" ? "status" : l.stage}</span>
            <span className="log-message">{l.message}</span>
          </li>
        ))}
        {lines.length === 0 && <li className="muted order-none">{doc.log.length ? "No line matches." : "Nothing logged yet."}</li>}
      </ol>
      {doc.canBuild && (
        <form className="order-inline-form" onSubmit={(e) => void append(e)}>
          <select className="input select" aria-label="Level of the new line" value={newLevel} onChange={(e) => setNewLevel(e.target.value as LogLevel)}>
            {LEVELS.map((l) => (
              <option key={l} value={l}>
                {LEVEL_LABELS[l]}
              </option>
            ))}
          </select>
          <input className="input" data-testid="log-message" placeholder="What happened in the build" value={message} onChange={(e) => setMessage(e.target.value)} />
          <button type="submit" className="btn btn-sm" data-testid="log-add" disabled={busy || message.trim() === ""}>
            Log
          </button>
        </form>
      )}
    </section>
  );
}
