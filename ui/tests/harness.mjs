// Starts the real faultline-server, the page, and Debian's Chromium for the browser tests, and
// stops them again. Binaries come from the cargo target dir (FAULTLINE_TARGET_DIR overrides).
//
// The page: by default the one the server itself serves (with its own CSP), which the cargo
// build assembled from this tree. FAULTLINE_UI=dist instead serves a fresh ui/dist/ (built
// here by build.mjs) with the server's CSP and /api and /ws forwarded to the server: for
// working on the page without rebuilding the binary. FAULTLINE_UI=sources serves ui/ itself
// the same way, without writing ui/dist/ (which a cargo build running alongside also writes).
import { spawn } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import fs from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { build } from '../build.mjs';
import { UI_ROOT, serveUi } from './uiserver.mjs';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const targetDir = process.env.FAULTLINE_TARGET_DIR ?? path.join(repo, 'target', 'debug');
export const artifacts = path.join(repo, 'artifacts');

export function binary(name) {
  const file = path.join(targetDir, name);
  if (!fs.existsSync(file)) throw new Error(`${file} is missing: build the workspace first (cargo build --workspace)`);
  return file;
}

export async function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * A child process in a process group of its own, whose output is kept for failure messages.
 * stop() sends SIGTERM to the whole group and waits until every process in it is gone
 * (SIGKILL after 15 s): tauri-driver starts WebKitWebDriver, which starts the app, and an app
 * left behind would keep this test process alive through the pipes it inherited.
 */
export function start(file, args, env = {}) {
  const child = spawn(file, args, {
    env: { ...process.env, RUST_LOG: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  child.stdout.on('data', (chunk) => { output += chunk; });
  child.stderr.on('data', (chunk) => { output += chunk; });
  const signal = (name) => {
    try {
      process.kill(-child.pid, name);
      return true;
    } catch {
      return false; // no process is left in the group
    }
  };
  return {
    child,
    output: () => output,
    async stop() {
      signal('SIGTERM');
      const deadline = Date.now() + 15000;
      while (signal(0)) {
        if (Date.now() > deadline) signal('SIGKILL');
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    },
  };
}

export async function eventually(check, { timeoutMs = 20000, what = 'condition' } = {}) {
  const deadline = Date.now() + timeoutMs;
  let last;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value) return value;
    } catch (error) {
      last = error;
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${last.message}` : ''}`);
}

/**
 * faultline-server on rehearsal with --no-autostart: it serves and waits for the launch panel.
 * With `token`, the server needs it (--token) and `headers` carries it for the test's own calls.
 * Its cache (fault ledger, recordings) is a scratch folder, removed when it stops.
 */
export async function startServer({ token = null } = {}) {
  const port = await freePort();
  const args = ['--env', 'rehearsal', '--no-autostart', '--listen', `127.0.0.1:${port}`];
  if (token) args.push('--token', token);
  const cache = fs.mkdtempSync(path.join(os.tmpdir(), 'faultline-ui-test-cache-'));
  const server = start(binary('faultline-server'), args, { FAULTLINE_CACHE: cache });
  const stop = server.stop;
  server.stop = async () => {
    await stop();
    fs.rmSync(cache, { recursive: true, force: true });
  };
  const api = `127.0.0.1:${port}`;
  const headers = token ? { Authorization: `Bearer ${token}` } : {};
  await eventually(async () => (await fetch(`http://${api}/api/health`, { headers })).ok, { what: `the server to answer (server output: ${server.output()})` });
  return { server, api, base: `http://${api}`, headers };
}

/** The page for `api` (HOST:PORT): the server's own, or ui/dist or ui/ through a forwarding server. */
export async function startPage(api) {
  if (process.env.FAULTLINE_UI === 'dist') return serveUi({ root: build(), proxy: api });
  if (process.env.FAULTLINE_UI === 'sources') return serveUi({ root: UI_ROOT, proxy: api });
  return { base: `http://${api}`, close: async () => {} };
}

export async function environment(base) {
  return eventually(async () => {
    const body = await (await fetch(`${base}/api/environment`)).json();
    return body.state === 'running' ? body : null;
  }, { timeoutMs: 60000, what: 'the environment to run' });
}

export async function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: [
      '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
    ],
  });
}
