// Owns exporting a workflow as a file from any page: the desktop writes it to the Downloads folder, a browser saves the
// text through a download link.
import { api } from "../ipc";
import { toast } from "./toast";

/** Exports and tells the person where the file went; throws what the backend said. */
export async function exportWorkflow(id: string): Promise<void> {
  const file = await api.workflowExport(id);
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
