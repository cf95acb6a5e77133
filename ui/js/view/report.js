/**
 * "Export report" on a finished run: the run's report (GET /api/runs/{id}/report.png and
 * .svg, drawn by the platform) saved where the presenter wants it, through the transport: in
 * a browser as two downloads, in the app into a folder picked in a dialog. A toast says where
 * the files went, or why not. Text only.
 */
import { setAttr } from '../dom.js';

export function createReportExport(doc, { exportReport, toast }) {
  const button = doc.getElementById('export-report');
  /** The finished run the button exports, or null (none yet, or one is running). */
  let runId = null;
  let busy = false;

  function show() {
    button.hidden = runId === null;
    button.disabled = busy;
    setAttr(button, 'data-state', busy ? 'busy' : 'idle');
  }

  /** Offers a file fetched by the page as a download named `name`. */
  function download(blob, name) {
    const url = URL.createObjectURL(blob);
    const link = doc.createElement('a');
    link.href = url;
    link.download = name;
    link.hidden = true;
    doc.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60000);
  }

  async function exportNow() {
    if (busy || runId === null) return;
    busy = true;
    show();
    try {
      const saved = await exportReport(runId, download);
      if (saved !== null) toast.show('good', `Report saved: ${saved.join(', ')}.`);
    } catch (error) {
      toast.error(`Export report: ${error?.message ?? error}`);
    } finally {
      busy = false;
      show();
    }
  }

  button.addEventListener('click', exportNow);
  show();
  return {
    /** A run finished: its report can be exported. */
    finished(id) {
      runId = id;
      show();
    },
    /** A run started: there is nothing finished to export until it ends. */
    started() {
      runId = null;
      show();
    },
  };
}
