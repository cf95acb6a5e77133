// Development server for ui/ (not shipped: rust-embed excludes tests/*). The server embeds ui/ at
// compile time, so iterating on the page would otherwise mean a rebuild per change. This serves
// ui/ from disk with the production CSP and keeps everything same-origin, as the embedded build is:
//
//   node ui/tests/devserver.mjs --port 18090 --proxy 127.0.0.1:18080   /api and /ws forwarded to a
//                                                                      running faultline-server
//   node ui/tests/devserver.mjs --port 18091 --mock                    scripted events full of hostile
//                                                                      strings (XSS fixture), a signal
//                                                                      flood and a feed overflow
// Then open http://127.0.0.1:PORT/ . No dependencies beyond Node 18+.
import http from 'node:http';
import net from 'node:net';
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import { fileURLToPath } from 'node:url';

const args = process.argv.slice(2);
const port = Number(args[args.indexOf('--port') + 1]);
const proxy = args.includes('--proxy') ? args[args.indexOf('--proxy') + 1] : null;
const mock = args.includes('--mock');
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
if (!Number.isInteger(port) || (!proxy && !mock)) {
  console.error('usage: devserver.mjs --port PORT (--proxy HOST:PORT | --mock)');
  process.exit(2);
}
const CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self' ws: wss:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";
const types = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.json': 'application/json' };

const EVIL = '<img src=x onerror=alert(1)>';
const EVIL_ID = 'evil"><script>alert(2)</script>';
const now = () => Date.now();
let mockSidecars = () => [
  { sidecarId: 'producer-1', type: 'producer', status: 'ACTIVE', lastSeenMs: now() - 1000, jmxEndpoint: null, workload: 'rehearsal demo producer', host: 'vm', version: '0.1.0', heartbeatIntervalMs: 2000, condition: 'STABLE', confidence: 'MEASURED', sentence: null, bufferFill: 0.1, targetRate: 10 },
  { sidecarId: EVIL_ID, type: 'producer', status: 'INACTIVE', lastSeenMs: now() - 65000, jmxEndpoint: EVIL, workload: EVIL, host: '<b>bold</b>', version: '"><svg onload=alert(3)>', heartbeatIntervalMs: 2000, condition: 'DEGRADED', confidence: 'CONFIRMED', sentence: `Sentence ${EVIL}`, bufferFill: 0.97, targetRate: 10 },
  { sidecarId: 'consumer-x', type: 'consumer', status: 'DEPARTED', lastSeenMs: now() - 3600000, jmxEndpoint: 'localhost:11001', workload: 'lag consumer', host: 'vm2', version: '0.1.0', heartbeatIntervalMs: 2000, condition: null, confidence: null, sentence: null, bufferFill: null, targetRate: null },
];
const mockApi = {
  '/api/sidecars': () => mockSidecars(),
  '/api/environment': () => ({ kind: 'rehearsal', state: 'running', bootstrapServers: 'a:1', brokers: [{ id: 1, host: '127.0.0.1', port: 1, state: 'up' }, { id: 2, host: EVIL, port: 2, state: 'down' }, { id: 3, host: '127.0.0.1', port: 3, state: 'up' }], error: null }),
  '/api/health': () => ({ status: 'ok', uptimeMs: 123456, environment: 'rehearsal', sidecars: 3, discovery: { replayed: true, records: 3, elapsedMs: 4 }, rejected: { total: 2, byTopic: { 'faultline.sidecars': { [EVIL]: 2 } } } }),
};

const server = http.createServer((req, res) => {
  const url = new URL(req.url, 'http://x');
  if (url.pathname.startsWith('/api/')) {
    if (mock) {
      const f = mockApi[url.pathname];
      res.writeHead(f ? 200 : 404, { 'content-type': 'application/json' });
      return res.end(f ? JSON.stringify(f()) : '{}');
    }
    const [host, p] = proxy.split(':');
    const up = http.request({ host, port: p, path: req.url, method: req.method, headers: req.headers }, (r) => {
      res.writeHead(r.statusCode, r.headers);
      r.pipe(res);
    });
    up.on('error', () => { res.writeHead(502); res.end('upstream down'); });
    return req.pipe(up);
  }
  const file = path.normalize(path.join(root, url.pathname === '/' ? 'index.html' : decodeURIComponent(url.pathname)));
  if (!file.startsWith(root + path.sep) || file.startsWith(path.join(root, 'tests') + path.sep)) { res.writeHead(404); return res.end('no such page'); }
  fs.readFile(file, (err, data) => {
    if (err) { res.writeHead(404); return res.end('no such page'); }
    res.writeHead(200, { 'content-type': types[path.extname(file)] ?? 'application/octet-stream', 'content-security-policy': CSP, 'x-content-type-options': 'nosniff', 'cache-control': 'no-store' });
    res.end(data);
  });
});

