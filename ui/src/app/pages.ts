// Owns the list of sidebar pages: their section, label, icon and what each not-yet-built page will do.
import type { IconName } from "../shared/icons";
import type { PageId } from "./router";

export type PageInfo = { id: PageId; label: string; icon: IconName; section: "Hub" | "Garage"; purpose: string };

export const PAGE_INFO: PageInfo[] = [
  {
    id: "dashboard",
    label: "Dashboard",
    icon: "grid",
    section: "Hub",
    purpose: "How your workflows run: runs, failures, tokens and cost by day, and the orders due.",
  },
  { id: "workflows", label: "Workflows", icon: "workflow", section: "Hub", purpose: "Build automations on a canvas." },
  {
    id: "agents",
    label: "Agents",
    icon: "agent",
    section: "Hub",
    purpose: "Configure AI agents — personality, model, tools and memory — that workflows and teams can call.",
  },
  {
    id: "teams",
    label: "Teams",
    icon: "team",
    section: "Hub",
    purpose: "Combine agents into a team that splits a task between its members and returns one result.",
  },
  {
    id: "integrations",
    label: "Integrations",
    icon: "plug",
    section: "Hub",
    purpose: "Connect Slack, Gmail, webhooks and other services, with their credentials kept in your OS keychain.",
  },
  {
    id: "executions",
    label: "Executions",
    icon: "history",
    section: "Hub",
    purpose: "Review every workflow run with its per-node status, logs, tokens, cost and duration.",
  },
  {
    id: "blueprints",
    label: "Blueprints",
    icon: "blueprint",
    section: "Garage",
    purpose: "Design tool blueprints on the canvas — visual programs that become tools your agents can call.",
  },
  {
    id: "orders",
    label: "Orders",
    icon: "order",
    section: "Garage",
    purpose: "Order a custom agent and follow its delivery through milestones and build logs.",
  },
  {
    id: "templates",
    label: "Templates",
    icon: "template",
    section: "Garage",
    purpose: "Start from agent and workflow templates, with ratings and reviews from other builders.",
  },
  {
    id: "showcases",
    label: "Showcases",
    icon: "showcase",
    section: "Garage",
    purpose: "Publish and browse AI projects built with NeuroFlow, with their features, technologies and metrics.",
  },
];

export const pageInfo = (id: PageId): PageInfo => PAGE_INFO.find((p) => p.id === id) ?? PAGE_INFO[0];
