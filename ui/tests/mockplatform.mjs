// A DEV FAKE of the platform, for working on the page without a backend and for the parts of
// the browser tests the real server cannot do yet (the launch API). It is not Faultline: it
// plays a fixed script. It follows docs/protocol.md and the launch contract, and salts every
// free-text field with hostile strings (an XSS fixture).
//
//   createMockPlatform({ autostart, rate }) → { api(req, url, res), upgrade(req, socket, head), stop() }
//     autostart  start the rehearsal environment at once (like the server without --no-autostart)
//     rate       extra synthetic signal events per second (the bench: 1000)
import crypto from 'node:crypto';

export const EVIL = '<img src=x onerror=alert(1)>';
export const EVIL_ID = 'evil"><script>alert(2)</script>';
const now = () => Date.now();

const CHOICES = [
  { kind: 'rehearsal', title: 'Rehearsal', available: true, reason: 'Embedded cluster in this process; needs nothing.' },
  { kind: 'local', title: 'Local stack', available: false, reason: `Java not found ${EVIL}` },
  { kind: 'docker', title: 'Docker', available: false, reason: 'Docker not running' },
  { kind: 'external', title: 'External cluster', available: true, reason: 'An existing cluster by its bootstrap servers.', needsBootstrap: true },
];
const STEPS = ['pre-flight', 'embedded cluster', 'topics', 'demo producers', 'sidecars registered'];
const SCENARIOS = ['buffer-overflow', 'slow-broker', 'broker-down', 'network-partition', 'consumer-lag', 'latency-ramp'];

