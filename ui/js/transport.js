/**
 * How the page reaches the platform, behind one small interface:
 *
 *   connect(onEvent, onStatus) → stop()   every platform event, one object per call;
 *                                         onStatus('connected' | 'disconnected')
 *   getJson(path), postJson(path, body), deleteJson(path) → Promise<any>
 *                                         the HTTP API; a refusal rejects with its `error` sentence
 *   exportReport(runId, save) → Promise<string[] | null>
 *                                         a finished run's PNG and SVG report saved: in a browser
 *                                         each handed to save(blob, name) as a download, in the
 *                                         app written to a folder the presenter picks; the names
 *                                         (paths) saved, null when the presenter cancelled
 *   onRefusal(listener) → unsubscribe     listener(sentence) when the server refuses this page
 *                                         access (401/403 and its sentence), listener(null) when
 *                                         a later call gets through
 *
 * Inside the desktop app's own page (`window.__TAURI__`, from withGlobalTauri) that is Tauri IPC; in a
 * browser it is WebSocket + fetch, with the access token where the server needs one
 * (config.js). Nothing above this module knows which one it got.
 */
import { resolveEndpoints } from './config.js';
import { createTauriTransport } from './transport/tauri.js';
import { createWebTransport } from './transport/web.js';
import { appShell } from './transport/shell.js';

export { appShell };

export function createTransport(global = window) {
  const shell = appShell(global);
  if (shell) return createTauriTransport(shell);
  return createWebTransport(resolveEndpoints(global));
}

const transport = createTransport();

/** Which server this page talks to, for display. */
export const endpoint = transport.endpoint;
export const connect = transport.connect;
export const getJson = transport.getJson;
export const postJson = transport.postJson;
export const deleteJson = transport.deleteJson;
export const exportReport = transport.exportReport;
export const onRefusal = transport.onRefusal;
