// Owns how agent settings read in the window: provider and status names, and the response formats.
import type { AgentStatus, Provider, ResponseFormat } from "../../ipc";

export const PROVIDER_LABELS: Record<Provider, string> = {
  openai: "OpenAI-compatible",
  anthropic: "Anthropic",
  ollama: "Ollama",
  vllm: "vLLM",
  lmstudio: "LM Studio",
};

export const FORMAT_LABELS: Record<ResponseFormat, string> = {
  text: "Plain text",
  markdown: "Markdown",
  json: "JSON",
};

export function statusLabel(status: AgentStatus): string {
  switch (status) {
    case "IDLE":
      return "Idle";
    case "BUSY":
      return "Running";
    case "OFFLINE":
      return "Offline";
    case "ERROR":
      return "Error";
  }
}
