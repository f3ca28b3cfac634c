// Owns the Orders list: the orders this person may see with their status, progress and price, a filter by status, and the new-order form (saved as a draft or submitted at once).
import { useEffect, useState, type FormEvent } from "react";
import { api, errorMessage, type OrderForm, type OrderPriority, type OrderStatus, type OrderSummary } from "../../ipc";
import { navigate, orderPath } from "../../app/router";
import { useLoadedList, useNow } from "../../shared/hooks";
import { Icon } from "../../shared/icons";
import { EmptyState, ErrorBanner } from "../../shared/ListChrome";
import { absoluteTime, relativeTime } from "../../shared/time";
import { Toaster, toast } from "../../shared/toast";
import { useIsViewer, usePulledRevision } from "../team/teamStatus";
import { OrderBoard } from "./OrderBoard";
import { OrderFormFields, emptyForm } from "./OrderFormFields";
import { PRIORITY_LABELS, STATUS_LABELS, money } from "./orderText";
import "./orders.css";

const CLOSED: OrderStatus[] = ["DELIVERED", "CANCELLED", "REJECTED"];
type Filter = "open" | "all" | OrderStatus;
type Due = "any" | "overdue" | "week";
const DAY_MS = 86_400_000;

/** Whether an open order is wanted by the due filter's time (overdue: before now; week: within 7 days, overdue included). */
function dueMatches(o: OrderSummary, due: Due, now: Date): boolean {
  if (due === "any") return true;
  if (!o.dueDate || CLOSED.includes(o.status)) return false;
  const at = Date.parse(o.dueDate);
  return due === "overdue" ? at < now.getTime() : at < now.getTime() + 7 * DAY_MS;
}

const loadOrders = () => api.orderList();

