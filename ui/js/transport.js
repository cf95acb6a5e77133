/**
 * How the page reaches the platform, behind one small interface:
 *
 *   connect(onEvent, onStatus) → stop()   every platform event, one object per call;
 *                                         onStatus('connected' | 'disconnected')
 *   getJson(path) → Promise<any>          a snapshot such as /api/sidecars
 *
 * The browser/headless build uses WebSocket + fetch. The desktop shell will provide the
 * same two functions over Tauri IPC, so nothing above this module knows which one it got.
 */
import { resolveEndpoints } from './config.js';

const BACKOFF_MIN_MS = 1000;
const BACKOFF_MAX_MS = 5000;
const FETCH_TIMEOUT_MS = 5000;

export function createTransport() {
  // Tauri plugs in here: `if (window.__TAURI__) return createTauriTransport();` (invoke + listen, same contract).
  return createWebTransport(resolveEndpoints());
}

/** WebSocket for the event stream, fetch for snapshots; reconnects with backoff 1 s → 5 s. */
function createWebTransport(endpoints) {
  async function getJson(path) {
    const response = await fetch(endpoints.httpBase + path, {
      headers: { Accept: 'application/json' },
      cache: 'no-store',
      signal: typeof AbortSignal.timeout === 'function' ? AbortSignal.timeout(FETCH_TIMEOUT_MS) : undefined,
    });
    if (!response.ok) throw new Error(`GET ${path}: HTTP ${response.status}`);
    return response.json();
  }

  /** POST with an optional JSON body; a refusal's `error` sentence becomes the Error. */
  async function postJson(path, body = null) {
    const response = await fetch(endpoints.httpBase + path, {
      method: 'POST',
      headers: { Accept: 'application/json', 'Content-Type': 'application/json' },
      body: body === null ? null : JSON.stringify(body),
      cache: 'no-store',
    });
    const answer = await response.json().catch(() => null);
    if (!response.ok) throw new Error(typeof answer?.error === 'string' ? answer.error : `POST ${path}: HTTP ${response.status}`);
    return answer;
  }

  function connect(onEvent, onStatus = () => {}) {
    let socket = null;
    let timer = null;
    let delay = BACKOFF_MIN_MS;
    let stopped = false;

    const scheduleReconnect = () => {
      if (stopped || timer !== null) return;
      timer = setTimeout(open, delay);
      delay = Math.min(delay * 2, BACKOFF_MAX_MS);
    };

    function open() {
      timer = null;
      try {
        socket = new WebSocket(endpoints.wsUrl);
      } catch (error) {
        console.warn('faultline: cannot open WebSocket', error);
        onStatus('disconnected');
        scheduleReconnect();
        return;
      }
      const current = socket;
      current.addEventListener('open', () => {
        delay = BACKOFF_MIN_MS;
        onStatus('connected');
      });
      current.addEventListener('message', (message) => {
        if (typeof message.data !== 'string') return;
        let event;
        try {
          event = JSON.parse(message.data);
        } catch {
          console.warn('faultline: ignoring a message that is not JSON');
          return;
        }
        if (event !== null && typeof event === 'object' && !Array.isArray(event)) onEvent(event);
      });
      // An 'error' is always followed by 'close', so reconnecting from 'close' covers both.
      current.addEventListener('close', () => {
        if (socket === current) socket = null;
        onStatus('disconnected');
        scheduleReconnect();
      });
    }

    open();
    return function stop() {
      stopped = true;
      clearTimeout(timer);
      timer = null;
      socket?.close();
    };
  }

  return { kind: 'websocket', endpoint: endpoints.label, connect, getJson, postJson };
}

const transport = createTransport();

/** Which server this page talks to, for display. */
export const endpoint = transport.endpoint;
export const connect = transport.connect;
export const getJson = transport.getJson;
export const postJson = transport.postJson;
