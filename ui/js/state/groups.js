/**
 * The consumer groups region: one entry per group with its latest lag and condition, from
 * /api/consumer-groups and then `consumer-lag` and consumer-group `condition` events.
 */
import { number, text } from '../format.js';

/** @param ctx  the model's context (state.js): changed */
export function createGroups(ctx) {
  /** @type {Map<string, object>} consumer group name → its latest lag and condition */
  let byName = new Map();

  return {
    get byName() { return byName; },

    /** Replace the consumer groups from /api/consumer-groups. */
    applySnapshot(list) {
      if (!Array.isArray(list)) return;
      byName = new Map();
      for (const raw of list) {
        const name = text(raw?.group, 200);
        if (!name) continue;
        byName.set(name, {
          name, ...lagReading(raw),
          condition: text(raw.condition, 40), confidence: text(raw.confidence, 40), sentence: text(raw.sentence),
        });
      }
      ctx.changed('groups');
    },

    events: {
      // Every two seconds per group: numbers for the rows and charts, never feed lines.
      'consumer-lag'(e) {
        const name = text(e.group, 200);
        if (!name) return;
        const group = byName.get(name) ?? { name, condition: null, confidence: null, sentence: null };
        byName.set(name, { ...group, ...lagReading(e) });
        ctx.changed('groups');
      },

      condition(e) {
        if (e.subjectKind !== 'consumer-group') return;
        const name = text(e.group, 200);
        if (!name) return;
        const condition = text(e.condition, 40);
        const group = byName.get(name) ?? { name, ...lagReading({}) };
        byName.set(name, { ...group, condition, confidence: text(e.confidence, 40), sentence: condition === 'STABLE' ? null : text(e.sentence) });
        ctx.changed('groups');
      },
    },
  };
}

/** A consumer group's lag (a `consumer-lag` event, or a row of /api/consumer-groups). */
function lagReading(r) {
  return {
    lagMessages: number(r.lagMessages),
    lagSeconds: number(r.lagSeconds),
    partitions: number(r.partitions),
    measuredPartitions: number(r.measuredPartitions),
    /** "topic-partition" names of the partitions whose lag is unknown. */
    unknownPartitions: partitionNames(r.unknownPartitions),
    /** "topic-partition" names of the partitions stuck behind an open transaction. */
    stuckPartitions: partitionNames(r.stuckPartitions),
    stale: r.stale === true,
    measuredMs: number(r.measuredMs),
    /** Every finding's sentence, the one that sets the condition first. */
    findings: Array.isArray(r.findings) ? r.findings.slice(0, 10).map((f) => text(f?.sentence)).filter(Boolean) : [],
  };
}

/** `[{topic, partition}]` from the network as "topic-partition" strings (at most 100). */
function partitionNames(list) {
  if (!Array.isArray(list)) return [];
  return list.slice(0, 100)
    .map((p) => (text(p?.topic, 250) !== null && number(p?.partition) !== null ? `${text(p.topic, 250)}-${p.partition}` : null))
    .filter(Boolean);
}