export function OrdersPage() {
  const [list, refresh] = useLoadedList(loadOrders);
  const [filter, setFilter] = useState<Filter>("open");
  const [form, setForm] = useState<OrderForm | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [view, setView] = useState<"list" | "board">("list");
  const [priority, setPriority] = useState<OrderPriority | "any">("any");
  const [builder, setBuilder] = useState<string>("any");
  const [due, setDue] = useState<Due>("any");
  const now = useNow();
  const pulled = usePulledRevision();
  const viewer = useIsViewer();

  useEffect(() => {
    void refresh();
  }, [refresh, pulled]);

  const create = async (submit: boolean, e?: FormEvent) => {
    e?.preventDefault();
    if (!form || busy) return;
    setBusy(true);
    setError(null);
    try {
      const draft = await api.orderCreate(form);
      if (submit) await api.orderMove(draft.summary.id, "SUBMITTED", null, null);
      navigate(orderPath(draft.summary.id));
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  const moveOnBoard = async (order: OrderSummary, to: OrderStatus) => {
    try {
      await api.orderMove(order.id, to, null, null);
      toast(`“${order.title}”: ${STATUS_LABELS[to]}`, "success");
    } catch (err) {
      toast(`Couldn't move “${order.title}”: ${errorMessage(err)}`, "error");
    }
    await refresh();
  };

  const all = list.status === "ready" ? list.items : [];
  const builders = [...new Set(all.flatMap((o) => (o.builder ? [o.builder] : [])))].sort();
  // Priority, builder and due date narrow both views; the status filter is the list's (the board's columns are statuses).
  const narrowed = all.filter(
    (o) =>
      (priority === "any" || o.priority === priority) &&
      (builder === "any" || (builder === "none" ? o.builder === null : o.builder === builder)) &&
      dueMatches(o, due, now),
  );
  const shown = narrowed.filter((o) => (filter === "all" ? true : filter === "open" ? !CLOSED.includes(o.status) : o.status === filter));

  return (
    <div className="page orders-page">
      <header className="page-header">
        <div>
          <h1 className="page-title">Orders</h1>
          <p className="page-subtitle">Custom agents ordered from the studio: from the request, through review and building, to delivery.</p>
        </div>
      </header>
      <div className="toolbar">
        <label className="order-filter" hidden={view === "board"}>
          <span className="sr-only">Show</span>
          <select className="input select" data-testid="order-filter" value={filter} onChange={(e) => setFilter(e.target.value as Filter)}>
            <option value="open">Open orders</option>
            <option value="all">All orders</option>
            {(Object.keys(STATUS_LABELS) as OrderStatus[]).map((s) => (
              <option key={s} value={s}>
                {STATUS_LABELS[s]}
              </option>
            ))}
          </select>
        </label>
        <select className="input select order-filter-select" aria-label="Priority" data-testid="order-filter-priority" value={priority} onChange={(e) => setPriority(e.target.value as OrderPriority | "any")}>
          <option value="any">Any priority</option>
          {(Object.keys(PRIORITY_LABELS) as OrderPriority[]).map((p) => (
            <option key={p} value={p}>
              {PRIORITY_LABELS[p]}
            </option>
          ))}
        </select>
        <select className="input select order-filter-select" aria-label="Builder" data-testid="order-filter-builder" value={builder} onChange={(e) => setBuilder(e.target.value)}>
          <option value="any">Any builder</option>
          <option value="none">No builder yet</option>
          {builders.map((b) => (
            <option key={b} value={b}>
              {b}
            </option>
          ))}
        </select>
        <select className="input select order-filter-select" aria-label="Due" data-testid="order-filter-due" value={due} onChange={(e) => setDue(e.target.value as Due)}>
          <option value="any">Any due date</option>
          <option value="week">Due within a week</option>
          <option value="overdue">Overdue</option>
        </select>
        <div className="order-view-toggle" role="group" aria-label="View">
          <button type="button" aria-pressed={view === "list"} data-testid="orders-view-list" onClick={() => setView("list")}>
            List
          </button>
          <button type="button" aria-pressed={view === "board"} data-testid="orders-view-board" onClick={() => setView("board")}>
            Board
          </button>
        </div>
        <div className="toolbar-actions" hidden={viewer || form !== null}>
          <button type="button" className="btn btn-primary" data-testid="new-order" onClick={() => setForm(emptyForm())}>
            <Icon name="plus" size={15} />
            New order
          </button>
        </div>
      </div>
      <Toaster />
      {form && (
        <form className="order-new" data-testid="order-new" onSubmit={(e) => void create(true, e)}>
          <h2 className="order-new-title">New order</h2>
          <OrderFormFields form={form} onChange={setForm} disabled={busy} />
          {error && <ErrorBanner>{error}</ErrorBanner>}
          <div className="order-new-actions">
            <button type="button" className="btn btn-ghost" onClick={() => (setForm(null), setError(null))}>
              Cancel
            </button>
            <button type="button" className="btn" data-testid="order-save-draft" disabled={busy} onClick={() => void create(false)}>
              Save as draft
            </button>
            <button type="submit" className="btn btn-primary" data-testid="order-submit" disabled={busy}>
              Submit order
            </button>
          </div>
        </form>
      )}
      {list.status === "error" && <ErrorBanner onRetry={() => void refresh()}>Couldn't load orders: {list.message}</ErrorBanner>}
      {list.status === "loading" && <div className="list-loading">Loading orders…</div>}
      {list.status === "ready" && all.length === 0 && !form && (
        <EmptyState
          icon="order"
          title="No orders yet"
          testId="orders-empty"
          action={
            viewer ? undefined : (
              <button type="button" className="btn btn-primary" onClick={() => setForm(emptyForm())}>
                <Icon name="plus" size={15} />
                Order a custom agent
              </button>
            )
          }
        >
          Describe the agent you need; the studio reviews it, builds it in milestones you can follow, and delivers it.
        </EmptyState>
      )}
      {view === "board" && all.length > 0 && <OrderBoard orders={narrowed} onMove={(o, to) => void moveOnBoard(o, to)} />}
      {view === "list" && list.status === "ready" && all.length > 0 && shown.length === 0 && (
        <div className="empty empty-compact">
          <h2>No orders match these filters</h2>
          <button
            type="button"
            className="btn"
            onClick={() => {
              setFilter("all");
              setPriority("any");
              setBuilder("any");
              setDue("any");
            }}
          >
            Show all orders
          </button>
        </div>
      )}
      {view === "list" && shown.length > 0 && (
        <div className="table orders-table" role="table" aria-label="Orders">
          <div className="table-head" role="row">
            <div role="columnheader">Order</div>
            <div role="columnheader">Status</div>
            <div role="columnheader">Priority</div>
            <div role="columnheader">Progress</div>
            <div role="columnheader" className="num">
              Price
            </div>
            <div role="columnheader">Wanted by</div>
            <div role="columnheader">Updated</div>
          </div>
          {shown.map((o) => (
            <OrderRow key={o.id} order={o} now={now} />
          ))}
        </div>
      )}
    </div>
  );
}

function OrderRow({ order: o, now }: { order: OrderSummary; now: Date }) {
  const open = () => navigate(orderPath(o.id));
  return (
    <div className="table-row" role="row" data-testid="order-row" data-title={o.title} data-status={o.status} onClick={open}>
      <div role="cell" className="cell-name">
        <span className="row-icon">
          <Icon name="order" size={15} />
        </span>
        <button type="button" className="link-button" data-testid="order-open" onClick={open}>
          {o.title}
        </button>
      </div>
      <div role="cell">
        <StatusChip status={o.status} />
      </div>
      <div role="cell" className={`muted priority-${o.priority.toLowerCase()}`}>
        {PRIORITY_LABELS[o.priority]}
      </div>
      <div role="cell">
        <Progress value={o.progress} />
      </div>
      <div role="cell" className="num" title={o.finalCost === null ? "Estimate" : "Final cost"}>
        {money(o.finalCost ?? o.estimatedCost, o.currency)}
      </div>
      <div role="cell" className="muted">
        {o.dueDate ? new Date(o.dueDate).toLocaleDateString(undefined, { dateStyle: "medium" }) : "—"}
      </div>
      <div role="cell" className="muted" title={absoluteTime(o.updatedAt)}>
        {relativeTime(o.updatedAt, now)}
      </div>
    </div>
  );
}

export function StatusChip({ status }: { status: OrderStatus }) {
  return (
    <span className={`order-status status-${status.toLowerCase().replace("_", "-")}`} data-testid="order-status" data-status={status}>
      {STATUS_LABELS[status]}
    </span>
  );
}

export function Progress({ value }: { value: number }) {
  return (
    <span className="order-progress" title={`${value} % of its milestones done`}>
      <span className="order-progress-bar">
        <span style={{ width: `${value}%` }} />
      </span>
      <span className="order-progress-text">{value} %</span>
    </span>
  );
}
