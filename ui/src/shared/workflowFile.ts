// Owns exporting a workflow or blueprint as a file from any page: the desktop writes it to the Downloads folder, a
// browser saves the text through a download link.
import { api, type GraphExport } from "../ipc";
import { toast } from "./toast";

/** Exports the workflow and tells the person where the file went; throws what the backend said. */
export const exportWorkflow = async (id: string) => deliver(await api.workflowExport(id));

/** Exports the blueprint as exportWorkflow does. */
export const exportBlueprint = async (id: string) => deliver(await api.blueprintExport(id));

async function deliver(file: GraphExport): Promise<void> {
  if (file.savedTo) {
    toast(`Exported to ${file.savedTo}`, "success");
    return;
  }
  const url = URL.createObjectURL(new Blob([file.contents], { type: "application/json" }));
  const link = document.createElement("a");
  link.href = url;
  link.download = file.fileName;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
  toast(`Exported ${file.fileName}`, "success");
}