export function createMockPlatform({ autostart = false, rate = 0 } = {}) {
  const sockets = new Set();
  const timers = new Set();
  let seq = 0;
  const launch = { kind: 'rehearsal', state: 'stopped', steps: [], startedAtMs: null, error: null, leaveRunningOnQuit: false };
  let faults = [];
  let run = null;

  const later = (ms, fn) => { const t = setTimeout(() => { timers.delete(t); fn(); }, ms); timers.add(t); };
  const every = (ms, fn) => { const t = setInterval(fn, ms); timers.add(t); };
  const launchJson = () => ({
    ...launch,
    detected: { kind: 'rehearsal', reason: 'Docker not running → rehearsal' },
    choices: CHOICES,
  });

  function broadcast(event) {
    const text = typeof event === 'string' ? event : JSON.stringify({ seq: ++seq, atMs: now(), ...event });
    for (const socket of sockets) sendFrame(socket, text);
  }

  // ---- the environment ---------------------------------------------------------------------

  function start(kind) {
    Object.assign(launch, { kind, state: 'starting', steps: [], startedAtMs: now(), error: null });
    broadcast({ type: 'launch', ...launchJson() });
    STEPS.forEach((step, i) => {
      later(300 * i + 50, () => {
        launch.steps.push({ step, status: 'started', detail: '', elapsedMs: 0 });
        broadcast({ type: 'environment', kind, step, status: 'started', detail: '', elapsedMs: 0 });
      });
      later(300 * i + 300, () => {
        const done = { step, status: 'done', detail: i === 0 ? `ok ${EVIL}` : '', elapsedMs: 250 };
        launch.steps[i] = done;
        broadcast({ type: 'environment', kind, ...done });
        if (i === STEPS.length - 1) {
          launch.state = 'running';
          broadcast({ type: 'launch', ...launchJson() });
          running();
        }
      });
    });
  }

  function running() {
    const script = [
      { type: 'sidecar-status', sidecarId: 'producer-1', status: 'ACTIVE', previous: null, lastSeenMs: now(), sidecarType: 'producer', workload: 'rehearsal demo producer', host: 'vm', jmxEndpoint: null },
      { type: 'sidecar-status', sidecarId: EVIL_ID, status: 'ACTIVE', previous: null, lastSeenMs: now(), sidecarType: 'producer', workload: EVIL, host: EVIL, jmxEndpoint: EVIL },
      { type: 'discovery-replayed', sidecars: 2, records: 2, elapsedMs: 4 },
      { type: 'speech-act', sidecarId: EVIL_ID, act: 'REPORT', text: EVIL, requestId: null, request: null, urgency: null, about: 'OBSERVATION', inReplyTo: null },
      { type: 'rejected', topic: 'faultline.sidecars', reason: EVIL, detail: EVIL },
      { type: EVIL, payload: EVIL },
      'not json <script>',
    ];
    script.forEach((event, i) => later(100 * i, () => broadcast(event)));
    let tick = 0;
    every(1000, () => {
      tick++;
      for (const id of ['producer-1', EVIL_ID]) {
        const overflowing = run && id === 'producer-1' && run.phase === 'degraded';
        broadcast({ type: 'signal', sidecarId: id, ts: now(), bufferFill: overflowing ? 0.99 : 0.05 + 0.05 * Math.sin(tick / 5), targetRate: 10, sendRate: overflowing ? 3 : 10, requestLatencyMs: 20 + Math.random() * 4, txErrors: 0, retries: 0, queueFullErrors: 0 });
      }
      for (const id of [1, 2, 3]) broadcast({ type: 'broker', brokerId: id, reachable: true, underReplicatedPartitions: 0, offlinePartitions: 0, activeController: id === 1 ? 1 : 0, requestHandlerIdlePct: 90 - id, networkProcessorIdlePct: 95 });
      if (tick % 2 === 0) broadcast({ type: 'consumer-lag', group: `demo-consumers ${EVIL}`, lagMessages: 40 + (tick % 7) * 10, lagSeconds: 0.4, partitions: 6 });
    });
    if (rate > 0) {
      // The bench: `rate` signals a second in 10 ms batches, spread over four synthetic sidecars.
      const perBatch = Math.max(1, Math.round(rate / 100));
      let k = 0;
      every(10, () => {
        for (let i = 0; i < perBatch; i++, k++) {
          broadcast({ type: 'signal', sidecarId: `bench-${k % 4}`, ts: now(), bufferFill: (k % 1000) / 1000, targetRate: 1000, sendRate: 900 + (k % 200), requestLatencyMs: 10 + (k % 30), txErrors: 0, retries: 0, queueFullErrors: 0 });
        }
      });
    }
  }

  function stop() {
    for (const t of timers) { clearTimeout(t); clearInterval(t); }
    timers.clear();
    Object.assign(launch, { state: 'stopped', steps: [], startedAtMs: null });
    broadcast({ type: 'launch', ...launchJson() });
  }

  // ---- a scenario: buffer-overflow, compressed ----------------------------------------------

  function runScenario(id) {
    const runId = `run-${now()}`;
    const faultId = `fault-${now()}`;
    run = { runId, id, status: 'running', phase: 'injected' };
    const fault = { kind: 'producer-rate', producer: 'producer-1', rate: 10000 };
    broadcast({ type: 'scenario', runId, scenarioId: id, phase: 'started', text: `Scenario ${id} started.` });
    later(300, () => {
      faults = [{ id: faultId, fault, description: `producer-1 at 10000 msg/s ${EVIL}`, appliedAtMs: now(), runId }];
      broadcast({ type: 'fault', action: 'injected', faultId, fault, sentence: `Injected: producer-1 sends 10000 msg/s ${EVIL}` });
      broadcast({ type: 'scenario', runId, scenarioId: id, phase: 'step', text: `Watch the buffer fill ${EVIL}` });
    });
    later(1500, () => {
      run.phase = 'degraded';
      broadcast({ type: 'sign', sidecarId: 'producer-1', subject: 'buffer', sign: 'OVERFLOW', value: 0.99 });
      broadcast({ type: 'condition', subjectKind: 'sidecar', subject: 'producer-1', sidecarId: 'producer-1', detector: 'producer-buffer', condition: 'DEGRADED', confidence: 'MEASURED', situation: 'CRITICAL', previous: 'STABLE', sentence: `producer-1's send buffer is 99% full ${EVIL}` });
      broadcast({ type: 'speech-act', sidecarId: 'producer-1', act: 'REQUEST', text: 'please throttle', requestId: 'r1', request: 'THROTTLE', urgency: 'IMMEDIATE', about: null, inReplyTo: null });
      broadcast({ type: 'response', target: 'producer-1', act: 'ACKNOWLEDGE', responseId: 'a1', inReplyTo: 'r1', text: 'ack', command: null });
      broadcast({ type: 'response', target: 'producer-1', act: 'COMMAND', responseId: 'c1', inReplyTo: 'r1', text: 'throttle', command: { op: 'throttle', rate: 100 } });
    });
    later(3500, () => {
      run.phase = 'healed';
      faults = [];
      broadcast({ type: 'fault', action: 'reverted', faultId, fault, sentence: 'Reverted: producer-1 back to 10 msg/s' });
      broadcast({ type: 'condition', subjectKind: 'sidecar', subject: 'producer-1', sidecarId: 'producer-1', detector: 'producer-buffer', condition: 'STABLE', confidence: 'MEASURED', situation: 'NORMAL', previous: 'DEGRADED', sentence: 'producer-1 is STABLE again' });
      broadcast({ type: 'episode', sidecarId: 'producer-1', requestId: 'r1', outcome: 'healed', elapsedMs: 2000, sentence: 'Healed producer-1 in 2.0 s' });
      broadcast({ type: 'scenario', runId, scenarioId: id, phase: 'recovered', text: 'Everything is STABLE again, 40 ms after the heal.' });
    });
    later(4000, () => {
      run.status = 'passed';
      run.phase = 'done';
      broadcast({ type: 'scenario', runId, scenarioId: id, phase: 'finished', status: 'passed', text: `Scenario ${id} passed.` });
    });
    return runId;
  }

  // ---- HTTP -------------------------------------------------------------------------------

  const routes = {
    'GET /api/launch': () => [200, launchJson()],
    'GET /api/launch/preflight': (url) => {
      const kind = url.searchParams.get('kind');
      if (kind === 'local') return [200, { kind, ok: false, checks: [{ name: 'Java', ok: false, detail: EVIL }], blockers: [{ name: 'Java', ok: false, detail: 'Java 17 or newer is missing', fix: 'sudo apt-get install openjdk-17-jre-headless' }] }];
      return [200, { kind, ok: true, checks: [{ name: 'Ports', ok: true, detail: '3 loopback ports free' }, { name: 'Memory', ok: true, detail: `2 GiB free ${EVIL}` }], blockers: [] }];
    },
    'POST /api/environment/start': (_url, body) => {
      if (launch.state === 'starting' || launch.state === 'running') return [409, { error: `The ${launch.kind} environment is already ${launch.state}.` }];
      if (!CHOICES.some((c) => c.kind === body?.kind && c.available)) return [422, { error: 'Pre-flight failed.', blockers: [{ name: 'Environment', ok: false, detail: `${body?.kind} is not available here`, fix: 'Choose rehearsal.' }] }];
      start(body.kind);
      return [202, launchJson()];
    },
    'POST /api/environment/stop': () => { stop(); return [200, launchJson()]; },
    'POST /api/launch/settings': (_url, body) => { launch.leaveRunningOnQuit = body?.leaveRunningOnQuit === true; return [200, launchJson()]; },
    'GET /api/sidecars': () => [200, launch.state === 'running' ? [
      { sidecarId: 'producer-1', type: 'producer', status: 'ACTIVE', lastSeenMs: now(), jmxEndpoint: null, workload: 'rehearsal demo producer', host: 'vm', version: '0.1.0', heartbeatIntervalMs: 2000, condition: 'STABLE', confidence: 'MEASURED', sentence: null, bufferFill: 0.1, targetRate: 10, sendRate: 10, requestLatencyMs: 21 },
      { sidecarId: EVIL_ID, type: 'producer', status: 'ACTIVE', lastSeenMs: now(), jmxEndpoint: EVIL, workload: EVIL, host: EVIL, version: '"><svg onload=alert(3)>', heartbeatIntervalMs: 2000, condition: 'STABLE', confidence: 'MEASURED', sentence: null, bufferFill: 0.1, targetRate: 10, sendRate: 10, requestLatencyMs: 21 },
    ] : []],
    'GET /api/environment': () => [200, {
      kind: launch.kind, state: launch.state === 'stopping' ? 'running' : launch.state, bootstrapServers: '127.0.0.1:1', error: null,
      brokers: launch.state === 'running' ? [1, 2, 3].map((id) => ({ id, host: id === 2 ? EVIL : '127.0.0.1', port: 9090 + id, state: 'up', metrics: { reachable: true, underReplicatedPartitions: 0, offlinePartitions: 0, activeController: id === 1 ? 1 : 0, requestHandlerIdlePct: 88, networkProcessorIdlePct: 95, condition: 'STABLE', confidence: 'MEASURED', sentence: null, updatedMs: now() } })) : [],
    }],
    'GET /api/health': () => [200, { status: 'ok', uptimeMs: 123456, environment: launch.kind, sidecars: 2, discovery: { replayed: true, records: 2, elapsedMs: 4 }, rejected: { total: 1, byTopic: { 'faultline.sidecars': { [EVIL]: 1 } } }, scenarioErrors: [] }],
    'GET /api/consumer-groups': () => [200, []],
    'GET /api/faults': () => [200, faults],
    'GET /api/scenarios': () => [200, SCENARIOS.map((id) => ({ id, title: id.replace('-', ' '), summary: `${id} ${EVIL}`, environments: ['rehearsal'], supported: launch.state === 'running' || id === 'buffer-overflow', steps: [], expectations: [], source: 'built-in' }))],
    'POST /api/faults/restore': () => {
      const reverted = faults.map((f) => f.id);
      faults = [];
      broadcast({ type: 'restore', green: true, reverted: reverted.length, sentence: 'Restored; everything is green.' });
      return [200, { reverted, failed: [], checks: [], green: true, atMs: now() }];
    },
  };

  function api(req, url, res) {
    let raw = '';
    req.on('data', (chunk) => { raw += chunk; });
    req.on('end', () => {
      let body = null;
      try { body = raw ? JSON.parse(raw) : null; } catch { body = null; }
      let answer;
      const runMatch = /^\/api\/scenarios\/([^/]+)\/run$/.exec(url.pathname);
      const statusMatch = /^\/api\/runs\/([^/]+)$/.exec(url.pathname);
      if (req.method === 'POST' && runMatch) {
        answer = run?.status === 'running' ? [409, { error: 'Another scenario is running.' }] : [202, { runId: runScenario(decodeURIComponent(runMatch[1])) }];
      } else if (req.method === 'GET' && statusMatch) {
        answer = [200, { status: run?.status ?? 'failed', stopwatch: { injectedAtMs: 0, detectedAfterMs: 1200, healedAtMs: 3200, recoveredAfterMs: 40 }, expectations: [], reason: null }];
      } else {
        const route = routes[`${req.method} ${url.pathname}`];
        answer = route ? route(url, body) : [404, { error: `no such endpoint: ${url.pathname}` }];
      }
      res.writeHead(answer[0], { 'content-type': 'application/json' });
      res.end(JSON.stringify(answer[1]));
    });
  }

  function upgrade(req, socket) {
    const accept = crypto.createHash('sha1').update(`${req.headers['sec-websocket-key']}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest('base64');
    socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`);
    socket.on('error', () => {});
    socket.on('close', () => sockets.delete(socket));
    sockets.add(socket);
  }

  if (autostart) start('rehearsal');
  return {
    api,
    upgrade,
    stop() {
      for (const t of timers) { clearTimeout(t); clearInterval(t); }
      for (const socket of sockets) socket.destroy();
    },
  };
}

function sendFrame(socket, text) {
  if (socket.destroyed) return;
  const payload = Buffer.from(text);
  let header;
  if (payload.length < 126) header = Buffer.from([0x81, payload.length]);
  else if (payload.length < 65536) { header = Buffer.alloc(4); header[0] = 0x81; header[1] = 126; header.writeUInt16BE(payload.length, 2); }
  else { header = Buffer.alloc(10); header[0] = 0x81; header[1] = 127; header.writeBigUInt64BE(BigInt(payload.length), 2); }
  socket.write(Buffer.concat([header, payload]));
}
