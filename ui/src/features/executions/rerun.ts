// Owns re-running a stored execution's workflow from the Executions pages: again as a fresh run, or with the input
// that execution had; either way the new execution's page opens and follows it live.
import { api, errorMessage, type JsonValue } from "../../ipc";
import { executionPath, navigate } from "../../app/router";
import { toast } from "../../shared/toast";

/** Runs the workflow's saved graph again: with the input execution `sameInputAs` had, or with the default input. */
export async function rerun(workflowId: string, workflowName: string, sameInputAs: string | null): Promise<void> {
  try {
    let input: JsonValue | undefined;
    if (sameInputAs) input = (await api.executionGet(sameInputAs)).input as JsonValue;
    // Updates are followed by the execution page (it polls while the run is live), not here.
    const started = await api.workflowRun(workflowId, input === undefined ? {} : { input }, () => {});
    navigate(executionPath(started.executionId));
  } catch (e) {
    toast(`Couldn't re-run “${workflowName}”: ${errorMessage(e)}`, "error");
  }
}