server.on('upgrade', (req, socket, head) => {
  if (!mock) {
    const [host, p] = proxy.split(':');
    const up = net.connect(Number(p), host, () => {
      up.write(`${req.method} ${req.url} HTTP/1.1\r\n${Object.entries(req.headers).map(([k, v]) => `${k}: ${v}`).join('\r\n')}\r\n\r\n`);
      up.write(head);
      up.pipe(socket); socket.pipe(up);
    });
    up.on('error', () => socket.destroy()); socket.on('error', () => up.destroy());
    return;
  }
  const accept = crypto.createHash('sha1').update(req.headers['sec-websocket-key'] + '258EAFA5-E914-47DA-95CA-C5AB0DC85B11').digest('base64');
  socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`);
  socket.on('error', () => {});
  let seq = 0;
  const send = (e) => {
    if (socket.destroyed) return;
    const payload = Buffer.from(typeof e === 'string' ? e : JSON.stringify({ seq: ++seq, atMs: now(), ...e }));
    let header;
    if (payload.length < 126) header = Buffer.from([0x81, payload.length]);
    else if (payload.length < 65536) { header = Buffer.alloc(4); header[0] = 0x81; header[1] = 126; header.writeUInt16BE(payload.length, 2); }
    else { header = Buffer.alloc(10); header[0] = 0x81; header[1] = 127; header.writeBigUInt64BE(BigInt(payload.length), 2); }
    socket.write(Buffer.concat([header, payload]));
  };
  const script = [
    { type: 'sidecar-status', sidecarId: 'producer-1', status: 'ACTIVE', previous: null, lastSeenMs: now(), sidecarType: 'producer' },
    { type: 'discovery-replayed', sidecars: 3, records: 3, elapsedMs: 4 },
    { type: 'sign', sidecarId: EVIL_ID, subject: 'buffer', sign: 'OVERFLOW', value: 0.97 },
    { type: 'condition', sidecarId: EVIL_ID, detector: EVIL, condition: 'DEGRADED', confidence: 'CONFIRMED', situation: 'CRITICAL', previous: 'DIVERGING', sentence: `${EVIL_ID}'s send buffer is 97% full (threshold 95%) ${EVIL}` },
    { type: 'speech-act', sidecarId: EVIL_ID, act: 'REQUEST', text: `Please throttle ${EVIL}`, requestId: 'r1', request: 'THROTTLE', urgency: 'IMMEDIATE', about: null, inReplyTo: null },
    { type: 'speech-act', sidecarId: 'producer-1', act: 'REPORT', text: 'heartbeat', requestId: null, request: null, urgency: null, about: 'HEARTBEAT', inReplyTo: null },
    { type: 'response', target: EVIL_ID, act: 'PROMISE', responseId: 'p1', inReplyTo: 'r1', text: `Will throttle ${EVIL}`, command: null },
    { type: 'response', target: EVIL_ID, act: 'COMMAND', responseId: 'c1', inReplyTo: 'r1', text: 'throttle to 5/s', command: { op: 'throttle', rate: 5 } },
    { type: 'episode', sidecarId: EVIL_ID, requestId: 'r1', outcome: 'healed', elapsedMs: 4200, sentence: `Healed ${EVIL} in 4.2 s` },
    { type: 'rejected', topic: 'faultline.sidecars', reason: EVIL, detail: EVIL },
    { type: 'environment', kind: 'rehearsal', step: 'broker-2 down', status: 'failed', detail: EVIL, elapsedMs: 12 },
    { type: EVIL, payload: EVIL },
    '{"type":"lagged","missed":17}',
    'not json <script>',
    { type: 'sidecar-status', sidecarId: 'late-joiner', status: 'ACTIVE', previous: null, lastSeenMs: now(), sidecarType: 'consumer' },
  ];
  let i = 0;
  const timer = setInterval(() => {
    if (i < script.length) send(script[i++]);
    for (const id of ['producer-1', EVIL_ID]) send({ type: 'signal', sidecarId: id, ts: now(), bufferFill: id === 'producer-1' ? Math.random() * 0.5 : 0.97, targetRate: 10, sendRate: 9 + Math.random(), requestLatencyMs: 20 + Math.random() * 5, txErrors: id === 'producer-1' ? 0 : 3, retries: 1, queueFullErrors: 0 });
  }, 150);
  // a flood: 3000 signals at once, should cost a few frames, not 3000 renders
  setTimeout(() => { for (let k = 0; k < 3000; k++) send({ type: 'signal', sidecarId: 'producer-1', ts: now(), bufferFill: k / 3000, targetRate: 10, sendRate: 10, requestLatencyMs: 21, txErrors: 0, retries: 0, queueFullErrors: 0 }); }, 3000);
  // 300 feed-worthy events to test the cap
  setTimeout(() => { for (let k = 0; k < 300; k++) send({ type: 'sign', sidecarId: 'producer-1', subject: 'buffer', sign: k % 2 ? 'ENQUEUE' : 'DEQUEUE', value: 0.5 }); }, 3500);
  socket.on('close', () => clearInterval(timer));
});

server.listen(port, '127.0.0.1', () => console.log(`dev server on ${port} (${mock ? 'mock' : `proxy ${proxy}`})`));
