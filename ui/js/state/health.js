/**
 * The health region (the footer): the platform's health from /api/health, rejected records
 * counted on from `rejected` events, and which snapshots failed to load.
 */
import { number, text } from '../format.js';

/** @param ctx  the model's context (state.js): changed, need, feed */
export function createHealth(ctx) {
  let health = null;
  /** Local time (Date.now()) at which `health` was fetched, to keep uptime ticking. */
  let fetchedAtMs = 0;
  /** Snapshot names whose last fetch failed (e.g. the server is down, or wants a token). */
  const snapshotErrors = new Set();

  return {
    get health() { return health; },
    get fetchedAtMs() { return fetchedAtMs; },
    snapshotErrors,

    setSnapshotError(name, failed) {
      if (failed === snapshotErrors.has(name)) return;
      if (failed) snapshotErrors.add(name);
      else snapshotErrors.delete(name);
      ctx.changed('health');
    },

    applySnapshot(raw) {
      if (raw === null || typeof raw !== 'object') return;
      const rejected = raw.rejected !== null && typeof raw.rejected === 'object' ? raw.rejected : {};
      const byTopic = new Map();
      if (rejected.byTopic !== null && typeof rejected.byTopic === 'object') {
        for (const [topic, reasons] of Object.entries(rejected.byTopic)) {
          if (reasons === null || typeof reasons !== 'object') continue;
          const counts = new Map();
          for (const [reason, count] of Object.entries(reasons)) counts.set(text(reason, 80), number(count) ?? 0);
          byTopic.set(text(topic, 120), counts);
        }
      }
      const discovery = raw.discovery !== null && typeof raw.discovery === 'object' ? raw.discovery : {};
      health = {
        status: text(raw.status, 40),
        uptimeMs: number(raw.uptimeMs),
        environment: text(raw.environment, 40),
        sidecars: number(raw.sidecars),
        discovery: {
          replayed: discovery.replayed === true,
          records: number(discovery.records),
          elapsedMs: number(discovery.elapsedMs),
        },
        rejectedTotal: number(rejected.total) ?? 0,
        rejectedByTopic: byTopic,
      };
      fetchedAtMs = Date.now();
      ctx.changed('health');
    },

    events: {
      rejected(e, atMs) {
        const topic = text(e.topic, 120) ?? '?';
        const reason = text(e.reason, 80) ?? '?';
        if (health) {
          health.rejectedTotal += 1;
          const counts = health.rejectedByTopic.get(topic) ?? new Map();
          counts.set(reason, (counts.get(reason) ?? 0) + 1);
          health.rejectedByTopic.set(topic, counts);
          ctx.changed('health');
        } else {
          ctx.need('health');
        }
        ctx.feed({ atMs, type: 'rejected', tone: 'warn', label: 'rejected', text: `${topic}: ${reason}${e.detail ? ` (${text(e.detail)})` : ''}` });
      },

      // The footer shows how the registry was replayed.
      'discovery-replayed'() {
        ctx.need('health');
      },
    },
  };
}
