// Owns how orders read in the window: status, priority and complexity names, and what each lifecycle move's button says.
import type { ComplexityLevel, LogLevel, OrderPriority, OrderStatus } from "../../ipc";

export const STATUS_LABELS: Record<OrderStatus, string> = {
  DRAFT: "Draft",
  SUBMITTED: "Submitted",
  IN_REVIEW: "In review",
  APPROVED: "Approved",
  IN_PROGRESS: "In progress",
  TESTING: "Testing",
  COMPLETED: "Completed",
  DELIVERED: "Delivered",
  CANCELLED: "Cancelled",
  REJECTED: "Rejected",
};

export const PRIORITY_LABELS: Record<OrderPriority, string> = { LOW: "Low", NORMAL: "Normal", HIGH: "High", URGENT: "Urgent" };

/** Each complexity with the hours it stands for (the core's estimate uses the same ranges). */
export const COMPLEXITY_LABELS: Record<ComplexityLevel, string> = {
  SIMPLE: "Simple · 1–8 h",
  MODERATE: "Moderate · 8–24 h",
  COMPLEX: "Complex · 24–72 h",
  ENTERPRISE: "Enterprise · 72 h+",
};

export const LEVEL_LABELS: Record<LogLevel, string> = { DEBUG: "Debug", INFO: "Info", WARN: "Warning", ERROR: "Error" };

/** What the button that makes a move says, from where the order is. */
export function moveLabel(from: OrderStatus, to: OrderStatus): string {
  switch (to) {
    case "SUBMITTED":
      return "Submit order";
    case "IN_REVIEW":
      return "Start review";
    case "APPROVED":
      return "Approve";
    case "REJECTED":
      return "Reject…";
    case "CANCELLED":
      return "Cancel order…";
    case "IN_PROGRESS":
      return from === "TESTING" ? "Back to building" : "Start building";
    case "TESTING":
      return "Send to testing";
    case "COMPLETED":
      return "Mark completed";
    case "DELIVERED":
      return "Deliver…";
    default:
      return STATUS_LABELS[to];
  }
}

/** Moves that ask for something first: a reason the client reads, or the final cost. */
export const needsReason = (to: OrderStatus) => to === "REJECTED" || to === "CANCELLED";

/** An amount in the order's currency (whole amounts without cents); `null` (no figure) reads "—". */
export function money(amount: number | null, currency: string): string {
  if (amount === null) return "—";
  return new Intl.NumberFormat(undefined, { style: "currency", currency, maximumFractionDigits: amount % 1 === 0 ? 0 : 2 }).format(amount);
}
