// Owns the Dashboard: the last days' runs (succeeded and failed per day), tokens and cost per day, the success rate, the slowest and most-failing workflows, and the orders by status and due this week — every figure from the core.
import { useEffect, useState } from "react";
import { Bar, BarChart, CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { api, errorMessage, type Dashboard } from "../../ipc";
import { navigate, orderPath, workflowPath } from "../../app/router";
import { ErrorBanner } from "../../shared/ListChrome";
import { usePulledRevision } from "../team/teamStatus";
import { STATUS_LABELS, money } from "../orders/orderText";
import "./dashboard.css";

const PERIODS = [7, 30, 90] as const;
const AXIS = { stroke: "#8b8f9a", fontSize: 11 };
const TOOLTIP = { contentStyle: { background: "#1b1d23", border: "1px solid #32353e", borderRadius: 6, fontSize: 12 }, labelStyle: { color: "#e7e8ec" } };

type Load = { status: "loading" } | { status: "ready"; data: Dashboard } | { status: "error"; message: string };

export function DashboardPage() {
  const [days, setDays] = useState<number>(30);
  const [load, setLoad] = useState<Load>({ status: "loading" });
  const pulled = usePulledRevision();

  useEffect(() => {
    let live = true;
    api
      .dashboard(days)
      .then((data) => live && setLoad({ status: "ready", data }))
      .catch((e: unknown) => live && setLoad({ status: "error", message: errorMessage(e) }));
    return () => {
      live = false;
    };
  }, [days, pulled]);

  return (
    <div className="page dashboard-page" data-testid="dashboard">
      <header className="page-header">
        <div>
          <h1 className="page-title">Dashboard</h1>
          <p className="page-subtitle">How your workflows have run on this device, and the orders that are due.</p>
        </div>
        <div className="order-view-toggle" role="group" aria-label="Period">
          {PERIODS.map((p) => (
            <button key={p} type="button" aria-pressed={days === p} data-testid={`dashboard-days-${p}`} onClick={() => setDays(p)}>
              {p} days
            </button>
          ))}
        </div>
      </header>
      {load.status === "error" && <ErrorBanner>Couldn't load the dashboard: {load.message}</ErrorBanner>}
      {load.status === "loading" && <div className="list-loading">Loading…</div>}
      {load.status === "ready" && <Figures data={load.data} />}
    </div>
  );
}

function Figures({ data }: { data: Dashboard }) {
  const days = data.days.map((d) => ({ ...d, label: d.day.slice(5), cost: d.cost ?? 0 }));
  return (
    <>
      <div className="dash-stats">
        <Stat label="Runs" value={String(data.runs)} testId="dash-runs" />
        <Stat label="Success rate" value={data.successRate === null ? "—" : `${Math.round(data.successRate * 100)} %`} testId="dash-rate" />
        <Stat label="Tokens" value={data.tokens.toLocaleString()} testId="dash-tokens" />
        <Stat label="Cost" value={money(data.cost, "USD")} testId="dash-cost" />
      </div>
      <div className="dash-grid">
        <section className="dash-card" aria-label="Runs per day">
          <h2 className="dash-card-title">Runs per day</h2>
          <div className="dash-chart" data-testid="dash-runs-chart">
            <ResponsiveContainer width="100%" height={220}>
              <BarChart data={days} margin={{ top: 8, right: 8, bottom: 0, left: -16 }}>
                <CartesianGrid stroke="#25272e" vertical={false} />
                <XAxis dataKey="label" tick={AXIS} stroke="#32353e" minTickGap={16} />
                <YAxis allowDecimals={false} tick={AXIS} stroke="#32353e" />
                <Tooltip {...TOOLTIP} cursor={{ fill: "rgba(255,255,255,0.04)" }} />
                <Legend wrapperStyle={{ fontSize: 12 }} />
                <Bar dataKey="succeeded" name="Succeeded" stackId="runs" fill="#3ecf8e" isAnimationActive={false} />
                <Bar dataKey="failed" name="Failed" stackId="runs" fill="#f2616d" isAnimationActive={false} />
              </BarChart>
            </ResponsiveContainer>
          </div>
        </section>
        <section className="dash-card" aria-label="Tokens and cost per day">
          <h2 className="dash-card-title">Tokens and cost per day</h2>
          <div className="dash-chart">
            <ResponsiveContainer width="100%" height={220}>
              <LineChart data={days} margin={{ top: 8, right: 0, bottom: 0, left: -16 }}>
                <CartesianGrid stroke="#25272e" vertical={false} />
                <XAxis dataKey="label" tick={AXIS} stroke="#32353e" minTickGap={16} />
                <YAxis yAxisId="tokens" tick={AXIS} stroke="#32353e" allowDecimals={false} />
                <YAxis yAxisId="cost" orientation="right" tick={AXIS} stroke="#32353e" />
                <Tooltip {...TOOLTIP} />
                <Legend wrapperStyle={{ fontSize: 12 }} />
                <Line yAxisId="tokens" dataKey="tokens" name="Tokens" stroke="#8d7fff" dot={false} isAnimationActive={false} />
                <Line yAxisId="cost" dataKey="cost" name="Cost (USD)" stroke="#f5b14c" dot={false} isAnimationActive={false} />
              </LineChart>
            </ResponsiveContainer>
          </div>
        </section>
        <Ranking title="Slowest workflows" rows={data.slowest} figure={(w) => `${Math.round(w.averageMs ?? 0).toLocaleString()} ms`} testId="dash-slowest" empty="No finished runs in this period." />
        <Ranking title="Most failing workflows" rows={data.mostFailing} figure={(w) => `${w.failed} of ${w.runs} failed`} testId="dash-failing" empty="No run failed in this period." />
        <section className="dash-card" aria-label="Orders by status">
          <h2 className="dash-card-title">Orders by status</h2>
          {data.ordersByStatus.length === 0 ? (
            <p className="muted dash-empty">No orders yet.</p>
          ) : (
            <div className="dash-chart" data-testid="dash-orders-chart">
              <ResponsiveContainer width="100%" height={40 + 30 * data.ordersByStatus.length}>
                <BarChart data={data.ordersByStatus.map((s) => ({ label: STATUS_LABELS[s.status], count: s.count }))} layout="vertical" margin={{ top: 4, right: 16, bottom: 0, left: 24 }}>
                  <XAxis type="number" allowDecimals={false} tick={AXIS} stroke="#32353e" />
                  <YAxis type="category" dataKey="label" tick={AXIS} stroke="#32353e" width={80} />
                  <Tooltip {...TOOLTIP} cursor={{ fill: "rgba(255,255,255,0.04)" }} />
                  <Bar dataKey="count" name="Orders" fill="#7c6cff" maxBarSize={18} isAnimationActive={false} />
                </BarChart>
              </ResponsiveContainer>
            </div>
          )}
        </section>
        <section className="dash-card" aria-label="Orders due this week">
          <h2 className="dash-card-title">Orders due this week</h2>
          {data.ordersDue.length === 0 ? (
            <p className="muted dash-empty">Nothing due in the next 7 days.</p>
          ) : (
            <ul className="dash-list" data-testid="dash-orders-due">
              {data.ordersDue.map((o) => (
                <li key={o.id}>
                  <button type="button" className="link-button" onClick={() => navigate(orderPath(o.id))}>
                    {o.title}
                  </button>
                  <span className={o.dueDate && Date.parse(o.dueDate) < Date.now() ? "dash-overdue" : "muted"}>
                    {o.dueDate ? new Date(o.dueDate).toLocaleDateString(undefined, { dateStyle: "medium" }) : ""}
                  </span>
                </li>
              ))}
            </ul>
          )}
        </section>
      </div>
    </>
  );
}

function Stat({ label, value, testId }: { label: string; value: string; testId: string }) {
  return (
    <div className="dash-stat">
      <div className="dash-stat-label">{label}</div>
      <div className="dash-stat-value" data-testid={testId}>
        {value}
      </div>
    </div>
  );
}

function Ranking({ title, rows, figure, testId, empty }: { title: string; rows: Dashboard["slowest"]; figure: (w: Dashboard["slowest"][number]) => string; testId: string; empty: string }) {
  return (
    <section className="dash-card" aria-label={title}>
      <h2 className="dash-card-title">{title}</h2>
      {rows.length === 0 ? (
        <p className="muted dash-empty">{empty}</p>
      ) : (
        <ol className="dash-list" data-testid={testId}>
          {rows.map((w) => (
            <li key={w.workflowId}>
              <button type="button" className="link-button" onClick={() => navigate(workflowPath(w.workflowId))}>
                {w.name}
              </button>
              <span className="muted">{figure(w)}</span>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
