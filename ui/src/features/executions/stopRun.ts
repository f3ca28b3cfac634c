// Owns stopping a run from the Executions page: asks the backend, says what happened; the run's status follows by refresh.
import { api, errorMessage, type ExecutionSummary } from "../../ipc";
import { toast } from "../../shared/toast";

export async function stopRun(run: Pick<ExecutionSummary, "id" | "workflowName">): Promise<void> {
  try {
    const stopping = await api.runCancel(run.id);
    toast(stopping ? `Stopping the run of “${run.workflowName}”…` : "That run has already finished.");
  } catch (e) {
    toast(`Couldn't stop the run: ${errorMessage(e)}`, "error");
  }
}
