// Owns the demo run history of the in-memory backend (`?seed=demo`): past runs of the demo workflows, shaped like the
// engine's stored executions (per-node results in run order, skipped branches, retries, model calls with tokens and cost).
import type { AgentExecution, ExecutionDetail, ExecutionStatus, GraphNode, NodeResult, NodeStatus, Value } from "./bindings";
import type { WorkflowGraph } from "./wire";
import { uuidv7 } from "../shared/uuidv7";

export type DemoWorkflow = { id: string; name: string; graph: WorkflowGraph };

const TRIAGE_AGENT_ID = "01920000-0000-7000-8000-0000000a9e01";
const CANCELLED = "the run was cancelled";
const UNTAKEN = "no items reached it: its branch was not taken";
export const INTERRUPTED = "the app closed before the run finished";

/** One node's part in a fabricated run; times are filled in by `assemble`. */
type Step = {
  label: string;
  status?: NodeStatus;
  input: Value[];
  output?: Record<string, Value[]>;
  ms: number;
  logs?: string[];
  error?: string;
  attempts?: number;
  tokens?: number;
  cost?: number;
};

type Fabricated = {
  startedAt: number;
  input: Value;
  steps: Step[];
  /** Labels of nodes that never ran, with why. */
  skipped?: [string, string][];
  status: ExecutionStatus;
  error?: string;
  agentCalls?: (executionId: string, startedAt: number, at: (label: string) => number) => AgentExecution[];
  /** No node results (a run the app did not live to finish). */
  interrupted?: boolean;
};

