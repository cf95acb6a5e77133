// Serves the dashboard page the way faultline-server does (same CSP, same origin for /api and
// /ws), from ui/dist/ or straight from the sources, and forwards /api and /ws either to a
// running faultline-server (`proxy`) or to the dev fake (`platform`, see mockplatform.mjs).
// Used by devserver.mjs and by the browser tests: the server embeds the page when it is
// compiled, so testing the page in this tree must not depend on when that was.
import http from 'node:http';
import net from 'node:net';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CHART_TARGET, chartBundle } from '../build.mjs';

export const UI_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** crates/platform/src/server/ui.rs's policy, verbatim. */
export const CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";
const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.json': 'application/json' };
/** Only the page's own folders are served from the sources (never tests/, node_modules/, dist/). */
const SOURCE_ENTRIES = ['index.html', 'css', 'js'];

/**
 * @param {{root: string, port?: number, proxy?: string, platform?: {api: Function, upgrade: Function}}} options
 *   root: ui/dist or ui/ (sources; Chart.js is then taken from node_modules)
 * @returns {Promise<{base: string, close: () => Promise<void>}>}
 */
export function serveUi({ root, port = 0, proxy = null, platform = null }) {
  const fromSources = path.resolve(root) === UI_ROOT;
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://x');
    if (url.pathname.startsWith('/api/')) {
      if (platform) return platform.api(req, url, res);
      return forward(proxy, req, res);
    }
    serveFile(fileFor(url.pathname), res);
  });

  function fileFor(pathname) {
    const relative = pathname === '/' ? 'index.html' : decodeURIComponent(pathname).replace(/^\/+/, '');
    if (fromSources && relative === CHART_TARGET) return chartBundle();
    if (fromSources && !SOURCE_ENTRIES.includes(relative.split('/')[0])) return null;
    const file = path.normalize(path.join(root, relative));
    return file.startsWith(path.resolve(root) + path.sep) ? file : null;
  }

  server.on('upgrade', (req, socket, head) => {
    if (platform) return platform.upgrade(req, socket, head);
    const [host, p] = proxy.split(':');
    const upstream = net.connect(Number(p), host, () => {
      upstream.write(`${req.method} ${req.url} HTTP/1.1\r\n${Object.entries(req.headers).map(([k, v]) => `${k}: ${v}`).join('\r\n')}\r\n\r\n`);
      upstream.write(head);
      upstream.pipe(socket);
      socket.pipe(upstream);
    });
    upstream.on('error', () => socket.destroy());
    socket.on('error', () => upstream.destroy());
  });

  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      const base = `http://127.0.0.1:${server.address().port}`;
      resolve({
        base,
        close: () => new Promise((done) => { server.closeAllConnections?.(); server.close(() => done()); }),
      });
    });
  });
}

function serveFile(file, res) {
  if (!file) {
    res.writeHead(404);
    return res.end('no such page');
  }
  fs.readFile(file, (err, data) => {
    if (err) {
      res.writeHead(404);
      return res.end('no such page');
    }
    res.writeHead(200, {
      'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream',
      'content-security-policy': CSP,
      'x-content-type-options': 'nosniff',
      'cache-control': 'no-store',
    });
    res.end(data);
  });
}

function forward(proxy, req, res) {
  const [host, p] = proxy.split(':');
  const upstream = http.request({ host, port: p, path: req.url, method: req.method, headers: req.headers }, (r) => {
    res.writeHead(r.statusCode, r.headers);
    r.pipe(res);
  });
  upstream.on('error', () => { res.writeHead(502); res.end('upstream down'); });
  req.pipe(upstream);
}
