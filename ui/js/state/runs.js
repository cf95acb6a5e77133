/**
 * Faults, restores and scenario runs in words: a feed line for each injection, revert,
 * restore and scenario phase, and a narrative entry for a restore and for a scenario that
 * recovered or finished. The fault bands themselves are timeline.js's; the scenario buttons
 * follow these events in view/scenarios.js.
 */
import { text } from '../format.js';
import { scenarioOutcome } from '../vocabulary.js';

/** @param ctx  the model's context (state.js): feed, narrate */
export function createRuns(ctx) {
  return {
    events: {
      fault(e, atMs) {
        const action = text(e.action, 40) ?? '?';
        const tone = action === 'failed' ? 'bad' : action === 'injected' ? 'warn' : 'ok';
        ctx.feed({ atMs, type: 'fault', tone, label: `fault ${action}`, text: text(e.sentence) ?? '' });
      },

      restore(e, atMs) {
        const tone = e.green === true ? 'ok' : 'warn';
        const sentence = text(e.sentence) ?? '';
        ctx.feed({ atMs, type: 'restore', tone, label: 'restore', text: sentence });
        ctx.narrate({ atMs, kind: 'restore', sidecarId: null, tone, badge: e.green === true ? 'GREEN' : 'NOT GREEN', detail: null, sentence });
      },

      scenario(e, atMs) {
        const phase = text(e.phase, 40) ?? '?';
        const sentence = text(e.text) ?? '';
        const tone = phase === 'finished' ? (scenarioOutcome(e) === 'passed' ? 'ok' : 'bad') : 'info';
        ctx.feed({ atMs, type: 'scenario', tone, label: `scenario ${phase}`, text: sentence });
        if (phase === 'finished' || phase === 'recovered') {
          ctx.narrate({ atMs, kind: 'scenario', sidecarId: null, tone, badge: phase.toUpperCase(), detail: text(e.scenarioId, 80), sentence });
        }
      },
    },
  };
}
