/**
 * The browser transport: WebSocket for the event stream (reconnecting with backoff 1 s → 5 s),
 * fetch for the HTTP API. A server that refuses the page (no or a wrong access token, a foreign
 * Origin) says why only in an HTTP answer: a WebSocket refused at its upgrade just closes. So
 * when the socket closes without ever opening, a GET /api/health asks, and its answer reaches
 * onRefusal listeners like every other one.
 */
import { answerOrThrow, createRefusalWatch } from './answer.js';

const BACKOFF_MIN_MS = 1000;
const BACKOFF_MAX_MS = 5000;
const FETCH_TIMEOUT_MS = 5000;

/** @param {{httpBase: string, wsUrl: string, label: string, token?: string | null}} endpoints */
export function createWebTransport(endpoints) {
  const refusals = createRefusalWatch();

  async function request(method, path, body = null) {
    const headers = { Accept: 'application/json' };
    // The server takes a change only as JSON, even one without a body.
    if (method !== 'GET') headers['Content-Type'] = 'application/json';
    if (endpoints.token) headers.Authorization = `Bearer ${endpoints.token}`;
    const response = await fetch(endpoints.httpBase + path, {
      method,
      headers,
      body: body === null ? null : JSON.stringify(body),
      cache: 'no-store',
      // Only reads time out: a POST such as "restore all" may take its 45 s on purpose.
      signal: method === 'GET' && typeof AbortSignal.timeout === 'function' ? AbortSignal.timeout(FETCH_TIMEOUT_MS) : undefined,
    });
    const answer = await response.json().catch(() => null);
    refusals.answered(response.status, answer);
    return answerOrThrow(method, path, response.status, answer);
  }

  /**
   * A finished run's report, PNG and SVG, each handed to `save(blob, name)` (the page offers
   * it as a download) under the server's file name. Resolves to the names saved.
   */
  async function exportReport(runId, save) {
    const saved = [];
    for (const file of ['report.png', 'report.svg']) {
      const path = `/api/runs/${encodeURIComponent(runId)}/${file}`;
      const headers = endpoints.token ? { Authorization: `Bearer ${endpoints.token}` } : {};
      const response = await fetch(endpoints.httpBase + path, { headers, cache: 'no-store' });
      if (!response.ok) {
        const answer = await response.json().catch(() => null);
        refusals.answered(response.status, answer);
        answerOrThrow('GET', path, response.status, answer);
      }
      const named = /filename="([\w.-]+)"/.exec(response.headers.get('Content-Disposition') ?? '');
      const name = named ? named[1] : `faultline-${file}`;
      save(await response.blob(), name);
      saved.push(name);
    }
    return saved;
  }

  /** Asks why the socket was refused, if it was; a server that is down fails this too, which says nothing. */
  function probe() {
    request('GET', '/api/health').catch(() => {});
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
      let opened = false;
      current.addEventListener('open', () => {
        opened = true;
        delay = BACKOFF_MIN_MS;
        refusals.admitted();
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
        if (!opened && !stopped) probe();
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

  return {
    kind: 'websocket',
    endpoint: endpoints.label,
    connect,
    getJson: (path) => request('GET', path),
    postJson: (path, body = null) => request('POST', path, body),
    deleteJson: (path) => request('DELETE', path),
    exportReport,
    onRefusal: refusals.subscribe,
  };
}
