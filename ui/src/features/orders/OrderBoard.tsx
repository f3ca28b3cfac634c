// Owns the orders board: one column per stage of the lifecycle, a card per order, and moving a card by dragging it onto a column its person may move it to (the core's moves; the moves that need a reason or a final cost are made on the order's page).
import { useState, type DragEvent } from "react";
import type { OrderStatus, OrderSummary } from "../../ipc";
import { navigate, orderPath } from "../../app/router";
import { Progress } from "./OrdersPage";
import { PRIORITY_LABELS, STATUS_LABELS, money, needsReason } from "./orderText";

const COLUMNS: OrderStatus[] = ["DRAFT", "SUBMITTED", "IN_REVIEW", "APPROVED", "IN_PROGRESS", "TESTING", "COMPLETED", "DELIVERED"];

/** A move the board makes by itself: not one that asks for a reason or a final cost first. */
const dropMove = (order: OrderSummary, to: OrderStatus) => order.moves.includes(to) && !needsReason(to) && to !== "DELIVERED";

export function OrderBoard({ orders, onMove }: { orders: OrderSummary[]; onMove: (order: OrderSummary, to: OrderStatus) => void }) {
  const [dragged, setDragged] = useState<OrderSummary | null>(null);
  const [over, setOver] = useState<OrderStatus | null>(null);

  const onDrop = (e: DragEvent, to: OrderStatus) => {
    e.preventDefault();
    setOver(null);
    if (dragged && dropMove(dragged, to)) onMove(dragged, to);
    setDragged(null);
  };

  return (
    <div className="order-board" data-testid="order-board" role="list" aria-label="Orders by stage">
      {COLUMNS.map((status) => {
        const cards = orders.filter((o) => o.status === status);
        const target = dragged !== null && dropMove(dragged, status);
        return (
          <section
            key={status}
            className={`board-column${target ? " is-target" : ""}${over === status && target ? " is-over" : ""}`}
            data-testid="board-column"
            data-status={status}
            aria-label={STATUS_LABELS[status]}
            onDragOver={(e) => {
              if (!target) return;
              e.preventDefault();
              setOver(status);
            }}
            onDragLeave={() => setOver((s) => (s === status ? null : s))}
            onDrop={(e) => onDrop(e, status)}
          >
            <h2 className="board-column-title">
              {STATUS_LABELS[status]} <span className="muted">{cards.length}</span>
            </h2>
            {cards.map((o) => (
              <article
                key={o.id}
                className="board-card"
                role="listitem"
                data-testid="board-card"
                data-title={o.title}
                draggable={o.moves.some((to) => dropMove(o, to))}
                onDragStart={(e) => {
                  e.dataTransfer.effectAllowed = "move";
                  e.dataTransfer.setData("text/plain", o.id);
                  setDragged(o);
                }}
                onDragEnd={() => (setDragged(null), setOver(null))}
                onClick={() => navigate(orderPath(o.id))}
              >
                <button type="button" className="link-button board-card-title" onClick={() => navigate(orderPath(o.id))}>
                  {o.title}
                </button>
                <div className="board-card-meta">
                  <span className={`priority-${o.priority.toLowerCase()}`}>{PRIORITY_LABELS[o.priority]}</span>
                  <span>{money(o.finalCost ?? o.estimatedCost, o.currency)}</span>
                </div>
                {o.dueDate && <div className="board-card-due muted">Wanted by {new Date(o.dueDate).toLocaleDateString(undefined, { dateStyle: "medium" })}</div>}
                {(o.status === "IN_PROGRESS" || o.status === "TESTING" || o.progress > 0) && <Progress value={o.progress} />}
              </article>
            ))}
          </section>
        );
      })}
    </div>
  );
}
