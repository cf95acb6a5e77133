// Starts the real faultline-server and Debian's Chromium for the browser tests, and stops
// both again. Binaries come from the cargo target dir (FAULTLINE_TARGET_DIR overrides).
import { spawn } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

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

/** A child process whose output is kept for failure messages; stop() sends SIGTERM and waits. */
export function start(file, args) {
  const child = spawn(file, args, { env: { ...process.env, RUST_LOG: 'warn' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk) => { output += chunk; });
  child.stderr.on('data', (chunk) => { output += chunk; });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  return {
    child,
    output: () => output,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15000);
      await exited;
      clearTimeout(timer);
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

export async function startServer() {
  const port = await freePort();
  const server = start(binary('faultline-server'), ['--env', 'rehearsal', '--listen', `127.0.0.1:${port}`]);
  const base = `http://127.0.0.1:${port}`;
  const environment = await eventually(async () => {
    const response = await fetch(`${base}/api/environment`);
    const body = await response.json();
    return body.state === 'running' ? body : null;
  }, { what: `the rehearsal environment (server output: ${server.output()})` });
  return { server, base, environment };
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
