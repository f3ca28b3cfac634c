// Owns the order form's fields and its live estimate (asked of the core, which stores the same figure).
import { useEffect, useState } from "react";
import { api, type OrderEstimate, type OrderForm } from "../../ipc";
import { COMPLEXITY_LABELS, PRIORITY_LABELS, money } from "./orderText";

export const emptyForm = (): OrderForm => ({
  title: "",
  description: "",
  requirements: "",
  priority: "NORMAL",
  complexity: "SIMPLE",
  dueDate: null,
});

/** A due date as the date input shows it (local day) and back. */
const dayOf = (iso: string | null) => (iso ? iso.slice(0, 10) : "");
const isoOf = (day: string) => (day ? new Date(`${day}T12:00:00Z`).toISOString() : null);

export function OrderFormFields({ form, onChange, disabled }: { form: OrderForm; onChange: (form: OrderForm) => void; disabled?: boolean }) {
  const [estimate, setEstimate] = useState<OrderEstimate | null>(null);
  useEffect(() => {
    let live = true;
    api
      .orderEstimate(form.complexity, form.priority)
      .then((e) => live && setEstimate(e))
      .catch(() => live && setEstimate(null));
    return () => {
      live = false;
    };
  }, [form.complexity, form.priority]);
  const set = (next: Partial<OrderForm>) => onChange({ ...form, ...next });

  return (
    <fieldset className="order-form" disabled={disabled}>
      <label className="form-field wide">
        <span className="form-label">Title</span>
        <input className="input" data-testid="order-title" value={form.title} onChange={(e) => set({ title: e.target.value })} placeholder="Support ticket triage agent" />
      </label>
      <label className="form-field wide">
        <span className="form-label">What the agent must do</span>
        <textarea
          className="input"
          rows={4}
          data-testid="order-description"
          value={form.description}
          onChange={(e) => set({ description: e.target.value })}
          placeholder="Reads new tickets, sorts them by urgency and drafts a first reply in our tone."
        />
      </label>
      <label className="form-field wide">
        <span className="form-label">Requirements</span>
        <textarea
          className="input"
          rows={3}
          data-testid="order-requirements"
          value={form.requirements}
          onChange={(e) => set({ requirements: e.target.value })}
          placeholder="Systems it uses, data it may see, languages, anything the builder must know."
        />
      </label>
      <label className="form-field">
        <span className="form-label">Complexity</span>
        <LabelSelect testId="order-complexity" labels={COMPLEXITY_LABELS} value={form.complexity} onChange={(complexity) => set({ complexity })} />
      </label>
      <label className="form-field">
        <span className="form-label">Priority</span>
        <LabelSelect testId="order-priority" labels={PRIORITY_LABELS} value={form.priority} onChange={(priority) => set({ priority })} />
      </label>
      <label className="form-field">
        <span className="form-label">Wanted by</span>
        <input className="input" type="date" data-testid="order-due" value={dayOf(form.dueDate)} onChange={(e) => set({ dueDate: isoOf(e.target.value) })} />
      </label>
      <div className="form-field order-estimate" data-testid="order-estimate" aria-live="polite">
        <span className="form-label">Estimate</span>
        {estimate ? (
          <span>
            <strong>{money(estimate.cost, estimate.currency)}</strong>{" "}
            <span className="muted">
              ({estimate.hoursMin}–{estimate.hoursMax} h: {money(estimate.costMin, estimate.currency)}–{money(estimate.costMax, estimate.currency)})
            </span>
          </span>
        ) : (
          <span className="muted">…</span>
        )}
      </div>
    </fieldset>
  );
}

/** A select over the keys of `labels`, each option reading its label. */
function LabelSelect<T extends string>({ testId, labels, value, onChange }: { testId: string; labels: Record<T, string>; value: T; onChange: (value: T) => void }) {
  return (
    <select className="input select" data-testid={testId} value={value} onChange={(e) => onChange(e.target.value as T)}>
      {(Object.keys(labels) as T[]).map((key) => (
        <option key={key} value={key}>
          {labels[key]}
        </option>
      ))}
    </select>
  );
}
