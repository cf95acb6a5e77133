/**
 * In the desktop app, "Open a recording…" on the launch panel: the app shows a file dialog on
 * the recordings folder and plays the chosen file in a window of its own (src-tauri's
 * `open_recording` command; the page gets no file access itself). Elsewhere (a browser,
 * where `faultline-server --replay FILE` does the same) the button stays hidden.
 */
import { text } from '../format.js';

/**
 * @param {Document} doc
 * @param {{core?: {invoke: Function}} | undefined} tauri  window.__TAURI__, when there
 * @param {{show: Function, error: Function}} toast
 */
export function showOpenRecording(doc, tauri, toast) {
  const button = doc.getElementById('open-recording');
  if (!button || typeof tauri?.core?.invoke !== 'function') return;
  button.hidden = false;
  button.addEventListener('click', async () => {
    button.disabled = true;
    try {
      const name = await tauri.core.invoke('open_recording');
      if (name !== null) toast.show('good', `Replaying ${text(name, 200)} in its own window.`);
    } catch (error) {
      toast.error(`Open a recording: ${text(error?.message ?? error, 400)}`);
    } finally {
      button.disabled = false;
    }
  });
}
