/**
 * The environment region: its kind and state (the header) and its brokers (the tiles), from
 * /api/environment and then `broker` readings and broker `condition` events. Launch steps,
 * faults and restores change what the snapshot says, so they ask for it again.
 */
import { millis, number, text } from '../format.js';

/** @param ctx  the model's context (state.js): changed, need, feed */
export function createEnvironment(ctx) {
  /** {kind, state, bootstrapServers, brokers: [...], underReplicatedPartitions, error}, or null before the first snapshot. */
  let environment = null;

  const brokerById = (id) => environment?.brokers.find((b) => b.id === id);

  return {
    get environment() { return environment; },

    /** The environment and its brokers; each broker's `metrics` is its latest `broker` reading. */
    applySnapshot(raw) {
      if (raw === null || typeof raw !== 'object') return;
      const brokers = Array.isArray(raw.brokers)
        ? raw.brokers
            .filter((b) => b !== null && typeof b === 'object')
            .map((b) => ({
              id: text(b.id, 20), host: text(b.host, 200), port: number(b.port), state: text(b.state, 20),
              ...brokerReading(b.metrics ?? {}),
              condition: text(b.metrics?.condition, 40),
              sentence: text(b.metrics?.sentence),
            }))
        : [];
      environment = {
        kind: text(raw.kind, 40),
        state: text(raw.state, 40),
        bootstrapServers: text(raw.bootstrapServers, 400),
        brokers,
        underReplicatedPartitions: number(raw.underReplicatedPartitions),
        error: text(raw.error),
      };
      ctx.changed('environment');
      ctx.changed('brokers');
    },

    events: {
      // Once a second per broker: numbers for the tiles and charts, never feed lines.
      broker(e) {
        const broker = brokerById(text(e.brokerId, 20));
        if (!broker) {
          ctx.need('environment');
          return;
        }
        Object.assign(broker, brokerReading(e));
        ctx.changed('brokers');
      },

      condition(e) {
        if (e.subjectKind !== 'broker') return;
        const broker = brokerById(text(e.brokerId, 20));
        if (!broker) return;
        const condition = text(e.condition, 40);
        broker.condition = condition;
        broker.sentence = condition === 'STABLE' ? null : text(e.sentence);
        ctx.changed('brokers');
      },

      /**
       * A launch step: the environment's state has moved on, and a step's outcome is a feed
       * line. Its start and progress (a pull's percent, many a second) are the launch panel's.
       */
      environment(e, atMs) {
        ctx.need('environment');
        const status = text(e.status, 40);
        if (status !== 'done' && status !== 'failed') return;
        const detail = text(e.detail);
        ctx.feed({
          atMs, type: 'environment', tone: status === 'failed' ? 'bad' : 'ok', label: 'environment',
          text: `${text(e.kind, 40) ?? ''} ${text(e.step, 80) ?? '?'} ${status} in ${millis(e.elapsedMs)}${detail ? `: ${detail}` : ''}`.trim(),
        });
      },

      fault() {
        ctx.need('environment');
      },

      restore() {
        ctx.need('environment');
      },
    },
  };
}

/** A broker's JMX reading (a `broker` event, or `metrics` in /api/environment). */
function brokerReading(r) {
  return {
    reachable: typeof r.reachable === 'boolean' ? r.reachable : null,
    underReplicatedPartitions: number(r.underReplicatedPartitions),
    offlinePartitions: number(r.offlinePartitions),
    activeController: number(r.activeController),
    requestHandlerIdlePct: number(r.requestHandlerIdlePct),
    networkProcessorIdlePct: number(r.networkProcessorIdlePct),
  };
}