/** A small deterministic generator, so the demo looks the same on every load. */
function random(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function assemble(wf: DemoWorkflow, run: Fabricated): ExecutionDetail {
  const byLabel = new Map<string, GraphNode>(wf.graph.nodes.map((n) => [n.label, n]));
  const node = (label: string) => {
    const n = byLabel.get(label);
    if (!n) throw new Error(`demo workflow ${wf.name} has no node "${label}"`);
    return n;
  };
  const id = uuidv7(run.startedAt);
  const nodes: NodeResult[] = [];
  const startOf = new Map<string, number>();
  let clock = 3;
  let seq = 0;
  for (const step of run.interrupted ? [] : run.steps) {
    const n = node(step.label);
    startOf.set(step.label, clock);
    nodes.push({
      nodeId: n.id,
      kind: n.kind,
      label: n.label,
      status: step.status ?? "succeeded",
      input: step.input,
      output: step.output ?? {},
      logs: step.logs ?? [],
      error: step.error ?? null,
      handled: false,
      reason: step.status === "stopped" ? CANCELLED : null,
      startedMs: clock,
      durationMs: step.ms,
      attempts: step.attempts ?? 1,
      iterations: 1,
      tokens: step.tokens ?? 0,
      cost: step.cost ?? 0,
      startedSeq: seq++,
      finishedSeq: seq++,
    });
    clock += step.ms + 2;
  }
  for (const [label, reason] of run.interrupted ? [] : (run.skipped ?? [])) {
    const n = node(label);
    nodes.push({
      nodeId: n.id, kind: n.kind, label: n.label, status: "skipped", input: [], output: {}, logs: [], error: null, handled: false,
      reason, startedMs: clock, durationMs: 0, attempts: 0, iterations: 0, tokens: 0, cost: 0, startedSeq: 0, finishedSeq: 0,
    });
  }
  // Stored like the engine's: one result per node that got one, in graph order.
  const graphIndex = new Map(wf.graph.nodes.map((n, i) => [n.id, i]));
  nodes.sort((a, b) => graphIndex.get(a.nodeId)! - graphIndex.get(b.nodeId)!);
  const durationMs = run.interrupted ? null : clock + 1;
  const last = nodes.filter((n) => n.status === "succeeded").at(-1);
  return {
    summary: {
      id,
      workflowId: wf.id,
      workflowName: wf.name,
      status: run.status,
      startedAt: new Date(run.startedAt).toISOString(),
      finishedAt: new Date(run.startedAt + (durationMs ?? 41 * 60_000)).toISOString(),
      durationMs,
      tokensUsed: nodes.reduce((t, n) => t + n.tokens, 0),
      cost: nodes.reduce((t, n) => t + (n.cost ?? 0), 0),
      error: run.error ?? null,
    },
    input: run.input,
    output: run.status === "COMPLETED" && last ? (last.output.main ?? null) : null,
    nodes,
    agentCalls: run.agentCalls?.(id, run.startedAt, (label) => run.startedAt + (startOf.get(label) ?? 0)) ?? [],
  };
}

function modelReply(text: string, model: string, provider: string, input: number, output: number, cost: number): Value {
  return {
    text,
    model,
    provider,
    finishReason: "stop",
    usage: { inputTokens: input, outputTokens: output, totalTokens: input + output },
    cost,
  };
}

const TICKETS = [
  { subject: "Checkout fails with error 500 for all EU customers", from: "ops@northwind.example", plan: "enterprise", urgent: true },
  { subject: "How do I export invoices as CSV?", from: "lena.fischer@example.org", plan: "team", urgent: false },
  { subject: "Password reset email never arrives", from: "j.okafor@example.com", plan: "starter", urgent: false },
  { subject: "API returns 401 since this morning's key rotation", from: "dev@brightlabs.example", plan: "enterprise", urgent: true },
  { subject: "Can we add a second admin to our workspace?", from: "sam@tinyshop.example", plan: "team", urgent: false },
  { subject: "Feature request: dark mode for the mobile app", from: "alex.m@example.net", plan: "starter", urgent: false },
];

const HEADLINES = [
  ["Central banks signal a pause in rate hikes", "Financial Daily"],
  ["New battery chemistry doubles e-bike range", "Tech Review"],
  ["City council approves 24-hour public transit pilot", "Metro News"],
  ["Open-source model tops reasoning benchmark", "AI Weekly"],
  ["Heatwave prompts water-saving measures across the south", "National Post"],
  ["Chipmaker announces new fab, 3,000 jobs", "Business Wire"],
  ["Researchers map the ocean floor with swarms of drones", "Science Now"],
  ["Streaming prices rise again as subscriptions slow", "Media Insider"],
];

function triageRuns(wf: DemoWorkflow, orgId: string, now: number): ExecutionDetail[] {
  const rnd = random(7);
  const minutesAgo = [7, 38, 72, 170, 245, 390, 540, 1200, 1560, 1800, 2640, 3000];
  return minutesAgo.map((ago, i) => {
    const t = TICKETS[i % TICKETS.length];
    const ticket: Value = { id: `T-${1088 - i}`, subject: t.subject, from: t.from, plan: t.plan, receivedAt: new Date(now - ago * 60_000).toISOString() };
    const classifyIn = 380 + Math.round(rnd() * 120);
    const classifyOut = 40 + Math.round(rnd() * 30);
    const classifyCost = (classifyIn * 0.8 + classifyOut * 4) / 1e6;
    const verdict: Value = { category: t.urgent ? "incident" : "question", urgent: t.urgent, confidence: Math.round((0.82 + rnd() * 0.17) * 100) / 100 };
    const classified = modelReply(JSON.stringify(verdict), "claude-3-5-haiku-20241022", "anthropic", classifyIn, classifyOut, classifyCost);
    const startedAt = now - ago * 60_000 - Math.round(rnd() * 40_000);
    const agentLog = "agent 'Support triager' on anthropic claude-3-5-haiku-20241022";
    const call = (execId: string, at: number, ms: number, status: ExecutionStatus, error: string | null): AgentExecution => ({
      id: uuidv7(at),
      organizationId: orgId,
      agentId: TRIAGE_AGENT_ID,
      workflowExecutionId: execId,
      task: `Classify this support ticket as incident or question and say whether it is urgent.\n\nSubject: ${t.subject}`,
      input: ticket,
      output: status === "COMPLETED" ? classified : null,
      status,
      startedAt: new Date(at).toISOString(),
      finishedAt: new Date(at + ms).toISOString(),
      durationMs: ms,
      tokensUsed: status === "COMPLETED" ? classifyIn + classifyOut : 0,
      cost: status === "COMPLETED" ? classifyCost : 0,
      provider: "anthropic",
      model: "claude-3-5-haiku-20241022",
      error,
      createdAt: new Date(at + ms).toISOString(),
      updatedAt: new Date(at + ms).toISOString(),
      deletedAt: null,
      hlc: "",
    });
    const trigger: Step = { label: "New ticket", input: [ticket], output: { main: [ticket] }, ms: 1 };
    const classifyMs = 900 + Math.round(rnd() * 900);

    if (i === 3) {
      // Rate limited three times: the run fails at the agent.
      const limit = "anthropic answered 429 Too Many Requests: rate limit of 50 requests per minute reached for this organization";
      return assemble(wf, {
        startedAt,
        input: ticket,
        status: "FAILED",
        error: `node 'Classify ticket' (ai.agent) failed: ${limit}`,
        steps: [
          trigger,
          {
            label: "Classify ticket", status: "failed", input: [ticket], ms: 3_420, attempts: 3, error: limit,
            logs: [agentLog, `attempt 1 failed: ${limit}; retrying in 1000 ms`, `attempt 2 failed: ${limit}; retrying in 2000 ms`],
          },
        ],
        agentCalls: (execId, _start, at) => [0, 1160, 2_590].map((d) => call(execId, at("Classify ticket") + d, 180, "FAILED", limit)),
      });
    }

    const classify: Step = {
      label: "Classify ticket", input: [ticket], output: { main: [classified], text: [JSON.stringify(verdict)] }, ms: classifyMs,
      tokens: classifyIn + classifyOut, cost: classifyCost,
      logs: [agentLog, `anthropic claude-3-5-haiku-20241022: ${classifyIn + classifyOut} tokens, $${classifyCost.toFixed(6)}`],
    };
    const agentCalls = (execId: string, _start: number, at: (label: string) => number) => [call(execId, at("Classify ticket"), classifyMs - 4, "COMPLETED", null)];
    const decided = { ...ticket, ...verdict };
    const condition: Step = { label: "Is it urgent?", input: [decided], output: t.urgent ? { true: [decided] } : { false: [decided] }, ms: 1 };

    if (t.urgent) {
      const posted: Value = { ok: true, channel: "#on-call", ts: `${Math.floor(startedAt / 1000)}.00${i}200` };
      return assemble(wf, {
        startedAt, input: ticket, status: "COMPLETED",
        steps: [trigger, classify, condition, { label: "Page on-call", input: [decided], output: { main: [posted] }, ms: 310 + Math.round(rnd() * 200), logs: ["POST https://slack.com/api/chat.postMessage → 200"] }],
        skipped: [["Draft reply", UNTAKEN], ["Send reply", UNTAKEN]],
        agentCalls,
      });
    }

    const draftIn = 520 + Math.round(rnd() * 200);
    const draftOut = 180 + Math.round(rnd() * 160);
    const draftCost = (draftIn * 0.15 + draftOut * 0.6) / 1e6;
    const replyText = `Hi, thanks for reaching out about "${t.subject}". Here is how to sort it out: …`;
    const draft: Step = {
      label: "Draft reply", input: [decided], ms: 1_800 + Math.round(rnd() * 1_600), tokens: draftIn + draftOut, cost: draftCost,
      output: { main: [modelReply(replyText, "gpt-4o-mini", "openai", draftIn, draftOut, draftCost)], text: [replyText] },
      logs: [`openai gpt-4o-mini: ${draftIn + draftOut} tokens, $${draftCost.toFixed(6)}`],
    };
    if (i === 7) {
      return assemble(wf, {
        startedAt, input: ticket, status: "CANCELLED", error: CANCELLED,
        steps: [trigger, classify, condition, { ...draft, status: "stopped", output: {}, tokens: 0, cost: 0, logs: [], ms: 1_240 }],
        skipped: [["Page on-call", UNTAKEN]],
        agentCalls,
      });
    }
    const sent: Value = { id: `18f${(startedAt % 1e9).toString(16)}`, threadId: `18f${(startedAt % 1e8).toString(16)}`, labelIds: ["SENT"] };
    return assemble(wf, {
      startedAt, input: ticket, status: "COMPLETED",
      steps: [trigger, classify, condition, draft, { label: "Send reply", input: [draft.output!.main[0]], output: { main: [sent] }, ms: 420 + Math.round(rnd() * 300), logs: ["POST https://gmail.googleapis.com/gmail/v1/users/me/messages/send → 200"] }],
      skipped: [["Page on-call", UNTAKEN]],
      agentCalls,
    });
  });
}

function digestRuns(wf: DemoWorkflow, now: number): ExecutionDetail[] {
  const rnd = random(11);
  const day = 24 * 3600_000;
  let morning = Math.floor(now / day) * day + 7 * 3600_000;
  if (morning > now) morning -= day;
  const url = "https://newsapi.example.com/v2/top-headlines?country=us&pageSize=8";
  return Array.from({ length: 14 }, (_, k) => {
    const startedAt = morning - k * day + Math.round(rnd() * 900);
    const fired: Value = { firedAt: new Date(startedAt).toISOString(), cron: "0 7 * * *" };
    const trigger: Step = { label: "Every morning", input: [fired], output: { main: [fired] }, ms: 1 };
    if (k === 9) return assemble(wf, { startedAt, input: fired, status: "FAILED", error: INTERRUPTED, steps: [], interrupted: true });
    if (k === 2) {
      const err = `GET ${url} answered 503 Service Unavailable: upstream connect error or disconnect/reset before headers. reset reason: overflow`;
      return assemble(wf, {
        startedAt, input: fired, status: "FAILED", error: `node 'Fetch headlines' (http.request) failed: ${err}`,
        steps: [trigger, { label: "Fetch headlines", status: "failed", input: [fired], ms: 6_310, attempts: 3, error: err, logs: [`attempt 1 failed: ${err}; retrying in 2000 ms`, `attempt 2 failed: ${err}; retrying in 4000 ms`] }],
      });
    }
    const articles = HEADLINES.map(([title, source], j) => ({
      title: k % 2 === 0 ? title : HEADLINES[(j + 3) % HEADLINES.length][0],
      source,
      url: `https://news.example.com/${startedAt.toString(36)}/${j + 1}`,
      publishedAt: new Date(startedAt - (j + 1) * 1_900_000).toISOString(),
    }));
    const response: Value = { status: 200, headers: { "content-type": "application/json; charset=utf-8" }, body: { status: "ok", totalResults: articles.length, articles } };
    const inTok = 1_450 + Math.round(rnd() * 500);
    const outTok = 260 + Math.round(rnd() * 140);
    const cost = (inTok * 0.15 + outTok * 0.6) / 1e6;
    const summary = `Today's digest: ${articles.slice(0, 3).map((a) => a.title).join("; ")} — and ${articles.length - 3} more stories.`;
    const posted: Value = { ok: true, channel: "#news", ts: `${Math.floor(startedAt / 1000)}.000100` };
    return assemble(wf, {
      startedAt, input: fired, status: "COMPLETED",
      steps: [
        trigger,
        { label: "Fetch headlines", input: [fired], output: { main: [response] }, ms: 380 + Math.round(rnd() * 500), logs: [`GET ${url} → 200`] },
        { label: "Summarise", input: [response], output: { main: [modelReply(summary, "gpt-4o-mini", "openai", inTok, outTok, cost)], text: [summary] }, ms: 2_600 + Math.round(rnd() * 2_400), tokens: inTok + outTok, cost, logs: [`openai gpt-4o-mini: ${inTok + outTok} tokens, $${cost.toFixed(6)}`] },
        { label: "Post to #news", input: [{ text: summary }], output: { main: [posted] }, ms: 290 + Math.round(rnd() * 250), logs: ["POST https://slack.com/api/chat.postMessage → 200"] },
      ],
    });
  });
}

/** Past runs of the support triage and news digest demo workflows, newest first. */
export function demoExecutions(now: Date, orgId: string, triage: DemoWorkflow, digest: DemoWorkflow): ExecutionDetail[] {
  const t = now.getTime();
  return [...triageRuns(triage, orgId, t), ...digestRuns(digest, t)].sort((a, b) => Date.parse(b.summary.startedAt) - Date.parse(a.summary.startedAt));
}
