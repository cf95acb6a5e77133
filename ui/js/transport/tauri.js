/**
 * The desktop transport: inside the Faultline app the page talks to the platform in-process.
 * One command, `api`, runs the same HTTP router as the server and answers {status, body};
 * bus events arrive as `faultline://event` Tauri events carrying the same JSON as /ws. A
 * run's report is saved by the app itself (`export_report`: a folder dialog, then the files).
 */
import { answerOrThrow, createRefusalWatch } from './answer.js';

export const EVENT_NAME = 'faultline://event';

/** @param {{core: {invoke: Function}, event: {listen: Function}}} tauri  window.__TAURI__ */
export function createTauriTransport(tauri) {
  // The in-process router needs no token and its calls carry no Host or Origin, so nothing
  // it answers is a refusal; watched anyway, so the page need not know which transport it has.
  const refusals = createRefusalWatch();

  async function request(method, path, body = null) {
    const answer = await tauri.core.invoke('api', { method, path, body });
    const status = typeof answer?.status === 'number' ? answer.status : 500;
    refusals.answered(status, answer?.body ?? null);
    return answerOrThrow(method, path, status, answer?.body ?? null);
  }

  function connect(onEvent, onStatus = () => {}) {
    let stopped = false;
    let unlisten = null;
    tauri.event
      .listen(EVENT_NAME, (message) => {
        const event = message?.payload;
        if (event !== null && typeof event === 'object' && !Array.isArray(event)) onEvent(event);
      })
      .then((stop) => {
        if (stopped) {
          stop();
          return;
        }
        unlisten = stop;
        onStatus('connected');
      })
      .catch((error) => {
        console.warn('faultline: cannot listen for platform events', error);
        onStatus('disconnected');
      });
    return function stop() {
      stopped = true;
      unlisten?.();
      unlisten = null;
    };
  }

  return {
    kind: 'tauri',
    endpoint: 'in-app',
    connect,
    getJson: (path) => request('GET', path),
    postJson: (path, body = null) => request('POST', path, body),
    deleteJson: (path) => request('DELETE', path),
    /** The app asks for a folder and writes the PNG and SVG there: their paths, or null when cancelled. */
    exportReport: async (runId) => {
      const saved = await tauri.core.invoke('export_report', { runId });
      return Array.isArray(saved) ? saved : null;
    },
    onRefusal: refusals.subscribe,
  };
}
