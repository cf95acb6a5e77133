// The desktop transport against a fake window.__TAURI__: the same contract as the web one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createTauriTransport, EVENT_NAME } from '../js/transport/tauri.js';
import { answerOrThrow } from '../js/transport/answer.js';
import { appShell } from '../js/transport/shell.js';

function fakeTauri(answers) {
  const calls = [];
  const listeners = new Map();
  let unlistened = 0;
  return {
    calls,
    listeners,
    unlistened: () => unlistened,
    core: {
      async invoke(command, args) {
        calls.push({ command, ...args });
        return answers(args);
      },
    },
    event: {
      async listen(name, handler) {
        listeners.set(name, handler);
        return () => { unlistened += 1; listeners.delete(name); };
      },
    },
  };
}

test('requests go through the api command and 2xx bodies come back', async () => {
  const tauri = fakeTauri(({ path }) => ({ status: path === '/api/launch' ? 200 : 202, body: { ok: path } }));
  const transport = createTauriTransport(tauri);
  assert.deepEqual(await transport.getJson('/api/launch'), { ok: '/api/launch' });
  assert.deepEqual(await transport.postJson('/api/environment/start', { kind: 'rehearsal' }), { ok: '/api/environment/start' });
  await transport.deleteJson('/api/faults/f-1');
  assert.deepEqual(tauri.calls, [
    { command: 'api', method: 'GET', path: '/api/launch', body: null },
    { command: 'api', method: 'POST', path: '/api/environment/start', body: { kind: 'rehearsal' } },
    { command: 'api', method: 'DELETE', path: '/api/faults/f-1', body: null },
  ]);
});

test("a refusal rejects with the server's sentence, or the status when there is none", async () => {
  const tauri = fakeTauri(({ path }) => (path === '/a' ? { status: 409, body: { error: 'Already running.' } } : { status: 500, body: null }));
  const transport = createTauriTransport(tauri);
  await assert.rejects(transport.postJson('/a'), { message: 'Already running.', status: 409 });
  await assert.rejects(transport.getJson('/b'), { message: 'GET /b: HTTP 500' });
});

test('events arrive from faultline://event; connected once listening; stop unlistens', async () => {
  const tauri = fakeTauri(() => ({ status: 200, body: null }));
  const transport = createTauriTransport(tauri);
  const events = [];
  const statuses = [];
  const stop = transport.connect((e) => events.push(e), (s) => statuses.push(s));
  await new Promise((resolve) => setTimeout(resolve, 0));
  assert.deepEqual(statuses, ['connected']);
  const handler = tauri.listeners.get(EVENT_NAME);
  handler({ payload: { type: 'signal', seq: 1 } });
  handler({ payload: 'not an object' });
  handler({ payload: [1, 2] });
  assert.deepEqual(events, [{ type: 'signal', seq: 1 }]);
  stop();
  assert.equal(tauri.unlistened(), 1);
});

test('answerOrThrow keeps the body of a refusal (a 422 carries its blockers)', () => {
  const body = { error: 'Pre-flight failed.', blockers: [{ what: 'Java', fix: 'install it' }] };
  assert.throws(() => answerOrThrow('POST', '/x', 422, body), (error) => error.body === body && error.status === 422);
  assert.equal(answerOrThrow('GET', '/x', 204, null), null);
});

test('a report is exported by the app: export_report with the run id; a closed dialog is null', async () => {
  let picked = ['/home/me/faultline-x-run-1.png', '/home/me/faultline-x-run-1.svg'];
  const tauri = fakeTauri(() => picked);
  const transport = createTauriTransport(tauri);
  assert.deepEqual(await transport.exportReport('run-1'), picked);
  picked = null;
  assert.equal(await transport.exportReport('run-1'), null);
  assert.deepEqual(tauri.calls, [
    { command: 'export_report', runId: 'run-1' },
    { command: 'export_report', runId: 'run-1' },
  ]);
});

test("the app's IPC is used only by the app's own page, never by a page a server sent to an app window", () => {
  const tauri = { core: { invoke() {} }, event: { listen() {} } };
  assert.equal(appShell({ __TAURI__: tauri, location: { protocol: 'tauri:', hostname: 'localhost' } }), tauri);
  assert.equal(appShell({ __TAURI__: tauri, location: { protocol: 'http:', hostname: 'tauri.localhost' } }), tauri);
  assert.equal(appShell({ __TAURI__: tauri, location: { protocol: 'http:', hostname: '127.0.0.1' } }), null);
  assert.equal(appShell({ location: { protocol: 'tauri:', hostname: 'localhost' } }), null);
});
