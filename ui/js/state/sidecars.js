/**
 * The sidecars region: one entry per sidecar (the cards), from /api/sidecars and then
 * `signal`, `sidecar-status`, heartbeat `speech-act` and `condition` events. A sidecar's
 * status change, or a warning that appears or clears, is a feed line only this region can
 * word, because only it sees what changed.
 */
import { millis, number, text } from '../format.js';
import { statusTone } from '../vocabulary.js';

/** @param ctx  the model's context (state.js): changed, changedCard, need, feed */
export function createSidecars(ctx) {
  /** @type {Map<string, object>} sidecar id → sidecar */
  let byId = new Map();

  /** The sidecar an event is about; an unknown id gets a placeholder card and a registry refetch. */
  function sidecarFor(rawId, { create = true } = {}) {
    const id = text(rawId, 128);
    if (!id) return null;
    let sidecar = byId.get(id);
    if (!sidecar && create) {
      sidecar = blankSidecar(id);
      byId.set(id, sidecar);
      ctx.changed('cards');
      ctx.need('sidecars');
    }
    return sidecar ?? null;
  }

  return {
    get byId() { return byId; },

    /** Replace the registry from /api/sidecars, keeping live signal values the snapshot lacks. */
    applySnapshot(list) {
      if (!Array.isArray(list)) return;
      const next = new Map();
      for (const raw of list) {
        if (raw === null || typeof raw !== 'object') continue;
        const id = text(raw.sidecarId, 128);
        if (!id) continue;
        const previous = byId.get(id);
        next.set(id, {
          ...(previous ?? blankSidecar(id)),
          type: text(raw.type, 40),
          status: text(raw.status, 40),
          // Signals can be newer than the registry's last heartbeat; last seen never goes back.
          lastSeenMs: maxOrNull(number(raw.lastSeenMs), previous?.lastSeenMs ?? null),
          jmxEndpoint: text(raw.jmxEndpoint, 200),
          workload: text(raw.workload, 200),
          host: text(raw.host, 200),
          version: text(raw.version, 40),
          heartbeatIntervalMs: number(raw.heartbeatIntervalMs),
          condition: text(raw.condition, 40),
          confidence: text(raw.confidence, 40),
          sentence: text(raw.sentence),
          bufferFill: number(raw.bufferFill) ?? previous?.bufferFill ?? null,
          targetRate: number(raw.targetRate) ?? previous?.targetRate ?? null,
          ...sidecarWarnings(raw),
        });
      }
      byId = next;
      ctx.changed('cards');
      for (const id of next.keys()) ctx.changedCard(id);
    },

    events: {
      signal(e, atMs) {
        const sidecar = sidecarFor(e.sidecarId);
        if (!sidecar) return;
        sidecar.bufferFill = number(e.bufferFill);
        sidecar.targetRate = number(e.targetRate);
        sidecar.sendRate = number(e.sendRate);
        sidecar.requestLatencyMs = number(e.requestLatencyMs);
        sidecar.txErrors = number(e.txErrors);
        sidecar.retries = number(e.retries);
        sidecar.queueFullErrors = number(e.queueFullErrors);
        // A snapshot from the sidecar proves it is alive, between heartbeats too. When the
        // platform published it (its clock, like lastSeenMs), not the sidecar's stamp: a sidecar
        // clock that is off must not move "last seen".
        if (atMs !== null && (sidecar.lastSeenMs === null || atMs > sidecar.lastSeenMs)) sidecar.lastSeenMs = atMs;
        ctx.changedCard(sidecar.id);
        // Deliberately not in the feed: about one per second per sidecar would drown it.
      },

      'sidecar-status'(e, atMs) {
        const sidecar = sidecarFor(e.sidecarId);
        if (!sidecar) return;
        sidecar.status = text(e.status, 40);
        const lastSeen = number(e.lastSeenMs);
        if (lastSeen !== null) sidecar.lastSeenMs = lastSeen;
        if (e.sidecarType) sidecar.type = text(e.sidecarType, 40);
        if (typeof e.workload === 'string') sidecar.workload = text(e.workload, 200);
        if (typeof e.host === 'string') sidecar.host = text(e.host, 200);
        if (e.jmxEndpoint !== undefined) sidecar.jmxEndpoint = text(e.jmxEndpoint, 200);
        const warnedBefore = [sidecar.clockWarning, sidecar.idConflict];
        Object.assign(sidecar, sidecarWarnings(e));
        ctx.changedCard(sidecar.id);
        const previous = text(e.previous, 40);
        if (previous && previous === sidecar.status) {
          // Only a warning changed: the feed says which, or that it cleared.
          const [clockBefore, conflictBefore] = warnedBefore;
          const news = [
            sidecar.idConflict !== conflictBefore ? sidecar.idConflict ?? `${sidecar.id}: only one sidecar reports under this id again.` : null,
            sidecar.clockWarning !== clockBefore ? sidecar.clockWarning ?? `${sidecar.id}'s clock agrees with the platform's again.` : null,
          ].filter(Boolean);
          if (!news.length) return;
          ctx.feed({
            atMs, type: 'sidecar-status', sidecarId: sidecar.id, tone: sidecar.idConflict || sidecar.clockWarning ? 'warn' : 'info',
            label: 'status', text: news.join(' '),
          });
          return;
        }
        ctx.feed({
          atMs, type: 'sidecar-status', sidecarId: sidecar.id, tone: statusTone(sidecar.status), label: 'status',
          text: previous ? `${sidecar.status} (was ${previous})` : `${sidecar.status ?? 'unknown'}, discovered`,
        });
      },

      // Liveness only; the feed line for every other speech act is healing.js's.
      'speech-act'(e, atMs) {
        if (text(e.about, 40) !== 'HEARTBEAT') return;
        const sidecar = sidecarFor(e.sidecarId, { create: false });
        if (sidecar && atMs !== null) {
          sidecar.lastSeenMs = Math.max(sidecar.lastSeenMs ?? 0, atMs);
          ctx.changedCard(sidecar.id);
        }
      },

      condition(e) {
        const sidecar = sidecarFor(e.sidecarId);
        if (!sidecar) return;
        const condition = text(e.condition, 40);
        sidecar.condition = condition;
        sidecar.confidence = text(e.confidence, 40);
        sidecar.situation = text(e.situation, 40);
        sidecar.sentence = condition === 'STABLE' ? null : text(e.sentence);
        ctx.changedCard(sidecar.id);
      },

      'discovery-replayed'(e, atMs) {
        ctx.feed({
          atMs, type: 'discovery-replayed', tone: 'info', label: 'discovery',
          text: `Registry replayed: ${number(e.sidecars) ?? '?'} sidecar(s) from ${number(e.records) ?? '?'} record(s) in ${millis(e.elapsedMs)}`,
        });
        ctx.need('sidecars');
      },

      // A restore reverts every fault; the registry is fetched again to show the result.
      restore() {
        ctx.need('sidecars');
      },
    },
  };
}

function maxOrNull(a, b) {
  if (a === null) return b;
  if (b === null) return a;
  return Math.max(a, b);
}

function blankSidecar(id) {
  return {
    id, type: null, status: null, lastSeenMs: null, jmxEndpoint: null, workload: null, host: null, version: null,
    heartbeatIntervalMs: null, condition: null, confidence: null, situation: null, sentence: null,
    bufferFill: null, targetRate: null, sendRate: null, requestLatencyMs: null,
    txErrors: null, retries: null, queueFullErrors: null,
    clockOffsetMs: null, clockWarning: null, idConflict: null,
  };
}

/** A sidecar's clock offset and warning sentences, from /api/sidecars or a sidecar-status event. */
function sidecarWarnings(raw) {
  return {
    clockOffsetMs: number(raw.clockOffsetMs),
    clockWarning: text(raw.clockWarning),
    idConflict: text(raw.idConflict),
  };
}
